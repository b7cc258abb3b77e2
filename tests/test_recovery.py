"""Recovery from dead runs, in subprocesses on a real instance (the project's dagster.yaml): a run killed while it
holds the warehouse pool does not block the next run, which says whom it waits for and recovers the dead run, nor
stays started when no run waits (the daemon's sensor recovers it); and dev.py passes signals on to its command."""

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import dagster as dg
import psutil
import pytest
from conftest import GDELT_URL, REAL_EXPORT, zipped
from gdelt_server import FakeGdelt

from pipeline.definitions import defs
from pipeline.defs.resources import WAREHOUSE_POOL
from pipeline.demo.run import INFO_LOGS, demo_environment

ROOT = Path(__file__).resolve().parents[1]
DAGSTER = Path(sys.executable).parent / "dagster"
MONTH = "2018-03-01"
GDELT_ASSETS = "gdelt_files,gdelt_events,gdelt_rejects"
RUN_CONFIG = {"ops": {"gdelt_ingest": {"config": {"countries": [], "expected_files_per_day": 4}}}, **INFO_LOGS}
# What the demo does: dg.materialize in its own process, with the project's definitions and resources.
MATERIALIZE_IN_PROCESS = """
import json, sys
import dagster as dg
from pipeline.definitions import defs
with dg.DagsterInstance.get() as instance:
    result = dg.materialize(defs.assets, selection=sys.argv[1].split(","), partition_key=sys.argv[2],
                            run_config=json.loads(sys.argv[3]), instance=instance, resources=defs.resources)
raise SystemExit(0 if result.success else 1)
"""
IN_PROCESS = [sys.executable, "-c", MATERIALIZE_IN_PROCESS, GDELT_ASSETS, MONTH, json.dumps(RUN_CONFIG)]
# What a user types: the multiprocess executor, with steps in processes of their own.
CLI = [
    str(DAGSTER),
    "asset",
    "materialize",
    "-m",
    "pipeline.definitions",
    "--select",
    GDELT_ASSETS,
    "--partition",
    MONTH,
    "--config-json",
    json.dumps(RUN_CONFIG),
]
WITHIN = 120  # seconds for anything the test waits for


@pytest.fixture
def gdelt():
    """Three exports of 1 March 2018, listed, the last named by lastupdate.txt; the second one's download hangs
    half-way until the fault is cleared."""
    real = REAL_EXPORT.read_bytes().splitlines(keepends=True)
    names = [f"201803010{n}00.export.CSV" for n in ("000", "015", "030")]
    files = {f"{name}.zip": zipped(name, b"".join(real[: 40 + i])) for i, name in enumerate(names)}
    lines = [f"{len(data)} {hashlib.md5(data).hexdigest()} {GDELT_URL}{name}\n" for name, data in files.items()]
    files["masterfilelist.txt"] = "".join(lines).encode()
    # As GDELT has it: a run that found none would retry its 404 for 7 s before reading the list by range.
    files["lastupdate.txt"] = lines[-1].encode()
    with FakeGdelt(files, {f"{names[1]}.zip": "hang"}) as server:
        yield server


@pytest.fixture
def start(tmp_path, gdelt, monkeypatch):
    """Starts a command in a real instance (the project's dagster.yaml) in tmp_path, reading GDELT from the fake
    server and logging to a file: start(command, log name) -> (process, log). Kills what is left at the end."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get():  # its storage, created once before two processes open it
        pass
    env = {**os.environ, **demo_environment(tmp_path), "GDELT_BASE_URL": gdelt.base_url}
    started = []

    def start_command(command: list[str], log_name: str) -> tuple[subprocess.Popen, Path]:
        log = tmp_path / log_name
        with log.open("w") as out:
            started.append(subprocess.Popen(command, cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT))
        return started[-1], log

    yield start_command
    for process in started:
        process.kill()
        process.wait()


def _wait_for(condition, what: str):
    deadline = time.monotonic() + WITHIN
    while not (found := condition()):
        assert time.monotonic() < deadline, f"not within {WITHIN} s: {what}"
        time.sleep(0.2)
    return found


def _slot_holders(instance: dg.DagsterInstance) -> list[str]:
    return [slot.run_id for slot in instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL).claimed_slots]


def _start_holder(
    start, command: list[str], gdelt: FakeGdelt, instance: dg.DagsterInstance
) -> tuple[str, subprocess.Popen]:
    """A run holding the pool slot, hanging mid-download: its run id and process."""
    holder, log = start(command, "holder.log")
    assert gdelt.hanging.wait(WITHIN), log.read_text()[-3000:]
    (run_id,) = _wait_for(lambda: _slot_holders(instance), "the holder holds the pool slot")
    return run_id, holder


def _step_process(instance: dg.DagsterInstance, run_id: str) -> int:
    (start,) = instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_START)
    return start.dagster_event.pid


def _end(pid: int):
    """Kills a process the test started, if it still lingers (a step process whose run process was killed)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _assert_pool_free(instance: dg.DagsterInstance):
    info = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL)
    assert info.claimed_slots == [] and info.pending_steps == []


def test_a_killed_run_holding_the_pool_is_failed_by_the_next_run_which_then_proceeds(start, gdelt):
    with dg.DagsterInstance.get() as instance:
        # `dagster asset materialize`: the multiprocess executor runs the step in a process of its own.
        dead_run, holder = _start_holder(start, CLI, gdelt, instance)
        step_process = _step_process(instance, dead_run)
        following, log = start(IN_PROCESS, "following.log")
        # While the holder lives, the next run says whom it waits for, and leaves it alone.
        held_by = f"held by run {dead_run} (step gdelt_ingest): its process {holder.pid}"
        _wait_for(lambda: f"{held_by} is running" in log.read_text(), "the next run names the live holder")
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        # The step's process outlives the killed run process, and goes on writing the warehouse until its step ends.
        _wait_for(
            lambda: (
                f"{held_by} is gone, but its step gdelt_ingest still runs in process {step_process}" in log.read_text()
            ),
            "the next run waits for the step still running",
        )
        gdelt.faults.clear()
        gdelt.release.set()
        assert following.wait(WITHIN) == 0, log.read_text()[-3000:]
        assert (
            f"run {dead_run} was still marked started but its process {holder.pid} is gone: reported it failed "
            "and freed its pool slots"
        ) in log.read_text()
        next_run = instance.get_run_records(limit=1)[0].dagster_run
        assert next_run.status == dg.DagsterRunStatus.SUCCESS
        assert instance.get_run_by_id(dead_run).status == dg.DagsterRunStatus.FAILURE
        (failure,) = instance.all_logs(dead_run, of_type=dg.DagsterEventType.RUN_FAILURE)
        assert failure.message.startswith(f"Marked failed by run {next_run.run_id}, which was waiting for its pool")
        assert f"its process {holder.pid} is gone" in failure.message
        _assert_pool_free(instance)
    _end(step_process)


def test_a_run_canceled_in_the_ui_while_holding_the_pool_does_not_block_the_next_run(start, gdelt):
    with dg.DagsterInstance.get() as instance:
        # What the demo does, killed; then terminated in the UI, which marks it canceled and leaves its slot taken.
        dead_run, holder = _start_holder(start, IN_PROCESS, gdelt, instance)
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        instance.report_run_canceled(instance.get_run_by_id(dead_run), "terminated in the UI")  # what the UI calls
        gdelt.faults.clear()
        gdelt.release.set()
        following, log = start(CLI, "following.log")
        assert following.wait(WITHIN) == 0, log.read_text()[-3000:]
        assert f"run {dead_run} had ended (CANCELED) but still held pool slots: freed them" in log.read_text()
        assert instance.get_run_by_id(dead_run).status == dg.DagsterRunStatus.CANCELED
        _assert_pool_free(instance)
        assert instance.get_run_records(limit=1)[0].dagster_run.status == dg.DagsterRunStatus.SUCCESS


def test_the_daemon_s_sensor_fails_a_killed_run_that_no_run_waits_for(start, gdelt):
    with dg.DagsterInstance.get() as instance:
        dead_run, holder = _start_holder(start, IN_PROCESS, gdelt, instance)
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        repository = defs.get_repository_def()
        with dg.build_sensor_context(instance=instance, repository_def=repository) as context:
            tick = repository.get_sensor_def("dead_runs_sensor").evaluate_tick(context)
        assert tick.run_requests == [] and tick.skip_message == (
            f"run {dead_run} was still marked started but its process {holder.pid} is gone: reported it failed and "
            "freed its pool slots"
        )
        assert instance.get_run_by_id(dead_run).status == dg.DagsterRunStatus.FAILURE
        _assert_pool_free(instance)


# A test for dev.py to run (`python3 dev.py test <it>`): it notes its pid and the signals it gets until half a second
# after the first, and passes.
SIGNALLED_TEST = """
import os, signal, time
from pathlib import Path

def test_until_signalled():
    received = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda signum, _: received.append(signal.Signals(signum).name))
    Path(__file__).with_suffix(".pid").write_text(str(os.getpid()))
    deadline = time.monotonic() + 60
    while not received and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # a second signal, if one were sent, arrives meanwhile
    Path(__file__).with_suffix(".signals").write_text(" ".join(received))
"""


@pytest.fixture
def dev_py_test(tmp_path):
    """Starts `python3 dev.py test` running SIGNALLED_TEST, in a session of its own: dev_py_test(**Popen arguments)
    -> (dev.py, the pid of its command), once the command runs. Kills both if they are left at the end."""
    test = tmp_path / "test_signalled.py"
    test.write_text(SIGNALLED_TEST)
    started = []

    def start(**popen) -> tuple[subprocess.Popen, int]:
        dev = subprocess.Popen(
            [sys.executable, "dev.py", "test", str(test), "-q", "-p", "no:cacheprovider"],
            cwd=ROOT,
            start_new_session=True,
            **popen,
        )
        started.append(dev)
        pid_file = test.with_suffix(".pid")
        command = int(_wait_for(lambda: pid_file.exists() and pid_file.read_text(), "dev.py starts its command"))
        started.append(psutil.Process(command))
        return dev, command

    yield start
    for process in started:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()


@pytest.mark.parametrize("send", [os.kill, os.killpg], ids=["to dev.py", "to its process group"])
def test_a_signal_to_dev_py_reaches_its_command_once_and_dev_py_waits_for_it(dev_py_test, tmp_path, send):
    dev, command = dev_py_test(stdout=subprocess.DEVNULL)
    send(dev.pid, signal.SIGTERM)
    assert dev.wait(WITHIN) == 0  # the command's own exit status: dev.py waited for it
    assert (tmp_path / "test_signalled.signals").read_text() == "SIGTERM"
    assert not psutil.pid_exists(command)


def test_ctrl_c_in_a_terminal_reaches_the_command_once(dev_py_test, tmp_path):
    controller, terminal = os.openpty()
    # dev.py leads a session whose controlling terminal is the pseudo-terminal, as in a shell.
    dev, command = dev_py_test(
        stdin=terminal, stdout=terminal, stderr=terminal, preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    )
    os.close(terminal)
    output = []
    reader = threading.Thread(target=_read_until_closed, args=(controller, output), daemon=True)
    reader.start()
    os.write(controller, b"\x03")  # Ctrl-C: the terminal signals its foreground process group
    assert dev.wait(WITHIN) == 0, b"".join(output).decode(errors="replace")
    assert (tmp_path / "test_signalled.signals").read_text() == "SIGINT"
    assert not psutil.pid_exists(command)
    reader.join(WITHIN)


def _read_until_closed(fd: int, into: list[bytes]):
    try:
        while chunk := os.read(fd, 4096):
            into.append(chunk)
    except OSError:  # EIO: every process holding the terminal has closed it
        pass
    os.close(fd)

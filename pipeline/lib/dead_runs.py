"""Runs whose processes are gone: found on this machine, reported failed, and their pool slots freed.

Dagster's daemon frees the pool slots of runs that have ended (dagster.yaml, run_monitoring), and a code server
reports failed the runs it launched when their process dies. Nothing notices that a run executed by a process of
its own (dg.materialize as the demo does, `dagster asset materialize`) was killed: the run stays STARTED, keeps its
pool slots, and every later run waits for them forever. Every Dagster event records the pid of the process that
emitted it, so on the machine that keeps the instance's storage a run's processes can be looked up.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import dagster as dg
import psutil

# No public API says where an instance keeps its runs.
from dagster._core.storage.runs import SqliteRunStorage

# A pid is reused only by a process started after the first one ended. psutil reckons start times from the boot
# time by the wall clock, which Linux gives in whole seconds and which moves when the clock is set (as after a
# laptop wakes), so only a process started well after the run did is taken for another one: taking a live run for
# a dead one would fail it, while a reused pid that passes for the run only delays its recovery.
START_TIME_SLACK_SECONDS = 60.0

STEP_STARTS = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_RESTARTED}
STEP_ENDS = {dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.STEP_UP_FOR_RETRY}


def storage_is_local(instance: dg.DagsterInstance) -> bool:
    """Whether the pids the instance records are this machine's: its storage is SQLite, files under DAGSTER_HOME
    that processes of this machine write (dev.py keeps DAGSTER_HOME in the checkout). A DAGSTER_HOME shared with
    another machine, or with a container, would break this."""
    return isinstance(instance.run_storage, SqliteRunStorage)


def process_ended(pid: int, running_at: float) -> bool:
    """Whether process `pid`, known to be running at time `running_at`, has ended: there is no such process, it is
    a zombie, or the pid now belongs to a process started after that time."""
    try:
        process = psutil.Process(pid)
        return process.status() == psutil.STATUS_ZOMBIE or (
            process.create_time() > running_at + START_TIME_SLACK_SECONDS
        )
    except psutil.NoSuchProcess:
        return True
    except psutil.AccessDenied:  # another user's process: it exists
        return False


def run_started_by_this_process(instance: dg.DagsterInstance, run_id: str) -> bool:
    """Whether this process started the run: it executes the run in process, or orchestrates its step processes
    (and is not one of them)."""
    starts = instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_START)
    return any(e.dagster_event.pid == os.getpid() for e in starts)


@dataclass(frozen=True)
class Liveness:
    """Whether every process of a started run is gone, and what was found, as a phrase ("its process 42 ...")."""

    gone: bool
    found: str


def liveness(instance: dg.DagsterInstance, run: dg.DagsterRun) -> Liveness:
    """The run's process is the one that started it; with the multiprocess executor each step also runs in a process
    of its own, which outlives a killed run process until its step ends (it keeps writing meanwhile)."""
    events = instance.all_logs(run.run_id, of_type={dg.DagsterEventType.RUN_START, *STEP_STARTS, *STEP_ENDS})
    start = next((e for e in events if e.dagster_event_type == dg.DagsterEventType.RUN_START), None)
    if start is None or start.dagster_event.pid is None:
        return Liveness(False, "its process is not known")
    pid = start.dagster_event.pid
    if not process_ended(pid, start.timestamp):
        return Liveness(False, f"its process {pid} is running")
    running_steps = {}
    for event in events:
        if event.dagster_event_type in STEP_STARTS:
            running_steps[event.step_key] = event
        elif event.dagster_event_type in STEP_ENDS:
            running_steps.pop(event.step_key, None)
    for step_key, event in running_steps.items():
        step_pid = event.dagster_event.pid
        if step_pid not in (None, pid) and not process_ended(step_pid, event.timestamp):
            return Liveness(
                False, f"its process {pid} is gone, but its step {step_key} still runs in process {step_pid}"
            )
    return Liveness(True, f"its process {pid} is gone")


def recover_dead_runs(instance: dg.DagsterInstance, found_by: str, run_ids: Iterable[str] | None = None) -> list[str]:
    """Frees the pool slots that ended runs still hold (a run terminated in the UI), and reports failed, freeing
    their slots, the started runs whose processes are gone. `run_ids`: the runs to look at, by default every run
    holding or waiting for a pool slot and every started run. `found_by` tells the dead run's log who found it.
    Returns a sentence for each run recovered."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    in_pools = storage.get_concurrency_run_ids()
    if run_ids is None:
        started = instance.get_run_records(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
        run_ids = in_pools | {record.dagster_run.run_id for record in started}
    run_ids = list(run_ids)
    if not run_ids:  # an empty filter would select every run
        return []
    recovered = []
    for record in instance.get_run_records(dg.RunsFilter(run_ids=run_ids)):
        run = record.dagster_run
        if run.is_finished and run.run_id in in_pools:
            storage.free_concurrency_slots_for_run(run.run_id)
            recovered.append(f"run {run.run_id} had ended ({run.status.value}) but still held pool slots: freed them")
        elif run.status == dg.DagsterRunStatus.STARTED and storage_is_local(instance):
            found = liveness(instance, run)
            if not found.gone:
                continue
            instance.report_run_failed(
                run,
                f"Marked failed by {found_by}: {found.found}, so the run was killed or "
                "crashed without reporting its end. Its pool slots are freed.",
            )
            storage.free_concurrency_slots_for_run(run.run_id)
            recovered.append(
                f"run {run.run_id} was still marked started but {found.found}: "
                "reported it failed and freed its pool slots"
            )
    return recovered

"""Readers and writers at once: readers of the lake during runs, writers taking turns, a backfill in concurrent runs.

The warehouse is a DuckLake: a reader reads the last committed snapshot whatever a writer does, and writers on
one machine take turns through the lock file in the warehouse's directory (the SQLite catalog commits one at a
time).
"""

import os
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import date
from multiprocessing import get_context
from pathlib import Path

import dagster as dg
import pytest
from conftest import REAL_EXPORT, table_digests, write_mirror, zipped

from pipeline.defs.gdelt.assets import gdelt_ingest
from pipeline.defs.resources import GdeltMirrorResource, WarehouseResource
from pipeline.demo.run import PARTITION_RANGE_END, PARTITION_RANGE_START
from pipeline.demo.world import DemoSpec, generate
from pipeline.lib import settings, warehouse

ROOT = Path(__file__).resolve().parents[1]
MONTHS = [date(2018, m, 1).isoformat() for m in range(1, 5)]  # four runs in four processes prove the overlap
ONE_YEAR = DemoSpec(years=1, country_start_year=2018, country_years=1)  # a demo mirror of 2018 only


def _ingest(
    database: Path, mirror: str, partition: str, countries: list[str], instance: dg.DagsterInstance, **config
) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [gdelt_ingest],
        partition_key=partition,
        instance=instance,
        raise_on_error=False,
        resources={
            "warehouse": WarehouseResource(path=str(database)),
            "gdelt": GdeltMirrorResource(base_url=mirror, cache_dir=str(database.parent / "cache")),
            "gdelt_bigquery": dg.ResourceDefinition.none_resource(),
        },
        run_config={
            "ops": {"gdelt_ingest": {"config": {"countries": countries, "expected_files_per_day": 4, **config}}}
        },
    )


def test_a_reader_never_waits_for_a_run_and_sees_only_whole_snapshots(tmp_path):
    name = REAL_EXPORT.name
    mirror = str(write_mirror(tmp_path / "mirror", {f"{name}.zip": zipped(name, REAL_EXPORT.read_bytes())}))
    lake = tmp_path / "lake"
    with dg.instance_for_test() as instance:
        assert _ingest(lake, mirror, "2018-03-01", ["CHN"], instance).success
        reader = warehouse.connect(lake, read_only=True)
        assert reader.execute("SELECT count(*) FROM gdelt_events").fetchone()[0] == 25
        # Query all through the run: every read succeeds, each sees one whole snapshot (the month's events and
        # its ledger agree), and the run is not blocked.
        reads, stop = [], threading.Event()

        def keep_reading():
            while not stop.is_set():
                reads.append(
                    reader.execute(
                        "SELECT (SELECT count(*) FROM gdelt_events), (SELECT sum(rows_kept) FROM gdelt_files)"
                    ).fetchone()
                )

        thread = threading.Thread(target=keep_reading)
        thread.start()
        try:
            result = _ingest(lake, mirror, "2018-03-01", [], instance, rescope=True)
        finally:
            stop.set()
            thread.join()
        assert result.success and len(reads) > 0 and set(reads) <= {(25, 25), (1540, 1540)}
        assert reader.execute("SELECT count(*) FROM gdelt_events").fetchone()[0] == 1540  # the new snapshot
        reader.close()


HOLDER = """
import sys, time
from pipeline.defs.resources import WarehouseResource
with WarehouseResource(path=sys.argv[1]).get_connection() as con:
    print("held", flush=True)
    time.sleep(2)
"""


def test_a_writer_waits_for_another_writer_and_says_who_it_is(tmp_path):
    lake = tmp_path / "lake"
    with warehouse.connect(lake) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(lake)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(TimeoutError, match=f"held by process {holder.pid} for more than 1 s"):
        with WarehouseResource(path=str(lake), lock_timeout_seconds=1).get_connection():
            pass
    with warehouse.connect(lake, read_only=True) as reader:  # a reader does not wait
        assert reader.execute("SELECT x FROM t").fetchone()[0] == 1
    with WarehouseResource(path=str(lake), lock_timeout_seconds=30).get_connection() as con:
        con.execute("INSERT INTO t VALUES (2)")  # it waited for the other writer to let go
    holder.wait()


def _ingest_in_process(args) -> tuple[str, bool]:
    database, mirror, partition, home = args
    os.environ["DAGSTER_HOME"] = home
    with dg.DagsterInstance.get() as instance:
        return partition, _ingest(Path(database), mirror, partition, [], instance).success


@pytest.fixture(scope="module")
def demo_mirror(tmp_path_factory) -> str:
    directory = tmp_path_factory.mktemp("world")
    generate(directory, ONE_YEAR)
    return str(directory / "gdelt")


def test_months_in_concurrent_runs_equal_a_serial_backfill(tmp_path, demo_mirror, monkeypatch):
    serial, concurrent = tmp_path / "serial" / "lake", tmp_path / "concurrent" / "lake"
    with dg.DagsterInstance.ephemeral() as instance:  # in memory: only the concurrent runs need storage
        for partition in MONTHS:
            assert _ingest(serial, demo_mirror, partition, [], instance).success
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")  # the project's instance: SQLite, the writer pool
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get():  # create its storage once, before four processes open it at the same time
        pass
    # Four fresh processes, forked from a server that has imported the project once (a spawned process would
    # import it again, about 5 s each); the server starts no thread and opens no warehouse or instance.
    context = get_context("forkserver")
    context.set_forkserver_preload(["pipeline.definitions", "test_concurrency"])
    with ProcessPoolExecutor(max_workers=4, mp_context=context) as pool:
        outcomes = dict(pool.map(_ingest_in_process, [(str(concurrent), demo_mirror, p, str(home)) for p in MONTHS]))
    assert outcomes == {p: True for p in MONTHS}
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_run_records()
        assert len(runs) == len(MONTHS) and all(r.dagster_run.is_success for r in runs)
        spans = sorted((r.start_time, r.end_time) for r in runs)
        assert any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:], strict=False))  # runs did overlap
        failures = [
            e
            for r in runs
            for e in instance.all_logs(r.dagster_run.run_id)
            if "database is locked" in (e.message or "") or "Could not set lock" in (e.message or "")
        ]
        assert failures == []
    digests = table_digests(concurrent)
    assert digests == table_digests(serial) and {"gdelt_events", "gdelt_files", "gdelt_rejects"} <= set(digests)


def test_the_sql_command_answers_during_a_backfill(tmp_path, demo_mirror):
    """`python3 dev.py sql -c "from event_study"`, again and again while a 12-month backfill writes the lake:
    every answer is right, and answers come while the run is under way."""
    lake = tmp_path / "lake"
    with warehouse.connect(lake) as con:
        con.execute("CREATE TABLE event_study AS SELECT 'rel_1' AS term, 0.5 AS estimate")
    env = {k: v for k, v in os.environ.items() if k not in settings.BY_NAME and k != settings.ORIGINS_VARIABLE}
    env["WAREHOUSE_PATH"] = str(lake)
    answers = []

    def backfill():
        with dg.DagsterInstance.ephemeral() as instance:
            return dg.materialize(
                [gdelt_ingest],
                instance=instance,
                tags={PARTITION_RANGE_START: "2018-01-01", PARTITION_RANGE_END: "2018-12-01"},
                resources={
                    "warehouse": WarehouseResource(path=str(lake)),
                    "gdelt": GdeltMirrorResource(base_url=demo_mirror, cache_dir=str(tmp_path / "cache")),
                    "gdelt_bigquery": dg.ResourceDefinition.none_resource(),
                },
                run_config={"ops": {"gdelt_ingest": {"config": {"countries": [], "expected_files_per_day": 4}}}},
            )

    with ThreadPoolExecutor(max_workers=1) as pool:
        run = pool.submit(backfill)
        while not run.done():
            answer = subprocess.run(
                [sys.executable, "dev.py", "sql", "-csv", "-c", "from event_study"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            answers.append((answer.returncode, answer.stdout, answer.stderr, run.done()))
        result = run.result()
    assert result.success
    assert all(code == 0 and out.splitlines() == ["term,estimate", "rel_1,0.5"] for code, out, _, _ in answers), [
        a[2] for a in answers
    ]
    assert any(not done for *_, done in answers)  # at least one answer came back before the backfill finished
    with warehouse.connect(lake, read_only=True) as reader:
        assert reader.execute("SELECT count(DISTINCT partition_month) FROM gdelt_files").fetchone()[0] == 12

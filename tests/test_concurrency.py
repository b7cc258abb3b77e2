"""Readers and writers at once: the published copy, and a backfill in concurrent runs.

DuckDB lets one process write a database file, and a reader holding the file open blocks that writer. The
warehouse resource therefore waits its turn for the lock and, after every step, publishes a read-only copy
that readers open instead (warehouse.published.duckdb).
"""

import os
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from multiprocessing import get_context
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import REAL_EXPORT, table_digests, write_mirror, zipped

from pipeline.defs.gdelt.assets import gdelt_ingest
from pipeline.defs.resources import GdeltMirrorResource, WarehouseResource
from pipeline.demo.world import DemoSpec, generate
from pipeline.lib import warehouse

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
            "warehouse": WarehouseResource(database=str(database), connection_config=warehouse.SETTINGS),
            "gdelt": GdeltMirrorResource(base_url=mirror, cache_dir=str(database.parent / "cache")),
            "gdelt_bigquery": dg.ResourceDefinition.none_resource(),
        },
        run_config={
            "ops": {"gdelt_ingest": {"config": {"countries": countries, "expected_files_per_day": 4, **config}}}
        },
    )


def test_a_reader_on_the_published_copy_never_blocks_a_run(tmp_path):
    name = REAL_EXPORT.name
    mirror = str(write_mirror(tmp_path / "mirror", {f"{name}.zip": zipped(name, REAL_EXPORT.read_bytes())}))
    database = tmp_path / "warehouse.duckdb"
    with dg.instance_for_test() as instance:
        assert _ingest(database, mirror, "2018-03-01", ["CHN"], instance).success
        published = warehouse.published_path(database)
        reader = duckdb.connect(str(published), read_only=True)
        assert reader.execute("SELECT count(*) FROM gdelt_events").fetchone()[0] == 25
        # Query all through the run: every read succeeds, and the run is not blocked.
        reads, stop = [], threading.Event()

        def keep_reading():
            while not stop.is_set():
                reads.append(reader.execute("SELECT count(*) FROM gdelt_events").fetchone()[0])

        thread = threading.Thread(target=keep_reading)
        thread.start()
        try:
            result = _ingest(database, mirror, "2018-03-01", [], instance, rescope=True)
        finally:
            stop.set()
            thread.join()
        assert result.success and len(reads) > 0 and set(reads) == {25}  # the reader's snapshot, unbroken
        reader.close()
        fresh = duckdb.connect(str(published), read_only=True)
        assert fresh.execute("SELECT count(*) FROM gdelt_events").fetchone()[0] == 1540  # the new data
        fresh.close()


def test_a_writer_waits_for_the_lock_instead_of_failing(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    setup = duckdb.connect(str(database))
    setup.execute("CREATE TABLE t AS SELECT 1 AS x")
    setup.close()
    # Another process holds the file for 2 s (within one process DuckDB would share it instead).
    script = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(2)"
    holder = subprocess.Popen([sys.executable, "-c", script, str(database)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(duckdb.IOException, match="lock"):  # past its timeout, the error is DuckDB's own
        with WarehouseResource(database=str(database), lock_timeout_seconds=1).get_connection():
            pass
    with WarehouseResource(database=str(database), lock_timeout_seconds=30).get_connection() as con:
        assert con.execute("SELECT x FROM t").fetchone()[0] == 1  # it waited for the other process to let go
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
    serial, concurrent = tmp_path / "serial" / "warehouse.duckdb", tmp_path / "concurrent" / "warehouse.duckdb"
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
            if "Could not set lock" in (e.message or "")
        ]
        assert failures == []
    digests = table_digests(concurrent)
    assert digests == table_digests(serial) and {"gdelt_events", "gdelt_files", "gdelt_rejects"} <= set(digests)

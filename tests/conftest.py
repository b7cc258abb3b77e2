import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REAL_EXPORT = FIXTURES / "20180326044500.export.CSV"
GDELT_URL = "http://data.gdeltproject.org/gdeltv2/"


def zipped(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def write_mirror(directory: Path, files: dict[str, bytes], listed: dict[str, tuple[int, str]] | None = None) -> Path:
    """A GDELT-style mirror: each zip under its name, and a masterfilelist.txt of `size md5 url` lines.

    `listed` overrides the (size, md5) written for a name, to simulate a list that disagrees with the file.
    """
    directory.mkdir(parents=True, exist_ok=True)
    lines = []
    for name, data in files.items():
        if data is not None:
            (directory / name).write_bytes(data)
        size, md5 = (listed or {}).get(name) or (len(data), hashlib.md5(data).hexdigest())
        lines.append(f"{size} {md5} {GDELT_URL}{name}\n")
    (directory / "masterfilelist.txt").write_text("".join(lines))
    return directory


@pytest.fixture(scope="session")
def geography_db(tmp_path_factory) -> Path:
    """The geography tables (regions, crosswalks, prefecture boundaries), built once for the whole run: the first
    xdist worker to ask builds them under a lock in the run's shared temporary directory, the others read that file
    (open it READ_ONLY, or copy it)."""
    import fcntl

    import duckdb

    from pipeline.lib.geo.layer import build_geography

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the directory every worker's own temporary directory is in
    path = shared / "geography.duckdb"
    with (shared / "geography.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            building = path.with_suffix(".building")
            building.unlink(missing_ok=True)
            connection = duckdb.connect(str(building))
            assert build_geography(connection) == []  # every prefecture seat lies in its own polygon
            connection.close()
            building.rename(path)
    return path


@pytest.fixture(scope="session")
def postgres_cluster():
    """A private PostgreSQL cluster (tests/postgres.py), started once per test process (each xdist worker has its
    own) when a test first asks for it; it fails, not skips, where PostgreSQL is not installed: CI installs it."""
    from postgres import running_cluster

    with running_cluster() as cluster:
        yield cluster


@pytest.fixture
def postgres_database(postgres_cluster) -> str:
    """The libpq connection string of a new, empty database in the session's cluster, one for each test."""
    return postgres_cluster.create_database()


# The tables the geo assets build, which conftest's geography_db holds.
GEOGRAPHY = ("regions", "fips_adm1_crosswalk", "fips_adm1_iso_crosswalk", "prefecture_boundaries")


def copy_geography(con, geography_db: Path) -> None:
    """Copy the geography geography_db built into the warehouse `con` writes, as the geo assets would have built it."""
    con.execute(f"ATTACH '{geography_db}' AS geo (READ_ONLY)")
    for table in GEOGRAPHY:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM geo.{table}")
    con.execute("DETACH geo")


@pytest.fixture
def real_export_bytes() -> bytes:
    return REAL_EXPORT.read_bytes()


def stop_process_group(process) -> None:
    """Stop a command started with start_new_session=True (dagster dev, dagster-daemon) and everything it started."""
    import os
    import signal
    import subprocess

    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def table_digests(lake) -> dict[str, str]:
    """A digest of every table's rows, in sorted order, so that two warehouses can be compared whatever order they
    were written in. checked_at records when the ledger checked each file, and export_manifests the snapshots the
    exports were read from: the values that differ between runs. `lake`: a warehouse.Location, or the directory
    of a lake with the embedded catalog."""
    from pipeline.lib import warehouse

    con = warehouse.connect(lake, read_only=True)
    digests = {}
    tables = "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY 1"
    for (table,) in con.execute(tables).fetchall():
        columns = {"gdelt_files": "* EXCLUDE (checked_at)", "export_manifests": "* EXCLUDE (lake_snapshot)"}
        rows = con.execute(f'SELECT {columns.get(table, "*")} FROM "{table}" ORDER BY ALL').fetchall()
        digests[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    con.close()
    return digests


def copy_lake(source: Path, target: Path) -> Path:
    """A copy of the lake in directory `source` (closed) at `target`, its catalog's data path moved with it."""
    import shutil
    import sqlite3
    from contextlib import closing

    shutil.copytree(source, target)
    with closing(sqlite3.connect(target / "catalog.sqlite")) as catalog, catalog:
        catalog.execute(
            "UPDATE ducklake_metadata SET value = ? WHERE key = 'data_path'", (f"{(target / 'data').resolve()}/",)
        )
    return target


# The files whose tests start Dagster processes, a browser or the demo, longest first (measured with --durations),
# and in each of them the tests marked slow first. xdist hands whole files to its two workers in collection order
# (pyproject.toml: --dist loadfile --no-loadscope-reorder), giving a worker its next file as soon as two of its
# tests are left: so the long files start first, each on a worker of its own, and the short files fill in.
LONGEST_FIRST = (
    "test_demo_pipeline.py",
    "test_recovery.py",
    "test_browser.py",
    "test_automation.py",
    "test_concurrency.py",
    "test_refresh.py",
    "test_settings.py",
)


def pytest_collection_modifyitems(items):
    def rank(item):
        name = item.path.name
        if name not in LONGEST_FIRST:
            return (len(LONGEST_FIRST), 0)
        return (LONGEST_FIRST.index(name), item.get_closest_marker("slow") is None)

    items.sort(key=rank)  # stable: the other files, and the other tests within a file, keep their order

"""The warehouse as a DuckLake: a killed writer, an older warehouse file, maintenance that keeps cited snapshots."""

import hashlib
import logging
import signal
import subprocess
import sys

import duckdb
import pytest

from pipeline.lib import maintenance, warehouse
from pipeline.lib.exports import export_with_manifest

# A writer that replaces every row of `big` and of `small` in one transaction, says when it is about to commit,
# then commits: the parent kills it with SIGKILL while the commit is under way.
WRITER = """
import sys
from pipeline.lib import warehouse
con = warehouse.connect(sys.argv[1])
with warehouse.transaction(con):
    con.execute("DELETE FROM big")
    con.execute("INSERT INTO big SELECT range AS x, 2 AS generation FROM range(3000000)")
    con.execute("DELETE FROM small")
    con.execute("INSERT INTO small SELECT 2 AS generation")
    print("committing", flush=True)
print("committed", flush=True)
"""


@pytest.mark.parametrize("delay_seconds", [0.0, 0.02, 0.2])
def test_a_writer_killed_mid_commit_leaves_the_last_snapshot_whole(tmp_path, delay_seconds):
    lake = tmp_path / "lake"
    with warehouse.connect(lake) as con:
        con.execute("CREATE TABLE big AS SELECT range AS x, 1 AS generation FROM range(1000000)")
        con.execute("CREATE TABLE small AS SELECT 1 AS generation")
        before = warehouse.current_snapshot(con)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(lake)], stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "committing"
    try:
        writer.wait(timeout=delay_seconds)
    except subprocess.TimeoutExpired:
        writer.send_signal(signal.SIGKILL)
    writer.wait()
    with warehouse.connect(lake, read_only=True) as reader:
        seen = reader.execute(
            "SELECT (SELECT count(*) FROM big), (SELECT min(generation) FROM big), (SELECT max(generation) FROM big), "
            "(SELECT generation FROM small)"
        ).fetchone()
        after = warehouse.current_snapshot(reader)
    # Either the commit had not landed (the previous snapshot, whole) or it had (the new one, whole); never a mix.
    assert seen in {(1_000_000, 1, 1, 1), (3_000_000, 2, 2, 2)}
    assert (after == before) == (seen[3] == 1)
    # And the next writer is not stuck behind the dead one.
    with warehouse.connect(lake) as con:
        con.execute("INSERT INTO small VALUES (3)")
        assert con.execute("SELECT max(generation) FROM small").fetchone()[0] == 3


def test_an_older_warehouse_file_is_copied_into_the_lake_once(tmp_path, caplog):
    legacy = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(legacy)) as old:
        old.execute("CREATE TABLE contracts AS SELECT range AS contract_id FROM range(7)")
        old.execute("CREATE TABLE gdelt_events AS SELECT range AS GLOBALEVENTID FROM range(5)")
    with caplog.at_level(logging.WARNING, logger="pipeline.warehouse"), warehouse.connect(tmp_path / "lake") as con:
        copied = con.execute("SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM gdelt_events)").fetchone()
    assert copied == (7, 5)
    assert "copied the warehouse of an earlier version" in caplog.text and "2 tables, 12 rows" in caplog.text
    assert not legacy.exists() and (tmp_path / "warehouse.duckdb.migrated").is_file()  # kept, and copied once
    with warehouse.connect(tmp_path / "lake") as con:
        assert con.execute("SELECT count(*) FROM contracts").fetchone()[0] == 7


def test_maintenance_expires_old_snapshots_but_never_one_a_manifest_cites(tmp_path):
    con = warehouse.connect(tmp_path / "lake")
    con.execute("CREATE TABLE panel AS SELECT range AS x FROM range(10)")
    con.execute("INSERT INTO panel VALUES (10)")
    uncited = warehouse.current_snapshot(con)
    con.execute("INSERT INTO panel VALUES (11)")
    manifest = export_with_manifest(con, "panel", tmp_path / "exports", ["panel"], {})
    for value in range(12, 20):  # newer data lands, in small commits
        con.execute("INSERT INTO panel VALUES ($value)", {"value": value})
    done = maintenance.maintain(con, retention_days=0, log=lambda message: None)
    assert manifest["lake_snapshot"] not in done["snapshots_expired"] and uncited in done["snapshots_expired"]
    assert done["after"]["snapshots"] < done["before"]["snapshots"] and done["files_deleted"] > 0
    # The cited export reads again byte for byte; the expired snapshot is gone; the present is whole.
    again = tmp_path / "again.parquet"
    con.execute(
        f"COPY (FROM panel AT (VERSION => {manifest['lake_snapshot']}) ORDER BY ALL) TO '{again}' (FORMAT parquet)"
    )
    assert hashlib.sha256(again.read_bytes()).hexdigest() == manifest["export_sha256"]
    with pytest.raises(duckdb.Error):
        con.execute(f"FROM panel AT (VERSION => {uncited})").fetchall()
    assert con.execute("SELECT count(*), max(x) FROM panel").fetchone() == (20, 19)
    with pytest.raises(ValueError, match="retention_days is -1"):
        maintenance.maintain(con, retention_days=-1)
    con.close()

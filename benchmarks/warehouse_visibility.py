"""Benchmark: what a step pays to make its result visible to readers, as the warehouse grows.

    .venv/bin/python benchmarks/warehouse_visibility.py [--max-gb 10] [--step-rows 1000000]

Two warehouses grow side by side in benchmarks/.data/visibility/ with the same synthetic GDELT rows (the
gdelt_events table of sql/ddl/gdelt_events.sql, one month of rows per step), from about 100 MB to --max-gb:

  duckdb-copy  the warehouse before issue 16: one DuckDB file; after a step, publish (checkpoint, copy of the
               whole file, fsync, atomic rename; written out below, as that version's warehouse.publish was)
               made the result visible to readers of the published copy
  ducklake     the warehouse now (pipeline.lib.warehouse.connect: SQLite catalog, Parquet data files): the step's
               rows are inserted in a transaction, and its COMMIT makes them visible as a new snapshot

At each size (about 0.1, 0.2, 0.5, 1, 2, 5, 10 GB) one measured step appends a month of rows to both; between
sizes, unmeasured bulk steps grow them. Reported per size: the step's write time and its visibility cost
(publish for duckdb-copy, COMMIT for ducklake), and their ratio. The visibility cost of the copy grows with the
warehouse; a commit's should not.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

import duckdb
from harness import ROOT

from pipeline.lib import sql, warehouse

DATA = ROOT / "benchmarks" / ".data" / "visibility"
FILE = DATA / "file" / "warehouse.duckdb"  # its own folder: a lake takes a warehouse.duckdb beside it for an old one
SIZES_GB = (0.1, 0.2, 0.5, 1, 2, 5, 10)


def columns(con) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'gdelt_events' "
        "ORDER BY ordinal_position"
    ).fetchall()


def fill_expression(name: str, type_: str) -> str:
    """A value for column `name` of `type_`, from hashes of the row number i."""
    if type_ in ("BIGINT", "INTEGER"):
        return f"(hash(i, '{name}') % 1000)::{type_}"
    if type_ == "DOUBLE":
        return f"(hash(i, '{name}') % 100000) / 1000.0"
    if type_ == "DATE":
        return "DATE '2015-01-01' + (i % 3650)::INTEGER"
    if name.endswith("URL"):
        return f"'https://news.example.com/' || hash(i, '{name}') % 10000000 || '.html'"
    if name.endswith("Name") or name.endswith("FullName"):
        return f"'Place or name ' || hash(i, '{name}') % 20000"
    return f"'C' || hash(i, '{name}') % 300"


def insert_statement(con) -> str:
    values = ", ".join(f"{fill_expression(n, t)} AS {n}" for n, t in columns(con))
    return f"INSERT INTO gdelt_events SELECT {values} FROM range($first, $first + $rows) AS r(i)"


def open_duckdb(folder: Path) -> duckdb.DuckDBPyConnection:
    FILE.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(FILE), config=warehouse.SETTINGS)
    sql.run(con, "ddl/gdelt_events")
    return con


def publish_whole_file(con: duckdb.DuckDBPyConnection, database: Path) -> None:
    """The replaced design's publish: everything in the file (CHECKPOINT), a copy of it fsynced, renamed over the
    published copy atomically."""
    con.execute("CHECKPOINT")
    target = database.with_name(f"{database.stem}.published{database.suffix}")
    staging = target.with_name(f".{target.name}.tmp")
    shutil.copyfile(database, staging)
    with open(staging, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staging, target)


def open_lake(folder: Path) -> duckdb.DuckDBPyConnection:
    con = warehouse.connect(folder / "lake")
    sql.run(con, "ddl/gdelt_events")
    return con


def size_gb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-gb", type=float, default=10)
    parser.add_argument("--step-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    file_con, lake_con = open_duckdb(DATA), open_lake(DATA)
    insert = insert_statement(file_con)
    written = 0

    def grow(rows: int) -> None:
        nonlocal written
        for con in (file_con, lake_con):
            con.execute(insert, {"first": written, "rows": rows})
        written += rows

    print(f"{'size GB':>8} {'copy: write':>12} {'publish':>8} {'lake: write':>12} {'commit':>8}   publish/commit")
    for target in [s for s in SIZES_GB if s <= args.max_gb]:
        while size_gb(FILE) < target * 0.95:
            grow(args.step_rows * (1 if target <= 1 else 5))  # small steps while the sizes are close together
        started = time.perf_counter()
        file_con.execute(insert, {"first": written, "rows": args.step_rows})
        file_written = time.perf_counter()
        publish_whole_file(file_con, FILE)
        published = time.perf_counter()
        lake_con.execute("BEGIN")
        lake_con.execute(insert, {"first": written, "rows": args.step_rows})
        lake_written = time.perf_counter()
        lake_con.execute("COMMIT")
        committed = time.perf_counter()
        written += args.step_rows
        publish_seconds, commit = published - file_written, committed - lake_written
        print(
            f"{size_gb(FILE):8.2f} {file_written - started:10.2f} s {publish_seconds:6.2f} s "
            f"{lake_written - published:10.2f} s {commit * 1000:5.0f} ms {publish_seconds / commit:8.0f}x   "
            f"(lake {size_gb(DATA / 'lake'):.2f} GB, {written:,} rows)",
            flush=True,
        )
    file_con.close()
    lake_con.close()
    shutil.rmtree(DATA)


if __name__ == "__main__":
    main()

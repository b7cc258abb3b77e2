"""Opening the DuckDB warehouse and replacing slices of its tables."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from pipeline.lib import sql

# DuckDB's own default lets it take 80% of the machine's memory before it spills to disk; the
# pipeline keeps it to a share that leaves room for parsing beside it (ingest peaks stay under 2 GB).
SETTINGS = {"memory_limit": "1GB"}


class EmptyReplacementError(ValueError):
    """A load that would replace rows the warehouse holds with none, which is almost always a broken input."""


def refuse_emptying(what: str, before: int, after: int, allow_empty: bool) -> None:
    """Raise EmptyReplacementError when `what` held rows (`before`) and would now hold none, unless allowed."""
    if before > 0 and after == 0 and not allow_empty:
        raise EmptyReplacementError(
            f"{what} holds {before:,} rows and would now hold none; nothing was replaced. Check the input (a file "
            f"with a header and no rows, a source that served nothing). If empty is right, rerun with "
            f"allow_empty: true in the run config."
        )


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only, config=SETTINGS)


def published_path(database: str | Path) -> Path:
    """Where readers find the published copy of a warehouse: warehouse.duckdb -> warehouse.published.duckdb."""
    database = Path(database)
    return database.with_name(f"{database.stem}.published{database.suffix}")


def publish(con: duckdb.DuckDBPyConnection, database: str | Path) -> Path:
    """Copy the warehouse, consistent as of now, to its published path, replacing the old copy atomically.

    Call it with the writing connection still open: nothing else can write meanwhile. Readers that hold
    the old copy open keep reading it (its file lives on until they close it); new readers get the new one.
    """
    con.execute("CHECKPOINT")  # everything in the database file itself, nothing left in the WAL
    source, target = Path(database), published_path(database)
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, staging)
    with open(staging, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staging, target)
    return target


def table_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # table names are ours, not user input


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return (
        con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = $table", {"table": table}).fetchone()[0]
        > 0
    )


def held_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """The rows `table` holds now: 0 before it first exists."""
    return table_rows(con, table) if has_table(con, table) else 0


@contextmanager
def memory_limit(con: duckdb.DuckDBPyConnection, limit: str) -> Iterator[None]:
    """DuckDB's memory_limit set to `limit` (e.g. "600MB") for the block, and back to what it was after (as DuckDB
    states it, to 0.1 MiB: the warehouse's 1GB comes back as 953.5 MiB)."""
    before = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    con.execute("SET memory_limit = $limit", {"limit": limit})
    try:
        yield
    finally:
        con.execute("SET memory_limit = $limit", {"limit": before})


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction: committed when the block ends, rolled back when it raises (the error goes on)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def preview_markdown(con: duckdb.DuckDBPyConnection, query: str, params: dict | None = None, limit: int = 10) -> str:
    """A Markdown table of the first rows of `query`, for asset metadata in the UI."""
    return frame_markdown(con.execute(f"SELECT * FROM ({query}) LIMIT {int(limit)}", params or {}).pl())


def frame_markdown(frame: pl.DataFrame) -> str:
    if frame.is_empty():
        return "(no rows)"
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    body = ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in frame.iter_rows()]
    return "\n".join([header, rule, *body])


def ensure_tables(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Create the tables whose DDL lives in sql/ddl/<name>.sql, if absent."""
    for name in names:
        sql.run(con, f"ddl/{name}")


def replace_partition(con: duckdb.DuckDBPyConnection, table: str, column: str, key: str, frame) -> None:
    """Delete the rows of `table` whose `column` equals `key`, then insert `frame` (a polars frame or None) with that
    key.

    `table` and `column` are the pipeline's own identifiers; `key` is bound as a parameter.
    """
    con.execute(f'DELETE FROM "{table}" WHERE "{column}" = $key', {"key": key})
    if frame is not None:
        append_rows(con, table, frame, {column: key})


def append_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: pl.DataFrame | pa.Table,
    constants: dict[str, object] | None = None,
) -> None:
    """Insert rows (polars or Arrow) into `table`, matching columns by name; `constants` adds columns of one value.

    `table` and the constant column names are the pipeline's own identifiers; the values are bound.
    """
    if len(rows) == 0:
        return
    if isinstance(rows, pl.DataFrame):
        # Plain Arrow strings (not polars' string views) are what DuckDB ingests fastest.
        rows = rows.to_arrow(compat_level=pl.CompatLevel.oldest())
    constants = constants or {}
    extra = "".join(f', $c{i} AS "{name}"' for i, name in enumerate(constants))
    con.register("incoming_rows", rows)
    try:
        con.execute(
            f'INSERT INTO "{table}" BY NAME SELECT *{extra} FROM incoming_rows',
            {f"c{i}": value for i, value in enumerate(constants.values())},
        )
    finally:
        con.unregister("incoming_rows")


def replace_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Replace `table` (the pipeline's own identifier) with the rows of a polars frame."""
    con.register("incoming_rows", frame.to_arrow())
    try:
        con.execute(f'CREATE OR REPLACE TABLE "{table}" AS SELECT * FROM incoming_rows')
    finally:
        con.unregister("incoming_rows")

"""Opening the warehouse (a DuckLake, read through DuckDB) and replacing slices of its tables."""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
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


LAKE = "lake"  # the name the warehouse is attached under, in every connection and in the README's ATTACH line


class NoWarehouseError(RuntimeError):
    """A reader asked for a warehouse that no run has written yet."""


@dataclass(frozen=True)
class Location:
    """Where the warehouse is: a DuckLake catalog, the data path of its Parquet files, and a local home for what
    sits beside it (exports, figures, the writers' lock, DuckDB's spill files).

    home is WAREHOUSE_PATH. catalog (WAREHOUSE_CATALOG) is empty for the embedded SQLite catalog,
    <home>/catalog.sqlite, or `postgres:<libpq connection string>`; data_path (WAREHOUSE_DATA_PATH) is empty for
    <home>/data/, or another directory or object-store URL.
    """

    home: Path
    catalog: str = ""
    data_path: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "home", Path(self.home))
        if self.home.suffix == ".duckdb":
            raise ValueError(
                f"WAREHOUSE_PATH={self.home} names a DuckDB file; it now names the warehouse's directory (a "
                f"DuckLake). Set WAREHOUSE_PATH={self.home.parent / 'lake'}: the first run copies {self.home} into "
                f"it, once"
            )

    @property
    def sqlite_catalog(self) -> Path | None:
        """The SQLite catalog file, or None when the catalog is PostgreSQL."""
        if not self.catalog:
            return self.home / "catalog.sqlite"
        if self.catalog.startswith("postgres:"):
            return None
        return Path(self.catalog.removeprefix("sqlite:"))

    @property
    def catalog_uri(self) -> str:
        sqlite = self.sqlite_catalog
        return f"sqlite:{sqlite}" if sqlite is not None else self.catalog

    @property
    def data_url(self) -> str:
        return self.data_path or f"{self.home.resolve() / 'data'}/"

    @property
    def legacy_file(self) -> Path:
        """The DuckDB warehouse file of earlier versions (data/warehouse.duckdb beside data/lake)."""
        return self.home.parent / "warehouse.duckdb"

    def attach_statement(self, read_only: bool, new: bool = False) -> str:
        """The ATTACH line. The data path is stated when the lake is new, when WAREHOUSE_DATA_PATH names one, and for
        a PostgreSQL catalog (whose newness is not known before attaching); DuckLake refuses one that differs from
        its catalog's. Otherwise the catalog's own is used."""
        # ATTACH takes no bound parameters: the paths are quoted as SQL string literals instead.
        stated = new or self.data_path or self.sqlite_catalog is None
        data = [f"DATA_PATH {_literal(self.data_url)}"] if stated else []
        options = data + (["READ_ONLY"] if read_only else [])
        return f"ATTACH {_literal('ducklake:' + self.catalog_uri)} AS {LAKE}" + (
            f" ({', '.join(options)})" if options else ""
        )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# The DuckDB instances this process has attached a lake in, by (location, read_only), most recently used last.
# Loading the DuckLake and catalog extensions and attaching the lake cost about 0.3 s; a connection is a cursor of
# an instance (its own transactions, TEMP macros and USE), so each step of an in-process run pays that once.
_INSTANCES: OrderedDict[tuple[Location, bool], duckdb.DuckDBPyConnection] = OrderedDict()
INSTANCES_KEPT = 4


def connect(location: Location | str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the warehouse (a Location, or the directory of one with the embedded catalog) attached
    as `lake` and in use, and the panel macros defined.

    A writer creates the lake when it is new (the SQLite catalog in WAL mode, so readers read while a writer
    commits) and copies an earlier version's warehouse file into it once. A reader attaches read-only and fails
    with what to do when no run has written the warehouse yet.
    """
    from pipeline.lib import panels

    if not isinstance(location, Location):
        location = Location(Path(location))
    key = (location, read_only)
    sqlite = location.sqlite_catalog
    if key in _INSTANCES and sqlite is not None and not sqlite.is_file():
        _INSTANCES.pop(key).close()  # its lake was deleted since
    if key not in _INSTANCES:
        _INSTANCES[key] = _attach(location, read_only)
        while len(_INSTANCES) > INSTANCES_KEPT:
            _INSTANCES.popitem(last=False)[1].close()
    _INSTANCES.move_to_end(key)
    con = _INSTANCES[key].cursor()
    con.execute(f"USE {LAKE}")
    panels.define_macros(con)
    return con


def _attach(location: Location, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A new DuckDB instance with the extensions loaded and the lake attached (created, and an older warehouse file
    copied in, when it is new)."""
    from pipeline.lib import extensions, migration

    home, sqlite = location.home, location.sqlite_catalog
    if read_only and sqlite is not None and not sqlite.is_file():
        raise NoWarehouseError(
            f"no warehouse at {sqlite}: run `python3 dev.py demo`, or materialise an asset, first "
            f"(WAREHOUSE_PATH={home})"
        )
    new = sqlite is not None and not sqlite.is_file()
    if new:
        _create_wal_catalog(sqlite)
    con = duckdb.connect(config={**SETTINGS, "temp_directory": str(home / ".tmp")})
    try:
        extensions.load(con, extensions.DIRECTORY, "ducklake", "sqlite_scanner" if sqlite else "postgres_scanner")
        try:
            con.execute(location.attach_statement(read_only, new))
        except duckdb.Error as err:
            if "does not match existing data path" not in str(err):
                raise
            raise ValueError(
                f"WAREHOUSE_DATA_PATH={location.data_path} differs from the data path the warehouse's catalog "
                f"({location.catalog_uri}) records: {str(err).splitlines()[0]} Set WAREHOUSE_DATA_PATH to that path, "
                f"or leave it empty"
            ) from None
        if new and location.legacy_file.is_file():
            con.execute(f"USE {LAKE}")
            migration.copy_legacy_warehouse(con, location.legacy_file)
    except BaseException:
        con.close()
        raise
    return con


def _create_wal_catalog(path: Path) -> None:
    # WAL is a property of the SQLite file: every later connection to it, DuckLake's included, reads while
    # another commits, instead of waiting for the commit's lock.
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path)) as catalog:
        catalog.execute("PRAGMA journal_mode=WAL")


def current_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    """The lake snapshot `con` reads: inside a transaction, the one it began on (plus its own writes)."""
    return con.execute(f"FROM {LAKE}.current_snapshot()").fetchone()[0]


def table_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # table names are ours, not user input


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether the database in use (the lake, or a plain DuckDB file) or the connection's TEMP tables hold `table`."""
    return (
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = $table "
            "AND database_name IN (current_database(), 'temp')",
            {"table": table},
        ).fetchone()[0]
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
    """One transaction, one lake snapshot: committed when the block ends, rolled back when it raises (the error goes
    on). Inside a transaction the caller began, the block is part of that one, committed with it."""
    try:
        con.execute("BEGIN TRANSACTION")
    except duckdb.TransactionException:
        yield
        return
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

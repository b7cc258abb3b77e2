"""The one-time move of an earlier version's warehouse (one DuckDB file) into the lake."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from pipeline.lib import sql

# The views of the warehouse, each defined by its own SQL file; the lake gets them from there, not from the old
# file, whose view text calls macros a lake cannot store.
VIEWS = ("contract_outcomes", "contract_windows")
log = logging.getLogger("pipeline.warehouse")


def copy_legacy_warehouse(con: duckdb.DuckDBPyConnection, legacy: Path) -> dict[str, int]:
    """Copy every table of `legacy` into the lake `con` uses, in one transaction, recreate the views whose tables
    came along, and rename the file to <name>.migrated so that it is copied once and never lost. Returns the rows
    copied per table."""
    con.execute(f"ATTACH '{_quoted(legacy)}' AS legacy (READ_ONLY)")
    try:
        tables = [
            row[0]
            for row in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'legacy' ORDER BY 1"
            ).fetchall()
        ]
        copied = {}
        con.execute("BEGIN TRANSACTION")
        try:
            for table in tables:  # names read from the file's own catalog, quoted as identifiers
                con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM legacy."{table}"')
                copied[table] = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        for view in VIEWS:
            try:
                sql.run(con, f"panels/{view}")
            except (duckdb.CatalogException, duckdb.BinderException):
                # Its tables are not in the old file, or not with today's columns: the asset that owns the view
                # creates it on its next run.
                pass
    finally:
        con.execute("DETACH legacy")
    legacy.rename(legacy.with_name(legacy.name + ".migrated"))
    log.warning(
        f"copied the warehouse of an earlier version, {legacy}, into the lake: {len(copied)} tables, "
        f"{sum(copied.values()):,} rows; the old file is now {legacy.name}.migrated (delete it when you no longer "
        f"need it)"
    )
    return copied


def _quoted(path: Path) -> str:
    # ATTACH takes no bound parameters.
    return str(path).replace("'", "''")

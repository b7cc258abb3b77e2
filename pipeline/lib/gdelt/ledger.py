"""The GDELT ledger (table gdelt_files): its schema, read from the warehouse reference, and its row counts.

One row per events file (or BigQuery query) that holds an ingested month, with what became of it and how its
rows were accounted for:
    rows_read = rows_kept + rows_out_of_scope + rows_other_months + rows_rejected
sql/ddl/gdelt_files.sql creates the table from LEDGER_SCHEMA, the columns pipeline/data/warehouse_columns.toml
describes; the file path (ingest.py) and the BigQuery path (bigquery.py) both write rows with ledger_row, and every
sum of the counts goes through RowCounts.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

import duckdb
import polars as pl
import pyarrow as pa

from pipeline.lib import sql, warehouse_columns
from pipeline.lib.gdelt.dates import GDELT_V2_START, days_of


@dataclass
class RowCounts:
    """What became of the rows of a file, a month or a run."""

    rows_read: int = 0
    rows_kept: int = 0  # in gdelt_events
    rows_out_of_scope: int = 0  # typed, but outside the scope's countries or root codes
    rows_other_months: int = 0  # a GDELT 1.0 yearly file's rows of its other months
    rows_rejected: int = 0  # in gdelt_rejects

    def add(self, other: RowCounts) -> None:
        for name in ROW_COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in ROW_COUNTS}

    @classmethod
    def of(cls, row: dict) -> RowCounts:
        """The counts of a ledger row (or any mapping with the count columns)."""
        return cls(**{name: row[name] for name in ROW_COUNTS})


ROW_COUNTS = tuple(f.name for f in fields(RowCounts))

# Arrow types of the reference's DuckDB types, for the ledger's columns.
_ARROW_TYPES = {"VARCHAR": pa.string(), "BIGINT": pa.int64(), "TIMESTAMP": pa.timestamp("us")}
# The ledger's columns, in table order, are those the warehouse reference describes (warehouse_columns.toml).
LEDGER_SCHEMA = pa.schema([(c.name, _ARROW_TYPES[c.type]) for c in warehouse_columns.table("gdelt_files").columns])


def ledger_row(counts: RowCounts, **values) -> dict:
    """One ledger row: the counts, and every other column by name (a missing or unknown column is an error)."""
    row, names = {**values, **counts.counts()}, set(LEDGER_SCHEMA.names)
    if set(row) != names:
        raise ValueError(
            f"ledger row columns differ from gdelt_files': missing {sorted(names - set(row))}, "
            f"unknown {sorted(set(row) - names)}"
        )
    return row


def ledger_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=LEDGER_SCHEMA)


def ensure_ledger(con: duckdb.DuckDBPyConnection) -> None:
    """Create gdelt_files, if absent, with LEDGER_SCHEMA."""
    con.register("ledger_schema", LEDGER_SCHEMA.empty_table())
    try:
        sql.run(con, "ddl/gdelt_files")
    finally:
        con.unregister("ledger_schema")


def _months(con: duckdb.DuckDBPyConnection, months: list[str] | None) -> list[str]:
    return [r[0] for r in sql.run(con, "gdelt/ledger_months").fetchall()] if months is None else months


def accounting_errors(con: duckdb.DuckDBPyConnection, months: list[str] | None = None) -> pl.DataFrame:
    """Ledger rows whose counts do not add up, and months whose ledger disagrees with the tables (None: every month)."""
    return sql.run(con, "gdelt/ledger_accounting_errors", {"partition_months": _months(con, months)}).pl()


def unverified_files(con: duckdb.DuckDBPyConnection, months: list[str] | None = None) -> pl.DataFrame:
    """Files whose size or md5 disagrees with their list (None: every month)."""
    return sql.run(con, "gdelt/ledger_unverified_files", {"partition_months": _months(con, months)}).pl()


def incomplete_days(
    con: duckdb.DuckDBPyConnection, months: list[str], files_per_day: int, last_listed_day: date
) -> pl.DataFrame:
    """Days of `months` (YYYY-MM-01 keys) with fewer verified files than GDELT publishes, up to last_listed_day."""
    return sql.run(
        con,
        "gdelt/ledger_incomplete_days",
        {
            "partition_months": months,
            "days": days_of([date.fromisoformat(m) for m in months]),
            "gdelt_v2_start": GDELT_V2_START,
            "v2_files_per_day": files_per_day,
            "last_listed_day": last_listed_day,
        },
    ).pl()

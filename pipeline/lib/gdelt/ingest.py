"""Ingest one month of GDELT 2.0 export files into the warehouse, accounting for every row.

For each file the list promises: fetch and verify it, type its lines, keep the
rows in scope, and record in the ledger how many rows were read, kept, out of
scope and rejected (read = kept + out_of_scope + rejected, per file).
Re-ingesting a month replaces that month in all three tables.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import duckdb
import polars as pl

from pipeline.lib import warehouse
from pipeline.lib.gdelt.parse import parse_export
from pipeline.lib.gdelt.schema import events_v2_columns
from pipeline.lib.gdelt.source import FileList, Mirror, exports_for_month

GDELT_TABLES = ("gdelt_files", "gdelt_events", "gdelt_rejects")


@dataclass(frozen=True)
class Scope:
    """Which typed rows are kept: by FIPS country of the action, and by CAMEO root code. Empty means all."""

    countries: tuple[str, ...] = ()
    root_codes: tuple[str, ...] = ()

    def describe(self) -> str:
        countries = ",".join(self.countries) or "all"
        roots = ",".join(self.root_codes) or "all"
        return f"ActionGeo_CountryCode in [{countries}]; EventRootCode in [{roots}]"

    def predicate(self) -> pl.Expr:
        keep = pl.lit(True)
        if self.countries:
            keep &= pl.col("ActionGeo_CountryCode").is_in(list(self.countries))
        if self.root_codes:
            keep &= pl.col("EventRootCode").is_in(list(self.root_codes))
        return keep.fill_null(False)


@dataclass
class MonthSummary:
    partition_month: str
    files_listed: int = 0
    files_ok: int = 0
    bytes_zipped: int = 0
    rows_read: int = 0
    rows_kept: int = 0
    rows_out_of_scope: int = 0
    rows_rejected: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


def ingest_month(
    con: duckdb.DuckDBPyConnection,
    mirror: Mirror,
    file_list: FileList,
    month: date,
    scope: Scope,
    log: Callable[[str], None] = print,
) -> MonthSummary:
    """Ingest the exports `file_list` promises for `month`. The caller reads the list once and reports its problems."""
    key = month.isoformat()
    files = exports_for_month(file_list, month)
    summary = MonthSummary(partition_month=key, files_listed=len(files))
    log(f"{key}: {len(files)} export files listed under {mirror.base_url}")

    columns = events_v2_columns()
    ledger, kept_frames, reject_frames = [], [], []
    started = time.monotonic()
    for index, listed in enumerate(files, start=1):
        fetched = mirror.fetch_export(listed)
        read = kept = out_of_scope = rejected = 0
        if fetched.status == "ok":
            parsed = parse_export(fetched.content, listed.name, columns)
            in_scope = parsed.rows.filter(scope.predicate())
            read, kept, rejected = parsed.rows_read, in_scope.height, parsed.rejects.height
            out_of_scope = parsed.rows.height - kept
            kept_frames.append(in_scope)
            reject_frames.append(parsed.rejects)
            summary.files_ok += 1
        else:
            log(f"{listed.name}: {fetched.status} ({fetched.detail})")
        summary.statuses[fetched.status] = summary.statuses.get(fetched.status, 0) + 1
        summary.bytes_zipped += fetched.zipped_bytes
        summary.rows_read += read
        summary.rows_kept += kept
        summary.rows_out_of_scope += out_of_scope
        summary.rows_rejected += rejected
        ledger.append(
            dict(
                partition_month=key, file_name=listed.name, url=listed.url, expected_size=listed.size,
                expected_md5=listed.md5, status=fetched.status, detail=fetched.detail,
                zipped_bytes=fetched.zipped_bytes, rows_read=read, rows_kept=kept,
                rows_out_of_scope=out_of_scope, rows_rejected=rejected, scope=scope.describe(),
            )
        )
        if index % 100 == 0 or index == len(files):
            elapsed = max(time.monotonic() - started, 1e-9)
            log(
                f"{key}: {index}/{len(files)} files, {summary.bytes_zipped / 1e6:.1f} MB zipped, "
                f"{summary.rows_read} rows read ({summary.rows_read / elapsed:,.0f} rows/s)"
            )

    events = pl.concat(kept_frames) if kept_frames else None
    rejects = pl.concat(reject_frames) if reject_frames else None
    _replace_month(con, key, ledger, events, rejects)
    return summary


def _replace_month(con, key: str, ledger: list[dict], events, rejects) -> None:
    warehouse.ensure_tables(con, *GDELT_TABLES)
    frames = {
        "gdelt_files": pl.DataFrame(ledger) if ledger else None,
        "gdelt_events": events,
        "gdelt_rejects": rejects,
    }
    con.execute("BEGIN TRANSACTION")
    try:
        for table, frame in frames.items():
            warehouse.replace_partition(con, table, "partition_month", key, frame)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise

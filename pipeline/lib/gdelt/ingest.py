"""Ingest one month of GDELT events exports into the warehouse, accounting for every row.

For each file that holds the month: fetch and verify it (through the download cache), type its
lines, keep the rows in scope, and record in the ledger how many rows were read, kept, out of scope,
in other months (GDELT 1.0 yearly files only) and rejected:
    rows_read = rows_kept + rows_out_of_scope + rows_other_months + rows_rejected   (per file)
Files are fetched and parsed in parallel and written in list order; the month is replaced in one
transaction, so an interrupted ingest leaves the previous contents and a rerun gives the same result.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import duckdb
import polars as pl

from pipeline.lib import warehouse
from pipeline.lib.gdelt.filelist import ListedFile
from pipeline.lib.gdelt.parse import iter_line_chunks, parse_export
from pipeline.lib.gdelt.schema import layouts
from pipeline.lib.gdelt.source import Fetched, Mirror, open_member

GDELT_TABLES = ("gdelt_files", "gdelt_events", "gdelt_rejects")
INLINE_ZIPPED_BYTES = 64 << 20  # larger files stream piece by piece in the writing thread, bounding memory
FLUSH_ROWS = 250_000  # rows buffered before they are written: few, large inserts, with bounded memory


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
class Piece:
    """What one chunk of one file contributes: rows to keep, rejects, and counts."""

    kept: pl.DataFrame
    rejects: pl.DataFrame
    read: int
    out_of_scope: int
    other_months: int


@dataclass
class MonthSummary:
    partition_month: str
    files_listed: int = 0
    files_ok: int = 0
    bytes_zipped: int = 0
    rows_read: int = 0
    rows_kept: int = 0
    rows_out_of_scope: int = 0
    rows_other_months: int = 0
    rows_rejected: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


def _pieces(fetched: Fetched, listed: ListedFile, month: date, scope: Scope) -> Iterator[Piece]:
    layout = layouts()[listed.layout]
    month_key = month.year * 100 + month.month
    with open_member(fetched.path) as stream:
        for chunk, first_line in iter_line_chunks(stream):
            parsed = parse_export(chunk, listed.name, layout, first_line)
            rows = parsed.rows
            other = 0
            if listed.spans_months:
                # A yearly GDELT 1.0 file is read by each of its months; each keeps its own month's rows.
                # Rows without a date stay with the file's first month, so none is dropped.
                in_month = (pl.col("SQLDATE") // 100 == month_key)
                if month == listed.first_day:
                    in_month |= pl.col("SQLDATE").is_null()
                before = rows.height
                rows = rows.filter(in_month.fill_null(False))
                other = before - rows.height
            kept = rows.filter(scope.predicate())
            yield Piece(kept, parsed.rejects, parsed.rows_read, rows.height - kept.height, other)


def _collect(fetched: Fetched, listed: ListedFile, month: date, scope: Scope):
    return fetched, list(_pieces(fetched, listed, month, scope))


def ingest_month(
    con: duckdb.DuckDBPyConnection,
    mirror: Mirror,
    files: list[ListedFile],
    month: date,
    scope: Scope,
    log: Callable[[str], None] = print,
    workers: int = 2,
    v1_mirror: Mirror | None = None,
) -> MonthSummary:
    """Ingest `files` (those that hold `month`, from filelist.files_for_month) and replace the month."""
    key = month.isoformat()
    summary = MonthSummary(partition_month=key, files_listed=len(files))
    log(f"{key}: {len(files)} files to ingest")
    warehouse.ensure_tables(con, *GDELT_TABLES)
    started = time.monotonic()
    checked_at = datetime.now(timezone.utc).replace(tzinfo=None)

    def source(listed: ListedFile) -> Mirror:
        return mirror if listed.layout == "v2-61" or v1_mirror is None else v1_mirror

    def fetch_and_parse(listed: ListedFile):
        fetched = source(listed).fetch(listed)
        if fetched.status != "ok" or fetched.zipped_bytes > INLINE_ZIPPED_BYTES:
            return fetched, None
        try:
            return _collect(fetched, listed, month, scope)
        except (OSError, EOFError, ValueError) as err:  # a zip whose member is corrupt (CRC, truncated stream)
            return Fetched("bad-zip", f"corrupt zip member ({err})", None, fetched.zipped_bytes, fetched.attempts), None

    con.execute("BEGIN TRANSACTION")
    try:
        for table in GDELT_TABLES:
            warehouse.replace_partition(con, table, "partition_month", key, None)
        buffer = _Buffer(con, key)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            results = _ordered(pool, fetch_and_parse, files, window=4 * max(1, workers))
            for index, (listed, (fetched, pieces)) in enumerate(zip(files, results), start=1):
                if fetched.status == "ok" and pieces is None:  # a large file: stream it here, piece by piece
                    pieces = _pieces(fetched, listed, month, scope)
                counts = buffer.add_pieces(pieces or ())
                if fetched.status != "ok":
                    log(f"{listed.name}: {fetched.status} ({fetched.detail})")
                else:
                    summary.files_ok += 1
                summary.statuses[fetched.status] = summary.statuses.get(fetched.status, 0) + 1
                summary.bytes_zipped += fetched.zipped_bytes
                for name, value in counts.items():
                    setattr(summary, name, getattr(summary, name) + value)
                buffer.add_ledger(_ledger_row(key, listed, fetched, counts, scope, checked_at))
                if index % 100 == 0 or index == len(files):
                    elapsed = max(time.monotonic() - started, 1e-9)
                    log(f"{key}: {index}/{len(files)} files, {summary.bytes_zipped / 1e6:,.1f} MB zipped "
                        f"({summary.bytes_zipped / 1e6 / elapsed:,.1f} MB/s), {summary.rows_read:,} rows read "
                        f"({summary.rows_read / elapsed:,.0f} rows/s)")
        buffer.flush()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return summary


def _ordered(pool: ThreadPoolExecutor, fn, items: list, window: int) -> Iterator:
    """fn over items in parallel, results in item order, at most `window` results held at once."""
    pending = deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


class _Buffer:
    """Rows on their way into the month's tables, written in few large inserts."""

    def __init__(self, con, key: str):
        self.con, self.key = con, key
        self.events: list[pl.DataFrame] = []
        self.rejects: list[pl.DataFrame] = []
        self.ledger: list[dict] = []
        self.rows = 0

    def add_pieces(self, pieces) -> dict[str, int]:
        counts = dict(rows_read=0, rows_kept=0, rows_out_of_scope=0, rows_other_months=0, rows_rejected=0)
        for piece in pieces:
            self.events.append(piece.kept)
            self.rejects.append(piece.rejects)
            self.rows += piece.kept.height + piece.rejects.height
            counts["rows_read"] += piece.read
            counts["rows_kept"] += piece.kept.height
            counts["rows_out_of_scope"] += piece.out_of_scope
            counts["rows_other_months"] += piece.other_months
            counts["rows_rejected"] += piece.rejects.height
            if self.rows >= FLUSH_ROWS:
                self.flush()
        return counts

    def add_ledger(self, row: dict) -> None:
        self.ledger.append(row)

    def flush(self) -> None:
        key = pl.lit(self.key).alias("partition_month")
        if self.events:
            warehouse.append_rows(self.con, "gdelt_events", pl.concat(self.events).with_columns(key))
        if self.rejects:
            warehouse.append_rows(self.con, "gdelt_rejects", pl.concat(self.rejects).with_columns(key))
        if self.ledger:
            warehouse.append_rows(self.con, "gdelt_files",
                                  pl.DataFrame(self.ledger, schema_overrides={"expected_size": pl.Int64}))
        self.events, self.rejects, self.ledger, self.rows = [], [], [], 0


def _ledger_row(key, listed: ListedFile, fetched: Fetched, counts: dict, scope: Scope, checked_at) -> dict:
    return dict(
        partition_month=key, file_name=listed.name, url=listed.url, layout=listed.layout,
        expected_size=listed.size, expected_md5=listed.md5, status=fetched.status, detail=fetched.detail,
        attempts=fetched.attempts, zipped_bytes=fetched.zipped_bytes, **counts, scope=scope.describe(),
        checked_at=checked_at,
    )

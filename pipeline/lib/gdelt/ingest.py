"""Ingest one month of GDELT events exports into the warehouse, accounting for every row.

For each file that holds the month: fetch and verify it (through the download cache), type its
lines, keep the rows in scope, and record in the ledger how many rows were read, kept, out of scope,
in other months (GDELT 1.0 yearly files only) and rejected:
    rows_read = rows_kept + rows_out_of_scope + rows_other_months + rows_rejected   (per file)
Files are fetched and parsed in parallel and staged in list order; the month is replaced in one
transaction, so an interrupted ingest leaves the previous contents and a rerun gives the same result.
"""

from __future__ import annotations

import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.lib import sql, warehouse
from pipeline.lib.gdelt.filelist import ListedFile, files_for_month
from pipeline.lib.gdelt.ledger import RowCounts, ensure_ledger, ledger_row, ledger_table
from pipeline.lib.gdelt.lists import last_listed_day, read_lists
from pipeline.lib.gdelt.parse import (
    ParsedExport,
    iter_line_chunks,
    line_count,
    parse_batch,
    parse_export,
)
from pipeline.lib.gdelt.schema import layouts
from pipeline.lib.gdelt.scope import Scope, WarehouseScope
from pipeline.lib.gdelt.source import Fetched, Mirror, open_member

GDELT_TABLES = ("gdelt_files", "gdelt_events", "gdelt_rejects")
INLINE_ZIPPED_BYTES = 64 << 20  # larger files stream piece by piece in the writing thread, bounding memory
BATCH_ZIPPED_BYTES = 4 << 20  # small files are fetched and parsed in batches of about this many zipped bytes
STAGE_ROWS = 200_000  # rows held in memory before they are staged to Parquet


@dataclass
class Piece:
    """What one file (or one chunk of a large file) contributes: rows to write, and its counts.

    Files parsed in one batch share their rows: the batch's first file carries them all (kept and
    rejects), the others None, and every file carries its own counts for the ledger.
    """

    kept: pa.Table | None
    rejects: pa.Table | None
    counts: RowCounts


@dataclass(kw_only=True)
class MonthSummary(RowCounts):
    partition_month: str
    files_listed: int = 0
    files_ok: int = 0
    bytes_zipped: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    def add_file(self, status: str, zipped_bytes: int, counts: RowCounts) -> None:
        self.files_ok += int(status == "ok")
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.bytes_zipped += zipped_bytes
        self.add(counts)


def run_totals(summaries: list[MonthSummary]) -> MonthSummary:
    """The months of a run added up (partition_month: the first month's)."""
    total = MonthSummary(partition_month=summaries[0].partition_month if summaries else "")
    for s in summaries:
        total.files_listed += s.files_listed
        total.files_ok += s.files_ok
        total.bytes_zipped += s.bytes_zipped
        total.add(s)
        for status, n in s.statuses.items():
            total.statuses[status] = total.statuses.get(status, 0) + n
    return total


def _piece(parsed: ParsedExport, listed: ListedFile, month: date, scope: Scope) -> Piece:
    rows, other = parsed.rows, 0
    if listed.spans_months:
        # A yearly GDELT 1.0 file is read by each of its months; each keeps its own month's rows.
        # Rows without a date stay with the file's first month, so none is dropped.
        in_month = pl.col("SQLDATE") // 100 == month.year * 100 + month.month
        if month == listed.first_day:
            in_month |= pl.col("SQLDATE").is_null()
        rows = rows.filter(in_month.fill_null(False))
        other = parsed.rows.height - rows.height
    kept = scope.apply(rows)
    return Piece(
        _compact(kept),
        _compact(parsed.rejects),
        RowCounts(parsed.rows_read, kept.height, rows.height - kept.height, other, parsed.rejects.height),
    )


def _compact(frame: pl.DataFrame) -> pa.Table:
    """A self-contained Arrow copy: polars' filtered string columns keep the whole parsed batch alive otherwise."""
    return frame.to_arrow(compat_level=pl.CompatLevel.oldest())


def _batch_pieces(parsed: ParsedExport, read: dict[str, int], scope: Scope) -> dict[str, Piece]:
    """One piece per file of a batch of single-month files (their rows all belong to the month)."""
    kept = scope.apply(parsed.rows)
    kept_by_file = dict(kept.group_by("source_file").len().iter_rows())
    rejected_by_file = dict(parsed.rejects.group_by("source_file").len().iter_rows())
    pieces = {}
    for index, (name, lines) in enumerate(read.items()):
        k, r = kept_by_file.get(name, 0), rejected_by_file.get(name, 0)
        rows = (_compact(kept), _compact(parsed.rejects)) if index == 0 else (None, None)
        pieces[name] = Piece(*rows, RowCounts(lines, k, lines - k - r, 0, r))
    return pieces


def _streamed_pieces(fetched: Fetched, listed: ListedFile, month: date, scope: Scope) -> Iterator[Piece]:
    """A large file, chunk by chunk, so that memory stays bounded whatever the file's size."""
    layout = layouts()[listed.layout]
    with open_member(fetched.path) as stream:
        for chunk, first_line in iter_line_chunks(stream):
            yield _piece(parse_export(chunk, listed.name, layout, first_line), listed, month, scope)


def _batches(files: list[ListedFile]) -> list[list[ListedFile]]:
    """Consecutive runs of files of one layout, about BATCH_ZIPPED_BYTES each, parsed together.

    A file that spans months (a GDELT 1.0 yearly file) is a batch of its own.
    """
    batches, current, size = [], [], 0
    for listed in files:
        alone = listed.spans_months or (current and current[-1].spans_months)
        if current and (alone or size >= BATCH_ZIPPED_BYTES or listed.layout != current[-1].layout):
            batches.append(current)
            current, size = [], 0
        current.append(listed)
        size += listed.size or 0
    return batches + ([current] if current else [])


def ingest_month(
    con: duckdb.DuckDBPyConnection,
    mirror: Mirror,
    files: list[ListedFile],
    month: date,
    scope: Scope,
    log: Callable[[str], None] = print,
    workers: int = 2,
    v1_mirror: Mirror | None = None,
    allow_empty: bool = False,
) -> MonthSummary:
    """Ingest `files` (those that hold `month`, from filelist.files_for_month) and replace the month.

    A month that held rows and would now keep none is left as it was (EmptyReplacementError), unless allow_empty.
    """
    key = month.isoformat()
    summary = MonthSummary(partition_month=key, files_listed=len(files))
    log(f"{key}: {len(files)} files to ingest")
    ensure_gdelt_tables(con)
    started = time.monotonic()
    checked_at = datetime.now(UTC).replace(tzinfo=None)

    def source(listed: ListedFile) -> Mirror:
        return mirror if listed.layout == "v2-61" or v1_mirror is None else v1_mirror

    def fetch_and_parse(batch: list[ListedFile]) -> list[tuple[ListedFile, Fetched, Piece | None]]:
        """Fetch a batch and parse its small files together; large files are left for streaming."""
        outcomes, contents = [], []
        for listed in batch:
            got = source(listed).fetch(listed)
            if got.status == "ok" and got.zipped_bytes <= INLINE_ZIPPED_BYTES:
                try:
                    with open_member(got.path) as stream:
                        contents.append((listed, stream.read()))
                except (OSError, EOFError, ValueError) as err:  # a corrupt member (CRC, truncated stream)
                    got = Fetched("bad-zip", f"corrupt zip member ({err})", None, got.zipped_bytes, got.attempts)
            outcomes.append((listed, got))
        if not contents:
            return [(listed, got, None) for listed, got in outcomes]
        parsed = parse_batch([(listed.name, data) for listed, data in contents], layouts()[batch[0].layout])
        if batch[0].spans_months:  # batches of such files hold one file: see _batches
            pieces = {batch[0].name: _piece(parsed, batch[0], month, scope)}
        else:
            pieces = _batch_pieces(parsed, {listed.name: line_count(data) for listed, data in contents}, scope)
        return [(listed, got, pieces.get(listed.name)) for listed, got in outcomes]

    with tempfile.TemporaryDirectory(prefix=f"gdelt-{key}-") as staging:
        buffer = MonthWriter(con, key, Path(staging), allow_empty)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            results = _ordered(pool, fetch_and_parse, _batches(files), window=max(1, workers) + 1)
            done = (outcome for batch in results for outcome in batch)
            for index, (listed, fetched, piece) in enumerate(done, start=1):
                if fetched.status == "ok" and piece is None:  # a large file: stream it here, piece by piece
                    counts = buffer.add_pieces(_streamed_pieces(fetched, listed, month, scope))
                else:
                    counts = buffer.add_pieces([piece] if piece else [])
                if fetched.status != "ok":
                    log(f"{listed.name}: {fetched.status} ({fetched.detail})")
                summary.add_file(fetched.status, fetched.zipped_bytes, counts)
                buffer.add_ledger(_ledger_row(key, listed, fetched, counts, scope, checked_at))
                if index % 100 == 0 or index == len(files):
                    elapsed = max(time.monotonic() - started, 1e-9)
                    log(
                        f"{key}: {index}/{len(files)} files, {summary.bytes_zipped / 1e6:,.1f} MB zipped "
                        f"({summary.bytes_zipped / 1e6 / elapsed:,.1f} MB/s), {summary.rows_read:,} rows read "
                        f"({summary.rows_read / elapsed:,.0f} rows/s)"
                    )
        buffer.write()
    return summary


def ingest_months_from_files(
    con: duckdb.DuckDBPyConnection,
    mirror: Mirror,
    v1_mirror: Mirror,
    months: list[date],
    chosen: WarehouseScope,
    log: Callable[[str], None] = print,
    warn: Callable[[str], None] = print,
    workers: int = 2,
    refetch_file_list: bool = False,
    allow_empty: bool = False,
) -> tuple[list[MonthSummary], list[str], date]:
    """Ingest `months` from GDELT's files: (their summaries, malformed file-list lines, the newest day listed).

    A month whose listed files are exactly those the ledger holds, ingested ok with this scope, is skipped.
    """
    v2_list, v1_list = read_lists(mirror, v1_mirror, months, chosen.include_translation, refetch_file_list, log)
    problems = [*(v2_list.problems if v2_list else ()), *(v1_list.problems if v1_list else ())]
    for problem in problems:
        warn(f"skipped a malformed file-list line: {problem}")
    summaries = []
    for month in months:
        files = files_for_month(month, v2_list, v1_list)
        unchanged = unchanged_month(con, files, month, chosen.scope)
        if unchanged:  # a refresh with no new files: nothing to fetch, parse or write
            log(f"{month:%Y-%m}: the {len(files)} listed files are those already ingested: skipped")
            summaries.append(unchanged)
            continue
        summaries.append(ingest_month(con, mirror, files, month, chosen.scope, log, workers, v1_mirror, allow_empty))
    return summaries, problems, last_listed_day(v2_list, v1_list)


def unchanged_month(
    con: duckdb.DuckDBPyConnection, files: list[ListedFile], month: date, scope: Scope
) -> MonthSummary | None:
    """The month's summary from the ledger when nothing changed since it was ingested, else None.

    Unchanged means: the file list names exactly the files (and md5s) the ledger holds for the month, every
    one of them was ingested ok, and with the same scope. Then there is nothing to fetch, parse or write.
    """
    key = month.isoformat()
    if not warehouse.has_table(con, "gdelt_files"):
        return None
    ledger = sql.run(con, "gdelt/ledger_month_files", {"partition_month": key}).pl().to_dicts()
    if (
        not files
        or {(r["file_name"], r["expected_md5"]) for r in ledger} != {(f.name, f.md5) for f in files}
        or len(ledger) != len(files)
    ):
        return None
    if any(r["status"] != "ok" or r["scope"] != scope.describe() for r in ledger):
        return None
    summary = MonthSummary(partition_month=key, files_listed=len(files))
    for row in ledger:
        summary.add_file(row["status"], row["zipped_bytes"], RowCounts.of(row))
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


class MonthWriter:
    """Rows on their way into the month's tables.

    Rows are staged as Parquet files in a temporary directory as they come, so that memory holds only
    a few batches, and go into DuckDB in one INSERT per table when the month is complete.
    """

    def __init__(self, con, key: str, staging: Path, allow_empty: bool = False):
        self.con, self.key, self.staging, self.allow_empty = con, key, staging, allow_empty
        self.events: list[pa.Table] = []
        self.rejects: list[pa.Table] = []
        self.ledger: list[dict] = []
        self.rows, self.parts = 0, 0

    def add_pieces(self, pieces) -> RowCounts:
        counts = RowCounts()
        for piece in pieces:
            if piece.kept is not None:
                self.events.append(piece.kept)
                self.rows += piece.kept.num_rows
            if piece.rejects is not None:
                self.rejects.append(piece.rejects)
                self.rows += piece.rejects.num_rows
            counts.add(piece.counts)
            if self.rows >= STAGE_ROWS:
                self.stage()
        return counts

    def add_ledger(self, row: dict) -> None:
        self.ledger.append(row)

    def stage(self) -> None:
        for table, tables in (("gdelt_events", self.events), ("gdelt_rejects", self.rejects)):
            rows = pa.concat_tables(tables) if tables else None
            if rows is not None and rows.num_rows:
                (self.staging / table).mkdir(parents=True, exist_ok=True)
                pq.write_table(rows, self.staging / table / f"part-{self.parts:05d}.parquet", compression="zstd")
        self.events, self.rejects, self.rows, self.parts = [], [], 0, self.parts + 1

    def write(self) -> None:
        """Replace the month in all three tables in one transaction."""
        self.stage()
        held = sql.run(self.con, "gdelt/month_rows_kept", {"partition_month": self.key}).fetchone()[0]
        warehouse.refuse_emptying(
            f"GDELT month {self.key[:7]} (gdelt_events)",
            held,
            sum(RowCounts.of(row).rows_kept for row in self.ledger),
            self.allow_empty,
        )
        with warehouse.transaction(self.con):
            for table in GDELT_TABLES:
                warehouse.replace_partition(self.con, table, "partition_month", self.key, None)
            for table in ("gdelt_events", "gdelt_rejects"):
                if (self.staging / table).is_dir():
                    sql.run(
                        self.con,
                        f"gdelt/insert_staged_{table}",
                        {"staged": str(self.staging / table / "*.parquet"), "partition_month": self.key},
                    )
            warehouse.append_rows(self.con, "gdelt_files", ledger_table(self.ledger))


def _ledger_row(key, listed: ListedFile, fetched: Fetched, counts: RowCounts, scope: Scope, checked_at) -> dict:
    return ledger_row(
        counts,
        partition_month=key,
        file_name=listed.name,
        url=listed.url,
        layout=listed.layout,
        expected_size=listed.size,
        expected_md5=listed.md5,
        status=fetched.status,
        detail=fetched.detail,
        attempts=fetched.attempts,
        zipped_bytes=fetched.zipped_bytes,
        scope=scope.describe(),
        checked_at=checked_at,
    )


def ensure_gdelt_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create gdelt_files, gdelt_events and gdelt_rejects, if absent."""
    ensure_ledger(con)
    warehouse.ensure_tables(con, "gdelt_events", "gdelt_rejects")

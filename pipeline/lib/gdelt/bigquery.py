"""GDELT from its public BigQuery tables: the file path's month and scope, pushed down, with a cost guard.

One month becomes one query per GDELT system that serves its days (1.0 before 2015-02-19, 2.0 from then,
as for files). The query is sql/gdelt/events_in_scope.sql, written for DuckDB and transpiled here with
sqlglot, so the BigQuery extraction and the local one cannot drift. Each query is dry-run first: its
bytes estimate is logged and returned, and a query above `maximum_bytes_billed` is refused before it
runs (BigQuery also enforces the same limit on the job itself).

Costs: BigQuery bills the bytes of the columns read in the partitions scanned, whatever the WHERE clause
says. So the query reads only the columns the unrest path uses (schema.UNREST_COLUMNS), and on GDELT 2.0's
ingestion-time partitioned copy it filters `_PARTITIONTIME` to the month's days, widened by a reporting lag
because an event added late in a day can land in the next day's partition. GDELT 1.0's table
(gdelt-bq.full.events) is not partitioned: a query scans the selected columns of the whole table.

google-cloud-bigquery is imported inside the functions that use it: it takes about a second to import, and
most runs read files.
"""

from __future__ import annotations

import importlib.util
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import sqlglot
from sqlglot import exp

from pipeline.lib import sql
from pipeline.lib.gdelt.dates import GDELT_V2_START, V1_DAILY_START, month_end
from pipeline.lib.gdelt.ingest import MonthSummary, MonthWriter, Piece, ensure_gdelt_tables
from pipeline.lib.gdelt.ledger import RowCounts, ledger_row
from pipeline.lib.gdelt.schema import UNREST_COLUMNS, events_v2_columns, layouts
from pipeline.lib.gdelt.scope import Scope

V2_TABLE = "gdelt-bq.gdeltv2.events_partitioned"
V1_TABLE = "gdelt-bq.full.events"
PARTITION_COLUMN = "_PARTITIONTIME"
_ARROW_TYPES = {"BIGINT": pa.int64(), "DOUBLE": pa.float64(), "VARCHAR": pa.string()}


class BigQuerySourceError(Exception):
    """A problem with the BigQuery source that the user can fix; the message says how."""


@dataclass(frozen=True)
class Tables:
    v2: str = V2_TABLE
    v1: str = V1_TABLE
    v2_partitioned: bool = True  # v2 is GDELT's ingestion-time partitioned copy


@dataclass(frozen=True)
class Extraction:
    """One query: the events one GDELT system added from first_day to last_day (inclusive)."""

    system: str  # "v1" or "v2"
    table: str
    partitioned: bool
    first_day: date
    last_day: date

    @property
    def name(self) -> str:
        """The ledger's file_name for this query (days first, as file names start with their date)."""
        return f"{self.first_day:%Y%m%d}-{self.last_day:%Y%m%d}.{self.table}"

    def added_bounds(self) -> tuple[int, int]:
        """DATEADDED bounds in the table's own units: YYYYMMDDHHMMSS for 2.0, YYYYMMDD for 1.0."""
        end = self.last_day + timedelta(days=1)
        scale = 1_000_000 if self.system == "v2" else 1
        return int(f"{self.first_day:%Y%m%d}") * scale, int(f"{end:%Y%m%d}") * scale


def extractions_for_month(month: date, tables: Tables = Tables()) -> list[Extraction]:
    last = month_end(month)
    if month < V1_DAILY_START:
        raise BigQuerySourceError(
            f"{month:%Y-%m}: before April 2013 GDELT 1.0 dates its rows by event date in monthly and yearly files; "
            "the BigQuery source reads months from 2013-04 on. Use the file source (source: files) for earlier months."
        )
    parts = []
    if month < GDELT_V2_START:
        parts.append(Extraction("v1", tables.v1, False, month, min(last, GDELT_V2_START - timedelta(days=1))))
    if last >= GDELT_V2_START:
        parts.append(Extraction("v2", tables.v2, tables.v2_partitioned, max(month, GDELT_V2_START), last))
    return parts


def _inline_scope_macro(tree: exp.Expression) -> exp.Expression:
    """The tree with each call of the DuckDB macro in_gdelt_scope replaced by the macro's body (BigQuery has none)."""
    macro = sqlglot.parse_one(sql.load("gdelt/scope_macro"), read="duckdb")
    parameters = [p.name for p in macro.this.expressions]
    for call in list(tree.find_all(exp.Anonymous)):
        if call.name.lower() == "in_gdelt_scope":
            arguments = dict(zip(parameters, call.expressions, strict=True))
            body = macro.expression.copy().transform(
                lambda node, arguments=arguments: (
                    arguments[node.name].copy() if isinstance(node, exp.Column) and node.name in arguments else node
                )
            )
            call.replace(exp.paren(body))
    return tree


def extraction_sql(extraction: Extraction, columns: tuple[str, ...]) -> str:
    """sql/gdelt/events_in_scope.sql in BigQuery's dialect, for this extraction's table and columns."""
    tree = _inline_scope_macro(sqlglot.parse_one(sql.load("gdelt/events_in_scope"), read="duckdb"))
    v1_columns = {c.name for c in layouts()["v1-58"].columns}
    projections = []
    for name in columns:
        if extraction.system == "v1" and name == "DATEADDED":
            # As the file path does: 1.0's YYYYMMDD widened to YYYYMMDDHHMMSS (midnight).
            projections.append(
                exp.alias_(exp.Mul(this=exp.column(name), expression=exp.Literal.number(1_000_000)), name)
            )
        elif extraction.system == "v1" and name not in v1_columns:
            projections.append(exp.alias_(exp.Null(), name))
        else:
            projections.append(exp.column(name))
    tree = tree.select(*projections, append=False)
    source = exp.to_table(f"`{extraction.table}`", dialect="bigquery")
    if extraction.system == "v1":
        # The filter compares the table's own YYYYMMDD DATEADDED, not the widened output column.
        source.set("alias", exp.TableAlias(this=exp.to_identifier("source")))
        for column in tree.args["where"].find_all(exp.Column):
            if column.name == "DATEADDED":
                column.set("table", exp.to_identifier("source"))
    for table in tree.find_all(exp.Table):
        if table.name == "gdelt_source":
            table.replace(source)
    if extraction.partitioned:
        tree = tree.where(
            sqlglot.condition(
                f"{PARTITION_COLUMN} >= @partition_start AND {PARTITION_COLUMN} < @partition_end", dialect="bigquery"
            )
        )
    return tree.sql(dialect="bigquery", pretty=True)


def query_parameters(
    extraction: Extraction, countries: tuple[str, ...], root_codes: tuple[str, ...], reporting_lag_days: int
) -> list:
    from google.cloud import bigquery

    first_added, end_added = extraction.added_bounds()
    params = [
        bigquery.ScalarQueryParameter("first_added", "INT64", first_added),
        bigquery.ScalarQueryParameter("end_added", "INT64", end_added),
        bigquery.ArrayQueryParameter("countries", "STRING", list(countries)),
        bigquery.ArrayQueryParameter("root_codes", "STRING", list(root_codes)),
    ]
    if extraction.partitioned:
        # A day's partition holds what GDELT loaded that day (UTC); late loads land in later partitions.
        start = datetime.combine(extraction.first_day, datetime.min.time(), UTC)
        end = datetime.combine(extraction.last_day + timedelta(days=1 + reporting_lag_days), datetime.min.time(), UTC)
        params += [
            bigquery.ScalarQueryParameter("partition_start", "TIMESTAMP", start),
            bigquery.ScalarQueryParameter("partition_end", "TIMESTAMP", end),
        ]
    return params


def make_client(project: str | None = None, api_endpoint: str | None = None, location: str | None = None):
    """A BigQuery client with credentials from the environment or application default credentials."""
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError
    from google.cloud import bigquery

    try:
        credentials, default_project = google.auth.default(scopes=["https://www.googleapis.com/auth/bigquery"])
    except DefaultCredentialsError:
        raise BigQuerySourceError(
            "no Google Cloud credentials found: set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, "
            "or run `gcloud auth application-default login` (see docs/design.md, 'GDELT on BigQuery')"
        ) from None
    project = project or default_project
    if not project:
        raise BigQuerySourceError(
            "no Google Cloud project to bill the queries to: set GOOGLE_CLOUD_PROJECT (or GDELT_BQ_PROJECT)"
        )
    options = {"api_endpoint": api_endpoint} if api_endpoint else None
    return bigquery.Client(project=project, credentials=credentials, client_options=options, location=location)


@dataclass
class QueryOutcome:
    rows: pa.Table
    bytes_estimated: int
    bytes_billed: int | None
    job_id: str
    seconds: float


def run_guarded(
    client,
    query: str,
    params: list,
    maximum_bytes_billed: int,
    label: str,
    log: Callable[[str], None] = print,
    use_storage_api: bool = False,
) -> QueryOutcome:
    """Dry-run `query`, refuse it above maximum_bytes_billed, else run it and return its rows as Arrow."""
    from google.api_core.exceptions import GoogleAPIError
    from google.cloud import bigquery

    started = time.monotonic()
    try:
        dry = client.query(
            query, job_config=bigquery.QueryJobConfig(dry_run=True, use_query_cache=False, query_parameters=params)
        )
    except GoogleAPIError as err:
        raise BigQuerySourceError(f"{label}: BigQuery refused the dry run: {_reason(err)}") from None
    estimate = int(dry.total_bytes_processed or 0)
    log(f"{label}: dry run estimates {_size(estimate)} scanned (limit {_size(maximum_bytes_billed)})")
    if estimate > maximum_bytes_billed:
        raise BigQuerySourceError(
            f"{label}: the query would scan {_size(estimate)} ({estimate:,} bytes), above maximum_bytes_billed "
            f"{_size(maximum_bytes_billed)} ({maximum_bytes_billed:,} bytes); nothing was run. To allow it, raise "
            "maximum_bytes_billed on the gdelt_bigquery resource (environment variable GDELT_BQ_MAXIMUM_BYTES_BILLED), "
            "or ask for fewer months."
        )
    try:
        job = client.query(
            query,
            job_config=bigquery.QueryJobConfig(query_parameters=params, maximum_bytes_billed=maximum_bytes_billed),
        )
        rows = job.result().to_arrow(create_bqstorage_client=use_storage_api)
    except GoogleAPIError as err:
        raise BigQuerySourceError(f"{label}: the query failed in BigQuery: {_reason(err)}") from None
    seconds = time.monotonic() - started
    log(
        f"{label}: {rows.num_rows:,} rows in {seconds:.1f} s, {_size(job.total_bytes_billed or 0)} billed "
        f"(job {job.job_id})"
    )
    return QueryOutcome(rows, estimate, job.total_bytes_billed, job.job_id, seconds)


def warehouse_rows(rows: pa.Table, source_file: str, label: str) -> pa.Table:
    """Query rows as gdelt_events rows: all 61 columns in order and type (NULL where not read), and lineage."""
    columns, names = [], []
    for column in events_v2_columns():
        target = _ARROW_TYPES[column.duckdb_type]
        if column.name in rows.column_names:
            try:
                columns.append(rows[column.name].cast(target))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
                raise BigQuerySourceError(
                    f"{label}: column {column.name} does not convert to {target}: {err}"
                ) from None
        else:
            columns.append(pa.nulls(rows.num_rows, target))
        names.append(column.name)
    columns += [pa.array([source_file] * rows.num_rows, pa.string()), pa.array(range(1, rows.num_rows + 1), pa.int64())]
    return pa.table(columns, names=[*names, "source_file", "source_line"])


def storage_api_installed() -> bool:
    """Whether the BigQuery Storage read API client (gRPC; faster for large results) is installed."""
    return importlib.util.find_spec("google.cloud.bigquery_storage") is not None


def _reason(err) -> str:
    """The API's own message, without the request it came from."""
    return getattr(err, "message", None) or type(err).__name__


def _size(n: int) -> str:
    """Bytes for a log line: 445.1 KB, 1.2 GB."""
    value, unit = float(n), "B"
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            break
        value /= 1000
    return f"{n:,} B" if unit == "B" else f"{value:,.1f} {unit}"


@dataclass(frozen=True)
class BigQuerySettings:
    """What the gdelt_bigquery resource sets: tables, the cost limit, the reporting lag, the columns."""

    maximum_bytes_billed: int
    reporting_lag_days: int = 3
    tables: Tables = Tables()
    all_columns: bool = False  # all 61 columns instead of those the unrest SQL reads (about twice the bytes)
    use_storage_api: bool = False


def plan_queries(months: list[date], tables: Tables = Tables()) -> list[tuple[Extraction, list[date]]]:
    """The queries for `months`, each with the months its rows go to.

    GDELT 2.0: one query per month, since its partitions keep each cheap. GDELT 1.0's table is not
    partitioned, so every query scans it whole: one query per run of consecutive months instead.
    """
    queries, run = [], []

    def close_run():
        if run:
            merged = Extraction("v1", run[0].table, False, run[0].first_day, run[-1].last_day)
            queries.append((merged, [e.first_day.replace(day=1) for e in run]))
            run.clear()

    for month in sorted(months):
        for extraction in extractions_for_month(month, tables):
            if extraction.system == "v2":
                queries.append((extraction, [month]))
                continue
            if run and run[-1].last_day + timedelta(days=1) != extraction.first_day:
                close_run()
            run.append(extraction)
    close_run()
    return queries


def ingest_months_from_bigquery(
    con,
    client,
    months: list[date],
    scope: Scope,
    settings: BigQuerySettings,
    log: Callable[[str], None] = print,
    allow_empty: bool = False,
):
    """Replace each of `months` in gdelt_events with the rows BigQuery returns; a ledger row per query and month.

    Returns the months' summaries and each query's outcome (for asset metadata). The scope is applied in
    BigQuery, so rows out of scope are never read and the ledger counts them as 0.
    """
    columns = tuple(c.name for c in events_v2_columns()) if settings.all_columns else UNREST_COLUMNS
    checked_at = datetime.now(UTC).replace(tzinfo=None)
    parts: dict[date, list[tuple[Extraction, QueryOutcome, pa.Table]]] = {m: [] for m in months}
    outcomes = []
    for extraction, targets in plan_queries(months, settings.tables):
        label = f"{extraction.name}" + (
            f" (months {targets[0]:%Y-%m} to {targets[-1]:%Y-%m})" if len(targets) > 1 else ""
        )
        outcome = run_guarded(
            client,
            extraction_sql(extraction, columns),
            query_parameters(extraction, scope.countries, scope.root_codes, settings.reporting_lag_days),
            settings.maximum_bytes_billed,
            label,
            log,
            settings.use_storage_api,
        )
        outcomes.append(outcome)
        added_month = pc.divide(outcome.rows["DATEADDED"], 10**8)  # YYYYMMDDHHMMSS -> YYYYMM
        placed = 0
        for month in targets:
            rows = outcome.rows.filter(pc.equal(added_month, month.year * 100 + month.month))
            in_month = Extraction(
                extraction.system,
                extraction.table,
                extraction.partitioned,
                max(extraction.first_day, month),
                min(extraction.last_day, month_end(month)),
            )
            parts[month].append((in_month, outcome, rows))
            placed += rows.num_rows
        if placed != outcome.rows.num_rows:  # the query's DATEADDED range is exactly its months' days
            raise BigQuerySourceError(f"{label}: {outcome.rows.num_rows - placed} rows outside the months asked for")
    summaries = []
    for month in months:
        summaries.append(_write_month(con, month, parts[month], scope, checked_at, allow_empty))
    return summaries, outcomes


def _write_month(con, month: date, parts, scope: Scope, checked_at, allow_empty: bool) -> MonthSummary:
    key = month.isoformat()
    summary = MonthSummary(partition_month=key, files_listed=len(parts))
    ensure_gdelt_tables(con)
    with tempfile.TemporaryDirectory(prefix=f"gdelt-bq-{key}-") as staging:
        writer = MonthWriter(con, key, Path(staging), allow_empty)
        for extraction, outcome, rows in parts:
            n = rows.num_rows
            counts = writer.add_pieces(
                [
                    Piece(
                        warehouse_rows(rows, extraction.name, extraction.name),
                        None,
                        RowCounts(rows_read=n, rows_kept=n),
                    )
                ]
            )
            writer.add_ledger(
                ledger_row(
                    counts,
                    partition_month=key,
                    file_name=extraction.name,
                    url=f"bigquery://{extraction.table}",
                    layout=f"bigquery-{extraction.system}",
                    expected_size=None,
                    expected_md5=None,
                    status="ok",
                    detail=f"BigQuery job {outcome.job_id}: {outcome.bytes_estimated:,} bytes estimated by the dry run, "  # noqa: E501
                    f"{outcome.bytes_billed or 0:,} billed, {outcome.rows.num_rows:,} rows (all months of the job)",
                    attempts=1,
                    zipped_bytes=0,
                    scope=f"{scope.describe()} (applied in BigQuery: rows out of scope are not read)",
                    checked_at=checked_at,
                )
            )
            summary.add_file("ok", 0, counts)
        writer.write()
    return summary

"""GDELT ingest and the unrest definition, as assets."""

from datetime import date
from typing import Literal

import dagster as dg
from pydantic import Field

from pipeline.defs.automation import REFRESH_WHEN_UPSTREAM_UPDATES
from pipeline.defs.gdelt.partitions import GDELT_MONTHS
from pipeline.defs.metadata import column_schema, table_metadata
from pipeline.defs.resources import WAREHOUSE_POOL, GdeltBigQueryResource, GdeltMirrorResource, WarehouseResource
from pipeline.lib import sql
from pipeline.lib import warehouse as warehouse_lib
from pipeline.lib.gdelt import ledger
from pipeline.lib.gdelt import scope as gdelt_scope
from pipeline.lib.gdelt.bigquery import BigQuerySourceError, ingest_months_from_bigquery
from pipeline.lib.gdelt.ingest import GDELT_TABLES, ingest_months_from_files, run_totals
from pipeline.lib.gdelt.ledger import ROW_COUNTS
from pipeline.lib.gdelt.unrest import STATE_ACTOR_TYPES, UnrestDefinition, build_unrest, held_definitions, preset


class GdeltIngestConfig(dg.Config):
    """Where GDELT is read from and how. The scope (countries, root codes, translingual exports) belongs to the
    warehouse: unset, a run keeps to the scope recorded there (gdelt_scope), so a month materialised from the UI
    matches its neighbours; a different scope is refused unless rescope is set."""

    source: Literal["files", "bigquery"] = Field(
        "files", description="GDELT's export files over HTTP (GDELT_BASE_URL), or its public BigQuery tables"
    )
    countries: list[str] | None = Field(
        None,
        description="Countries of ActionGeo_CountryCode, as ISO 3166 alpha-3 codes (CHN) or GDELT's FIPS "
        "10-4 codes where they are unambiguous; [] keeps every country. Unset: the warehouse's "
        "recorded scope (CHN for a new warehouse).",
    )
    root_codes: list[str] | None = Field(
        None, description="CAMEO EventRootCode values to keep, e.g. ['14']; [] keeps all. Unset: the warehouse's."
    )
    include_translation: bool | None = Field(
        None,
        description="Also GDELT 2.0's translingual exports (masterfilelist-translation.txt). Unset: the "
        "warehouse's (no for a new warehouse).",
    )
    expected_files_per_day: int | None = Field(
        None,
        description="GDELT 2.0 exports per day, for the days_complete check (GDELT publishes 96). Unset: "
        "the warehouse's.",
    )
    rescope: bool = Field(
        False,
        description="Change the warehouse's scope deliberately: the run must re-ingest every month held "
        "under another scope (select them all: one backfill run).",
    )
    allow_empty: bool = Field(
        False,
        description="Let a month that held events be replaced by none (otherwise the run fails and the month is kept).",
    )
    workers: int = Field(2, description="Files fetched and parsed at once")
    refetch_file_list: bool = Field(
        False,
        description=(
            "Read GDELT 2.0's file lists (masterfilelist.txt, about 120 MB) in full. Otherwise the cached copy is "
            "extended by what is new: lastupdate.txt, then a range request from the end of the cached copy."
        ),
    )


# The ingest writes DuckDB, types the files' lines with polars, and reads BigQuery when source is bigquery.
INGEST_KINDS = {"duckdb", "polars", "bigquery"}


@dg.multi_asset(
    name="gdelt_ingest",
    specs=[
        dg.AssetSpec(
            "gdelt_files",
            group_name="gdelt",
            kinds=INGEST_KINDS,
            description="Ledger: one row per GDELT events file that holds an ingested month, with its status, "
            "attempts and row accounting (read = kept + out of scope + other months + rejected).",
            metadata=column_schema("gdelt_files"),
        ),
        dg.AssetSpec(
            "gdelt_events",
            group_name="gdelt",
            kinds=INGEST_KINDS,
            description="Typed GDELT events (2.0 and 1.0, in the 61-column 2.0 schema) in the configured scope, "
            "with source file and line.",
            metadata=column_schema("gdelt_events"),
        ),
        dg.AssetSpec(
            "gdelt_rejects",
            group_name="gdelt",
            kinds=INGEST_KINDS,
            description="Lines of GDELT files that could not be typed, with file, line, reason and raw text.",
            metadata=column_schema("gdelt_rejects"),
        ),
    ],
    check_specs=[
        # Needs the newest day the run's file lists name, so it runs with the ingest; the ledger checks below run
        # alone too.
        dg.AssetCheckSpec(
            "days_complete",
            asset="gdelt_files",
            description="Every day has its files: expected_files_per_day GDELT 2.0 exports, or the "
            "GDELT 1.0 file that covers it. GDELT has real gaps, so this warns.",
        ),
    ],
    partitions_def=GDELT_MONTHS,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=WAREHOUSE_POOL,
)
def gdelt_ingest(
    context: dg.AssetExecutionContext,
    config: GdeltIngestConfig,
    warehouse: WarehouseResource,
    gdelt: GdeltMirrorResource,
    gdelt_bigquery: GdeltBigQueryResource,
):
    months = [date.fromisoformat(key) for key in context.partition_keys]
    with warehouse.get_connection() as con:
        try:
            chosen = gdelt_scope.resolve(
                con,
                countries=config.countries,
                root_codes=config.root_codes,
                include_translation=config.include_translation,
                files_per_day=config.expected_files_per_day,
                rescope=config.rescope,
                run_months=context.partition_keys,
            )
        except gdelt_scope.ScopeError as err:
            raise dg.Failure(description=f"gdelt_ingest: {err}") from None
        scope = chosen.scope
        context.log.info(f"scope: {chosen.describe()}; {chosen.files_per_day} files a day expected")
        summaries, problems, queries = [], [], []
        try:
            if config.source == "bigquery":
                try:
                    summaries, outcomes = ingest_months_from_bigquery(
                        con,
                        gdelt_bigquery.client(),
                        months,
                        scope,
                        gdelt_bigquery.settings(),
                        context.log.info,
                        config.allow_empty,
                    )
                    queries = [
                        {
                            "job": o.job_id,
                            "rows": o.rows.num_rows,
                            "bytes_estimated": o.bytes_estimated,
                            "bytes_billed": o.bytes_billed,
                            "seconds": round(o.seconds, 1),
                        }
                        for o in outcomes
                    ]
                except BigQuerySourceError as err:
                    raise dg.Failure(description=str(err)) from None
                last_day = date.today()
            else:
                summaries, problems, last_day = ingest_months_from_files(
                    con,
                    gdelt.mirror(),
                    gdelt.v1_mirror(),
                    months,
                    chosen,
                    log=context.log.info,
                    warn=context.log.warning,
                    workers=config.workers,
                    refetch_file_list=config.refetch_file_list,
                    allow_empty=config.allow_empty,
                )
        except warehouse_lib.EmptyReplacementError as err:
            raise dg.Failure(description=f"gdelt_ingest: {err}") from None
        gdelt_scope.record(con, chosen)
        incomplete = ledger.incomplete_days(con, context.partition_keys, chosen.files_per_day, last_day)
        meta = {t: table_metadata(con, t) for t in GDELT_TABLES}
    total = run_totals(summaries)
    totals = {
        "files_listed": total.files_listed,
        "files_ok": total.files_ok,
        "bytes_zipped": total.bytes_zipped,
        **total.counts(),
    }
    ledger_meta = {
        **meta["gdelt_files"],
        **{k: dg.MetadataValue.int(v) for k, v in totals.items()},
        "file_statuses": dg.MetadataValue.json(total.statuses),
        "scope": scope.describe(),
        "source": config.source,
        "file_list_problems": dg.MetadataValue.int(len(problems)),
    }
    if queries:
        ledger_meta |= {
            "bigquery_bytes_estimated": dg.MetadataValue.int(sum(q["bytes_estimated"] for q in queries)),
            "bigquery_bytes_billed": dg.MetadataValue.int(sum(q["bytes_billed"] or 0 for q in queries)),
            "bigquery_queries": dg.MetadataValue.json(queries),
        }
    yield dg.MaterializeResult(asset_key="gdelt_files", metadata=ledger_meta)
    yield dg.MaterializeResult(asset_key="gdelt_events", metadata=meta["gdelt_events"])
    yield dg.MaterializeResult(asset_key="gdelt_rejects", metadata=meta["gdelt_rejects"])
    yield dg.AssetCheckResult(
        check_name="days_complete",
        asset_key="gdelt_files",
        passed=incomplete.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "incomplete_days": incomplete.height,
            "days": dg.MetadataValue.md(warehouse_lib.frame_markdown(incomplete.head(31))),
        },
    )


@dg.asset_check(
    asset="gdelt_files",
    blocking=True,
    additional_deps=["gdelt_events", "gdelt_rejects"],
    pool=WAREHOUSE_POOL,
    description="Per file, rows read = kept + out of scope + other months + rejected; per month, the "
    "ledger's kept and rejected counts equal the rows in gdelt_events and gdelt_rejects "
    f"(every month of the ledger; counts: {', '.join(ROW_COUNTS)}).",
)
def row_accounting(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.get_reader() as con:
        violations = ledger.accounting_errors(con)
    return dg.AssetCheckResult(
        passed=violations.is_empty(),
        metadata={"violations": dg.MetadataValue.md(warehouse_lib.frame_markdown(violations.head(20)))},
    )


@dg.asset_check(
    asset="gdelt_files",
    pool=WAREHOUSE_POOL,
    description="Every file fetched agrees with the size and md5 its list gives (every month of the ledger).",
)
def files_verified(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.get_reader() as con:
        unverified = ledger.unverified_files(con)
    return dg.AssetCheckResult(
        passed=unverified.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "unverified_files": unverified.height,
            "files": dg.MetadataValue.md(warehouse_lib.frame_markdown(unverified.head(20))),
        },
    )


class UnrestConfig(dg.Config):
    presets: list[str] | None = Field(
        None,
        description="The unrest definitions to apply, side by side (unrest_events.preset): aitocracy, "
        "protest, riots, trade, or custom (the custom_* fields). Panels choose one in their own "
        "config. Unset: the definitions the warehouse holds (unrest_definitions), so a refresh "
        "keeps them; aitocracy for a new warehouse.",
    )
    custom_root_codes: list[str] = Field([], description="CAMEO roots for custom, e.g. ['14']; empty: any")
    custom_event_code_prefixes: list[str] = Field(
        [], description="CAMEO event codes by prefix for custom, e.g. ['145']; empty: any"
    )
    custom_countries: list[str] = Field(["CH"], description="FIPS 10-4 action countries for custom; empty: any")
    custom_exclude_state_actors: bool = Field(
        True, description="custom drops events whose Actor1 is government, military, police ..."
    )
    custom_min_geo_type: int = Field(2, description="1 country, 2 US state, 3 US city, 4 world city, 5 world ADM1")
    custom_level: Literal["prefecture", "province", "country"] = Field(
        "prefecture", description="the region level custom's unrest is counted at, recorded for the panels"
    )

    def definitions(self, held: list[UnrestDefinition]) -> list[UnrestDefinition]:
        """The definitions this run applies; `held` are those of the warehouse's unrest_definitions."""
        if self.presets is None:
            return held or [preset("aitocracy")]
        custom = UnrestDefinition(
            "custom",
            tuple(self.custom_root_codes),
            tuple(self.custom_countries),
            STATE_ACTOR_TYPES if self.custom_exclude_state_actors else (),
            self.custom_min_geo_type,
            tuple(self.custom_event_code_prefixes),
            self.custom_level,
        )
        return [custom if name == "custom" else preset(name) for name in self.presets]


@dg.multi_asset(
    name="unrest",
    specs=[
        dg.AssetSpec(
            "unrest_definitions",
            metadata=column_schema("unrest_definitions"),
            group_name="gdelt",
            automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES,
            kinds={"duckdb"},
            description="The unrest definitions in force: one row per preset of the run config.",
        ),
        dg.AssetSpec(
            "unrest_screening",
            metadata=column_schema("unrest_screening"),
            group_name="gdelt",
            deps=["gdelt_events", "unrest_definitions"],
            automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES,
            kinds={"duckdb"},
            description="Every gdelt_events row, once per preset, with the first rule of that preset's "
            "definition that excludes it (NULL: kept).",
        ),
        dg.AssetSpec(
            "unrest_events",
            metadata=column_schema("unrest_events"),
            group_name="gdelt",
            automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES,
            deps=["unrest_screening", "event_places"],
            kinds={"duckdb"},
            description="Unrest events, one row per event and preset that keeps it (default preset "
            "aitocracy: CAMEO roots 14, 10, 13 in China by non-state Actor1, geocoded below "
            "country level), deduplicated, with the country, province and prefecture "
            "event_places gives them.",
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def unrest(context: dg.AssetExecutionContext, config: UnrestConfig, warehouse: WarehouseResource):
    with warehouse.get_connection() as con:
        if not warehouse_lib.has_table(con, "gdelt_events"):
            raise dg.Failure("gdelt_events is empty: materialise gdelt_ingest for at least one month first")
        try:
            definitions = config.definitions(held_definitions(con))
        except ValueError as err:
            raise dg.Failure(description=str(err)) from None
        presets = [d.name for d in definitions]
        context.log.info(
            f"unrest presets: {', '.join(presets)}" + (" (those the warehouse holds)" if config.presets is None else "")
        )
        with warehouse_lib.transaction(con):
            build_unrest(con, definitions)
        screened = sql.run(con, "gdelt/unrest_screening_summary").fetchall()
        by_level = sql.run(con, "gdelt/unrest_events_by_level").fetchall()
        screening_meta = table_metadata(con, "unrest_screening")
        events_meta = table_metadata(con, "unrest_events", date_column="event_date")
    outcomes: dict[str, dict[str, int]] = {}
    for name, reason, n in screened:
        outcomes.setdefault(name, {})[reason] = n
    by_preset: dict[str, dict[str, int]] = {p: {} for p in presets}
    for name, level, n in by_level:
        by_preset[name][level] = n
    context.log.info(f"unrest screening: {outcomes}")
    yield dg.MaterializeResult(
        asset_key="unrest_definitions",
        metadata={
            "presets": dg.MetadataValue.json(presets),
            "definitions": dg.MetadataValue.json([d.row() for d in definitions]),
        },
    )
    yield dg.MaterializeResult(
        asset_key="unrest_screening", metadata={**screening_meta, "outcomes": dg.MetadataValue.json(outcomes)}
    )
    yield dg.MaterializeResult(
        asset_key="unrest_events",
        metadata={
            **events_meta,
            "presets": dg.MetadataValue.json(presets),
            "definitions": dg.MetadataValue.json([d.row() for d in definitions]),
            "events_by_preset_and_geo_level": dg.MetadataValue.json(by_preset),
        },
    )


@dg.asset_check(
    asset="unrest_events",
    blocking=True,
    additional_deps=["unrest_screening", "gdelt_events"],
    pool=WAREHOUSE_POOL,
    description="unrest_screening has one row per gdelt_events row and preset, and unrest_events holds "
    "exactly the rows it keeps (each placed by event_places).",
)
def every_event_screened(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.get_reader() as con:
        row = sql.run(con, "gdelt/unrest_accounting").pl().to_dicts()[0]
    return dg.AssetCheckResult(
        passed=row["gdelt_events"] * row["definitions"] == row["screened"] and row["kept"] == row["unrest_events"],
        metadata=row,
    )

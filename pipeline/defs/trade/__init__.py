"""The trade design (AI exports and unrest across countries) and the covariates that split panels."""

import dagster as dg
import polars as pl
from pydantic import Field

from pipeline.defs.automation import REFRESH_WHEN_UPSTREAM_UPDATES
from pipeline.defs.checks import check_row
from pipeline.defs.estimation import read_panel, refuse_unknown, store_fits
from pipeline.defs.metadata import column_schema, table_metadata
from pipeline.defs.resources import WAREHOUSE_POOL, TradeDataResource, WarehouseResource, warehouse_dir
from pipeline.lib import sql
from pipeline.lib import warehouse as warehouse_lib
from pipeline.lib.estimation.event_study import fit_event_study
from pipeline.lib.estimation.fits import Fit
from pipeline.lib.exports import export_with_manifest
from pipeline.lib.trade.files import TableFileError, load

ALL_COUNTRIES = "all"
SPLITS = (ALL_COUNTRIES, "autocracy_or_weak_democracy", "mature_democracy")  # all countries, or a trade_panel.regime


class TradeDataConfig(dg.Config):
    allow_empty: bool = Field(
        False,
        description="Let a file without usable records replace a table that holds "
        "rows (otherwise the run fails and the table is kept)",
    )


@dg.multi_asset(
    name="trade_data",
    specs=[
        dg.AssetSpec(
            "trade_deals",
            metadata=column_schema("trade_deals"),
            group_name="trade",
            deps=["regions"],
            kinds={"duckdb"},
            description="AI export deals (exporter, importer, year, technology, smart-city flag, firm) "
            "from the trade-deals file.",
        ),
        dg.AssetSpec(
            "trade_deal_quarantine",
            metadata=column_schema("trade_deal_quarantine"),
            group_name="trade",
            deps=["regions"],
            kinds={"duckdb"},
            description="Records of the trade-deals file that cannot be used, with the reason.",
        ),
        dg.AssetSpec(
            "covariates",
            metadata=column_schema("covariates"),
            group_name="trade",
            deps=["regions"],
            kinds={"duckdb"},
            description="Covariates by region and year (Polity scores by country-year, cameras by "
            "region ...) from the covariates file, in long format.",
        ),
        dg.AssetSpec(
            "covariate_quarantine",
            metadata=column_schema("covariate_quarantine"),
            group_name="trade",
            deps=["regions"],
            kinds={"duckdb"},
            description="Records of the covariates file that cannot be used, with the reason.",
        ),
    ],
    # Inside the asset: it adds up the records this run read from the files, which a check run alone has not read.
    check_specs=[
        dg.AssetCheckSpec(
            "every_record_accounted_for",
            asset="trade_deals",
            blocking=True,
            description="Each file's records = rows kept + rows quarantined.",
        )
    ],
    pool=WAREHOUSE_POOL,
)
def trade_data(
    context: dg.AssetExecutionContext,
    config: TradeDataConfig,
    warehouse: WarehouseResource,
    trade_data: TradeDataResource,
):
    with warehouse.get_connection() as con:
        try:
            deals = load(con, "trade_deals", trade_data.trade_deals_path, config.allow_empty)
            covariates = load(con, "covariates", trade_data.covariates_path, config.allow_empty)
        except (TableFileError, warehouse_lib.EmptyReplacementError) as err:
            raise dg.Failure(description=str(err)) from None
        counted = dict(sql.run(con, "trade/trade_data_rows").fetchall())
        reasons = {"trade_deal_quarantine": {}, "covariate_quarantine": {}}
        for table, reason, records in sql.run(con, "trade/trade_quarantine_reasons").fetchall():
            reasons[table][reason] = records
        meta = {t: table_metadata(con, t) for t in counted}
    for summary in (deals, covariates):
        context.log.info(
            f"{summary.source_file or '(no file)'}: {summary.records} records, {summary.kept} kept, "
            f"{summary.quarantined} quarantined"
        )
    yield dg.MaterializeResult(asset_key="trade_deals", metadata={**meta["trade_deals"], "records": deals.records})
    yield dg.MaterializeResult(
        asset_key="trade_deal_quarantine",
        metadata={**meta["trade_deal_quarantine"], "reasons": dg.MetadataValue.json(reasons["trade_deal_quarantine"])},
    )
    yield dg.MaterializeResult(asset_key="covariates", metadata={**meta["covariates"], "records": covariates.records})
    yield dg.MaterializeResult(
        asset_key="covariate_quarantine",
        metadata={**meta["covariate_quarantine"], "reasons": dg.MetadataValue.json(reasons["covariate_quarantine"])},
    )
    yield dg.AssetCheckResult(
        check_name="every_record_accounted_for",
        asset_key="trade_deals",
        passed=deals.records == counted["trade_deals"] + counted["trade_deal_quarantine"]
        and covariates.records == counted["covariates"] + counted["covariate_quarantine"],
        metadata={"trade_deal_records": deals.records, "covariate_records": covariates.records, **counted},
    )


class TradePanelConfig(dg.Config):
    preset: str = Field("trade", description="The unrest preset of unrest_events counted (the unrest asset's presets)")
    exporter: str = Field("CHN", description="The exporter whose AI exports are studied (ISO 3166-1 alpha-3)")
    comparison_exporters: list[str] = Field(["USA"], description="Exporters to compare with (ISO 3166-1 alpha-3)")
    start_year: int | None = Field(None, description="The panel's first year; unset: the first year of trade_deals")
    end_year: int | None = Field(None, description="The panel's last year; unset: the last year of trade_deals")
    regime_covariate: str = Field("polity", description="The covariate that splits countries (covariates.covariate)")
    regime_cutoff: float = Field(
        6.0, description="Below it: autocracy or weak democracy; at or above it: mature democracy"
    )


@dg.asset(
    metadata=column_schema("trade_panel"),
    group_name="trade",
    deps=["trade_deals", "covariates", "unrest_events"],
    pool=WAREHOUSE_POOL,
    kinds={"duckdb", "parquet"},
    automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES,
    description="Balanced importer x year panel: unrest of the chosen preset (count, standardised, high-unrest "
    "flag), AI imports from the chosen exporter and from comparison exporters, and the regime split.",
)
def trade_panel(config: TradePanelConfig, warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.get_connection() as con:
        sql.run(con, "trade/trade_panel", config.model_dump())
        manifest = export_with_manifest(
            con,
            "trade_panel",
            warehouse_dir(warehouse) / "exports",
            ["trade_deals", "covariates", "unrest_events"],
            config.model_dump(),
        )
        countries, years = sql.run(con, "trade/trade_panel_shape").fetchone()
        regimes = dict(sql.run(con, "trade/trade_panel_regimes").fetchall())
        meta = table_metadata(con, "trade_panel", order_by="region_id, year", date_column="period_start")
    return dg.MaterializeResult(
        metadata={
            **meta,
            **config.model_dump(),
            "countries": countries,
            "years": years,
            "countries_by_regime": dg.MetadataValue.json(regimes),
            "manifest": dg.MetadataValue.json(manifest),
        }
    )


@dg.asset_check(
    asset=trade_panel,
    name="balanced_and_complete",
    blocking=True,
    pool=WAREHOUSE_POOL,
    automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES,
    description="Every country has every year once, and the panel's deals and unrest equal those of today's "
    "trade_deals and unrest_events in its span, under the run config it was built with: rerun alone "
    "after a source changes, it says whether the panel is stale.",
)
def trade_panel_balanced_and_complete(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    c = check_row(context, warehouse, "trade_panel", TradePanelConfig, "trade/trade_panel_check")
    return dg.AssetCheckResult(
        passed=c["rows"] == c["countries"] * c["years"] == c["distinct_cells"]
        and c["deals_in_panel"] == c["deals_in_span"]
        and c["unrest_in_panel"] == c["unrest_in_span"],
        metadata=c,
    )


class TradeEventStudyConfig(dg.Config):
    outcomes: list[str] = Field(
        ["imports_from_exporter", "imports_from_comparison"], description="Columns of trade_panel to estimate"
    )
    leads: int = Field(2, description="Years before unrest")
    lags: int = Field(2, description="Years after unrest")
    omitted: list[int] = Field([-1], description="Event times left out (the year before, as in the paper)")
    # A list of Literal choices is not a Dagster config type: the splits are checked in code.
    splits: list[str] = Field(
        list(SPLITS), description=f"The countries of each fit, of {', '.join(SPLITS)}: all, or those of one regime"
    )


@dg.asset(
    metadata=column_schema("trade_event_study"),
    group_name="trade",
    deps=["trade_panel"],
    pool=WAREHOUSE_POOL,
    kinds={"python", "duckdb", "parquet"},
    automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES,
    description="Event study of imports on standardised unrest, k = import year - unrest year from -leads to lags "
    "(the omitted terms left out), country and year fixed effects, errors clustered by country; for all "
    "countries and for each regime. One row per split, outcome and k; a coefficient plot per fit.",
)
def trade_event_study(
    context: dg.AssetExecutionContext, config: TradeEventStudyConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    refuse_unknown("split(s)", config.splits, SPLITS)
    rel_periods = [k for k in range(-config.leads, config.lags + 1) if k not in config.omitted]
    with warehouse.get_connection() as con:
        panel = read_panel(con, "trade/trade_panel_rows", "trade_panel", config.outcomes)
        fits = [
            Fit(
                f"{split}_{outcome}",
                f"{split} {outcome}",
                panel if split == ALL_COUNTRIES else panel.filter(pl.col("regime") == split),
                outcome,
                lambda rows, outcome: fit_event_study(rows, outcome, rel_periods),
                {"split": split},
            )
            for split in config.splits
            for outcome in config.outcomes
        ]
        _, metadata = store_fits(
            context,
            con,
            warehouse,
            "trade_event_study",
            fits,
            ["trade_panel"],
            config,
            order_by="split, outcome, rel_period",
        )
    return dg.MaterializeResult(metadata=metadata)


defs = dg.Definitions(
    assets=[trade_data, trade_panel, trade_event_study], asset_checks=[trade_panel_balanced_and_complete]
)

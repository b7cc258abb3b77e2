"""The trade design (AI exports and unrest across countries) and the covariates that split panels."""

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource
from pydantic import Field

from pipeline.defs.automation import REFRESH_WHEN_UPSTREAM_UPDATES
from pipeline.defs.metadata import figure_metadata, table_metadata
from pipeline.defs.resources import WAREHOUSE_POOL, TradeDataResource, warehouse_dir
from pipeline.lib import sql
from pipeline.lib import warehouse as warehouse_lib
from pipeline.lib.estimation.event_study import coefficient_plot_png, fit_event_study
from pipeline.lib.exports import export_with_manifest
from pipeline.lib.trade.files import TableFileError, load

ALL_COUNTRIES = "all"


class TradeDataConfig(dg.Config):
    allow_empty: bool = Field(False, description="Let a file without usable records replace a table that holds "
                                                 "rows (otherwise the run fails and the table is kept)")


@dg.multi_asset(
    name="trade_data",
    specs=[
        dg.AssetSpec("trade_deals", group_name="trade", deps=["regions"],
                     description="AI export deals (exporter, importer, year, technology, smart-city flag, firm) "
                                 "from the trade-deals file."),
        dg.AssetSpec("trade_deal_quarantine", group_name="trade", deps=["regions"],
                     description="Records of the trade-deals file that cannot be used, with the reason."),
        dg.AssetSpec("covariates", group_name="trade", deps=["regions"],
                     description="Covariates by region and year (Polity scores by country-year, cameras by "
                                 "region ...) from the covariates file, in long format."),
        dg.AssetSpec("covariate_quarantine", group_name="trade", deps=["regions"],
                     description="Records of the covariates file that cannot be used, with the reason."),
    ],
    check_specs=[dg.AssetCheckSpec("every_record_accounted_for", asset="trade_deals", blocking=True,
                                   description="Each file's records = rows kept + rows quarantined.")],
    pool=WAREHOUSE_POOL,
)
def trade_data(context: dg.AssetExecutionContext, config: TradeDataConfig, warehouse: DuckDBResource,
               trade_data: TradeDataResource):
    with warehouse.get_connection() as con:
        try:
            deals = load(con, "trade_deals", trade_data.trade_deals_path, config.allow_empty)
            covariates = load(con, "covariates", trade_data.covariates_path, config.allow_empty)
        except (TableFileError, warehouse_lib.EmptyReplacementError) as err:
            raise dg.Failure(description=str(err)) from None
        counted = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                   for t in ("trade_deals", "trade_deal_quarantine", "covariates", "covariate_quarantine")}
        reasons = {t: dict(con.execute(f"SELECT quarantine_reason, count(*) FROM {t} GROUP BY ALL ORDER BY 1").fetchall())
                   for t in ("trade_deal_quarantine", "covariate_quarantine")}
        meta = {t: table_metadata(con, t) for t in counted}
    for summary in (deals, covariates):
        context.log.info(f"{summary.source_file or '(no file)'}: {summary.records} records, {summary.kept} kept, "
                         f"{summary.quarantined} quarantined")
    yield dg.MaterializeResult(asset_key="trade_deals", metadata={**meta["trade_deals"], "records": deals.records})
    yield dg.MaterializeResult(asset_key="trade_deal_quarantine", metadata={
        **meta["trade_deal_quarantine"], "reasons": dg.MetadataValue.json(reasons["trade_deal_quarantine"])})
    yield dg.MaterializeResult(asset_key="covariates", metadata={**meta["covariates"], "records": covariates.records})
    yield dg.MaterializeResult(asset_key="covariate_quarantine", metadata={
        **meta["covariate_quarantine"], "reasons": dg.MetadataValue.json(reasons["covariate_quarantine"])})
    yield dg.AssetCheckResult(
        check_name="every_record_accounted_for", asset_key="trade_deals",
        passed=deals.records == counted["trade_deals"] + counted["trade_deal_quarantine"]
        and covariates.records == counted["covariates"] + counted["covariate_quarantine"],
        metadata={"trade_deal_records": deals.records, "covariate_records": covariates.records, **counted})


class TradePanelConfig(dg.Config):
    preset: str = "trade"  # the unrest preset counted (see the unrest asset's presets)
    exporter: str = "CHN"  # ISO 3166-1 alpha-3
    comparison_exporters: list[str] = ["USA"]
    start_year: int | None = None  # default: the first year of trade_deals
    end_year: int | None = None  # default: the last year of trade_deals
    regime_covariate: str = "polity"  # the covariate that splits countries (covariates.covariate)
    regime_cutoff: float = 6.0  # below: autocracy or weak democracy; at or above: mature democracy


@dg.asset(
    group_name="trade", deps=["trade_deals", "covariates", "unrest_events"], pool=WAREHOUSE_POOL,
    automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES,
    description="Balanced importer x year panel: unrest of the chosen preset (count, standardised, high-unrest "
                "flag), AI imports from the chosen exporter and from comparison exporters, and the regime split.",
    check_specs=[dg.AssetCheckSpec("balanced_and_complete", asset="trade_panel", blocking=True,
                                   description="Every country has every year once, and the panel's deals and unrest "
                                               "equal those of the sources in its span.")],
)
def trade_panel(config: TradePanelConfig, warehouse: DuckDBResource):
    with warehouse.get_connection() as con:
        sql.run(con, "trade/trade_panel", config.model_dump())
        manifest = export_with_manifest(con, "trade_panel", warehouse_dir(warehouse) / "exports",
                                        ["trade_deals", "covariates", "unrest_events"], config.model_dump())
        rows, countries, years, cells, deals_panel, deals_span, unrest_panel, unrest_span = sql.run(
            con, "trade/trade_panel_check", config.model_dump()).fetchone()
        regimes = dict(con.execute("SELECT coalesce(regime, 'unknown'), count(DISTINCT region_id) FROM trade_panel "
                                   "GROUP BY ALL ORDER BY 1").fetchall())
        meta = table_metadata(con, "trade_panel", order_by="region_id, year", date_column="period_start")
    yield dg.MaterializeResult(metadata={**meta, **config.model_dump(), "countries": countries, "years": years,
                                         "countries_by_regime": dg.MetadataValue.json(regimes),
                                         "manifest": dg.MetadataValue.json(manifest)})
    yield dg.AssetCheckResult(
        check_name="balanced_and_complete",
        passed=rows == countries * years == cells and deals_panel == deals_span and unrest_panel == unrest_span,
        metadata={"rows": rows, "countries": countries, "years": years, "deals_in_panel": deals_panel,
                  "deals_in_span": deals_span, "unrest_in_panel": unrest_panel, "unrest_in_span": unrest_span})


class TradeEventStudyConfig(dg.Config):
    outcomes: list[str] = ["imports_from_exporter", "imports_from_comparison"]
    leads: int = 2  # years before unrest
    lags: int = 2  # years after unrest
    omitted: list[int] = [-1]  # terms left out (the year before, as in the paper)
    splits: list[str] = [ALL_COUNTRIES, "autocracy_or_weak_democracy", "mature_democracy"]  # trade_panel.regime


@dg.asset(
    group_name="trade", deps=["trade_panel"], pool=WAREHOUSE_POOL,
    automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES,
    description="Event study of imports on standardised unrest, k = import year - unrest year from -leads to lags "
                "(the omitted terms left out), country and year fixed effects, errors clustered by country; for all "
                "countries and for each regime. One row per split, outcome and k; a coefficient plot per fit.",
)
def trade_event_study(context: dg.AssetExecutionContext, config: TradeEventStudyConfig, warehouse: DuckDBResource):
    figures = warehouse_dir(warehouse) / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    rel_periods = [k for k in range(-config.leads, config.lags + 1) if k not in config.omitted]
    with warehouse.get_connection() as con:
        panel = con.execute("SELECT * FROM trade_panel ORDER BY region_id, year").pl()
        missing = [o for o in config.outcomes if o not in panel.columns]
        if missing:
            raise dg.Failure(f"outcome(s) {missing} are not columns of trade_panel")
        fits, plots = [], {}
        for split in config.splits:
            rows = panel if split == ALL_COUNTRIES else panel.filter(pl.col("regime") == split)
            for outcome in config.outcomes:
                if rows.height == 0 or rows[outcome].n_unique() <= 1:
                    context.log.warning(f"{outcome} in split {split}: no variation, not estimated")
                    continue
                coefficients = fit_event_study(rows, outcome, rel_periods).with_columns(split=pl.lit(split))
                plots[f"plot_{split}_{outcome}"] = figure_metadata(
                    coefficient_plot_png(coefficients, f"{outcome}, {split}"),
                    figures / f"trade_event_study_{split}_{outcome}.png", f"{split} {outcome}")
                context.log.info(f"{outcome}, {split}: n_obs {coefficients['n_obs'][0]}")
                fits.append(coefficients)
        if not fits:
            raise dg.Failure("nothing to estimate: every outcome is constant in every split")
        warehouse_lib.replace_table(con, "trade_event_study", pl.concat(fits).select("split", pl.exclude("split")))
        manifest = export_with_manifest(con, "trade_event_study", warehouse_dir(warehouse) / "exports",
                                        ["trade_panel"], config.model_dump())
        meta = table_metadata(con, "trade_event_study", order_by="split, outcome, rel_period", preview_rows=30)
    return dg.MaterializeResult(metadata={**meta, **plots, "figures_dir": str(figures),
                                          "manifest": dg.MetadataValue.json(manifest)})


defs = dg.Definitions(assets=[trade_data, trade_panel, trade_event_study])

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from pipeline.defs.automation import REFRESH_WHEN_UPSTREAM_UPDATES
from pipeline.defs.metadata import figure_metadata, table_metadata
from pipeline.defs.resources import WAREHOUSE_POOL, warehouse_dir
from pipeline.lib import warehouse as warehouse_lib
from pipeline.lib.estimation.event_study import (
    SPEC_NAME,
    coefficient_plot_png,
    fit_event_study,
)
from pipeline.lib.estimation.staggered import fit_did2s, fit_sun_abraham, fit_twfe
from pipeline.lib.exports import export_with_manifest

ESTIMATORS = {
    SPEC_NAME: lambda panel, outcome, leads, lags: fit_event_study(panel, outcome, range(-leads, lags + 1)),
    "twfe_first_high_unrest": fit_twfe,
    "sun_abraham_first_high_unrest": fit_sun_abraham,
    "did2s_first_high_unrest": fit_did2s,
}


class EventStudyConfig(dg.Config):
    # Public-security AI, and the placebo path: AI bought by other buyers, by banks, hospitals and schools; then
    # public-security AI split into data-rich and data-scarce buyers' regions (by cameras, see unrest_panel).
    outcomes: list[str] = ["ps_ai_contracts", "placebo_ai_contracts", "bank_ai_contracts", "hospital_ai_contracts",
                           "education_ai_contracts", "ps_ai_contracts_data_rich", "ps_ai_contracts_data_scarce"]
    estimators: list[str] = list(ESTIMATORS)
    leads: int = 2  # periods before unrest (pre-trend terms)
    lags: int = 3  # periods after unrest


@dg.asset(group_name="estimates", deps=["unrest_panel"], pool=WAREHOUSE_POOL,
          automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES,
          description="Event studies of each outcome (pyfixest, errors clustered by region), k = outcome period - "
                      "unrest period from -leads to lags: AI-tocracy's distributed lag of standardised unrest with "
                      "region and period fixed effects; and, on the first high-unrest period, plain two-way fixed "
                      "effects, and the heterogeneity-robust estimators of Sun and Abraham and of Gardner (did2s). One row per spec, outcome and k; "
                      "a coefficient plot per spec and outcome.")
def event_study(context: dg.AssetExecutionContext, config: EventStudyConfig, warehouse: DuckDBResource):
    unknown = [e for e in config.estimators if e not in ESTIMATORS]
    if unknown:
        raise dg.Failure(f"unknown estimator(s) {unknown}; known: {list(ESTIMATORS)}")
    figures = warehouse_dir(warehouse) / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    with warehouse.get_connection() as con:
        panel = con.execute("SELECT * FROM unrest_panel ORDER BY region_id, period_start").pl()
        missing = [o for o in config.outcomes if o not in panel.columns]
        if missing:
            raise dg.Failure(f"outcome(s) {missing} are not columns of unrest_panel")
        # An outcome that never varies has nothing to estimate (a sector with no AI purchases at all).
        constant = [o for o in config.outcomes if panel[o].n_unique() <= 1]
        for outcome in constant:
            context.log.warning(f"{outcome} is constant in the panel: not estimated")
        fits, plots = [], {}
        for spec in config.estimators:
            for outcome in (o for o in config.outcomes if o not in constant):
                coefficients = ESTIMATORS[spec](panel, outcome, config.leads, config.lags)
                plots[f"plot_{spec}_{outcome}"] = figure_metadata(
                    coefficient_plot_png(coefficients, f"{outcome} ({spec})"),
                    figures / f"event_study_{spec}_{outcome}.png", f"{spec} {outcome}")
                context.log.info(f"{spec} on {outcome}: n_obs {coefficients['n_obs'][0]}")
                fits.append(coefficients)
        warehouse_lib.replace_table(con, "event_study", pl.concat(fits))
        manifest = export_with_manifest(con, "event_study", warehouse_dir(warehouse) / "exports", ["unrest_panel"],
                                        config.model_dump())
        meta = table_metadata(con, "event_study", order_by="spec, outcome, rel_period", preview_rows=30)
    return dg.MaterializeResult(metadata={**meta, **plots, "figures_dir": str(figures),
                                          "outcomes_not_estimated": dg.MetadataValue.json(constant),
                                          "manifest": dg.MetadataValue.json(manifest)})


defs = dg.Definitions(assets=[event_study])

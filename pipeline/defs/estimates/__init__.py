"""The event studies of the China panel (unrest_panel)."""

import dagster as dg
from pydantic import Field

from pipeline.defs.automation import REFRESH_WHEN_UPSTREAM_UPDATES
from pipeline.defs.estimation import read_panel, refuse_unknown, store_fits
from pipeline.defs.metadata import column_schema
from pipeline.defs.resources import WAREHOUSE_POOL, WarehouseResource
from pipeline.lib.estimation.event_study import SPEC_NAME, fit_event_study
from pipeline.lib.estimation.fits import Fit
from pipeline.lib.estimation.staggered import fit_did2s, fit_sun_abraham, fit_twfe

ESTIMATORS = {
    SPEC_NAME: lambda panel, outcome, leads, lags: fit_event_study(panel, outcome, range(-leads, lags + 1)),
    "twfe_first_high_unrest": fit_twfe,
    "sun_abraham_first_high_unrest": fit_sun_abraham,
    "did2s_first_high_unrest": fit_did2s,
}


class EventStudyConfig(dg.Config):
    outcomes: list[str] = Field(
        [
            "ps_ai_contracts",
            "placebo_ai_contracts",
            "bank_ai_contracts",
            "hospital_ai_contracts",
            "education_ai_contracts",
            "ps_ai_contracts_data_rich",
            "ps_ai_contracts_data_scarce",
        ],
        description="Columns of unrest_panel to estimate: public-security AI; the placebo path (AI bought by other "
        "buyers, by banks, hospitals and schools); public-security AI of data-rich and data-scarce "
        "buyers' regions",
    )
    # A list of Literal choices is not a Dagster config type (nor is a list of Enum usable: its default stays a
    # string), so the choices are checked in code.
    estimators: list[str] = Field(
        list(ESTIMATORS), description=f"The specifications to fit, of {', '.join(ESTIMATORS)}"
    )
    leads: int = Field(2, description="Periods before unrest (pre-trend terms)")
    lags: int = Field(3, description="Periods after unrest")


@dg.asset(
    metadata=column_schema("event_study"),
    group_name="estimates",
    deps=["unrest_panel"],
    pool=WAREHOUSE_POOL,
    kinds={"python", "duckdb", "parquet"},
    automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES,
    description="Event studies of each outcome (pyfixest, errors clustered by region), k = outcome period - "
    "unrest period from -leads to lags: AI-tocracy's distributed lag of standardised unrest with "
    "region and period fixed effects; and, on the first high-unrest period, plain two-way fixed "
    "effects, and the heterogeneity-robust estimators of Sun and Abraham and of Gardner (did2s). "
    "One row per spec, outcome and k; a coefficient plot per spec and outcome.",
)
def event_study(
    context: dg.AssetExecutionContext, config: EventStudyConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    refuse_unknown("estimator(s)", config.estimators, ESTIMATORS)
    with warehouse.get_connection() as con:
        panel = read_panel(con, "estimates/unrest_panel_rows", "unrest_panel", config.outcomes)
        fits = [
            Fit(
                f"{spec}_{outcome}",
                f"{spec} {outcome}",
                panel,
                outcome,
                lambda rows, outcome, spec=spec: ESTIMATORS[spec](rows, outcome, config.leads, config.lags),
            )
            for spec in config.estimators
            for outcome in config.outcomes
        ]
        skipped, metadata = store_fits(
            context, con, warehouse, "event_study", fits, ["unrest_panel"], config, order_by="spec, outcome, rel_period"
        )
    # An outcome that never varies has nothing to estimate (a sector with no AI purchases at all).
    constant = sorted({fit.outcome for fit in skipped})
    return dg.MaterializeResult(metadata={**metadata, "outcomes_not_estimated": dg.MetadataValue.json(constant)})


defs = dg.Definitions(assets=[event_study])

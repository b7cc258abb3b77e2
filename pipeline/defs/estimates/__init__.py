import base64

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from pipeline.defs.metadata import table_metadata
from pipeline.defs.resources import WAREHOUSE_POOL, warehouse_dir
from pipeline.lib import warehouse as warehouse_lib
from pipeline.lib.estimation.event_study import coefficient_plot_png, fit_event_study


class EventStudyConfig(dg.Config):
    outcomes: list[str] = ["ps_ai_contracts", "placebo_ai_contracts"]
    leads: int = 2  # unrest up to this many periods after the outcome (pre-trend terms)
    lags: int = 3  # unrest up to this many periods before the outcome


@dg.asset(group_name="estimates", deps=["unrest_panel"], pool=WAREHOUSE_POOL,
          description="AI-tocracy's distributed-lag event study (pyfixest): each outcome on standardised unrest at "
                      "k = -leads..lags (k = outcome period - unrest period), region and period fixed effects, "
                      "errors clustered by region. One row per outcome and k; a coefficient plot per outcome.")
def event_study(context: dg.AssetExecutionContext, config: EventStudyConfig, warehouse: DuckDBResource):
    rel_periods = range(-config.leads, config.lags + 1)
    figures = warehouse_dir(warehouse) / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    with warehouse.get_connection() as con:
        panel = con.execute("SELECT * FROM unrest_panel ORDER BY region_id, period_start").pl()
        fits, plots = [], {}
        for outcome in config.outcomes:
            if outcome not in panel.columns:
                raise dg.Failure(f"outcome {outcome!r} is not a column of unrest_panel")
            coefficients = fit_event_study(panel, outcome, rel_periods)
            png = coefficient_plot_png(coefficients, f"{outcome}: effect of unrest at event time k")
            (figures / f"event_study_{outcome}.png").write_bytes(png)
            plots[f"plot_{outcome}"] = dg.MetadataValue.md(
                f"![{outcome}](data:image/png;base64,{base64.b64encode(png).decode()})")
            context.log.info(f"event study of {outcome}: n_obs {coefficients['n_obs'][0]}")
            fits.append(coefficients)
        warehouse_lib.replace_table(con, "event_study", pl.concat(fits))
        meta = table_metadata(con, "event_study", order_by="outcome, rel_period", preview_rows=20)
    return dg.MaterializeResult(metadata={**meta, **plots, "figures_dir": str(figures)})


defs = dg.Definitions(assets=[event_study])

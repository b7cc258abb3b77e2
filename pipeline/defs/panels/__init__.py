import json
from typing import Literal

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline.defs.automation import REFRESH_WHEN_UPSTREAM_UPDATES
from pipeline.defs.metadata import table_metadata
from pipeline.defs.resources import WAREHOUSE_POOL, warehouse_dir
from pipeline.lib import sql
from pipeline.lib.exports import export_with_manifest


class WindowConfig(dg.Config):
    preset: str = "aitocracy"  # which unrest preset of unrest_events (see the unrest asset's presets)
    period: Literal["month", "quarter", "year"] = "quarter"
    periods_before: int = 2
    periods_after: int = 3


class PanelConfig(dg.Config):
    preset: str = "aitocracy"  # which unrest preset of unrest_events (see the unrest asset's presets)
    level: Literal["prefecture", "province", "country"] = "prefecture"
    period: Literal["month", "quarter", "year"] = "quarter"
    high_unrest_rule: Literal["mean_plus_sd", "above_median", "above_percentile"] = "mean_plus_sd"
    high_unrest_percentile: float = 0.9  # for above_percentile
    cameras_covariate: str = "cameras"  # the covariate that splits data-rich from data-scarce contracts
    population_covariate: str = "population"  # people, for ps_ai_contracts_per_million
    start: str | None = None  # first period (YYYY-MM-DD); default: first period with a contract
    end: str | None = None  # last period; default: last period with a contract


@dg.asset(
    group_name="panels", deps=["unrest_events", "contracts"], pool=WAREHOUSE_POOL,
    automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES,
    description="Purchases before and after each prefecture-period with unrest: one row per window and k from "
                "-periods_before to periods_after (k = contract period - unrest period), zero when nothing was "
                "bought; and the view contract_windows, the contract-event pairs behind those counts.",
    check_specs=[dg.AssetCheckSpec("windows_complete_and_pairs_add_up", asset="event_windows", blocking=True,
                                   description="Every window has every k once, and the pairs in contract_windows "
                                               "number exactly the contracts counted in event_windows.")],
)
def event_windows(config: WindowConfig, warehouse: DuckDBResource):
    with warehouse.get_connection() as con:
        sql.run(con, "panels/contract_outcomes")
        sql.run(con, "panels/event_windows", config.model_dump())
        sql.run(con, "panels/contract_windows")
        windows, incomplete, counted, pairs, by_k = sql.run(con, "panels/event_windows_check",
                                                                       config.model_dump()).fetchone()
        meta = table_metadata(con, "event_windows", order_by="region_id, unrest_period, rel_period")
    yield dg.MaterializeResult(metadata={**meta, **config.model_dump(), "windows": windows,
                                         "contract_event_pairs": pairs,
                                         "mean_ps_ai_contracts_by_rel_period": dg.MetadataValue.json(json.loads(by_k))})
    yield dg.AssetCheckResult(
        check_name="windows_complete_and_pairs_add_up",
        passed=incomplete == 0 and counted == pairs,
        metadata={"windows": windows, "windows_missing_a_k": incomplete, "contracts_in_event_windows": counted,
                  "pairs_in_contract_windows": pairs},
    )


@dg.asset(
    group_name="panels", deps=["unrest_events", "contracts", "covariates"], pool=WAREHOUSE_POOL,
    automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES,
    description="Balanced prefecture x period panel: unrest counts, standardised unrest, high-unrest flag, and "
                "contract outcomes (flows and cumulative public-security AI contracts).",
    check_specs=[dg.AssetCheckSpec("balanced_and_complete", asset="unrest_panel", blocking=True,
                                   description="Every region has every period once, and the panel's unrest and "
                                               "public-security AI totals equal those of the source tables in its span.")],
)
def unrest_panel(config: PanelConfig, warehouse: DuckDBResource):
    with warehouse.get_connection() as con:
        sql.run(con, "panels/contract_outcomes")
        sql.run(con, "panels/unrest_panel", config.model_dump())
        manifest = export_with_manifest(con, "unrest_panel", warehouse_dir(warehouse) / "exports",
                                        ["unrest_events", "contracts", "covariates"], config.model_dump())
        check = sql.run(con, "panels/unrest_panel_check", config.model_dump()).fetchone()
        meta = table_metadata(con, "unrest_panel", order_by="region_id, period_start", date_column="period_start")
    rows, regions, periods, distinct_cells, unrest_panel_sum, unrest_source, ps_panel, ps_source = check
    yield dg.MaterializeResult(metadata={**meta, "regions": regions, "periods": periods, "period": config.period,
                                         "level": config.level,
                                         "manifest": dg.MetadataValue.json(manifest)})
    yield dg.AssetCheckResult(
        check_name="balanced_and_complete",
        passed=rows == regions * periods == distinct_cells and unrest_panel_sum == unrest_source and ps_panel == ps_source,
        metadata={"rows": rows, "regions": regions, "periods": periods, "unrest_in_panel": unrest_panel_sum,
                  "unrest_in_span": unrest_source, "ps_ai_in_panel": ps_panel, "ps_ai_in_span": ps_source},
    )


defs = dg.Definitions(assets=[event_windows, unrest_panel])

"""The China panels: contract windows around unrest, and the balanced region x period panel."""

import json
from typing import Literal

import dagster as dg
from pydantic import Field

from pipeline.defs.automation import REFRESH_WHEN_UPSTREAM_UPDATES
from pipeline.defs.checks import check_row
from pipeline.defs.metadata import column_schema, table_metadata
from pipeline.defs.resources import WAREHOUSE_POOL, WarehouseResource, warehouse_dir
from pipeline.lib import sql
from pipeline.lib import warehouse as warehouse_lib
from pipeline.lib.exports import export_with_manifest

Period = Literal["month", "quarter", "year"]
PRESET = Field("aitocracy", description="The unrest preset of unrest_events counted (the unrest asset's presets)")
PERIOD = Field("quarter", description="The period unit: calendar month, quarter or year")


class WindowConfig(dg.Config):
    preset: str = PRESET
    period: Period = PERIOD
    periods_before: int = Field(2, description="Periods before the unrest period in each window (k from -this)")
    periods_after: int = Field(3, description="Periods after the unrest period in each window (k up to this)")


class PanelConfig(dg.Config):
    preset: str = PRESET
    level: Literal["prefecture", "province", "country"] = Field(
        "prefecture", description="The panel's regions; events and contracts placed below a level count in it"
    )
    period: Period = PERIOD
    high_unrest_rule: Literal["mean_plus_sd", "above_median", "above_percentile"] = Field(
        "mean_plus_sd",
        description="When a region-period has high unrest: above the panel mean plus one standard "
        "deviation, above the median, or above high_unrest_percentile",
    )
    high_unrest_percentile: float = Field(0.9, description="The quantile the above_percentile rule uses")
    cameras_covariate: str = Field(
        "cameras",
        description="The covariate that splits data-rich from data-scarce buyers' regions (covariates.covariate)",
    )
    population_covariate: str = Field(
        "population", description="People in a region, for ps_ai_contracts_per_million (covariates.covariate)"
    )
    start: str | None = Field(None, description="The first period (YYYY-MM-DD); unset: the first with a contract")
    end: str | None = Field(None, description="The last period (YYYY-MM-DD); unset: the last with a contract")


@dg.asset(
    metadata=column_schema("event_windows"),
    group_name="panels",
    deps=["unrest_events", "contracts"],
    pool=WAREHOUSE_POOL,
    kinds={"duckdb"},
    automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES,
    description="Purchases before and after each prefecture-period with unrest: one row per window and k from "
    "-periods_before to periods_after (k = contract period - unrest period), zero when nothing was "
    "bought; and the view contract_windows, the contract-event pairs behind those counts.",
)
def event_windows(config: WindowConfig, warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.get_connection() as con, warehouse_lib.transaction(con):
        sql.run(con, "panels/contract_outcomes")
        sql.run(con, "panels/event_windows", config.model_dump())
        sql.run(con, "panels/contract_windows")
        windows, by_k = sql.run(con, "panels/event_windows_summary").fetchone()
        meta = table_metadata(con, "event_windows", order_by="region_id, unrest_period, rel_period")
    by_rel_period = dg.MetadataValue.json(json.loads(by_k))
    return dg.MaterializeResult(
        metadata={
            **meta,
            **config.model_dump(),
            "windows": windows,
            "mean_ps_ai_contracts_by_rel_period": by_rel_period,
        }
    )


@dg.asset_check(
    asset=event_windows,
    blocking=True,
    pool=WAREHOUSE_POOL,
    automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES,
    description="Every window has every k of the run config it was built with once, and the pairs in the view "
    "contract_windows (read from today's contracts) number exactly the contracts counted in "
    "event_windows: rerun alone after the contracts change, it says whether the windows are stale.",
)
def windows_complete_and_pairs_add_up(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    c = check_row(context, warehouse, "event_windows", WindowConfig, "panels/event_windows_check")
    return dg.AssetCheckResult(
        passed=c["windows_missing_a_k"] == 0 and c["contracts_in_event_windows"] == c["pairs_in_contract_windows"],
        metadata=c,
    )


@dg.asset(
    metadata=column_schema("unrest_panel"),
    group_name="panels",
    deps=["unrest_events", "contracts", "covariates"],
    pool=WAREHOUSE_POOL,
    kinds={"duckdb", "parquet"},
    automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES,
    description="Balanced prefecture x period panel: unrest counts, standardised unrest, high-unrest flag, and "
    "contract outcomes (flows and cumulative public-security AI contracts).",
)
def unrest_panel(config: PanelConfig, warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.get_connection() as con:
        with warehouse_lib.transaction(con):
            sql.run(con, "panels/contract_outcomes")
            sql.run(con, "panels/unrest_panel", config.model_dump())
        manifest = export_with_manifest(
            con,
            "unrest_panel",
            warehouse_dir(warehouse) / "exports",
            ["unrest_events", "contracts", "covariates"],
            config.model_dump(),
        )
        regions, periods = sql.run(con, "panels/unrest_panel_shape").fetchone()
        meta = table_metadata(con, "unrest_panel", order_by="region_id, period_start", date_column="period_start")
    return dg.MaterializeResult(
        metadata={
            **meta,
            **config.model_dump(),
            "regions": regions,
            "periods": periods,
            "manifest": dg.MetadataValue.json(manifest),
        }
    )


@dg.asset_check(
    asset=unrest_panel,
    name="balanced_and_complete",
    blocking=True,
    pool=WAREHOUSE_POOL,
    automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES,
    description="Every region has every period once, and the panel's unrest and public-security AI totals equal "
    "those of today's unrest_events and contracts in its span, under the run config it was built "
    "with: rerun alone after a source changes, it says whether the panel is stale.",
)
def unrest_panel_balanced_and_complete(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    c = check_row(context, warehouse, "unrest_panel", PanelConfig, "panels/unrest_panel_check")
    return dg.AssetCheckResult(
        passed=c["rows"] == c["regions"] * c["periods"] == c["distinct_cells"]
        and c["unrest_in_panel"] == c["unrest_in_span"]
        and c["ps_ai_in_panel"] == c["ps_ai_in_span"],
        metadata=c,
    )


defs = dg.Definitions(
    assets=[event_windows, unrest_panel],
    asset_checks=[windows_complete_and_pairs_add_up, unrest_panel_balanced_and_complete],
)

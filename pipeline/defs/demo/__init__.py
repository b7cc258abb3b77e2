import dagster as dg
import polars as pl
from pydantic import Field

from pipeline.defs.metadata import column_schema, table_metadata
from pipeline.defs.resources import WAREHOUSE_POOL, DemoWorldResource, WarehouseResource
from pipeline.demo.world import DemoSpec, generate
from pipeline.lib import warehouse as warehouse_lib


class DemoConfig(dg.Config):
    seed: int = Field(DemoSpec.seed, description="The seed the demo world is drawn from: the same seed, the same world")
    effect: float = Field(
        DemoSpec.effect,
        description="The planted effect: extra public-security AI contracts in the quarter after, per SD of unrest",
    )


@dg.asset(
    metadata=column_schema("demo_truth"),
    group_name="demo",
    pool=WAREHOUSE_POOL,
    kinds={"python", "duckdb"},
    description="Generates the offline demo world from a seed: a local GDELT 2.0 mirror, a contracts file (the "
    "China world of AI-tocracy), AI export deals and Polity scores (the country world of the trade "
    "design); and records the planted effects: design, split, outcome, rel_period, planted_effect.",
)
def demo_truth(
    context: dg.AssetExecutionContext, config: DemoConfig, demo_world: DemoWorldResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    summary = generate(demo_world.directory, DemoSpec(seed=config.seed, effect=config.effect))
    context.log.info(
        f"demo world written to {demo_world.directory}: {summary['gdelt_files']} GDELT files, "
        f"{summary['contract_records']} contract records"
    )
    with warehouse.get_connection() as con:
        warehouse_lib.replace_table(con, "demo_truth", pl.DataFrame(summary["truth"]))
        meta = table_metadata(con, "demo_truth", order_by="design, split, outcome, rel_period", preview_rows=40)
    return dg.MaterializeResult(
        metadata={
            **meta,
            "directory": demo_world.directory,
            **{
                k: summary[k]
                for k in (
                    "prefectures",
                    "quarters",
                    "planted_unrest_events",
                    "gdelt_lines",
                    "gdelt_files",
                    "contract_records",
                    "importers",
                    "country_years",
                    "planted_country_unrest_events",
                    "trade_deal_records",
                )
            },
        }
    )


defs = dg.Definitions(assets=[demo_truth])

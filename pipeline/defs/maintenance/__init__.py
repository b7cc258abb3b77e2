"""The warehouse's upkeep: small files merged and old snapshots expired, on demand or by a weekly schedule (off by
default: expiring snapshots is a choice a user makes)."""

import dagster as dg
from pydantic import Field

from pipeline.defs.resources import WAREHOUSE_POOL, WarehouseResource
from pipeline.lib.maintenance import maintain


class MaintenanceConfig(dg.Config):
    retention_days: int = Field(
        30, description="Snapshots older than this many days are expired, except those an export manifest cites"
    )


@dg.asset(
    group_name="maintenance",
    pool=WAREHOUSE_POOL,
    kinds={"duckdb"},
    description="Merges the lake's small Parquet files, expires snapshots older than retention_days that no export "
    "manifest cites (export_manifests), and deletes the files no remaining snapshot reads. Time travel "
    "(AT (VERSION => n)) reaches only the snapshots kept.",
)
def warehouse_maintenance(
    context: dg.AssetExecutionContext, config: MaintenanceConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    with warehouse.get_connection() as con:
        try:
            done = maintain(con, config.retention_days, context.log.info)
        except ValueError as err:
            raise dg.Failure(str(err)) from None
    return dg.MaterializeResult(
        metadata={
            "retention_days": config.retention_days,
            "snapshots_expired": len(done["snapshots_expired"]),
            "files_deleted": done["files_deleted"],
            "before": dg.MetadataValue.json(done["before"]),
            "after": dg.MetadataValue.json(done["after"]),
        }
    )


warehouse_maintenance_weekly = dg.ScheduleDefinition(
    name="warehouse_maintenance_weekly",
    target=dg.AssetSelection.assets(warehouse_maintenance),
    cron_schedule="0 4 * * 0",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Sundays at 04:00 UTC: warehouse_maintenance with its default retention (30 days).",
)

defs = dg.Definitions(assets=[warehouse_maintenance], schedules=[warehouse_maintenance_weekly])

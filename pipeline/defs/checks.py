"""What an asset check defined apart from its asset (@dg.asset_check) needs to rerun alone."""

from typing import Any, TypeVar

import dagster as dg

from pipeline.defs.resources import WarehouseResource
from pipeline.lib import sql

C = TypeVar("C", bound=dg.Config)


def latest_config(context: dg.AssetCheckExecutionContext, asset: str, config_class: type[C]) -> C:
    """The run config `asset` was last materialised with, as its materialisation recorded it in its metadata (the
    asset puts config.model_dump() there): what its checks verify the table against. A field the metadata lacks
    (a materialisation older than the field) takes its default."""
    event = context.instance.get_latest_materialization_event(dg.AssetKey(asset))
    if event is None or event.asset_materialization is None:
        raise dg.Failure(f"{asset} has not been materialised yet: there is nothing to check")
    metadata = event.asset_materialization.metadata
    return config_class(**{name: metadata[name].value for name in config_class.model_fields if name in metadata})


def check_row(
    context: dg.AssetCheckExecutionContext,
    warehouse: WarehouseResource,
    asset: str,
    config_class: type[dg.Config],
    check_sql: str,
) -> dict[str, Any]:
    """The one row of sql/<check_sql>.sql, run with the config `asset` was last materialised with, by column name:
    what the check decides on, and its metadata."""
    config = latest_config(context, asset, config_class)
    with warehouse.get_reader() as con:
        return sql.one_row(con, check_sql, config.model_dump())

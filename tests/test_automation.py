"""Declarative automation: a GDELT month that lands brings everything downstream of it up to date, in one
evaluation of Dagster's own automation logic; nothing fires merely because the sensor is turned on."""

import dagster as dg
import duckdb
from conftest import REAL_EXPORT, write_mirror, zipped

from pipeline.defs.gdelt.assets import UnrestConfig, gdelt_ingest
from pipeline.defs.resources import GdeltMirrorResource, WarehouseResource
from pipeline.definitions import defs
from pipeline.lib.gdelt.unrest import UnrestDefinition, held_definitions, preset, write_definitions

DOWNSTREAM_OF_GDELT = {"unrest_definitions", "unrest_screening", "unrest_events", "event_windows", "unrest_panel",
                       "event_study", "trade_panel", "trade_event_study"}


def test_a_month_that_lands_refreshes_everything_downstream(tmp_path):
    name = REAL_EXPORT.name
    mirror = write_mirror(tmp_path / "mirror", {f"{name}.zip": zipped(name, REAL_EXPORT.read_bytes())})
    with dg.instance_for_test() as instance:
        first = dg.evaluate_automation_conditions(defs=defs, instance=instance)
        assert first.total_requested == 0  # turning refreshes on launches nothing by itself
        landed = dg.materialize(
            [gdelt_ingest], partition_key="2018-03-01", instance=instance,
            resources={"warehouse": WarehouseResource(database=str(tmp_path / "w.duckdb")),
                       "gdelt": GdeltMirrorResource(base_url=str(mirror), cache_dir=str(tmp_path / "cache")),
                       "gdelt_bigquery": dg.ResourceDefinition.none_resource()})
        assert landed.success
        after = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=first.cursor)
        requested = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()
                     if after.get_requested_partitions(key)}
        # unrest_definitions has no upstream of its own: it runs because its multi-asset must run whole.
        assert requested == DOWNSTREAM_OF_GDELT
        again = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=after.cursor)
        assert again.total_requested == 0  # requested once, not on every tick


def test_a_refresh_with_the_default_config_keeps_the_warehouse_unrest_definitions():
    con = duckdb.connect()
    assert UnrestConfig().definitions(held_definitions(con)) == [preset("aitocracy")]  # a new warehouse
    custom = UnrestDefinition("custom", ("14",), ("CH",), (), 4, ("145",), "province")
    write_definitions(con, [preset("aitocracy"), preset("trade"), custom])
    assert UnrestConfig().definitions(held_definitions(con)) == [preset("aitocracy"), preset("trade"), custom]
    assert UnrestConfig(presets=["protest"]).definitions(held_definitions(con)) == [preset("protest")]

"""Declarative automation: a GDELT month that lands brings everything downstream of it up to date, in one
evaluation of Dagster's own automation logic and through a real daemon; nothing fires merely because the
sensor is turned on."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import REAL_EXPORT, copy_geography, stop_process_group, write_mirror, zipped

from pipeline.definitions import defs
from pipeline.defs.automation import MINIMUM_INTERVAL_VARIABLE
from pipeline.defs.gdelt.assets import UnrestConfig, gdelt_ingest
from pipeline.defs.resources import GdeltMirrorResource, WarehouseResource
from pipeline.demo.run import demo_environment
from pipeline.lib import settings
from pipeline.lib import warehouse as warehouse_lib
from pipeline.lib.gdelt.unrest import UnrestDefinition, held_definitions, preset, write_definitions

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DOWNSTREAM_OF_GDELT = {
    "event_places",
    "unrest_definitions",
    "unrest_screening",
    "unrest_events",
    "event_windows",
    "unrest_panel",
    "event_study",
    "trade_panel",
    "trade_event_study",
}


def test_a_month_that_lands_refreshes_everything_downstream(tmp_path):
    name = REAL_EXPORT.name
    mirror = write_mirror(tmp_path / "mirror", {f"{name}.zip": zipped(name, REAL_EXPORT.read_bytes())})
    with dg.instance_for_test() as instance:
        first = dg.evaluate_automation_conditions(defs=defs, instance=instance)
        assert first.total_requested == 0  # turning refreshes on launches nothing by itself
        landed = dg.materialize(
            [gdelt_ingest],
            partition_key="2018-03-01",
            instance=instance,
            resources={
                "warehouse": WarehouseResource(path=str(tmp_path / "lake")),
                "gdelt": GdeltMirrorResource(base_url=str(mirror), cache_dir=str(tmp_path / "cache")),
                "gdelt_bigquery": dg.ResourceDefinition.none_resource(),
            },
        )
        assert landed.success
        after = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=first.cursor)
        requested = {
            key.to_user_string()
            for key in defs.resolve_asset_graph().get_all_asset_keys()
            if after.get_requested_partitions(key)
        }
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


def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"no {what} within {seconds:.0f} s")


@pytest.mark.slow
def test_the_daemon_materialises_unrest_after_a_month_lands(tmp_path, geography_db, monkeypatch):
    """`dagster-daemon run` with downstream_refresh turned on: after a GDELT month is ingested (from the command
    line), the daemon launches a run of everything downstream, which screens the month's events. (That run's
    later steps fail here, as this warehouse has no contracts; the run is what is tested.)"""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    name = REAL_EXPORT.name
    mirror = write_mirror(tmp_path / "mirror", {f"{name}.zip": zipped(name, REAL_EXPORT.read_bytes())})
    env = {k: v for k, v in os.environ.items() if k not in settings.BY_NAME and k != settings.ORIGINS_VARIABLE}
    env |= {**demo_environment(tmp_path), "DAGSTER_HOME": str(home), "GDELT_BASE_URL": str(mirror)}
    env[MINIMUM_INTERVAL_VARIABLE] = "5"  # the tick after the month lands comes within 5 s, not 30
    warehouse = Path(env["WAREHOUSE_PATH"])
    warehouse.parent.mkdir(parents=True)
    con = warehouse_lib.connect(warehouse)
    copy_geography(con, geography_db)  # the geography unrest places events in, as the geo assets would have built it
    con.close()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get():  # its storage, created once before several processes open it
        pass
    location = ["-m", "pipeline.definitions"]
    # The daemon starts while the sensor is turned on: it ticks a sensor from its first loop after the sensor is on.
    daemon = subprocess.Popen(
        [str(BIN / "dagster-daemon"), "run", *location],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        started = subprocess.run(
            [str(BIN / "dagster"), "sensor", "start", "downstream_refresh", *location],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert started.returncode == 0, started.stderr[-2000:]
        with dg.DagsterInstance.get() as instance:
            (state,) = [s for s in instance.all_instigator_state() if s.instigator_name == "downstream_refresh"]
            # The first tick sees what exists and requests nothing; the month must land after it.
            _wait_for(
                lambda: instance.get_ticks(state.instigator_origin_id, state.selector_id, limit=1),
                120,
                "first tick of downstream_refresh",
            )
            landed = subprocess.run(
                [
                    str(BIN / "dagster"),
                    "asset",
                    "materialize",
                    *location,
                    "--select",
                    "gdelt_files,gdelt_events,gdelt_rejects",
                    "--partition",
                    "2018-03-01",
                ],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=180,
            )
            assert landed.returncode == 0, landed.stderr[-2000:]
            event = _wait_for(
                lambda: instance.get_latest_materialization_event(dg.AssetKey("unrest_events")),
                180,
                "unrest_events materialised by the daemon",
            )
            run = instance.get_run_by_id(event.run_id)
            assert run.tags.get("dagster/sensor_name") == "downstream_refresh"
            assert {key.to_user_string() for key in run.asset_selection} == DOWNSTREAM_OF_GDELT
    finally:
        stop_process_group(daemon)
    con = warehouse_lib.connect(warehouse, read_only=True)
    # Every event of the month that landed went through the screening (the real export has 25 in China).
    assert con.execute(
        "SELECT (SELECT count(*) FROM unrest_screening), (SELECT count(*) FROM gdelt_events)"
    ).fetchone() == (25, 25)
    con.close()

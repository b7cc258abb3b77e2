"""The one entry point: groups, pools, schedule and the schedule's partition choice."""

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

from pipeline.definitions import defs
from pipeline.lib import warehouse_columns

EXPECTED_GROUPS = {
    "demo": {"demo_truth"},
    "gdelt": {
        "gdelt_files",
        "gdelt_events",
        "gdelt_rejects",
        "unrest_definitions",
        "unrest_screening",
        "unrest_events",
    },
    "geo": {"regions", "fips_adm1_crosswalk", "prefecture_boundaries", "fips_adm1_iso_crosswalk", "event_places"},
    "procurement": {"contracts", "contract_quarantine"},
    "panels": {"event_windows", "unrest_panel"},
    "estimates": {"event_study"},
    "maintenance": {"warehouse_maintenance"},
    "trade": {
        "trade_deals",
        "trade_deal_quarantine",
        "covariates",
        "covariate_quarantine",
        "trade_panel",
        "trade_event_study",
    },
}


def test_assets_are_in_the_groups_a_user_recognises():
    graph = defs.resolve_asset_graph()
    groups: dict[str, set[str]] = {}
    for key in graph.get_all_asset_keys():
        groups.setdefault(graph.get(key).group_name, set()).add(key.to_user_string())
    assert groups == EXPECTED_GROUPS


def test_every_asset_writes_through_the_warehouse_pool():
    for assets_def in defs.assets:
        assert assets_def.op.pool == "duckdb_warehouse", assets_def.key


def test_every_asset_names_its_kinds():
    # Every asset writes the warehouse; estimation is "python" (pyfixest is no kind Dagster knows).
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        assert "duckdb" in graph.get(key).kinds, key
    assert {"python", "duckdb", "parquet"} <= graph.get(dg.AssetKey("event_study")).kinds


def test_every_asset_shows_its_table_columns_from_the_warehouse_reference():
    """Each asset writes the table of its name (but the lake's maintenance, which writes none); its column schema in
    the UI is that table's in the reference, and the reference's producer of each table or view is a real asset,
    of the op it names."""
    graph = defs.resolve_asset_graph()
    reference = warehouse_columns.tables()
    for key in graph.get_all_asset_keys():
        name = key.to_user_string()
        if graph.get(key).group_name == "maintenance":
            continue
        schema = graph.get(key).metadata["dagster/column_schema"].schema
        assert [(c.name, c.type, c.description) for c in schema.columns] == [
            (c.name, c.type, c.description) for c in reference[name].columns
        ], name
    ops = {key.to_user_string(): a.op.name for a in defs.assets for key in a.keys}
    for table in reference.values():
        assert table.asset in ops, table.name
        assert ops[table.asset] == (table.op or table.asset), table.name


def test_checks_defined_apart_run_in_the_warehouse_pool_and_block():
    assert {key.to_user_string() for c in defs.asset_checks for key in c.check_keys} >= {
        "event_windows:windows_complete_and_pairs_add_up",
        "unrest_panel:balanced_and_complete",
        "trade_panel:balanced_and_complete",
    }
    # Only the md5 check warns instead of blocking: an unverified file is reported, the month's rows stand.
    warn_only = {"gdelt_files:files_verified"}
    for checks_def in defs.asset_checks:
        assert checks_def.op.pool == "duckdb_warehouse", checks_def.check_keys
        for spec in checks_def.check_specs:
            assert spec.blocking == (spec.key.to_user_string() not in warn_only), spec.key


def test_every_run_config_field_is_described():
    for assets_def in defs.assets:
        if assets_def.op.config_schema is None:
            continue
        for name, field in assets_def.op.config_schema.config_type.fields.items():
            assert field.description, f"{assets_def.op.name}: config field {name} has no description"


def test_every_domain_is_in_the_entry_point():
    # Each package of pipeline/defs holds its domain's Definitions as `defs`; pipeline/definitions.py merges them all.
    import importlib
    import pkgutil

    import pipeline.defs

    keys = {key for a in defs.assets for key in a.keys}
    for module_info in pkgutil.iter_modules(pipeline.defs.__path__):
        domain = getattr(importlib.import_module(f"pipeline.defs.{module_info.name}"), "defs", None)
        if isinstance(domain, dg.Definitions):
            assert {key for a in domain.assets or [] for key in a.keys} <= keys, module_info.name
            assert {s.name for s in domain.sensors or []} <= {s.name for s in defs.sensors}, module_info.name


def test_gdelt_assets_are_monthly_partitioned():
    graph = defs.resolve_asset_graph()
    partitions = graph.get(dg.AssetKey("gdelt_events")).partitions_def
    assert isinstance(partitions, dg.MonthlyPartitionsDefinition)
    assert partitions.get_first_partition_key() == "1979-01-01"


def _refresh_requests(tick: datetime) -> list[tuple[str, str]]:
    repository = defs.get_repository_def()
    schedule = repository.get_schedule_def("gdelt_daily_refresh")
    with dg.build_schedule_context(scheduled_execution_time=tick, repository_def=repository) as context:
        return [(r.partition_key, r.run_key) for r in schedule.evaluate_tick(context).run_requests]


@pytest.mark.parametrize(
    "tick, months",
    [
        # Mid-month: the month in progress only.
        (datetime(2026, 2, 20, 6, 30, tzinfo=UTC), ["2026-02-01"]),
        # The first ticks of a month also finish the month before (its last exports arrive after midnight).
        (datetime(2026, 3, 1, 6, 30, tzinfo=UTC), ["2026-02-01", "2026-03-01"]),
        (datetime(2025, 1, 3, 6, 30, tzinfo=UTC), ["2024-12-01", "2025-01-01"]),
        (datetime(2025, 1, 4, 6, 30, tzinfo=UTC), ["2025-01-01"]),
    ],
)
def test_daily_refresh_asks_for_the_right_months(tick, months):
    schedule = defs.get_repository_def().get_schedule_def("gdelt_daily_refresh")
    assert schedule.cron_schedule == "30 6 * * *" and schedule.job_name == "gdelt_refresh_job"
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    requests = _refresh_requests(tick)
    assert [key for key, _ in requests] == months
    assert len({run_key for _, run_key in requests}) == len(months)  # one run per month and tick


def test_a_missed_tick_is_made_good_by_the_next():
    # The daemon was down for the ticks of 1 and 2 March: the tick of 3 March still asks for February's end.
    assert [key for key, _ in _refresh_requests(datetime(2026, 3, 3, 6, 30, tzinfo=UTC))] == [
        "2026-02-01",
        "2026-03-01",
    ]


def test_lastupdate_sensor_asks_once_per_new_export(tmp_path):
    from pipeline.defs.resources import GdeltMirrorResource

    def tick(cursor):
        resource = GdeltMirrorResource(base_url=str(tmp_path), cache_dir=str(tmp_path / "cache"))
        sensor = defs.get_repository_def().get_sensor_def("gdelt_lastupdate_sensor")
        with (
            dg.instance_for_test() as instance,
            dg.build_sensor_context(
                cursor=cursor,
                resources={"gdelt": resource},
                repository_def=defs.get_repository_def(),
                instance=instance,
            ) as context,
        ):
            return sensor.evaluate_tick(context)

    (tmp_path / "lastupdate.txt").write_text((Path(__file__).parent / "fixtures" / "lastupdate.txt").read_text())
    first = tick(None)
    assert [r.partition_key for r in first.run_requests] == ["2018-03-01"]
    assert first.cursor == "20180328050000.export.CSV.zip"
    again = tick(first.cursor)  # no new GDELT file: no work
    assert again.run_requests == [] and "no export newer" in again.skip_message
    (tmp_path / "lastupdate.txt").write_text(
        f"100 {'a' * 32} http://data.gdeltproject.org/gdeltv2/20180401000000.export.CSV.zip\n"
    )
    assert [r.partition_key for r in tick(first.cursor).run_requests] == ["2018-04-01"]  # across a month boundary


def test_every_resource_field_is_described():
    from pipeline.defs.resources import RESOURCES

    for key, resource in RESOURCES.items():
        for name, field in type(resource).to_config_schema().as_field().config_type.fields.items():
            assert field.description, f"resource {key}: field {name} has no description"

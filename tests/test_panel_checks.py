"""The panel checks defined apart from their assets (@dg.asset_check): they run with the asset, and alone."""

import dagster as dg
import pytest

from pipeline.defs.panels import event_windows, windows_complete_and_pairs_add_up
from pipeline.defs.resources import WarehouseResource
from pipeline.lib import warehouse as warehouse_lib

WINDOWS_CONFIG = {"ops": {"event_windows": {"config": {"period": "quarter", "periods_before": 1, "periods_after": 1}}}}


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "lake"
    with warehouse_lib.connect(path) as con:
        con.execute("""
            CREATE TABLE unrest_events AS SELECT * FROM (VALUES
                (DATE '2019-05-01', '440100', '440000', 'CHN', 'aitocracy')
            ) AS t(event_date, prefecture_id, province_id, country_id, preset)""")
        con.execute("""
            CREATE TABLE contracts AS SELECT *, true AS is_ai, true AS is_public_security_buyer,
                true AS is_public_security_ai, false AS is_duplicate, false AS award_date_implausible,
                1.0::DOUBLE AS amount, 'public_security' AS buyer_sector
            FROM (VALUES
                ('a', DATE '2019-03-31', '440100', 'prefecture'),  -- k = -1
                ('b', DATE '2019-07-01', '440100', 'prefecture')   -- k = 1
            ) AS t(contract_id, award_date, buyer_region_id, buyer_region_level)""")
    return path


def _checks(result: dg.ExecuteInProcessResult) -> list[tuple[str, bool, int]]:
    return [
        (e.check_name, e.passed, e.metadata["pairs_in_contract_windows"].value)
        for e in result.get_asset_check_evaluations()
    ]


def test_the_windows_check_runs_with_its_asset_and_alone_against_todays_contracts(warehouse):
    instance = dg.DagsterInstance.ephemeral()
    resources = {"warehouse": WarehouseResource(path=str(warehouse))}
    assets = [event_windows, windows_complete_and_pairs_add_up]
    built = dg.materialize(assets, instance=instance, resources=resources, run_config=WINDOWS_CONFIG)
    assert _checks(built) == [("windows_complete_and_pairs_add_up", True, 2)]
    # A contract lands in the window after the windows were built: the check alone says they are stale.
    with warehouse_lib.connect(warehouse) as con:
        con.execute(
            "INSERT INTO contracts SELECT * REPLACE ('c' AS contract_id) FROM contracts WHERE contract_id = 'b'"
        )
    alone = dg.materialize(
        assets,
        instance=instance,
        resources=resources,
        raise_on_error=False,
        selection=dg.AssetSelection.checks(windows_complete_and_pairs_add_up),
    )
    assert alone.get_asset_materialization_events() == []  # the check alone, with the config the windows recorded
    assert _checks(alone) == [("windows_complete_and_pairs_add_up", False, 3)]
    assert alone.get_asset_check_evaluations()[0].metadata["periods_before"].value == 1  # the windows' config


def test_a_refresh_runs_the_checks_with_the_panels_it_rebuilds():
    from pipeline.definitions import defs

    with dg.instance_for_test() as instance:
        first = dg.evaluate_automation_conditions(defs=defs, instance=instance)
        instance.report_runless_asset_event(dg.AssetMaterialization("contracts"))
        after = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=first.cursor)
    requested = {
        r.key.to_user_string() for r in after.results if isinstance(r.key, dg.AssetCheckKey) and r.true_subset.size
    }
    assert requested == {"event_windows:windows_complete_and_pairs_add_up", "unrest_panel:balanced_and_complete"}

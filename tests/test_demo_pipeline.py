"""Every asset materialised in-process on the demo world, against a temporary warehouse."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from conftest import copy_lake, table_digests

from pipeline.demo.run import demo_environment, materialize_demo
from pipeline.demo.world import DemoSpec
from pipeline.lib import settings, warehouse, warehouse_columns

ROOT = Path(__file__).resolve().parents[1]

SPEC = DemoSpec()
MONTHS = (SPEC.gdelt_span()[1] - SPEC.gdelt_span()[0] + 1) * 12  # both worlds' years
QUARTERS = SPEC.years * 4


@pytest.fixture(scope="module")
def demo_command(tmp_path_factory, postgres_cluster):
    """`python3 dev.py demo`'s command in a process, directory and instance of its own, with another hash seed, one
    polars thread instead of one per core, and the lake's catalog in a real PostgreSQL (conftest's private
    cluster) instead of SQLite. Set up before `demo`, it runs while `demo` materialises in process."""
    root = tmp_path_factory.mktemp("demo_command")
    catalog = f"postgres:{postgres_cluster.create_database('demo')}"
    home = root / ".dagster_home"
    home.mkdir()
    (home / "dagster.yaml").symlink_to(ROOT / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if k not in settings.BY_NAME and k != settings.ORIGINS_VARIABLE}
    env |= {
        "DAGSTER_HOME": str(home),
        "PYTHONHASHSEED": "4242",
        "POLARS_MAX_THREADS": "1",
        "WAREHOUSE_CATALOG": catalog,
    }
    stdout, stderr = root / "stdout.log", root / "stderr.log"
    with stdout.open("w") as out, stderr.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.demo.run"], cwd=root, env=env, stdout=out, stderr=err
        )
    try:
        yield {"root": root, "home": home, "process": process, "stdout": stdout, "stderr": stderr, "catalog": catalog}
    finally:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in demo_environment(root).items():
            patch.setenv(key, value)
        with dg.DagsterInstance.ephemeral() as instance:
            materialize_demo(instance, SPEC, log=lambda m: None)
            truth = json.loads((root / "data" / "demo" / "truth.json").read_text())
            yield {
                "root": root,
                "instance": instance,
                "truth": truth,
                "warehouse": root / "data" / "lake",
            }


@pytest.fixture
def con(demo):
    connection = warehouse.connect(demo["warehouse"], read_only=True)
    yield connection
    connection.close()


@pytest.mark.slow
def test_demo_command_in_a_real_instance_gives_the_same_bytes(demo_command, demo):
    """`python3 dev.py demo`'s command, in its own process with another hash seed and thread count, the project's
    instance and a PostgreSQL catalog, writes exactly the warehouse rows (table for table, row for row), figure,
    exports and demo files of the in-process demo on the embedded SQLite catalog."""
    home = demo_command["home"]
    returncode = demo_command["process"].wait(timeout=600)
    assert returncode == 0, demo_command["stderr"].read_text()[-3000:]
    assert "done: regions, unrest, contracts, panels and estimates" in demo_command["stdout"].read_text()
    assert (home / "history" / "runs.db").is_file()  # the runs are in the instance's own SQLite storage
    mine, theirs = demo_command["root"] / "data" / "lake", demo["root"] / "data" / "lake"
    assert not (mine / "catalog.sqlite").exists()  # the PostgreSQL catalog was used, not a SQLite one
    digests = table_digests(warehouse.Location(mine, demo_command["catalog"]))
    assert len(digests) == 25 and digests == table_digests(theirs)
    for name in (
        "figures/event_study_sun_abraham_first_high_unrest_ps_ai_contracts.png",
        "exports/unrest_panel.parquet",
        "exports/unrest_panel.manifest.json",
        "exports/event_study.parquet",
        "exports/event_study.manifest.json",
    ):
        assert (mine / name).read_bytes() == (theirs / name).read_bytes(), name
    zips = sorted((mine.parent / "demo/gdelt").iterdir())
    assert [p.read_bytes() for p in zips] == [(theirs.parent / "demo/gdelt" / p.name).read_bytes() for p in zips]


def test_every_table_and_view_has_the_columns_of_the_warehouse_reference(con):
    """The warehouse holds exactly the tables and views that docs/warehouse.md documents, each with the reference's
    columns: names, types and order (pipeline/data/warehouse_columns.toml, which the docs are written from)."""
    real: dict[str, tuple[bool, list]] = {}
    for table, kind, column, type_ in con.execute("""
        SELECT t.table_name, t.table_type, c.column_name, c.data_type
        FROM information_schema.tables AS t
        JOIN information_schema.columns AS c USING (table_catalog, table_schema, table_name)
        WHERE t.table_catalog = current_database() AND t.table_schema = 'main'
        ORDER BY t.table_name, c.ordinal_position
    """).fetchall():
        real.setdefault(table, (kind == "VIEW", []))[1].append((column, type_))
    documented = {t.name: (t.view, [(c.name, c.type) for c in t.columns]) for t in warehouse_columns.tables().values()}
    assert sorted(real) == sorted(documented)
    for name, (view, columns) in documented.items():
        assert real[name] == (view, columns), name
    assert {name for name, (view, _) in real.items() if view} == {"contract_outcomes", "contract_windows"}


def test_every_gdelt_line_is_accounted_for(con, demo):
    read, kept, out, rejected, files = con.execute(
        "SELECT sum(rows_read), sum(rows_kept), sum(rows_out_of_scope), sum(rows_rejected), count(*) FROM gdelt_files"
    ).fetchone()
    assert files == demo["truth"]["gdelt_files"]
    assert read == demo["truth"]["gdelt_lines"] == kept + out + rejected
    assert con.execute("SELECT count(*) FROM gdelt_events").fetchone()[0] == kept
    # The world plants one truncated line per quarter; the demo ingests every country, so nothing is out of scope.
    assert rejected == QUARTERS and out == 0
    assert con.execute("SELECT count(DISTINCT partition_month) FROM gdelt_files").fetchone()[0] == MONTHS
    reasons = con.execute("SELECT DISTINCT reason FROM gdelt_rejects").fetchall()
    assert reasons == [("has 30 tab-separated fields, expected 61",)]


def test_unrest_screening_applies_each_rule(con, demo):
    outcomes = dict(
        con.execute(
            "SELECT coalesce(exclusion_reason, 'kept'), count(*) FROM unrest_screening WHERE preset = 'aitocracy' "
            "GROUP BY ALL"
        ).fetchall()
    )
    # Per quarter the world adds 30 state-actor protests, 100 events of other roots, 10 country-level
    # protests, 40 protests abroad and 3 republished events; every planted event and 20 province-level
    # protests are kept. The country world's events are all abroad.
    assert outcomes == {
        "action country not in definition": 40 * QUARTERS + demo["truth"]["planted_country_unrest_events"],
        "Actor1 is a state actor": 30 * QUARTERS,
        "CAMEO root code not in definition": 100 * QUARTERS,
        "geocoded below the minimum precision": 10 * QUARTERS,
        "duplicate GLOBALEVENTID": 3 * QUARTERS,
        "kept": demo["truth"]["planted_unrest_events"] + 20 * QUARTERS,
    }


def test_province_geocodes_stay_at_province_level(con, demo):
    levels = dict(
        con.execute("SELECT geo_level, count(*) FROM unrest_events WHERE preset = 'aitocracy' GROUP BY ALL").fetchall()
    )
    assert levels == {"prefecture": demo["truth"]["planted_unrest_events"], "province": 20 * QUARTERS}
    assert (
        con.execute(
            "SELECT count(*) FROM unrest_events WHERE action_geo_type = 5 AND prefecture_id IS NOT NULL"
        ).fetchone()[0]
        == 0
    )
    # Every placed region is a real GB/T 2260 code of the right level and parent.
    orphans = con.execute("""
        SELECT count(*) FROM unrest_events AS e
        LEFT JOIN regions AS p ON p.region_id = e.prefecture_id AND p.level = 'prefecture'
        LEFT JOIN regions AS v ON v.region_id = e.province_id AND v.level = 'province'
        WHERE e.preset = 'aitocracy' AND (v.region_id IS NULL OR e.country_id <> 'CHN'
           OR (e.prefecture_id IS NOT NULL AND (p.region_id IS NULL OR p.parent_id <> e.province_id)))
    """).fetchone()[0]
    assert orphans == 0


def test_contracts_are_kept_or_quarantined(con, demo):
    kept, quarantined = con.execute(
        "SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM contract_quarantine)"
    ).fetchone()
    assert kept + quarantined == demo["truth"]["contract_records"]
    reasons = sorted(r[0] for r in con.execute("SELECT quarantine_reason FROM contract_quarantine").fetchall())
    assert reasons == [
        "amount '面议' is not a number",
        "award_date '2019-13-45' is not YYYY-MM-DD",
        "currency 'XYZ' is not known",
        "no contract_id",
    ]
    rules = con.execute("SELECT DISTINCT ai_rule FROM contracts WHERE is_public_security_ai ORDER BY 1").fetchall()
    assert {r[0] for r in rules} <= {"人脸识别", "视频结构化", "人像比对", "人工智能"}
    assert con.execute("SELECT count(*) FROM contracts WHERE buyer_region_id IS NULL").fetchone()[0] == 0


def test_panel_is_balanced_and_matches_sources(con, demo):
    rows, regions, periods = con.execute(
        "SELECT count(*), count(DISTINCT region_id), count(DISTINCT period_start) FROM unrest_panel"
    ).fetchone()
    assert (regions, periods) == (demo["truth"]["prefectures"], QUARTERS) and rows == regions * periods
    unrest, ps_ai = con.execute("SELECT sum(unrest_count), sum(ps_ai_contracts) FROM unrest_panel").fetchone()
    assert unrest == demo["truth"]["planted_unrest_events"]
    assert ps_ai == con.execute("SELECT count(*) FROM contracts WHERE is_public_security_ai").fetchone()[0]
    mean, sd = con.execute("SELECT avg(unrest_z), stddev_samp(unrest_z) FROM unrest_panel").fetchone()
    assert abs(mean) < 1e-9 and abs(sd - 1) < 1e-9


def test_contract_windows_relative_periods(con):
    bounds = con.execute("SELECT min(rel_period), max(rel_period) FROM contract_windows").fetchone()
    assert bounds == (-2, 3)
    mismatched = con.execute("""
        SELECT count(*) FROM contract_windows
        WHERE rel_period <> (year(award_date) * 4 + quarter(award_date))
                          - (year(unrest_period) * 4 + quarter(unrest_period))
    """).fetchone()[0]
    assert mismatched == 0
    pairs = con.execute("SELECT count(*) FROM contract_windows").fetchone()[0]
    assert pairs > 0 and pairs == con.execute("SELECT sum(contracts_total) FROM event_windows").fetchone()[0]


def test_event_study_recovers_the_planted_effect(con, demo):
    truth = dict(
        con.execute("SELECT rel_period, planted_effect FROM demo_truth WHERE outcome = 'ps_ai_contracts'").fetchall()
    )
    rows = con.execute("""
        SELECT rel_period, estimate, ci_low, ci_high, n_clusters FROM event_study
        WHERE outcome = 'ps_ai_contracts' AND spec = 'aitocracy_distributed_lag' ORDER BY rel_period""").fetchall()
    assert [r[0] for r in rows] == [-2, -1, 0, 1, 2, 3]
    by_k = {k: (low, high) for k, _, low, high, _ in rows}
    low, high = by_k[1]
    assert truth[1] == SPEC.effect and low <= truth[1] <= high and low > 0
    for k in (-2, -1):
        assert by_k[k][0] <= 0 <= by_k[k][1], f"pre-unrest term k={k} excludes 0"
    assert {r[4] for r in rows} == {demo["truth"]["prefectures"]}  # every demo prefecture is a cluster


def test_placebo_sectors_show_no_effect_after_unrest(con):
    intervals = con.execute(
        "SELECT outcome, ci_low, ci_high FROM event_study WHERE rel_period = 1 AND spec = 'aitocracy_distributed_lag' "
        "AND outcome IN ('placebo_ai_contracts', 'hospital_ai_contracts', 'education_ai_contracts')"
    ).fetchall()
    assert len(intervals) == 3 and all(low <= 0 <= high for _, low, high in intervals), intervals


def test_figures_are_written(demo):
    figures = demo["warehouse"] / "figures"
    for spec in (
        "aitocracy_distributed_lag",
        "twfe_first_high_unrest",
        "sun_abraham_first_high_unrest",
        "did2s_first_high_unrest",
    ):
        for outcome in ("ps_ai_contracts", "placebo_ai_contracts"):
            assert (figures / f"event_study_{spec}_{outcome}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_all_four_estimators_fill_the_coefficient_table(con):
    specs = con.execute("""
        SELECT spec, outcome, count(*), bool_and(isfinite(estimate) AND ci_low <= estimate AND estimate <= ci_high)
        FROM event_study GROUP BY ALL ORDER BY ALL""").fetchall()
    # The demo world has no banks: a constant outcome is left out, the other placebo sectors are estimated.
    assert [(s, o) for s, o, _, _ in specs] == [
        (s, o)
        for s in (
            "aitocracy_distributed_lag",
            "did2s_first_high_unrest",
            "sun_abraham_first_high_unrest",
            "twfe_first_high_unrest",
        )
        for o in (
            "education_ai_contracts",
            "hospital_ai_contracts",
            "placebo_ai_contracts",
            "ps_ai_contracts",
            "ps_ai_contracts_data_rich",
            "ps_ai_contracts_data_scarce",
        )
    ]
    assert all(ok for *_, ok in specs)
    # The staggered estimators see the same spike: AI purchases jump the period after the first high unrest.
    spikes = con.execute("""
        SELECT spec, ci_low FROM event_study
        WHERE outcome = 'ps_ai_contracts' AND rel_period = 1 AND spec <> 'aitocracy_distributed_lag'""").fetchall()
    assert all(low > 0 for _, low in spikes)


def test_rematerialising_an_unchanged_partition_changes_nothing(demo):
    from pipeline.definitions import defs

    before = warehouse.connect(demo["warehouse"], read_only=True)
    counts_before = before.execute("SELECT count(*), sum(rows_read) FROM gdelt_files").fetchone()
    events_before = before.execute("SELECT count(*) FROM gdelt_events").fetchone()[0]
    before.close()
    result = dg.materialize(
        list(defs.assets),
        selection=dg.AssetSelection.assets("gdelt_files", "gdelt_events", "gdelt_rejects"),
        instance=demo["instance"],
        resources=defs.resources,
        partition_key="2019-05-01",
        run_config={
            "ops": {"gdelt_ingest": {"config": {"expected_files_per_day": SPEC.files_per_day, "countries": []}}}
        },
    )
    assert result.success
    after = warehouse.connect(demo["warehouse"], read_only=True)
    assert after.execute("SELECT count(*), sum(rows_read) FROM gdelt_files").fetchone() == counts_before
    assert after.execute("SELECT count(*) FROM gdelt_events").fetchone()[0] == events_before
    after.close()


def test_materialisations_carry_metadata(demo):
    event = demo["instance"].get_latest_materialization_event(dg.AssetKey("unrest_events"))
    metadata = event.asset_materialization.metadata
    assert metadata["dagster/row_count"].value > 0
    assert metadata["presets"].value == ["aitocracy", "trade"] and "date_range" in metadata
    assert "| preset | event_id |" in metadata["preview"].value
    plot = demo["instance"].get_latest_materialization_event(dg.AssetKey("event_study")).asset_materialization.metadata
    assert plot["plot_aitocracy_distributed_lag_ps_ai_contracts"].value.startswith(
        "![aitocracy_distributed_lag ps_ai_contracts](data:image/png;base64,"
    )


def test_trade_design_recovers_the_planted_jump_in_low_polity_importers_only(con, demo):
    truth = {
        (split, k): effect
        for split, k, effect in con.execute(
            "SELECT split, rel_period, planted_effect FROM demo_truth WHERE design = 'trade' "
            "AND outcome = 'imports_from_exporter'"
        ).fetchall()
    }
    fits = con.execute(
        "SELECT split, rel_period, ci_low, ci_high, n_clusters FROM trade_event_study "
        "WHERE outcome = 'imports_from_exporter' AND split <> 'all' ORDER BY ALL"
    ).fetchall()
    assert [(s, k) for s, k, *_ in fits] == sorted(truth)  # k = -2, 0, 1, 2 in each regime; -1 omitted
    for split, k, low, high, clusters in fits:
        assert low <= truth[(split, k)] <= high, (split, k, low, high)
        assert clusters == demo["truth"]["importers"] // 2
    jump = next(f for f in fits if f[:2] == ("autocracy_or_weak_democracy", 0))
    assert jump[2] > 0  # the same-year jump is there, not just covered
    assert (demo["warehouse"] / "figures" / "trade_event_study_mature_democracy_imports_from_exporter.png").is_file()


def test_trade_panel_counts_the_country_world(con, demo):
    countries, years, unrest, deals = con.execute(
        "SELECT count(DISTINCT region_id), count(DISTINCT year), sum(unrest_count), sum(imports_from_exporter) "
        "FROM trade_panel"
    ).fetchone()
    assert (countries, years) == (demo["truth"]["importers"], demo["truth"]["country_years"])
    assert unrest == demo["truth"]["planted_country_unrest_events"]
    kept, quarantined = con.execute(
        "SELECT (SELECT count(*) FROM trade_deals), (SELECT count(*) FROM trade_deal_quarantine)"
    ).fetchone()
    assert kept + quarantined == demo["truth"]["trade_deal_records"] and quarantined == 2
    assert deals == con.execute("SELECT count(*) FROM trade_deals WHERE exporter = 'CHN'").fetchone()[0]


def test_each_panel_records_the_preset_that_ran(con, demo):
    assert con.execute("SELECT name, level FROM unrest_definitions ORDER BY name").fetchall() == [
        ("aitocracy", "prefecture"),
        ("trade", "country"),
    ]
    assert con.execute("SELECT DISTINCT unrest_preset FROM unrest_panel").fetchall() == [("aitocracy",)]
    assert con.execute("SELECT DISTINCT unrest_preset FROM event_windows").fetchall() == [("aitocracy",)]
    assert con.execute("SELECT DISTINCT unrest_preset FROM trade_panel").fetchall() == [("trade",)]
    metadata = (
        demo["instance"].get_latest_materialization_event(dg.AssetKey("trade_panel")).asset_materialization.metadata
    )
    assert metadata["preset"].value == "trade" and metadata["manifest"].value["config"]["preset"] == "trade"


def test_switching_preset_changes_only_configuration(demo, tmp_path, monkeypatch):
    """Other presets through the same assets: only the run config differs, and the panel says which ran."""
    from pipeline.definitions import defs

    copy = copy_lake(demo["warehouse"], tmp_path / "lake")
    monkeypatch.setenv("WAREHOUSE_PATH", str(copy))
    result = dg.materialize(
        list(defs.assets),
        selection=dg.AssetSelection.assets("unrest_definitions", "unrest_screening", "unrest_events", "unrest_panel"),
        instance=demo["instance"],
        resources=defs.resources,
        run_config={
            "ops": {
                "unrest": {"config": {"presets": ["protest", "riots"]}},
                "unrest_panel": {"config": {"preset": "riots"}},
            }
        },
    )
    assert result.success
    con = warehouse.connect(copy, read_only=True)
    by_preset = dict(con.execute("SELECT preset, count(*) FROM unrest_events GROUP BY ALL").fetchall())
    riots = con.execute(
        "SELECT count(*) FROM unrest_events WHERE preset = 'riots' AND prefecture_id IS NOT NULL "
        "AND event_code LIKE '145%'"
    ).fetchone()[0]
    assert set(by_preset) == {"protest", "riots"} and 0 < by_preset["riots"] < by_preset["protest"]
    assert con.execute("SELECT DISTINCT unrest_preset FROM unrest_panel").fetchall() == [("riots",)]
    assert con.execute("SELECT sum(unrest_count) FROM unrest_panel").fetchone()[0] == riots
    con.close()


def test_data_rich_and_data_scarce_contracts_add_up(con):
    total, rich, scarce = con.execute(
        "SELECT sum(ps_ai_contracts), sum(ps_ai_contracts_data_rich), "
        "sum(ps_ai_contracts_data_scarce) FROM unrest_panel"
    ).fetchone()
    assert rich > 0 and scarce > 0 and rich + scarce == total  # every demo prefecture has a camera count


def test_per_capita_outcome_in_the_demo_panel(con):
    missing, ratio = con.execute(
        "SELECT count(*) FILTER (WHERE ps_ai_contracts_per_million IS NULL), "
        "max(abs(ps_ai_contracts_per_million * p.value / 1e6 - ps_ai_contracts)) "
        "FROM unrest_panel JOIN covariates AS p ON p.region_id = unrest_panel.region_id AND p.covariate = 'population'"
    ).fetchone()
    assert missing == 0 and ratio < 1e-9  # every demo prefecture has a population


def test_panel_manifests_digest_every_table_the_panel_reads(demo):
    exports = demo["warehouse"] / "exports"
    for name, inputs in (
        ("unrest_panel", {"unrest_events", "contracts", "covariates"}),
        ("trade_panel", {"trade_deals", "covariates", "unrest_events"}),
    ):
        manifest = json.loads((exports / f"{name}.manifest.json").read_text())
        assert set(manifest["inputs"]) == inputs, name


def test_a_panel_exported_before_a_month_lands_is_read_again_from_its_manifests_snapshot(demo, tmp_path, monkeypatch):
    """The panel is exported while a month of GDELT is missing; the month lands and the panel is rebuilt; the
    documented one-liner reads the first export again, byte for byte, from the snapshot its manifest cites."""
    from pipeline.definitions import defs

    copy = copy_lake(demo["warehouse"], tmp_path / "lake")
    monkeypatch.setenv("WAREHOUSE_PATH", str(copy))
    with warehouse.connect(copy) as con:
        (month,) = con.execute(
            "SELECT max(partition_month) FROM gdelt_events WHERE ActionGeo_CountryCode = 'CH'"
        ).fetchone()
        with warehouse.transaction(con):
            for table in ("gdelt_events", "gdelt_files", "gdelt_rejects"):
                con.execute(f"DELETE FROM {table} WHERE partition_month = $month", {"month": month})
    unrest_and_panel = dg.AssetSelection.assets(
        "unrest_definitions", "unrest_screening", "unrest_events", "unrest_panel"
    )

    def materialise(selection, **options):
        result = dg.materialize(
            list(defs.assets), selection=selection, instance=demo["instance"], resources=defs.resources, **options
        )
        assert result.success

    materialise(unrest_and_panel)
    before = json.loads((copy / "exports" / "unrest_panel.manifest.json").read_text())
    materialise(
        dg.AssetSelection.assets("gdelt_files", "gdelt_events", "gdelt_rejects"),
        partition_key=month,
        run_config={
            "ops": {"gdelt_ingest": {"config": {"expected_files_per_day": SPEC.files_per_day, "countries": []}}}
        },
    )
    materialise(unrest_and_panel)
    after = json.loads((copy / "exports" / "unrest_panel.manifest.json").read_text())
    assert after["lake_snapshot"] > before["lake_snapshot"] and after["export_sha256"] != before["export_sha256"]
    again = tmp_path / "again.parquet"
    query = f"COPY (FROM unrest_panel AT (VERSION => {before['lake_snapshot']}) ORDER BY ALL) TO '{again}'"
    env = {k: v for k, v in os.environ.items() if k not in settings.BY_NAME and k != settings.ORIGINS_VARIABLE}
    reread = subprocess.run(
        [sys.executable, "dev.py", "sql", "-c", query],
        cwd=ROOT,
        env={**env, "WAREHOUSE_PATH": str(copy)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert reread.returncode == 0, reread.stderr
    assert hashlib.sha256(again.read_bytes()).hexdigest() == before["export_sha256"]
    with warehouse.connect(copy, read_only=True) as con:
        cited = {row[0] for row in con.execute("SELECT lake_snapshot FROM export_manifests").fetchall()}
    assert {before["lake_snapshot"], after["lake_snapshot"]} <= cited  # what maintenance keeps

"""Settings a user can predict: the shell wins over pipeline.env, a run names its files first, and a settings file
with a typo, or a .env that Dagster would load over the shell, is refused with what to do."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from conftest import copy_geography

from pipeline.lib import settings, warehouse

ROOT = Path(__file__).resolve().parents[1]
HEADER = "contract_id,award_date,buyer_name,buyer_region_id,supplier_name,amount,currency,title\n"


def _clean_environment(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in settings.BY_NAME and k != settings.ORIGINS_VARIABLE}
    return {**env, **extra}


def test_the_shell_wins_over_the_settings_file_and_defaults_fill_the_rest(tmp_path, monkeypatch):
    (tmp_path / "pipeline.env").write_text(
        "WAREHOUSE_PATH=from_file_lake\nCONTRACTS_PATH=from_file.csv\nGDELT_BASE_URL=mirror\nDEMO_DIR=demo\n"
    )
    monkeypatch.chdir(tmp_path)
    environ = {"CONTRACTS_PATH": "/my/file.csv"}
    origins = settings.load(environ)
    assert environ["CONTRACTS_PATH"] == "/my/file.csv" and origins["CONTRACTS_PATH"] == "environment"
    assert environ["WAREHOUSE_PATH"] == "from_file_lake" and origins["WAREHOUSE_PATH"] == "pipeline.env"
    assert environ["GDELT_BQ_PROJECT"] == "" and origins["GDELT_BQ_PROJECT"] == "default"  # never required
    # A process started from this one passes the values on; what it did not change keeps its origin.
    child = {**environ, "WAREHOUSE_PATH": "/elsewhere"}
    child_origins = settings.load(child)
    assert child_origins["CONTRACTS_PATH"] == "environment" and child_origins["GDELT_BASE_URL"] == "pipeline.env"
    assert child_origins["WAREHOUSE_PATH"] == "environment"
    line = settings.describe(child)
    assert line.startswith(
        "settings: WAREHOUSE_PATH=/elsewhere [environment]; WAREHOUSE_CATALOG=(empty) [default]; "
        "CONTRACTS_PATH=/my/file.csv"
    )
    assert f"GDELT_BASE_URL=mirror (= {tmp_path / 'mirror'}) [pipeline.env]" in line


def test_a_typo_in_the_settings_file_is_refused_with_a_suggestion(tmp_path, monkeypatch):
    (tmp_path / "pipeline.env").write_text("WAREHOUSE_PATH=w.duckdb\nCONTRACT_PATH=c.csv\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        settings.SettingsError, match=r"unknown setting CONTRACT_PATH \(did you mean CONTRACTS_PATH\?\)"
    ):
        settings.load({})


def test_a_required_setting_given_nowhere_says_where_to_set_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(settings.SettingsError, match="GDELT_BASE_URL, CONTRACTS_PATH, DEMO_DIR not set"):
        settings.load({"WAREHOUSE_PATH": "w.duckdb"})


def test_a_dotenv_that_dagster_would_load_over_the_shell_is_refused(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("CONTRACTS_PATH=demo.csv\nUNRELATED=1\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(settings.SettingsError, match=r"sets CONTRACTS_PATH: Dagster's commands load .env over"):
        settings.load({"CONTRACTS_PATH": "/my/file.csv"})


def test_dagster_cli_uses_the_shell_paths_and_names_them_first(tmp_path, geography_db, monkeypatch):
    """`CONTRACTS_PATH=... WAREHOUSE_PATH=... dagster asset materialize` in a directory whose pipeline.env says
    otherwise: the shell's files are read and written, and the run's first log line says so."""
    (tmp_path / "pipeline.env").write_text(
        "WAREHOUSE_PATH=demo_lake\nCONTRACTS_PATH=demo_contracts.csv\nGDELT_BASE_URL=gdelt\nDEMO_DIR=demo\n"
    )
    mine = tmp_path / "my_lake"
    con = warehouse.connect(mine)
    copy_geography(con, geography_db)
    con.close()
    contracts = tmp_path / "my_contracts.csv"
    contracts.write_text(
        HEADER + "1,2019-05-01,广州市公安局,440100,海康威视,1000,CNY,人脸识别系统采购\n"
        "2,2019-05-02,广州市公安局,440100,某公司,2000,CNY,办公用品\n",
        encoding="utf-8",
    )
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((ROOT / "dagster.yaml").read_text())
    env = _clean_environment(DAGSTER_HOME=str(home), WAREHOUSE_PATH=str(mine), CONTRACTS_PATH=str(contracts))
    dagster = Path(sys.executable).parent / "dagster"
    result = subprocess.run(
        [
            str(dagster),
            "asset",
            "materialize",
            "-m",
            "pipeline.definitions",
            "--select",
            "contracts,contract_quarantine",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (tmp_path / "demo_lake").exists()
    con = warehouse.connect(mine, read_only=True)
    assert con.execute("SELECT count(*) FROM contracts").fetchone()[0] == 2
    con.close()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        (run,) = instance.get_runs()
        ours = [e.user_message for e in instance.all_logs(run.run_id) if not e.is_dagster_event]
    assert ours[0].startswith(
        f"settings: WAREHOUSE_PATH={mine} [environment]; WAREHOUSE_CATALOG=(empty) [default]; "
        f"CONTRACTS_PATH={contracts} "
        f"[environment]; GDELT_BASE_URL=gdelt (= {tmp_path / 'gdelt'}) [pipeline.env]"
    )
    assert ours[0] in result.stderr  # and in the terminal


def test_every_setting_is_documented_with_its_default():
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip().strip("`"): line
        for line in operations.splitlines()
        if line.startswith("| `") and line.split("|")[1].strip().strip("`") in settings.BY_NAME
    }
    assert set(rows) == set(settings.BY_NAME)
    for setting in settings.SETTINGS:
        last_cell = rows[setting.name].split("|")[-2]
        assert (
            (setting.default is None and "required" in last_cell)
            or f"`{setting.default}`" in last_cell
            or (setting.default == "" and "empty" in last_cell)
        ), setting.name

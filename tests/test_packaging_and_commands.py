"""What a user meets: the wheel carries the SQL and data; the demo command works in a real Dagster instance
and gives the same warehouse bytes every time."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import table_digests

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_the_sql_and_reference_data(tmp_path):
    subprocess.run([sys.executable, "-m", "uv", "build", "--wheel", "--quiet", "--out-dir", str(tmp_path), str(ROOT)],
                   check=True, cwd=ROOT)
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    sql_files = {str(p.relative_to(ROOT)) for p in (ROOT / "sql").rglob("*.sql")}
    assert sql_files and {"pipeline/" + s for s in sql_files} <= names
    assert {"pipeline/data/gdelt2-events-codebook.csv", "pipeline/data/taxonomy.toml",
            "pipeline/data/china_prefecture_seats.csv"} <= names


def _run_demo(workdir: Path) -> subprocess.CompletedProcess:
    home = workdir / ".dagster_home"
    home.mkdir(parents=True)
    (home / "dagster.yaml").symlink_to(ROOT / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if k not in ("WAREHOUSE_PATH", "GDELT_BASE_URL", "CONTRACTS_PATH", "DEMO_DIR")}
    env["DAGSTER_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "pipeline.demo.run"], cwd=workdir, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_demo_command_in_a_real_instance_is_reproducible(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for workdir in (first, second):
        result = _run_demo(workdir)
        assert result.returncode == 0, result.stderr[-3000:]
        assert "done: regions, unrest, contracts, panels and estimates" in result.stdout
    # The runs are recorded in the instance's own SQLite storage under DAGSTER_HOME.
    assert (first / ".dagster_home" / "history" / "runs.db").is_file()
    digests_a, digests_b = table_digests(first / "data" / "warehouse.duckdb"), table_digests(second / "data" / "warehouse.duckdb")
    assert len(digests_a) == 23 and digests_a == digests_b
    figure = "data/figures/event_study_sun_abraham_first_high_unrest_ps_ai_contracts.png"
    assert (first / figure).read_bytes() == (second / figure).read_bytes()
    # The exports a paper cites, and their manifests, are byte-identical too.
    for name in ("unrest_panel.parquet", "unrest_panel.manifest.json", "event_study.parquet", "event_study.manifest.json"):
        assert (first / "data/exports" / name).read_bytes() == (second / "data/exports" / name).read_bytes(), name
    zips_a = sorted((first / "data/demo/gdelt").iterdir())
    assert [p.read_bytes() for p in zips_a] == [(second / "data/demo/gdelt" / p.name).read_bytes() for p in zips_a]

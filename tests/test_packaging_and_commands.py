"""What a user meets: the wheel carries the SQL and data, `python3 dev.py sql` opens the warehouse read-only
(the demo command in a real instance is tested beside the in-process demo, in test_demo_pipeline.py)."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from pipeline.lib import warehouse

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_the_sql_and_reference_data(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "uv", "build", "--wheel", "--quiet", "--out-dir", str(tmp_path), str(ROOT)],
        check=True,
        cwd=ROOT,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    sql_files = {str(p.relative_to(ROOT)) for p in (ROOT / "sql").rglob("*.sql")}
    assert sql_files and {"pipeline/" + s for s in sql_files} <= names
    assert {
        "pipeline/data/gdelt2-events-codebook.csv",
        "pipeline/data/taxonomy.toml",
        "pipeline/data/warehouse_columns.toml",
        "pipeline/data/ocds/release-schema-1.1.5.json",
        "pipeline/data/ocds/release-schema-1.0.3.json",
        "pipeline/data/china_prefecture_seats.csv",
    } <= names


def _sql_command(warehouse_path: Path, *args: str) -> subprocess.CompletedProcess:
    """`python3 dev.py sql ARGS` with WAREHOUSE_PATH set in the shell (the other settings from pipeline.env)."""
    env = {**os.environ, "WAREHOUSE_PATH": str(warehouse_path)}
    return subprocess.run(
        [sys.executable, "dev.py", "sql", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_sql_command_answers_from_the_lake_read_only(tmp_path):
    lake = tmp_path / "lake"
    with warehouse.connect(lake) as con:
        con.execute("CREATE TABLE event_study AS SELECT 'rel_1' AS term, 0.5 AS estimate")
    query = "from event_study; select period_label('quarter', DATE '2019-04-01') AS label"
    answered = _sql_command(lake, "-csv", "-c", query)
    assert answered.returncode == 0, answered.stderr
    # The lake is in use, and the panel macros are defined.
    assert answered.stdout.splitlines() == ["term,estimate", "rel_1,0.5", "label", "2019Q2"]
    refused = _sql_command(lake, "-c", "create table t (x int)")  # the shell is read-only
    assert refused.returncode != 0 and "read-only" in (refused.stdout + refused.stderr)


def test_the_sql_command_says_what_to_do_before_anything_is_written(tmp_path):
    missing = _sql_command(tmp_path / "lake", "-c", "select 1")
    assert missing.returncode == 1
    assert f"no warehouse at {tmp_path / 'lake' / 'catalog.sqlite'}: run `python3 dev.py demo`" in missing.stderr
    assert not (tmp_path / "lake").exists()  # a reader creates nothing


def test_a_warehouse_path_naming_a_duckdb_file_says_what_it_names_now(tmp_path):
    old = _sql_command(tmp_path / "warehouse.duckdb", "-c", "select 1")
    assert old.returncode == 1
    assert f"Set WAREHOUSE_PATH={tmp_path / 'lake'}: the first run copies" in old.stderr

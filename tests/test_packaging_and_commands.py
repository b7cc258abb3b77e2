"""What a user meets: the wheel carries the SQL and data, `python3 dev.py sql` opens the published warehouse
(the demo command in a real instance is tested beside the in-process demo, in test_demo_pipeline.py)."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb

from pipeline.lib.warehouse import published_path

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


def test_the_sql_command_answers_from_the_published_warehouse(tmp_path):
    warehouse_path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(published_path(warehouse_path))) as con:
        con.execute("CREATE TABLE event_study AS SELECT 'rel_1' AS term, 0.5 AS estimate")
    answered = _sql_command(warehouse_path, "-csv", "-c", "from event_study")
    assert answered.returncode == 0, answered.stderr
    assert answered.stdout.splitlines() == ["term,estimate", "rel_1,0.5"]
    refused = _sql_command(warehouse_path, "-c", "create table t (x int)")  # the shell is read-only
    assert refused.returncode != 0 and "read-only" in (refused.stdout + refused.stderr)


def test_the_sql_command_says_what_to_do_before_anything_is_published(tmp_path):
    missing = _sql_command(tmp_path / "warehouse.duckdb", "-c", "select 1")
    assert missing.returncode == 1
    assert f"no published warehouse at {tmp_path / 'warehouse.published.duckdb'}: run `python3 dev.py demo`" in (
        missing.stderr
    )

"""What a user meets: the wheel carries the SQL and data (the demo command in a real instance is tested beside
the in-process demo, in test_demo_pipeline.py)."""

import subprocess
import sys
import zipfile
from pathlib import Path

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

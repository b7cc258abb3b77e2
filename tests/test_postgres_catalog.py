"""A DuckLake whose catalog is a PostgreSQL database works with the extensions from the wheels alone."""

import duckdb

from pipeline.lib import extensions


def connect(extension_directory) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    extensions.load(con, extension_directory, "ducklake", "postgres_scanner")
    return con


def test_a_lake_in_postgres_is_shared_between_connections_and_keeps_its_snapshots(postgres_database, tmp_path):
    writer = connect(tmp_path / "extensions")
    writer.execute(f"ATTACH 'ducklake:postgres:{postgres_database}' AS lake (DATA_PATH '{tmp_path}/data/')")
    writer.execute("CREATE TABLE lake.events (id INTEGER, place VARCHAR)")
    writer.execute("BEGIN")
    writer.execute("INSERT INTO lake.events VALUES (1, 'Wukan'), (2, 'Shifang')")
    writer.execute("COMMIT")
    (first,) = writer.execute("SELECT max(snapshot_id) FROM ducklake_snapshots('lake')").fetchone()
    writer.execute("INSERT INTO lake.events VALUES (3, 'Qidong')")

    # Another DuckDB instance finds the table, its rows and their files through the catalog alone.
    reader = connect(tmp_path / "extensions")
    reader.execute(f"ATTACH 'ducklake:postgres:{postgres_database}' AS lake")
    assert reader.execute("SELECT id, place FROM lake.events ORDER BY id").fetchall() == [
        (1, "Wukan"),
        (2, "Shifang"),
        (3, "Qidong"),
    ]
    assert reader.execute(f"SELECT id FROM lake.events AT (VERSION => {first}) ORDER BY id").fetchall() == [(1,), (2,)]
    assert list((tmp_path / "data").rglob("*.parquet"))  # the rows are in DATA_PATH, not in PostgreSQL

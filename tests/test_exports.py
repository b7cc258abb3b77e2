"""Exports and manifests."""

import hashlib
import json

import duckdb
import polars as pl

from pipeline.lib.exports import export_with_manifest, table_digest


def test_manifest_records_the_export_and_its_inputs(tmp_path):
    con = duckdb.connect()
    con.execute("CREATE TABLE source AS SELECT * FROM (VALUES (2, 'b'), (1, 'a')) AS t(id, name)")
    con.execute("CREATE TABLE result AS SELECT id * 10 AS value FROM source")
    manifest = export_with_manifest(con, "result", tmp_path, ["source"], {"period": "quarter"})
    parquet = tmp_path / "result.parquet"
    assert manifest["export_sha256"] == hashlib.sha256(parquet.read_bytes()).hexdigest()
    assert json.loads((tmp_path / "result.manifest.json").read_text()) == manifest
    assert manifest["rows"] == 2 and manifest["config"] == {"period": "quarter"}
    assert pl.read_parquet(parquet)["value"].to_list() == [10, 20]  # sorted, whatever the table's order
    assert set(manifest["software"]) == {"unrest-pipeline", "duckdb", "polars", "pyfixest", "dagster"}
    # The input digest ignores row order and changes with any value.
    con.execute("CREATE TABLE shuffled AS SELECT * FROM source ORDER BY id")
    assert table_digest(con, "shuffled") == manifest["inputs"]["source"]
    con.execute("UPDATE shuffled SET name = 'c' WHERE id = 2")
    assert table_digest(con, "shuffled") != manifest["inputs"]["source"]

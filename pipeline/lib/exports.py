"""Parquet exports and manifests: what a paper cites, reproducible to the byte.

A table is exported sorted on all its columns, so the same rows give the same file. Its manifest records
the export's sha256, the content digests of the tables it was made from (an md5 over the sorted md5s of
their rows, so row order does not matter), the configuration, the versions of the software that made it,
and, on the lake, the snapshot it was read from: `FROM <table> AT (VERSION => <lake_snapshot>)` reads the same
rows after newer data has landed, and the lake table export_manifests records every snapshot a manifest cites,
which the warehouse's maintenance never expires. Materialising twice from the same inputs gives the same export
and the same manifest, but for the snapshot.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

import duckdb

from pipeline.lib import sql, warehouse

PACKAGES = ("unrest-pipeline", "duckdb", "polars", "pyfixest", "dagster")


def table_digest(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """An order-independent digest of a table's rows (sql/exports/table_digest.sql)."""
    return sql.run(con, "exports/table_digest", {"table": table}).fetchone()[0]


def export_with_manifest(
    con: duckdb.DuckDBPyConnection, table: str, directory: Path, inputs: list[str], config: dict
) -> dict:
    """Write <directory>/<table>.parquet and <table>.manifest.json, reading everything from one snapshot; return the
    manifest. Call it after the table's write has committed (the snapshot it cites must hold what it exports)."""
    directory.mkdir(parents=True, exist_ok=True)
    parquet = directory / f"{table}.parquet"
    on_lake = con.execute("SELECT current_database()").fetchone()[0] == warehouse.LAKE
    try:
        con.execute("BEGIN TRANSACTION")
    except duckdb.TransactionException:
        raise RuntimeError(f"export of {table}: commit its write first; an export reads a committed snapshot") from None
    try:
        manifest = {
            "table": table,
            "rows": sql.run(con, "exports/table_rows", {"table": table}).fetchone()[0],
            "export": parquet.name,
            "inputs": {name: table_digest(con, name) for name in inputs},
            "config": config,
            "software": {name: _version(name) for name in PACKAGES},
        }
        if on_lake:
            manifest["lake_snapshot"] = warehouse.current_snapshot(con)
        sql.run(con, "exports/table_parquet", {"table": table, "path": str(parquet)})
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")  # it only read
    manifest["export_sha256"] = hashlib.sha256(parquet.read_bytes()).hexdigest()
    if on_lake:
        warehouse.ensure_tables(con, "export_manifests")
        sql.run(con, "exports/record_manifest", manifest)
    (directory / f"{table}.manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"

"""Keeping the lake small: small files merged, old snapshots expired (never one a manifest cites), their files
deleted. DuckLake's own procedures do the work (ducklake_merge_adjacent_files, ducklake_expire_snapshots,
ducklake_cleanup_old_files); this module decides which snapshots may go."""

from __future__ import annotations

import duckdb

from pipeline.lib import sql, warehouse


def expirable_snapshots(con: duckdb.DuckDBPyConnection, retention_days: int) -> list[int]:
    has_manifests = warehouse.has_table(con, "export_manifests")
    rows = sql.run(
        con, "maintenance/expirable_snapshots", {"retention_days": retention_days, "has_manifests": has_manifests}
    ).fetchall()
    return [row[0] for row in rows]


def maintain(con: duckdb.DuckDBPyConnection, retention_days: int, log=print) -> dict[str, object]:
    """Merge small files, expire the snapshots older than retention_days that no manifest cites, and delete the
    files no remaining snapshot reads. Returns the lake's files and snapshots before and after, and what expired."""
    if retention_days < 0:
        raise ValueError(f"retention_days is {retention_days}: give 0 or more days")
    before = sql.one_row(con, "maintenance/lake_files")
    con.execute(f"CALL ducklake_merge_adjacent_files('{warehouse.LAKE}')")
    expired = expirable_snapshots(con, retention_days)
    if expired:
        con.execute(f"CALL ducklake_expire_snapshots('{warehouse.LAKE}', versions => $versions)", {"versions": expired})
    deleted = con.execute(f"CALL ducklake_cleanup_old_files('{warehouse.LAKE}', cleanup_all => true)").fetchall()
    after = sql.one_row(con, "maintenance/lake_files")
    log(
        f"lake maintenance: {len(expired)} snapshots expired (older than {retention_days} days, cited by no "
        f"manifest), {len(deleted)} files deleted; live data files {before['live_data_files']} -> "
        f"{after['live_data_files']}, snapshots {before['snapshots']} -> {after['snapshots']}"
    )
    return {"before": before, "after": after, "snapshots_expired": expired, "files_deleted": len(deleted)}

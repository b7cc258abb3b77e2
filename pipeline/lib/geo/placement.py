"""Placing points in prefectures by their boundaries (shapely STRtree)."""

from __future__ import annotations

import numpy as np
import polars as pl
import shapely


def place_points(points: pl.DataFrame, layer: dict[str, shapely.Geometry]) -> pl.DataFrame:
    """For each row of `points` (point_id, lon, lat): the prefecture whose polygon holds it, or NULL and why.

    The tree is built over the points and queried with each polygon, which is much faster than the
    reverse for many points. A point on a shared border touches two polygons and goes to the lower
    region id, so the answer never depends on order; a point in no polygon (at sea, abroad) stays
    unplaced: it is never pushed into the nearest prefecture.
    """
    ids = sorted(layer)
    polygons = [layer[i] for i in ids]
    lon, lat = points["lon"].to_numpy(), points["lat"].to_numpy()
    valid = np.isfinite(lon) & np.isfinite(lat)
    geoms = shapely.points(np.where(valid, lon, 0.0), np.where(valid, lat, 0.0))
    tree = shapely.STRtree(geoms)
    polygon_index, point_index = tree.query(polygons, predicate="intersects")
    chosen = np.full(len(geoms), -1)
    for p, q in sorted(zip(polygon_index.tolist(), point_index.tolist(), strict=True), reverse=True):
        chosen[q] = p  # sorted descending, so the lowest region id is written last and wins
    prefecture = [ids[c] if c >= 0 and ok else None for c, ok in zip(chosen.tolist(), valid.tolist(), strict=True)]
    note = [
        None if pref else ("no coordinates" if not ok else "inside no prefecture (at sea or outside mainland China)")
        for pref, ok in zip(prefecture, valid.tolist(), strict=True)
    ]
    return points.select("point_id").with_columns(
        prefecture_id=pl.Series(prefecture, dtype=pl.String), placement_note=pl.Series(note, dtype=pl.String)
    )

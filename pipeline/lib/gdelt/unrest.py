"""Unrest definitions: which GDELT events count as local unrest."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from pipeline.lib import sql
from pipeline.lib.geo.layer import load_layer
from pipeline.lib.geo.placement import place_points

# CAMEO actor type codes of the state: government, military, police, judiciary, intelligence.
STATE_ACTOR_TYPES = ("GOV", "MIL", "COP", "JUD", "SPY")


@dataclass(frozen=True)
class UnrestDefinition:
    name: str
    root_codes: tuple[str, ...]
    countries: tuple[str, ...]  # FIPS 10-4 country codes of the action; empty = any
    state_actor_types: tuple[str, ...]
    min_geo_type: int  # minimum ActionGeo_Type (1 country, 2 US state, 3 US city, 4 world city, 5 world ADM1)

    def sql_params(self) -> dict:
        params = asdict(self)
        params.pop("name")
        return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


PRESETS = {
    # Beraja, Kao, Yang and Yuchtman (QJE 2023): protest (14), demand (10) and threaten (13) events
    # in China by non-government actors, geocoded below country level.
    "aitocracy": UnrestDefinition(
        name="aitocracy",
        root_codes=("14", "10", "13"),
        countries=("CH",),
        state_actor_types=STATE_ACTOR_TYPES,
        min_geo_type=2,
    ),
}


def preset(name: str) -> UnrestDefinition:
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown unrest preset {name!r}; known presets: {', '.join(sorted(PRESETS))}") from None


def build_unrest(con, definition: UnrestDefinition, province_events_to_capital: bool = False) -> None:
    """Write unrest_screening and unrest_events from gdelt_events, regions and prefecture_boundaries."""
    sql.run(con, "gdelt/unrest_screening", definition.sql_params())
    points = sql.run(con, "gdelt/unrest_city_points").pl()
    con.register("point_placements", place_points(points, load_layer(con)).to_arrow())
    try:
        sql.run(con, "gdelt/unrest_events", {"province_events_to_capital": province_events_to_capital})
    finally:
        con.unregister("point_placements")

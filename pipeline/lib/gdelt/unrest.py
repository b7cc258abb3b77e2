"""Unrest definitions: which GDELT events count as local unrest."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import polars as pl

from pipeline.lib import sql, warehouse

# CAMEO actor type codes of the state: government, military, police, judiciary, intelligence.
STATE_ACTOR_TYPES = ("GOV", "MIL", "COP", "JUD", "SPY")


@dataclass(frozen=True)
class UnrestDefinition:
    name: str
    root_codes: tuple[str, ...]  # CAMEO EventRootCode values; empty = any
    countries: tuple[str, ...]  # FIPS 10-4 country codes of the action; empty = any
    state_actor_types: tuple[str, ...]  # Actor1Type1Code values that make an event the state's own; empty = none
    min_geo_type: int  # minimum ActionGeo_Type (1 country, 2 US state, 3 US city, 4 world city, 5 world ADM1)
    event_code_prefixes: tuple[str, ...] = ()  # CAMEO EventCode prefixes, e.g. "145" for riots; empty = any
    level: str = "prefecture"  # the region level the design counts unrest at (recorded, for the panels)

    def row(self) -> dict:
        """The definition as a row of the unrest_definitions table."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


PRESETS = {
    # Beraja, Kao, Yang and Yuchtman (QJE 2023): protest (14), demand (10) and threaten (13) events
    # in China by non-government actors, geocoded below country level.
    "aitocracy": UnrestDefinition("aitocracy", ("14", "10", "13"), ("CH",), STATE_ACTOR_TYPES, 2),
    # Protests alone, and riots alone (CAMEO 145 and its sub-codes 1451-1454), under the same rules.
    "protest": UnrestDefinition("protest", ("14",), ("CH",), STATE_ACTOR_TYPES, 2),
    "riots": UnrestDefinition("riots", ("14",), ("CH",), STATE_ACTOR_TYPES, 2, event_code_prefixes=("145",)),
    # Beraja, Kao, Yang and Yuchtman, "Exporting the Surveillance State via Trade in AI" (NBER w31676):
    # events of the twelve CAMEO roots 09 to 20 in any country, counted by country and year.
    "trade": UnrestDefinition("trade", tuple(f"{r:02d}" for r in range(9, 21)), (), (), 1, level="country"),
}


def preset(name: str) -> UnrestDefinition:
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown unrest preset {name!r}; known presets: {', '.join(sorted(PRESETS))}") from None


def write_definitions(con, definitions: list[UnrestDefinition]) -> None:
    warehouse.replace_table(
        con,
        "unrest_definitions",
        pl.DataFrame(
            [d.row() for d in definitions],
            schema={
                "name": pl.String,
                "root_codes": pl.List(pl.String),
                "countries": pl.List(pl.String),
                "state_actor_types": pl.List(pl.String),
                "min_geo_type": pl.Int64,
                "event_code_prefixes": pl.List(pl.String),
                "level": pl.String,
            },
        ),
    )


def held_definitions(con) -> list[UnrestDefinition]:
    """The definitions of the warehouse's unrest_definitions table (none before the first unrest run)."""
    if not warehouse.has_table(con, "unrest_definitions"):
        return []
    rows = con.execute("SELECT * FROM unrest_definitions").pl().iter_rows(named=True)
    return [UnrestDefinition(**{k: tuple(v) if isinstance(v, list) else v for k, v in row.items()}) for row in rows]


def build_unrest(con, definitions: list[UnrestDefinition]) -> None:
    """Write unrest_definitions, unrest_screening and unrest_events (one row per event and definition).

    Where each event happened is event_places' (pipeline.lib.geo.event_places), which must be built first.
    """
    names = [d.name for d in definitions]
    if len(set(names)) != len(names):
        raise ValueError(f"unrest definitions must have distinct names, got {names}")
    write_definitions(con, definitions)
    sql.run(con, "gdelt/unrest_screening")
    sql.run(con, "gdelt/unrest_events")

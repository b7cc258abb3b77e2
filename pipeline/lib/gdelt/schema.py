"""GDELT event table layouts, read from GDELT's own codebooks (pipeline/data/).

Three layouts exist on GDELT's servers, and all are read into one typed schema, the 61 columns of
GDELT 2.0 in its order:
  v2-61  GDELT 2.0 15-minute exports (2015-02-19 on): the schema itself.
  v1-58  GDELT 1.0 daily exports (2013-04-01 on): no *_ADM2Code columns; DATEADDED is YYYYMMDD.
  v1-57  GDELT 1.0 monthly (2006-2013) and yearly (1979-2005) files: v1-58 without SOURCEURL.
GDELT 1.0 rows get NULL for the columns they lack, and DATEADDED is widened to YYYYMMDD000000 so
that the column means the same thing (YYYYMMDDHHMMSS, UTC) in every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import polars as pl

from pipeline.data import csv_rows

# Codebook type -> (DuckDB type, polars dtype)
_TYPES = {
    "INTEGER": ("BIGINT", pl.Int64),
    "FLOAT": ("DOUBLE", pl.Float64),
    "STRING": ("VARCHAR", pl.String),
}


@dataclass(frozen=True)
class Column:
    name: str
    codebook_type: str
    description: str

    @property
    def duckdb_type(self) -> str:
        return _TYPES[self.codebook_type][0]

    @property
    def polars_type(self) -> pl.DataType:
        return _TYPES[self.codebook_type][1]


def _codebook(name: str) -> tuple[Column, ...]:
    return tuple(Column(r["name"], r["type"], r["description"]) for r in csv_rows(name))


@cache
def events_v2_columns() -> tuple[Column, ...]:
    """The 61 columns of a GDELT 2.0 events export, in file order: the warehouse schema."""
    columns = _codebook("gdelt2-events-codebook.csv")
    if len(columns) != 61:
        raise RuntimeError(f"GDELT 2.0 codebook has {len(columns)} columns, expected 61")
    return columns


@dataclass(frozen=True)
class Layout:
    name: str
    columns: tuple[Column, ...]  # in file order
    dateadded_scale: int  # multiplier that turns the file's DATEADDED into YYYYMMDDHHMMSS

    @property
    def width(self) -> int:
        return len(self.columns)


@cache
def layouts() -> dict[str, Layout]:
    v1 = _codebook("gdelt1-events-codebook.csv")
    if len(v1) != 58:
        raise RuntimeError(f"GDELT 1.0 codebook has {len(v1)} columns, expected 58")
    return {
        "v2-61": Layout("v2-61", events_v2_columns(), 1),
        "v1-58": Layout("v1-58", v1, 1_000_000),
        "v1-57": Layout("v1-57", v1[:57], 1_000_000),
    }


# The GDELT columns the unrest path reads (sql/gdelt/unrest_screening.sql, sql/geo/event_points.sql,
# sql/geo/event_places.sql, sql/gdelt/unrest_events.sql), in the schema's order: what the BigQuery extraction
# fetches, since BigQuery bills by the column. A test parses that SQL and fails when the two disagree.
UNREST_COLUMNS = (
    "GLOBALEVENTID",
    "SQLDATE",
    "Actor1Code",
    "Actor1Type1Code",
    "EventCode",
    "EventRootCode",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "DATEADDED",
    "SOURCEURL",
)

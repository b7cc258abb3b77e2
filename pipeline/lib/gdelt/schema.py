"""GDELT event table layouts, read from GDELT's own codebooks (pipeline/data/)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import polars as pl

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


@cache
def events_v2_columns() -> tuple[Column, ...]:
    """The 61 columns of a GDELT 2.0 events export, in file order."""
    text = resources.files("pipeline.data").joinpath("gdelt2-events-codebook.csv").read_text(encoding="utf-8")
    columns = tuple(Column(r["name"], r["type"], r["description"]) for r in csv.DictReader(text.splitlines()))
    if len(columns) != 61:
        raise RuntimeError(f"GDELT 2.0 codebook has {len(columns)} columns, expected 61")
    return columns


# Columns the pipeline adds to every ingested row, so that each row can be traced to its file.
LINEAGE_COLUMNS = (
    Column("source_file", "STRING", "Name of the GDELT export file the row was read from."),
    Column("source_line", "INTEGER", "1-based line number of the row in that file (after unzipping)."),
    Column("partition_month", "STRING", "Monthly partition key (YYYY-MM-01) of the file, from its 15-minute timestamp."),
)

"""The trade-deal and covariate files a researcher supplies: checked, typed, and every record accounted for.

Both are CSV files with a fixed header (TRADE_DEAL_COLUMNS, COVARIATE_COLUMNS; see docs/formats.md). Each record
ends up either in the table (trade_deals, covariates) or in its quarantine table with the reason. With no
file configured, the tables are created empty, so the panels that join them still run.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.lib import sql, warehouse
from pipeline.lib.errors import first_line

TRADE_DEAL_COLUMNS = ("deal_id", "exporter", "importer", "year", "technology", "smart_city", "firm")
COVARIATE_COLUMNS = ("region_id", "year", "covariate", "value")
KINDS = {  # kind -> (header, staging, table, quarantine)
    "trade_deals": (TRADE_DEAL_COLUMNS, "trade/trade_deal_staging", "trade/trade_deals", "trade/trade_deal_quarantine"),
    "covariates": (COVARIATE_COLUMNS, "trade/covariate_staging", "trade/covariates", "trade/covariate_quarantine"),
}


class TableFileError(ValueError):
    """A supplied file that cannot be read at all; the message names the file and line."""


@dataclass(frozen=True)
class LoadSummary:
    source_file: str
    records: int
    kept: int
    quarantined: int


def load(con, kind: str, path: str | None, allow_empty: bool = False) -> LoadSummary:
    """Load the `kind` file at `path` (empty: none) into its table and quarantine table.

    A file whose records are all unusable does not replace a table that holds rows (EmptyReplacementError),
    unless allow_empty; no file at all (an empty path) is a deliberate choice and empties the table.
    """
    header, staging, table, quarantine = KINDS[kind]
    if not path:
        with tempfile.TemporaryDirectory() as directory:
            empty = Path(directory) / f"{kind}.csv"
            empty.write_text(",".join(header) + "\n")
            return _load(con, empty, "", staging, table, quarantine)
    file = Path(path)
    if not file.is_file():
        raise TableFileError(f"{path}: no such file")
    with open(file, newline="", encoding="utf-8-sig") as handle:
        first = next(csv.reader(handle), None)
    if first is None:
        raise TableFileError(f"{path}:1: the file is empty; expected the header {','.join(header)}")
    if tuple(c.strip() for c in first) != header:
        raise TableFileError(f"{path}:1: the header is {','.join(first)}; expected {','.join(header)}")
    held = warehouse.held_rows(con, kind)
    with warehouse.transaction(con):
        summary = _load(con, file, file.name, staging, table, quarantine)
        warehouse.refuse_emptying(f"{kind} (from {path})", held, summary.kept, allow_empty)
    return summary


def _load(con, file: Path, name: str, staging: str, table: str, quarantine: str) -> LoadSummary:
    try:
        sql.run(con, staging, {"path": str(file)})
    except duckdb.Error as err:  # a record DuckDB's CSV reader cannot split (its message gives the line)
        raise TableFileError(f"{file}: {first_line(err)}") from None
    sql.run(con, table, {"source_file": name})
    sql.run(con, quarantine, {"source_file": name})
    staging_table = staging.rsplit("/", 1)[-1]
    records, kept = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE quarantine_reason IS NULL) FROM {staging_table}"
    ).fetchone()
    con.execute(f"DROP TABLE {staging_table}")
    return LoadSummary(name, records, kept, records - kept)

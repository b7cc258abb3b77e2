"""Contracts: the normalised CSV, the records of every source in one table (contract_rows), their typing,
classification and quarantine (sql/procurement), and the taxonomy."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import polars as pl
import pycountry

from pipeline.data import text
from pipeline.lib import sql, warehouse
from pipeline.lib.geo.buyers import resolve_buyers
from pipeline.lib.procurement.csv_records import CsvFileError, staged_csv
from pipeline.lib.procurement.currency import add_currency_rates

# The normalised contracts file format (the demo world writes it; other sources are mapped onto it).
CONTRACT_COLUMNS = (
    "contract_id",
    "award_date",
    "buyer_name",
    "buyer_region_id",
    "supplier_name",
    "amount",
    "currency",
    "title",
)


# What every reader (CSV, notices, OCDS) returns: the normalised fields as text, where each record came from,
# and what the reader knew that the format does not carry. `source` names the entry of a several-source run;
# `notice_type` is intention, tender or award where the publisher says; `buyer_region_source` says how the
# reader found buyer_region_id (NULL when the file gave it as an id); `source_problem` is why the record
# cannot be used as it stands (NULL when it can). `award_date_precision` is 'day' or 'month' (a notice that
# gives only the month: award_date is its first day); NULL means day.
READER_SCHEMA = {
    "source": pl.String,
    "source_file": pl.String,
    "source_row": pl.Int64,
    "contract_id": pl.String,
    "award_date": pl.String,
    "award_date_precision": pl.String,
    **{column: pl.String for column in CONTRACT_COLUMNS[2:]},
    "notice_type": pl.String,
    "buyer_region_source": pl.String,
    "source_problem": pl.String,
}


# Every ISO 4217 currency (pycountry's list): publishers award in hryvnia, lei, pesos, naira or drams as well.
KNOWN_CURRENCIES = tuple(sorted(currency.alpha_3 for currency in pycountry.currencies))


def reader_frame(rows: pl.DataFrame | list[dict]) -> pl.DataFrame:
    """Rows in READER_SCHEMA's order and types; columns a reader does not produce are NULL."""
    if isinstance(rows, list):
        if not rows:
            return pl.DataFrame(schema=READER_SCHEMA)
        rows = pl.DataFrame(rows, schema={c: t for c, t in READER_SCHEMA.items() if any(c in row for row in rows)})
    frame = rows
    return frame.select(
        pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c) for c, t in READER_SCHEMA.items()
    )


# DuckDB's memory limit while contracts are read and classified, below the warehouse's (warehouse.SETTINGS): the
# load's peak is the limit plus the Python process, and under a lower limit DuckDB spills the sort and windows
# to disk for no measurable loss of time (benchmarks/contracts_load.py); set for the load only, so that the
# other assets keep the warehouse's limit.
LOAD_MEMORY_LIMIT = "500MB"


class ContractFileError(ValueError):
    """A contracts file that cannot be read at all; the message names the file."""


def read_contract_rows(path: str | Path, encoding: str | None = None) -> pl.DataFrame:
    """All records of a contracts CSV as text, with source_file and 1-based source_row; no row is dropped here:
    a record that cannot be read (a ragged row, bytes not in the encoding) comes with its line and reason in
    source_problem. A usable record's id, date, amount and currency are given as typed (`1,000.50` as
    `1000.50`)."""
    with duckdb.connect() as con:
        create_contract_rows(con)
        add_contract_csv(con, path, encoding)
        return reader_frame(sql.run(con, "procurement/contract_rows_as_read").pl())


def create_contract_rows(con, known_currencies=KNOWN_CURRENCIES) -> None:
    """An empty temporary contract_rows table: READER_SCHEMA, record_order (sources in the order they are
    added, which decides which of two publications of an award is the original), and the typed values and
    quarantine reason, found as each source is added; a currency not in known_currencies is a reason."""
    sql.run(con, "procurement/contract_rows")
    sql.run(con, "procurement/known_currencies", {"known_currencies": list(known_currencies)})
    sql.run(con, "procurement/contract_value_macros")


def add_contract_csv(con, path: str | Path, encoding: str | None = None, source: str | None = None) -> None:
    """Append a normalised contracts CSV to contract_rows, read by DuckDB (never through Python row by row)."""
    path = Path(path)
    if not path.is_file():
        raise ContractFileError(f"{path}: contracts file not found")
    with warehouse.memory_limit(con, LOAD_MEMORY_LIMIT):
        try:
            with staged_csv(con, path, encoding) as staged:
                missing = [c for c in CONTRACT_COLUMNS if c not in staged.header]
                if missing:
                    raise ContractFileError(f"{path} line 1: header lacks column(s) {', '.join(missing)}")
                params = {"source": source, "source_file": path.name}
                first_order = _held_records(con)
                staged.scan("procurement/contract_rows_from_csv", {**params, **_known_currencies(con)})
                left_out = staged.list_problems()
                sql.run(
                    con,
                    "procurement/contract_rows_numbered" if left_out else "procurement/contract_rows_numbered_all_read",
                    {"first_order": first_order},
                )
                sql.run(con, "procurement/contract_rows_from_csv_problems", {**params, "first_order": first_order})
        except CsvFileError as err:
            raise ContractFileError(str(err)) from None


def add_contract_frame(con, rows: pl.DataFrame, source: str | None = None) -> None:
    """Append a reader's frame (notices, OCDS) to contract_rows; `source` names it unless the frame does."""
    con.register("reader_rows", reader_frame(rows).with_row_index("reader_index").to_arrow())
    try:
        with warehouse.memory_limit(con, LOAD_MEMORY_LIMIT):
            sql.run(
                con,
                "procurement/contract_rows_from_frame",
                {"source": source, "first_order": _held_records(con), **_known_currencies(con)},
            )
    finally:
        con.unregister("reader_rows")


CATEGORIES = (
    "ai",
    "surveillance",
    "ai_firm",
    "public_security_buyer",
    "bank_buyer",
    "hospital_buyer",
    "education_buyer",
)


@dataclass(frozen=True)
class Category:
    field: str
    patterns: tuple[str, ...]
    exclusions: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    version: str
    categories: dict[str, Category]

    def sql_params(self) -> dict:
        """Per category, its patterns and exclusions as one regular expression each (literal, lower-cased)."""
        params = {"taxonomy_version": self.version}
        for name, category in self.categories.items():
            params[f"{name}_patterns"] = _alternation(category.patterns)
            params[f"{name}_exclusions"] = _alternation(category.exclusions)
        return params


def _alternation(patterns: tuple[str, ...]) -> str:
    # An empty list must match nothing: [^\s\S] is a character class no character belongs to.
    return "|".join(re.escape(p.lower()) for p in patterns) or r"[^\s\S]"


@cache
def default_taxonomy() -> Taxonomy:
    data = tomllib.loads(text("taxonomy.toml"))
    missing = [c for c in CATEGORIES if c not in data]
    if missing:
        raise ValueError(f"taxonomy.toml lacks categories: {', '.join(missing)}")
    return Taxonomy(
        data["version"],
        {
            name: Category(data[name]["field"], tuple(data[name]["patterns"]), tuple(data[name].get("exclusions", ())))
            for name in CATEGORIES
        },
    )


def _known_currencies(con) -> dict:
    """create_contract_rows's known currencies, as the parameter the statements adding records take."""
    return {"known_currencies": sql.run(con, "procurement/known_currency_list").fetchone()[0]}


def _held_records(con) -> int:
    return warehouse.table_rows(con, "contract_rows")


def build_contracts(
    con, rows: pl.DataFrame, taxonomy: Taxonomy, known_currencies=KNOWN_CURRENCIES, allow_empty: bool = False
) -> None:
    """Write contracts and contract_quarantine from the records of one reader's frame (read_contract_rows,
    read_notices, read_ocds); see classify_contract_rows."""
    create_contract_rows(con, known_currencies)
    add_contract_frame(con, rows)
    classify_contract_rows(con, taxonomy, allow_empty)


def classify_contract_rows(
    con,
    taxonomy: Taxonomy,
    allow_empty: bool = False,
    rates_path: str | Path | None = None,
    convert_to: str | None = None,
) -> None:
    """Write contracts and contract_quarantine from contract_rows, in one transaction; contracts the warehouse
    holds are not replaced by none (EmptyReplacementError) unless allow_empty. Buyer regions are resolved once
    per distinct buyer name. With a rates table and a target currency, amounts are also converted
    (pipeline/lib/procurement/currency.py)."""
    with warehouse.memory_limit(con, LOAD_MEMORY_LIMIT):
        _classify(con, taxonomy, allow_empty, rates_path, convert_to)


def _classify(con, taxonomy, allow_empty, rates_path, convert_to) -> None:
    add_currency_rates(con, rates_path, convert_to.upper() if convert_to else None)
    names = [row[0] for row in sql.run(con, "procurement/buyer_names").fetchall()]
    con.register("buyer_resolutions", resolve_buyers(names).to_arrow())
    try:
        # The temporary tables are made before the transaction: made inside it, DuckDB keeps them in the
        # transaction's own storage, which made the load twice as slow (benchmarks/contracts_load.py).
        sql.run(con, "procurement/taxonomy_rule_macro")
        sql.run(con, "procurement/contract_duplicates")
        with warehouse.transaction(con):
            before = warehouse.held_rows(con, "contracts")
            sql.run(
                con,
                "procurement/contracts",
                {**taxonomy.sql_params(), "convert_to": convert_to.upper() if convert_to else None},
            )
            sql.run(con, "procurement/contract_quarantine")
            warehouse.refuse_emptying("contracts", before, warehouse.table_rows(con, "contracts"), allow_empty)
    finally:
        con.unregister("buyer_resolutions")
        con.execute("DROP TABLE IF EXISTS contract_rows")  # its memory back, once contracts are written

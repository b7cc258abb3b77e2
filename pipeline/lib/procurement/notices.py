"""Tables of contracts with their own headers (CSV, Excel or Parquet), into the normalised format.

The default column mapping reads Chinese government procurement notices as researchers scrape them; a
user's mapping reads any other table (a currency column, when mapped, replaces the default CNY).

A column mapping (pipeline/data/cn_notice_columns.toml, or the user's own) says which header holds each
field. Amounts are converted to yuan (万元 x 10,000, from the header or the value), dates to YYYY-MM-DD
(2019/5/1, 2019年5月1日), and the region column (广东省广州市) to a GB/T 2260 code through the buyer-name
resolver. Scrapes have two typical faults, both kept and named rather than dropped: a header row repeated
inside the data (pages concatenated), and a row shifted by a column (a cell split or merged).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import polars as pl

from pipeline.data import text
from pipeline.lib.geo.buyers import resolve_buyer
from pipeline.lib.procurement.contracts import ContractFileError, reader_frame

FIELDS = ("contract_id", "award_date", "buyer_name", "buyer_region", "supplier_name", "amount", "currency", "title")
DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s.*)?$")
AMOUNT = re.compile(r"^\s*[￥¥]?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万元|万|元)?\s*$")


def default_mapping() -> dict[str, list[str]]:
    return tomllib.loads(text("cn_notice_columns.toml"))


def _read_table(path: Path) -> pl.DataFrame:
    try:
        if path.suffix.lower() in (".xlsx", ".xls", ".xlsm"):
            return pl.read_excel(path, infer_schema_length=0)
        if path.suffix.lower() == ".parquet":
            return pl.read_parquet(path).cast(pl.String)
        return pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    except Exception as err:  # the readers raise many types; the message says which file failed
        raise ContractFileError(f"{path}: not a readable CSV or Excel file ({str(err).splitlines()[0]})") from None


def _date(value: str | None) -> str | None:
    match = DATE.match(value or "")
    return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}" if match else None


def _yuan(value: str | None, header_unit: str | None) -> str | None:
    match = AMOUNT.match(value or "")
    if not match:
        return None
    number = float(match[1].replace(",", ""))
    unit = match[2] or header_unit
    return f"{number * 10_000:.2f}" if unit in ("万元", "万") else f"{number:.2f}"


def read_notices(path: str | Path, mapping: dict[str, list[str]] | None = None) -> pl.DataFrame:
    """The file's records in the normalised contracts format (as text), with source_file, source_row and
    source_problem (NULL, or why the record cannot be used as it stands)."""
    path = Path(path)
    if not path.is_file():
        raise ContractFileError(f"{path}: notices file not found")
    raw = _read_table(path)
    mapping = mapping or default_mapping()
    columns = {}
    for field in FIELDS:
        found = next((h for h in mapping.get(field, []) for c in raw.columns if c.strip().startswith(h)), None)
        columns[field] = next((c for c in raw.columns if found and c.strip().startswith(found)), None)
    missing = [f for f in ("award_date", "buyer_name", "amount", "title") if columns[f] is None]
    if missing:
        raise ContractFileError(f"{path} line 1: no column for {', '.join(missing)} (headers: {', '.join(raw.columns)})")
    amount_header = columns["amount"]
    header_unit = "万元" if "万元" in amount_header else "元" if "元" in amount_header else None

    header_values = {c.strip() for c in raw.columns}
    records = []
    for index, row in enumerate(raw.iter_rows(named=True), start=1):
        def value(field):
            column = columns[field]
            cell = row.get(column) if column else None
            return None if cell is None else str(cell).strip() or None

        cells = [str(v).strip() for v in row.values() if v is not None]
        problem = None
        if cells and sum(c in header_values for c in cells) >= max(2, len(cells) // 2):
            problem = "repeated header row"
        elif value("award_date") and not _date(value("award_date")):
            elsewhere = [c for c in raw.columns if c != columns["award_date"] and _date(str(row.get(c) or ""))]
            if elsewhere:
                problem = f"row looks shifted: no date under {columns['award_date']}, a date under {elsewhere[0]}"
        region = resolve_buyer(value("buyer_region")).region_id if value("buyer_region") else None
        region_source = "region column" if region else None
        records.append({
            "source_file": path.name, "source_row": index,
            "contract_id": value("contract_id") or f"{path.stem}#{index}",
            "award_date": _date(value("award_date")) or value("award_date"),
            "buyer_name": value("buyer_name"),
            "buyer_region_id": region or "",
            "supplier_name": value("supplier_name"),
            "amount": _yuan(value("amount"), header_unit) or value("amount"),
            "currency": value("currency") or "CNY",
            "title": value("title"),
            "buyer_region_source": region_source,
            "source_problem": problem,
        })
    return reader_frame(records)

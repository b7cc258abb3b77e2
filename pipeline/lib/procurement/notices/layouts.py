"""Notice layouts (pipeline/data/cn_notice_layouts.toml, or the user's own) and finding a sheet's header row."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass

import polars as pl

from pipeline.data import text
from pipeline.lib.procurement.contracts import ContractFileError

FIELDS = ("contract_id", "award_date", "buyer_name", "buyer_region", "supplier_name", "amount", "currency", "title")
REQUIRED = ("award_date", "buyer_name", "amount", "title")
UNITS = ("元", "万元")
PRECISIONS = ("day", "month")
# A unit written after the header name in brackets: 金额(万元), 预算金额(单位:万元), 金额(人民币元).
HEADER_UNIT = re.compile(r"\((?:单位:?)?(?:人民币)?(万元|万|元)\)$")
# How far down a sheet its header row may sit (title rows, notes and blank rows above it).
HEADER_SEARCH_ROWS = 30
CELLS = "^c[0-9]+$"  # the cell columns of a sheet's grid (c0, c1, …)


@dataclass(frozen=True)
class Field:
    headers: tuple[str, ...]  # normalised header names, in order of preference
    unit: str | None = None  # declared unit of an amount whose header does not name one
    precision: str = "day"  # declared precision of a date column


@dataclass(frozen=True)
class Layout:
    name: str
    notice_type: str | None
    fields: dict[str, Field]


@dataclass(frozen=True)
class Header:
    """A sheet's header row as the reader found it: which layout, which row, which column holds each field."""

    layout: Layout
    index: int  # position of the header row in the sheet's grid
    names: tuple[str | None, ...]  # every column's header cell as written (None where empty)
    columns: dict[str, tuple[int, ...]]  # field -> column positions (several only for buyer_region)
    units: dict[str, str]  # field -> unit the header names

    def name(self, position: int) -> str:
        """A column as a message names it: its header, or its place when it has none."""
        if 0 <= position < len(self.names) and self.names[position]:
            return self.names[position]
        return f"column {position + 1} (no header)"


def normalise(cell: str) -> str:
    """A header cell as compared: NFKC (full-width to half-width), without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell))


def normalised(expr: pl.Expr) -> pl.Expr:
    """normalise() for a column of cells."""
    return expr.str.normalize("NFKC").str.replace_all(r"\s+", "")


def header_key(cell: str) -> tuple[str, str | None]:
    """The header name without a unit in brackets, and that unit (万 is 万元)."""
    key = normalise(cell)
    unit = HEADER_UNIT.search(key)
    if not unit:
        return key, None
    return key[: unit.start()], "万元" if unit[1].startswith("万") else "元"


def default_layouts() -> list[Layout]:
    return layouts(tomllib.loads(text("cn_notice_layouts.toml")))


def layouts(mapping: dict) -> list[Layout]:
    """The layouts a mapping declares: tables of layouts, or one layout written flat (field = [headers])."""
    if any(key in FIELDS for key in mapping):
        mapping = {"mapping": mapping}
    return [_layout(name, table) for name, table in mapping.items()]


def _layout(name: str, table: dict) -> Layout:
    fields = {}
    for field, spec in table.items():
        if field == "notice_type":
            continue
        spec = spec if isinstance(spec, dict) else {"headers": spec}
        unit, precision = spec.get("unit"), spec.get("precision", "day")
        problem = (
            f"unknown field {field!r} (fields: {', '.join(FIELDS)})"
            if field not in FIELDS
            else f"{field} lists no headers"
            if not spec.get("headers")
            else f"{field} unit {unit!r} is not one of {', '.join(UNITS)}"
            if unit not in (None, *UNITS)
            else f"{field} precision {precision!r} is not one of {', '.join(PRECISIONS)}"
            if precision not in PRECISIONS
            else None
        )
        if problem:
            raise ContractFileError(f"column mapping, layout {name}: {problem}")
        fields[field] = Field(tuple(header_key(h)[0] for h in spec["headers"]), unit, precision)
    return Layout(name, table.get("notice_type"), fields)


def _match(layout: Layout, keys: list[str | None]) -> dict[str, tuple[int, ...]]:
    columns = {}
    for field, spec in layout.fields.items():
        if field == "buyer_region":
            found = tuple(i for i, key in enumerate(keys) if key in spec.headers)
        else:
            found = next(((keys.index(h),) for h in spec.headers if h in keys), ())
        if found:
            columns[field] = found
    return columns


class NoHeader(ValueError):
    """A sheet without a header row any layout matches; `index` is the row nearest to one."""

    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index = index


def find_header(grid: pl.DataFrame, candidates: list[Layout]) -> Header:
    """The header row among the sheet's first rows that matches a layout best: all required fields found, then
    the most fields, then the earliest row and layout. NoHeader when no row has all required fields."""
    best, nearest = None, None
    for index, row in enumerate(grid.head(HEADER_SEARCH_ROWS).select(pl.col(CELLS)).iter_rows()):
        cells = [None if cell is None or not cell.strip() else cell.strip() for cell in row]
        if not any(cells):
            continue
        keyed = [header_key(cell) if cell else (None, None) for cell in cells]
        keys = [key for key, _ in keyed]
        for layout in candidates:
            columns = _match(layout, keys)
            missing = [f for f in REQUIRED if f not in columns]
            if missing:
                if nearest is None or len(columns) > len(nearest[2]):
                    nearest = (index, cells, columns, missing)
            elif best is None or len(columns) > len(best.columns):
                units = {f: keyed[p[0]][1] for f, p in columns.items() if keyed[p[0]][1]}
                best = Header(layout, index, tuple(cells), columns, units)
    if best:
        return best
    index, cells, _, missing = nearest or (0, [], {}, list(REQUIRED))
    headers = ", ".join(c for c in cells if c) or "none"
    raise NoHeader(index, f"no header row: no column for {', '.join(missing)} (headers: {headers})")

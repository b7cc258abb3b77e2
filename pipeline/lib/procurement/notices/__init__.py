"""Chinese government procurement notices, as researchers scrape them to Excel, CSV or Parquet, into the
normalised contracts format; with a user's mapping, any such table.

Each sheet's header row is found by its names (it may sit below title rows) and matched to a layout
(pipeline/data/cn_notice_layouts.toml: awards, intentions, tenders; or the user's own). Amounts become exact yuan,
dates YYYY-MM-DD, and the buyer's region is taken from a region column, else the buyer's name, else the title.
Scrapes have typical faults, each kept and named rather than dropped: a header row repeated inside the data
(pages concatenated), a row shifted by a column (a cell split or lost), a cell that is not what its column holds,
bytes that are not text in the file's encoding, a file or sheet that cannot be read at all.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline.lib.geo.buyers import resolve_buyers
from pipeline.lib.procurement.contracts import ContractFileError, reader_frame
from pipeline.lib.procurement.notices import cells
from pipeline.lib.procurement.notices.files import Sheet, Unreadable, sheets
from pipeline.lib.procurement.notices.layouts import (
    CELLS,
    HEADER_SEARCH_ROWS,
    Header,
    NoHeader,
    default_layouts,
    find_header,
    layouts,
    normalise,
    normalised,
)

# Where the buyer's region is looked for, in order of trust (buyer_region_source names the one used).
REGION_SOURCES = (("region", "region column"), ("buyer_name", "buyer name"), ("title", "title"))


def read_notices(path: str | Path, mapping: dict | None = None, encoding: str | None = None) -> pl.DataFrame:
    """The records of a notices file, or of every file in a directory (hidden files aside), as reader_frame
    rows. A file or sheet that cannot be read at all is one row whose source_problem says why; when `path` is
    a single file and nothing in it can be read, ContractFileError instead. `encoding` applies to CSV files."""
    path = Path(path)
    candidates = layouts(mapping) if mapping else default_layouts()
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        named = [(p, p.relative_to(path).as_posix()) for p in files]
        if not named:
            raise ContractFileError(f"{path}: no notice files in the directory")
    elif path.is_file():
        named = [(path, path.name)]
    else:
        raise ContractFileError(f"{path}: notices file not found")
    frames = []
    for file, name in named:
        try:
            frames.extend(_sheet_records(sheet, candidates) for sheet in sheets(file, name, encoding))
        except Unreadable as err:
            frames.append(_unreadable(name, str(err)))
    frames = [frame for frame in frames if frame is not None]
    if not frames:
        if path.is_file():
            raise ContractFileError(f"{path.name}: no records (the file is empty)")
        return reader_frame([])
    rows = pl.concat(frames, how="diagonal_relaxed")
    if path.is_file() and rows["source_row"].is_null().all():
        raise ContractFileError("; ".join(rows["source_problem"]))
    return reader_frame(_with_regions(rows))


def _unreadable(source_file: str, reason: str) -> pl.DataFrame:
    return pl.DataFrame(
        {"source_file": [source_file], "source_row": [None], "source_problem": [reason]},
        schema={"source_file": pl.String, "source_row": pl.Int64, "source_problem": pl.String},
    )


def _sheet_records(sheet: Sheet, candidates) -> pl.DataFrame | None:
    if sheet.problem:
        return _unreadable(sheet.source_file, f"{sheet.source_file}: {sheet.problem}")
    if sheet.grid is None or sheet.grid.height == 0:
        return None  # an empty sheet holds no records
    try:
        header = find_header(sheet.grid, candidates)
    except NoHeader as err:
        row = sheet.grid["source_row"][err.index]
        # Bytes that did not decode are the likeliest reason no header was found: say so.
        undecoded = sheet.grid.head(HEADER_SEARCH_ROWS)["read_problem"].drop_nulls().head(1).to_list()
        return _unreadable(sheet.source_file, "; ".join([f"{sheet.source_file}:{row}: {err}", *undecoded]))
    return _records(sheet, header)


def _cell(columns: list[str], position: int | None) -> pl.Expr:
    """The cells of one column of a grid (NULL beyond its width)."""
    if position is None or not 0 <= position < len(columns):
        return pl.lit(None, pl.String)
    return pl.col(columns[position])


def _records(sheet: Sheet, header: Header) -> pl.DataFrame:
    """The sheet's rows below its header row, empty rows aside, with the fields of its layout and the faults
    found (source_problem); all in polars expressions over the whole sheet."""
    columns = sheet.grid.select(pl.col(CELLS)).columns
    layout = header.layout

    def cell(field: str) -> pl.Expr:
        return _cell(columns, header.columns.get(field, (None,))[0])

    data = (
        sheet.grid.slice(header.index + 1)
        .with_columns(
            pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c).str.strip_chars()).alias(c) for c in columns
        )
        .filter(pl.any_horizontal(pl.col(columns).is_not_null()) | pl.col("read_problem").is_not_null())
    )
    date_table = cells.dates(data.select(cell("award_date")).to_series())  # dates repeat: each parsed once
    award_date = cells.looked_up(cell("award_date"), date_table, "date")
    precision = cells.looked_up(cell("award_date"), date_table, "precision")
    if layout.fields["award_date"].precision == "month":  # a month-level column: every date is its month's first
        award_date = award_date.str.slice(0, 8) + "01"
        precision = pl.when(award_date.is_not_null()).then(pl.lit("month"))
    unit = header.units.get("amount") or layout.fields["amount"].unit
    data = data.with_columns(
        award_date.alias("award_date_value"),
        precision.alias("award_date_precision"),
        cells.amount(cell("amount"), unit).alias("yuan"),
    )
    # A repeated header, a repeated title or a shifted row has no date under the date column: only those rows
    # are examined.
    titles = (
        sheet.grid.slice(0, header.index)
        .select(pl.concat_list(columns).explode().str.strip_chars())
        .to_series()
        .drop_nulls()
        .unique()
        .to_list()
    )
    faults = _faults(data.filter(pl.col("award_date_value").is_null()), header, columns, titles)
    data = data.join(faults, on="source_row", how="left", maintain_order="left")

    date_name, amount_name = header.name(header.columns["award_date"][0]), header.name(header.columns["amount"][0])
    problem = pl.coalesce(
        pl.col("read_problem"),
        pl.col("fault"),
        pl.when(cell("award_date").is_null()).then(pl.lit(f"no award_date: {date_name} is empty")),
        pl.when(pl.col("award_date_value").is_null()).then(
            pl.concat_str(pl.lit("award_date '"), cell("award_date"), pl.lit(f"' under {date_name} is not a date"))
        ),
        pl.when(cell("amount").is_null()).then(pl.lit(f"no amount: {amount_name} is empty")),
        pl.when(pl.col("yuan").is_null()).then(
            pl.concat_str(
                pl.lit("amount '"), cell("amount"), pl.lit(f"' under {amount_name} is not an amount in 元 or 万元")
            )
        ),
    )
    region_cells = [_cell(columns, p) for p in header.columns.get("buyer_region", ())]
    region = pl.concat_str(region_cells, separator=" ", ignore_nulls=True) if region_cells else pl.lit(None, pl.String)
    source_row = pl.col("source_row")
    return data.select(
        pl.lit(sheet.source_file).alias("source_file"),
        source_row,
        pl.coalesce(cell("contract_id"), pl.format("{}:{}", pl.lit(sheet.source_file), source_row)).alias(
            "contract_id"
        ),
        pl.coalesce("award_date_value", cell("award_date")).alias("award_date"),
        "award_date_precision",
        cell("buyer_name").alias("buyer_name"),
        pl.when(region != "").then(region).alias("region"),
        cell("supplier_name").alias("supplier_name"),
        pl.coalesce("yuan", cell("amount")).alias("amount"),
        pl.coalesce(cell("currency"), pl.lit("CNY")).alias("currency"),
        cell("title").alias("title"),
        pl.lit(layout.notice_type, pl.String).alias("notice_type"),
        problem.alias("source_problem"),
    )


def _faults(suspects: pl.DataFrame, header: Header, columns: list[str], titles: list[str]) -> pl.DataFrame:
    """source_row and fault for rows without a date: a page's header again (more than half of the mapped
    cells equal their column's header), a page's title again (every cell is one of the `titles` above the
    header), or a row shifted by one column (a date and an amount one column over)."""
    mapped = sorted({p for found in header.columns.values() for p in found})
    same_as_header = pl.sum_horizontal(
        [(normalised(_cell(columns, p)) == normalise(header.names[p])).fill_null(False) for p in mapped]
    )
    fault = pl.when(same_as_header >= max(2, len(mapped) // 2 + 1)).then(pl.lit("repeated header row"))
    if titles:
        title_only = pl.all_horizontal(pl.col(c).is_null() | pl.col(c).is_in(titles) for c in columns)
        fault = fault.when(title_only).then(pl.lit("repeated title row"))
    date_at, amount_at = header.columns["award_date"][0], header.columns["amount"][0]
    near = [_cell(columns, date_at + offset) for offset in (-1, 1)]
    date_table = cells.dates(suspects.select(pl.concat_list(near).explode()).to_series())
    for offset, side in ((1, "right"), (-1, "left")):
        if min(date_at, amount_at) + offset < 0:
            continue
        fits = (
            cells.looked_up(_cell(columns, date_at + offset), date_table, "date").is_not_null()
            & cells.amount(_cell(columns, amount_at + offset), None).is_not_null()
        )
        reason = (
            f"row looks shifted one column to the {side}: the amount is under {header.name(amount_at + offset)}, "
            f"the date under {header.name(date_at + offset)}"
        )
        fault = fault.when(fits).then(pl.lit(reason))
    return suspects.select("source_row", fault.alias("fault"))


def _with_regions(rows: pl.DataFrame) -> pl.DataFrame:
    """buyer_region_id and buyer_region_source: the first of region column, buyer name and title that names a
    prefecture; failing that, the first that names a province. Each distinct text is resolved once."""
    for column in ("region", "buyer_name", "title"):
        if column not in rows.columns:
            rows = rows.with_columns(pl.lit(None, pl.String).alias(column))
    found = []
    for column, _ in REGION_SOURCES:
        values = rows[column]
        if column == "title":  # titles are nearly unique: resolve only those still without a prefecture
            placed = pl.any_horizontal((pl.col(f"{c}_level") == "prefecture").fill_null(False) for c in found)
            values = rows.filter(~placed)[column]
        resolved = resolve_buyers(values.drop_nulls().unique().to_list()).select(
            pl.col("buyer_name").alias(column),
            pl.col("resolved_region_id").alias(f"{column}_id"),
            pl.col("resolved_level").alias(f"{column}_level"),
        )
        rows = rows.join(resolved, on=column, how="left", maintain_order="left")
        found.append(column)

    def first(condition) -> tuple[pl.Expr, pl.Expr]:
        ids = [pl.when(condition(c)).then(pl.col(f"{c}_id")) for c, _ in REGION_SOURCES]
        sources = [pl.when(condition(c)).then(pl.lit(label)) for c, label in REGION_SOURCES]
        return pl.coalesce(ids), pl.coalesce(sources)

    prefecture_id, prefecture_source = first(lambda c: pl.col(f"{c}_level") == "prefecture")
    any_id, any_source = first(lambda c: pl.col(f"{c}_id").is_not_null())
    return rows.with_columns(
        pl.coalesce(prefecture_id, any_id).alias("buyer_region_id"),
        pl.coalesce(prefecture_source, any_source).alias("buyer_region_source"),
    )

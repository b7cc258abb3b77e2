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
from pipeline.lib.procurement.notices.layouts import CELLS, HEADER_SEARCH_ROWS, Header, NoHeader, default_layouts, find_header, layouts, normalise, normalised

# Where the buyer's region is looked for, in order of trust (buyer_region_source names the one used).
REGION_SOURCES = (("region", "region column"), ("buyer_name", "buyer name"), ("title", "title"))


def read_notices(path: str | Path, mapping: dict | None = None, encoding: str | None = None) -> pl.DataFrame:
    """The records of a notices file, or of every file in a directory (hidden files aside), as reader_frame
    rows. A file or sheet that cannot be read at all is one row whose source_problem says why; when `path` is
    a single file and nothing in it can be read, ContractFileError instead. `encoding` applies to CSV files."""
    path = Path(path)
    candidates = layouts(mapping) if mapping else default_layouts()
    if path.is_dir():
        files = sorted(p for p in path.rglob("*")
                       if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts))
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
        return reader_frame([])
    rows = pl.concat(frames, how="diagonal_relaxed")
    if path.is_file() and rows["source_row"].is_null().all():
        raise ContractFileError("; ".join(rows["source_problem"]))
    return reader_frame(_with_regions(rows))


def _unreadable(source_file: str, reason: str) -> pl.DataFrame:
    return pl.DataFrame({"source_file": [source_file], "source_row": [None], "source_problem": [reason]},
                        schema={"source_file": pl.String, "source_row": pl.Int64, "source_problem": pl.String})


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


def _records(sheet: Sheet, header: Header) -> pl.DataFrame:
    """The sheet's rows below its header row, empty rows aside, with the fields of its layout and the faults
    found (source_problem); all in polars expressions over the whole sheet."""
    columns = sheet.grid.select(pl.col(CELLS)).columns
    data = (sheet.grid.slice(header.index + 1)
            .with_columns(pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c).str.strip_chars()).alias(c)
                          for c in columns)
            .filter(pl.any_horizontal(pl.col(columns).is_not_null()) | pl.col("read_problem").is_not_null()))
    layout = header.layout

    def cell(position: int | None) -> pl.Expr:
        if position is None or position >= len(columns):
            return pl.lit(None, pl.String)
        return pl.col(f"c{position}")

    def position(field: str) -> int | None:
        return header.columns.get(field, (None,))[0]

    def spec_unit(field: str) -> pl.Expr:
        return pl.lit(header.units.get(field) or getattr(layout.fields.get(field), "unit", None), pl.String)

    date_at, amount_at = position("award_date"), position("amount")
    precision = layout.fields["award_date"].precision
    award_date, date_precision = cells.date(cell(date_at), precision)
    yuan = cells.amount(cell(amount_at), spec_unit("amount"))

    # A page's header again: most mapped cells equal their column's header.
    mapped = sorted({p for found in header.columns.values() for p in found})
    same_as_header = pl.sum_horizontal(
        [(normalised(cell(p)) == normalise(header.names[p])).fill_null(False) for p in mapped])
    repeated = same_as_header >= max(2, (len(mapped) + 1) // 2)

    # A row shifted by one column: no date under the date column, but a date and an amount one column over.
    shifted = pl.lit(None, pl.String)
    for offset, side in ((-1, "left"), (1, "right")):
        if min(date_at, amount_at) + offset < 0:
            continue
        fits = (cells.date(cell(date_at + offset), "day")[0].is_not_null()
                & cells.amount(cell(amount_at + offset), pl.lit(None, pl.String)).is_not_null())
        reason = (f"row looks shifted one column to the {side}: the amount is under {header.name(amount_at + offset)}, "
                  f"the date under {header.name(date_at + offset)}")
        shifted = pl.when(award_date.is_null() & fits).then(pl.lit(reason)).otherwise(shifted)

    date_name, amount_name = header.name(date_at), header.name(amount_at)
    problem = pl.coalesce(
        pl.col("read_problem"),
        pl.when(repeated).then(pl.lit("repeated header row")),
        shifted,
        pl.when(cell(date_at).is_null()).then(pl.lit(f"no award_date: {date_name} is empty")),
        pl.when(award_date.is_null()).then(pl.format(f"award_date '{{}}' under {date_name} is not a date",
                                                      cell(date_at))),
        pl.when(cell(amount_at).is_null()).then(pl.lit(f"no amount: {amount_name} is empty")),
        pl.when(yuan.is_null()).then(pl.format(f"amount '{{}}' under {amount_name} is not an amount in 元 or 万元",
                                               cell(amount_at))),
    )
    region_cells = [cell(p) for p in header.columns.get("buyer_region", ())]
    region = (pl.concat_str(region_cells, separator=" ", ignore_nulls=True) if region_cells
              else pl.lit(None, pl.String))
    source_row = pl.col("source_row")
    return data.select(
        pl.lit(sheet.source_file).alias("source_file"),
        source_row,
        pl.coalesce(cell(position("contract_id")), pl.format("{}:{}", pl.lit(sheet.source_file), source_row))
        .alias("contract_id"),
        pl.coalesce(award_date, cell(date_at)).alias("award_date"),
        date_precision.alias("award_date_precision"),
        cell(position("buyer_name")).alias("buyer_name"),
        pl.when(region != "").then(region).alias("region"),
        cell(position("supplier_name")).alias("supplier_name"),
        pl.coalesce(yuan, cell(amount_at)).alias("amount"),
        pl.coalesce(cell(position("currency")), pl.lit("CNY")).alias("currency"),
        cell(position("title")).alias("title"),
        pl.lit(layout.notice_type, pl.String).alias("notice_type"),
        problem.alias("source_problem"),
    )


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
            values = rows.filter(~pl.any_horizontal((pl.col(f"{c}_level") == "prefecture").fill_null(False) for c in found))[column]
        resolved = resolve_buyers(values.drop_nulls().unique().to_list()).select(
            pl.col("buyer_name").alias(column), pl.col("resolved_region_id").alias(f"{column}_id"),
            pl.col("resolved_level").alias(f"{column}_level"))
        rows = rows.join(resolved, on=column, how="left", maintain_order="left")
        found.append(column)

    def first(condition) -> tuple[pl.Expr, pl.Expr]:
        ids = [pl.when(condition(c)).then(pl.col(f"{c}_id")) for c, _ in REGION_SOURCES]
        sources = [pl.when(condition(c)).then(pl.lit(label)) for c, label in REGION_SOURCES]
        return pl.coalesce(ids), pl.coalesce(sources)

    prefecture_id, prefecture_source = first(lambda c: pl.col(f"{c}_level") == "prefecture")
    any_id, any_source = first(lambda c: pl.col(f"{c}_id").is_not_null())
    return rows.with_columns(pl.coalesce(prefecture_id, any_id).alias("buyer_region_id"),
                             pl.coalesce(prefecture_source, any_source).alias("buyer_region_source"))

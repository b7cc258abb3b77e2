"""Notice files as grids of text cells: every sheet of a workbook, a CSV, a Parquet table.

A file is read by what it holds, not by its name (a workbook saved as .xlsx.bak is still a workbook): a zip
(PK\\x03\\x04) or an OLE compound file (\\xd0\\xcf\\x11\\xe0) is an Excel workbook, PAR1 is Parquet, anything
else is CSV. Each grid keeps where its rows are in the file (source_row): the spreadsheet's row number, or the
CSV line a record starts on.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

from pipeline.lib.errors import first_line
from pipeline.lib.procurement.encodings import NOT_UTF8_HINT, UnknownEncodingError, codec_name, label

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PARQUET_MAGIC = b"PAR1"
# Bytes that did not decode, as the surrogateescape error handler keeps them (U+DC80..U+DCFF).
UNDECODED = re.compile("[\udc80-\udcff]")
FIRST_UNDECODED_ON_A_LINE = re.compile("^[^\n\udc80-\udcff]*[\udc80-\udcff]", re.MULTILINE)


class Unreadable(ValueError):
    """A file (or sheet) that cannot be read at all; the message says why."""


@dataclass(frozen=True)
class Sheet:
    """One table of a file: source_file names the file and, in a workbook, the sheet (book.xlsx#Sheet1).
    grid has text columns c0, c1, … , source_row, and read_problem (a line that did not decode, or NULL)."""

    source_file: str
    grid: pl.DataFrame | None
    problem: str | None = None  # why the sheet could not be read (grid is None then)


def sheets(path: Path, name: str, encoding: str | None) -> list[Sheet]:
    """Every table in the file; Unreadable when there is none to read."""
    data = path.read_bytes()
    if data.startswith((XLSX_MAGIC, XLS_MAGIC)):
        return _workbook(data, name)
    if data.startswith(PARQUET_MAGIC):
        return [_parquet(data, name)]
    return [_csv(data, name, encoding)]


def _grid(frame: pl.DataFrame, source_row: pl.Expr) -> pl.DataFrame:
    frame = frame.select(pl.col(c).cast(pl.String).alias(f"c{i}") for i, c in enumerate(frame.columns))
    return frame.with_columns(
        source_row.cast(pl.Int64).alias("source_row"), pl.lit(None, pl.String).alias("read_problem")
    )


def _workbook(data: bytes, name: str) -> list[Sheet]:
    try:
        book = fastexcel.read_excel(data)
    except Exception as err:  # calamine's errors have many types; the message says what failed
        raise Unreadable(f"{name}: not a readable Excel workbook ({first_line(err)})") from None
    found = []
    for index, sheet_name in enumerate(book.sheet_names):
        source_file = f"{name}#{sheet_name}"
        try:
            # skip_rows=0 keeps the blank rows above the first used one, so row numbers are the spreadsheet's.
            frame = book.load_sheet(index, header_row=None, skip_rows=0, dtypes="string").to_polars()
        except Exception as err:
            found.append(Sheet(source_file, None, f"sheet not readable ({first_line(err)})"))
            continue
        found.append(Sheet(source_file, _grid(frame, pl.int_range(1, pl.len() + 1))))
    return found


def _parquet(data: bytes, name: str) -> Sheet:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
        frame = frame.select(pl.all().cast(pl.String))
    except Exception as err:  # a damaged file, or nested columns that are not text
        raise Unreadable(f"{name}: not a readable Parquet table ({first_line(err)})") from None
    # The column names are the header row (row 0); data rows are numbered from 1.
    header = pl.DataFrame([frame.columns], schema=frame.columns, orient="row")
    return Sheet(name, _grid(pl.concat([header, frame]), pl.int_range(0, pl.len())))


def decode_csv(data: bytes, name: str, encoding: str | None) -> tuple[str, dict[int, str]]:
    """The text of a CSV file, and for each line holding bytes that are not text in its encoding, the problem as
    `file:line: ...` (those bytes become U+FFFD). A declared encoding (gbk, gb18030) is honoured; undeclared,
    UTF-8 with or without a byte-order mark."""
    try:
        codec = codec_name(encoding)
    except UnknownEncodingError as err:
        raise Unreadable(f"{name}: {err}") from None
    codec = "utf-8-sig" if codec == "utf-8" else codec  # a byte-order mark is not text
    try:
        return data.decode(codec), {}
    except UnicodeDecodeError:
        pass
    text = data.decode(codec, errors="surrogateescape")
    hint = "" if encoding else NOT_UTF8_HINT
    named = label(codec_name(encoding))
    problems: dict[int, str] = {}
    line, counted_to = 1, 0
    for match in FIRST_UNDECODED_ON_A_LINE.finditer(text):
        line += text.count("\n", counted_to, match.start())
        counted_to = match.start()
        problems[line] = f"{name}:{line}: byte 0x{ord(match[0][-1]) - 0xDC00:02x} is not {named}{hint}"
    return UNDECODED.sub("\ufffd", text), problems


def _csv(data: bytes, name: str, encoding: str | None) -> Sheet:
    if b"\x00" in data[:4096]:
        raise Unreadable(f"{name}: binary content, not a CSV, Excel or Parquet file")
    text, bad_lines = decode_csv(data, name, encoding)
    try:
        frame = _read_csv(text)
    except pl.exceptions.ComputeError:
        # A record longer than the first (a cell split in two): read as wide as the widest record, by starting
        # with a padding record of that width, so that no cell is cut off.
        width = max(map(len, csv.reader(io.StringIO(text))), default=0)
        try:
            frame = _read_csv(",".join(['""'] * width) + "\n" + text).slice(1)
        except pl.exceptions.ComputeError as err:
            raise Unreadable(f"{name}: not a readable CSV file ({first_line(err)})") from None
    if frame is None:
        return Sheet(name, None)
    # A record starts on the line after the previous one ends; a quoted cell may hold line breaks.
    lines = 1 + pl.sum_horizontal(pl.all().str.count_matches("\n").fill_null(0))
    grid = _grid(frame, lines.cum_sum() - lines + 1)
    if bad_lines:
        bad = pl.DataFrame(
            {"line": list(bad_lines), "problem": list(bad_lines.values())},
            schema={"line": pl.Int64, "problem": pl.String},
        ).sort("line")
        starts = grid.select("source_row").sort("source_row")
        first_bad = (
            bad.join_asof(starts, left_on="line", right_on="source_row", strategy="backward")
            .group_by("source_row")
            .agg(pl.col("problem").first())
        )
        grid = (
            grid.drop("read_problem")
            .join(first_bad, on="source_row", how="left", maintain_order="left")
            .rename({"problem": "read_problem"})
        )
    return Sheet(name, grid)


def _read_csv(text: str) -> pl.DataFrame | None:
    """Every record as text cells, as wide as the first; None for a file without any."""
    try:
        return pl.read_csv(io.BytesIO(text.encode("utf-8")), has_header=False, infer_schema=False)
    except pl.exceptions.NoDataError:
        return None

"""Parse GDELT events exports into typed rows and rejected rows.

Every line ends up in exactly one of the two outputs: a typed row in the 61-column schema, or a
reject carrying the file name, the 1-based line number, the reason and the raw text. Nothing is
skipped. A fast path hands clean text to polars' CSV reader; a file (or chunk) that fails any of
its checks is re-read line by line, which names each bad line and its reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import polars as pl

from pipeline.lib.gdelt.schema import Layout, events_v2_columns

REJECT_SCHEMA = {"source_file": pl.String, "source_line": pl.Int64, "reason": pl.String, "raw_line": pl.String}
CHUNK_BYTES = 64 << 20  # large GDELT 1.0 files are parsed in pieces of about this size


@dataclass(frozen=True)
class ParsedExport:
    rows: pl.DataFrame  # the 61 typed columns, then source_file and source_line
    rejects: pl.DataFrame  # REJECT_SCHEMA

    @property
    def rows_read(self) -> int:
        return self.rows.height + self.rejects.height


def line_count(data: bytes) -> int:
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def _fast(data: bytes, layout: Layout, first_line: int) -> pl.DataFrame | None:
    """Typed rows if every line has exactly the layout's fields and every value converts; else None."""
    lines = line_count(data)
    # polars fills a short line with NULLs, so the field count is checked first: with no line longer
    # than the layout (polars raises on those), the total tab count matches only if no line is shorter.
    if data.count(b"\t") != lines * (layout.width - 1):
        return None
    try:
        frame = pl.read_csv(
            data,
            separator="\t",
            has_header=False,
            quote_char=None,
            schema={c.name: c.polars_type for c in layout.columns},
            row_index_name="source_line",
            row_index_offset=first_line,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError):
        return None
    return frame if frame.height == lines else None


def _decode_lines(data: bytes, first_line: int) -> tuple[list[str | None], list[tuple[int, str, str]]]:
    raw_lines = data.split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()  # the newline that ends the last line does not start another
    lines, bad = [], []
    for number, line in enumerate(raw_lines, start=first_line):
        try:
            lines.append(line.rstrip(b"\r").decode("utf-8"))
        except UnicodeDecodeError as err:
            lines.append(None)
            bad.append((number, f"not valid UTF-8 at byte {err.start}", line.decode("utf-8", "replace")))
    return lines, bad


def _slow(data: bytes, layout: Layout, first_line: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Line by line: typed rows and rejects with reasons."""
    columns = layout.columns
    lines, undecodable = _decode_lines(data, first_line)
    frame = pl.DataFrame(
        {
            "source_line": pl.int_range(first_line, first_line + len(lines), eager=True, dtype=pl.Int64),
            "raw_line": pl.Series(lines, dtype=pl.String),
        }
    ).with_columns(fields=pl.col("raw_line").str.count_matches("\t", literal=True) + 1)

    rejects = [
        pl.DataFrame(
            undecodable, schema={"source_line": pl.Int64, "reason": pl.String, "raw_line": pl.String}, orient="row"
        )
    ]
    ragged = frame.filter(pl.col("raw_line").is_not_null() & (pl.col("fields") != layout.width))
    rejects.append(
        ragged.select(
            "source_line",
            reason=pl.format("has {} tab-separated fields, expected {}", pl.col("fields"), pl.lit(layout.width)),
            raw_line="raw_line",
        )
    )
    text = (
        frame.filter(pl.col("fields") == layout.width)
        .select(
            "source_line",
            "raw_line",
            pl.col("raw_line")
            .str.split_exact("\t", layout.width - 1)
            .struct.rename_fields([c.name for c in columns])
            .alias("f"),
        )
        .unnest("f")
    )
    # An empty field is GDELT's way of saying "no value": it becomes NULL, not an error.
    text = text.with_columns(
        pl.when(pl.col(c.name) == "").then(None).otherwise(pl.col(c.name)).alias(c.name) for c in columns
    )
    typed = text.with_columns(
        pl.col(c.name).cast(c.polars_type, strict=False) for c in columns if c.polars_type != pl.String
    )
    failures = [
        pl.when(text[c.name].is_not_null() & typed[c.name].is_null()).then(
            pl.lit(f"column {c.name}: '") + text[c.name] + pl.lit(f"' is not {c.codebook_type.lower()}")
        )
        for c in columns
        if c.polars_type != pl.String
    ]
    typed = typed.with_columns(reason=pl.coalesce(failures))
    rejects.append(typed.filter(pl.col("reason").is_not_null()).select("source_line", "reason", "raw_line"))
    rows = typed.filter(pl.col("reason").is_null()).select("source_line", *[c.name for c in columns])
    return rows, pl.concat(rejects, how="vertical_relaxed")


def _unify(rows: pl.DataFrame, layout: Layout, source_file: str) -> pl.DataFrame:
    """Rows of any layout in the 61-column schema, then source_file and source_line."""
    present = set(rows.columns)
    out = [
        (
            pl.col(c.name) * layout.dateadded_scale
            if c.name == "DATEADDED" and layout.dateadded_scale != 1
            else pl.col(c.name)
        )
        if c.name in present
        else pl.lit(None, c.polars_type).alias(c.name)
        for c in events_v2_columns()
    ]
    return rows.select(*out, source_file=pl.lit(source_file), source_line=pl.col("source_line").cast(pl.Int64))


def parse_export(data: bytes, source_file: str, layout: Layout, first_line: int = 1) -> ParsedExport:
    """Type the tab-separated lines of (a chunk of) an unzipped export; `first_line` numbers its first line."""
    fast = _fast(data, layout, first_line)
    if fast is not None:
        rows, rejects = fast, pl.DataFrame(schema={k: v for k, v in REJECT_SCHEMA.items() if k != "source_file"})
    else:
        rows, rejects = _slow(data, layout, first_line)
    rejects = rejects.select(pl.lit(source_file).alias("source_file"), "source_line", "reason", "raw_line").sort(
        "source_line"
    )
    return ParsedExport(rows=_unify(rows, layout, source_file), rejects=rejects.cast(REJECT_SCHEMA))


def parse_batch(contents: list[tuple[str, bytes]], layout: Layout) -> ParsedExport:
    """parse_export for several small files at once, in one polars call when they are all clean.

    A reader call has a fixed cost that dominates 15-minute files, so clean files are read together;
    rows keep their own file name and line. If any file is not clean, each is parsed on its own.
    """
    if len(contents) > 1:
        joined = b"".join(data if data.endswith(b"\n") or not data else data + b"\n" for _, data in contents)
        rows = _fast(joined, layout, 1)
        if rows is not None:
            counts = [line_count(data) for _, data in contents]
            names = pl.concat(
                [
                    pl.repeat(name, n, dtype=pl.String, eager=True)
                    for (name, _), n in zip(contents, counts, strict=True)
                ],
                rechunk=True,
            )
            lines = pl.concat([pl.int_range(1, n + 1, dtype=pl.Int64, eager=True) for n in counts], rechunk=True)
            unified = _unify(rows.with_columns(lines.alias("source_line")), layout, "")
            return ParsedExport(
                rows=unified.with_columns(names.alias("source_file")), rejects=pl.DataFrame(schema=REJECT_SCHEMA)
            )
    parsed = [parse_export(data, name, layout) for name, data in contents]
    return ParsedExport(rows=pl.concat([p.rows for p in parsed]), rejects=pl.concat([p.rejects for p in parsed]))


def iter_line_chunks(stream: IO[bytes], chunk_bytes: int = CHUNK_BYTES) -> Iterator[tuple[bytes, int]]:
    """Split a byte stream into chunks of whole lines; yields (chunk, number of its first line)."""
    carry, first_line = b"", 1
    while True:
        block = stream.read(chunk_bytes)
        if not block:
            if carry:
                yield carry, first_line
            return
        block = carry + block
        cut = block.rfind(b"\n") + 1
        if cut == 0:
            carry = block
            continue
        chunk, carry = block[:cut], block[cut:]
        yield chunk, first_line
        first_line += chunk.count(b"\n")

"""Parse one GDELT events export into typed rows and rejected rows.

Every line of the file ends up in exactly one of the two outputs: a typed row,
or a reject carrying the file name, the 1-based line number, the reason and
the raw text. Nothing is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipeline.lib.gdelt.schema import Column

REJECT_SCHEMA = {"source_file": pl.String, "source_line": pl.Int64, "reason": pl.String, "raw_line": pl.String}


@dataclass(frozen=True)
class ParsedExport:
    rows: pl.DataFrame  # typed columns in file order, then source_file and source_line
    rejects: pl.DataFrame  # REJECT_SCHEMA

    @property
    def rows_read(self) -> int:
        return self.rows.height + self.rejects.height


def _decode_lines(data: bytes) -> tuple[list[str], list[tuple[int, str, str]]]:
    """Split bytes into text lines; lines that are not UTF-8 become rejects instead."""
    raw_lines = data.split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()  # the newline that ends the last line does not start another
    try:
        data.decode("utf-8")
        return [line.rstrip(b"\r").decode("utf-8") for line in raw_lines], []
    except UnicodeDecodeError:
        pass
    lines, bad = [], []
    for number, line in enumerate(raw_lines, start=1):
        try:
            lines.append(line.rstrip(b"\r").decode("utf-8"))
        except UnicodeDecodeError as err:
            lines.append(None)
            bad.append((number, f"not valid UTF-8 at byte {err.start}", line.decode("utf-8", "replace")))
    return lines, bad


def parse_export(data: bytes, source_file: str, columns: tuple[Column, ...]) -> ParsedExport:
    """Type the tab-separated lines of an unzipped export against `columns`."""
    lines, undecodable = _decode_lines(data)
    expected = len(columns)
    frame = pl.DataFrame(
        {"source_line": pl.int_range(1, len(lines) + 1, eager=True, dtype=pl.Int64), "raw_line": pl.Series(lines, dtype=pl.String)}
    ).with_columns(fields=pl.col("raw_line").str.count_matches("\t", literal=True) + 1)

    rejects = [
        pl.DataFrame(undecodable, schema={"source_line": pl.Int64, "reason": pl.String, "raw_line": pl.String}, orient="row")
    ]
    ragged = frame.filter(pl.col("raw_line").is_not_null() & (pl.col("fields") != expected))
    rejects.append(
        ragged.select(
            "source_line",
            reason=pl.format("has {} tab-separated fields, expected {}", pl.col("fields"), pl.lit(expected)),
            raw_line="raw_line",
        )
    )

    good = frame.filter(pl.col("fields") == expected)
    text = good.select(
        "source_line",
        "raw_line",
        pl.col("raw_line").str.split_exact("\t", expected - 1).struct.rename_fields([c.name for c in columns]).alias("f"),
    ).unnest("f")
    # An empty field is GDELT's way of saying "no value": it becomes NULL, not an error.
    text = text.with_columns(pl.when(pl.col(c.name) == "").then(None).otherwise(pl.col(c.name)).alias(c.name) for c in columns)
    typed = text.with_columns(pl.col(c.name).cast(c.polars_type, strict=False) for c in columns if c.polars_type != pl.String)

    # A value that was present but did not convert names the first such column as the reason.
    failures = [
        pl.when(text[c.name].is_not_null() & typed[c.name].is_null()).then(
            pl.lit(f"column {c.name}: ") + pl.lit("'") + text[c.name] + pl.lit(f"' is not {c.codebook_type.lower()}")
        )
        for c in columns
        if c.polars_type != pl.String
    ]
    typed = typed.with_columns(reason=pl.coalesce(failures) if failures else pl.lit(None, pl.String))
    rejects.append(typed.filter(pl.col("reason").is_not_null()).select("source_line", "reason", "raw_line"))
    rows = (
        typed.filter(pl.col("reason").is_null())
        .select([c.name for c in columns], source_file=pl.lit(source_file), source_line="source_line")
    )
    all_rejects = (
        pl.concat([r.cast({"source_line": pl.Int64}) for r in rejects], how="diagonal_relaxed")
        .with_columns(source_file=pl.lit(source_file))
        .select(list(REJECT_SCHEMA))
        .sort("source_line")
    )
    return ParsedExport(rows=rows, rejects=all_rejects)

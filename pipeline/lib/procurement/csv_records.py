"""Read a CSV file's records into DuckDB, keeping the ones that cannot be read apart with their line and reason.

DuckDB's CSV reader does the work (sql/csv/): every field as text, in file order, and each record that does not
split into the header's fields or is not text in the file's encoding listed in csv_problems as
`line 7: byte 0xb9 at column 12 is not UTF-8 ...` or `line 9: 10 fields where the header has 8`.
UTF-8 is read as it is; another declared encoding (gbk, gb18030, any Python codec) is first transcoded to UTF-8,
bytes it cannot decode passed through so that DuckDB finds them on their line.
"""

from __future__ import annotations

import codecs
import csv
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.lib import sql, warehouse
from pipeline.lib.errors import first_line
from pipeline.lib.procurement.encodings import NOT_UTF8_HINT, UnknownEncodingError, codec_name, label

_CHUNK = 1 << 20


class CsvFileError(ValueError):
    """A CSV file that cannot be read at all; the message names the file."""


@contextmanager
def staged_csv(con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None = None) -> Iterator[StagedCsv]:
    """For the block: `path` ready to be read by the table macro csv_read (sql/csv/read.sql), and its header
    checked. The block scans it once with StagedCsv.scan (an INSERT or CREATE TABLE AS, which keeps the
    records in file order), then calls list_problems(). Read where the records go, not copied first: copying
    3 million records only to copy them again was a third of the contracts load."""
    codec = _codec(path, encoding)
    if not path.is_file():
        raise CsvFileError(f"{path}: file not found")
    header = _read_header(path, codec)
    with _as_utf8(path, codec) as readable:
        sql.run(con, "csv/read")
        con.execute("DROP TABLE IF EXISTS csv_reject_errors; DROP TABLE IF EXISTS csv_reject_scans")
        try:
            yield StagedCsv(con, path, readable, codec, header)
        finally:
            for table in ("csv_problems", "csv_bytes", "csv_file_lines", "csv_reject_errors", "csv_reject_scans"):
                con.execute(f"DROP TABLE IF EXISTS {table}")


@dataclass(frozen=True)
class StagedCsv:
    con: duckdb.DuckDBPyConnection
    path: Path
    readable: Path  # the file DuckDB reads: path itself, or its UTF-8 copy
    codec: str
    header: list[str]

    def scan(self, statement: str, params: dict | None = None) -> None:
        """Run the SQL file that reads the records (FROM csv_read($path)); a file DuckDB cannot read fails
        naming it."""
        try:
            sql.run(
                self.con,
                statement,
                {**(params or {}), "path": str(self.readable), "columns": {name: "VARCHAR" for name in self.header}},
            )
        except duckdb.InvalidInputException as err:
            raise CsvFileError(f"{self.path}: not a readable CSV file ({first_line(err)})") from None

    def list_problems(self) -> int:
        """Once scanned: table csv_problems (record, line, problem), one row per record left out; how many.
        Reading the file again only for the lines of those records, when there are any."""
        if sql.run(self.con, "csv/undecodable_records").fetchone()[0]:
            sql.run(self.con, "csv/bytes", {"path": str(self.readable)})
        else:
            sql.run(self.con, "csv/no_bytes")
        starts = [row[0] for row in sql.run(self.con, "csv/problem_starts").fetchall()]
        sql.run(self.con, "csv/file_lines", {"starts": starts, "lines": _lines_at(self.readable, starts)})
        sql.run(
            self.con,
            "csv/problems",
            {"encoding": label(self.codec), "hint": NOT_UTF8_HINT if self.codec == "utf-8" else ""},
        )
        return warehouse.table_rows(self.con, "csv_problems")


def _lines_at(path: Path, positions: list[int]) -> list[int]:
    """The file's line (1-based, as an editor counts them) at each of the sorted 1-based byte positions. DuckDB
    counts a record as one line, so after a field that spans lines its own count would name the wrong line."""
    lines: list[int] = []
    newlines = offset = 0
    with open(path, "rb") as handle:
        while len(lines) < len(positions) and (chunk := handle.read(_CHUNK)):
            while len(lines) < len(positions) and positions[len(lines)] - 1 <= offset + len(chunk):
                lines.append(newlines + chunk[: positions[len(lines)] - 1 - offset].count(b"\n") + 1)
            newlines += chunk.count(b"\n")
            offset += len(chunk)
    return lines


def _codec(path: Path, encoding: str | None) -> str:
    try:
        return codec_name(encoding)
    except UnknownEncodingError as err:
        raise CsvFileError(f"{path}: {err}") from None


@contextmanager
def _as_utf8(path: Path, codec: str):
    """`path` itself when it is UTF-8; otherwise a temporary UTF-8 copy, undecodable bytes kept as they are."""
    if codec == "utf-8":
        yield path
        return
    decoder = codecs.getincrementaldecoder(codec)(errors="surrogateescape")
    with tempfile.NamedTemporaryFile(suffix=".csv") as copy:
        with open(path, "rb") as source:
            while chunk := source.read(_CHUNK):
                copy.write(decoder.decode(chunk).encode("utf-8", errors="surrogateescape"))
            copy.write(decoder.decode(b"", final=True).encode("utf-8", errors="surrogateescape"))
        copy.flush()
        yield Path(copy.name)


def _read_header(path: Path, codec: str) -> list[str]:
    """The header's column names, read here rather than guessed by DuckDB's sniffer: a sniffer that meets a
    quote left open fails the whole file without a line, and a header that is not text would read as columns
    named column0, column1 ... and then as a missing column."""
    with open(path, "rb") as handle:
        line = handle.readline()
    try:
        text = line.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as err:
        hint = NOT_UTF8_HINT if codec == "utf-8" else ""
        raise CsvFileError(
            f"{path} line 1: byte 0x{line[err.start]:02x} of the header is not {label(codec)}{hint}"
        ) from None
    names = next(csv.reader([text.rstrip("\r\n")]), [])
    if not any(name.strip() for name in names):
        raise CsvFileError(f"{path} line 1: no header; the first line must name the columns")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise CsvFileError(f"{path} line 1: the header names column {repeated[0]!r} twice")
    return names

"""Read a CSV file's records into DuckDB, keeping the ones that cannot be read apart with their line and reason.

DuckDB's CSV reader does the work (sql/csv/): every field as text, records numbered as in the file, and each
record that does not split into the header's fields or is not text in the file's encoding listed in
csv_problems as `line 7: byte 0xb9 at column 12 is not UTF-8 ...` or `line 9: 10 fields where the header has 8`.
UTF-8 is read as it is; another declared encoding (gbk, gb18030, any Python codec) is first transcoded to UTF-8,
bytes it cannot decode passed through so that DuckDB finds them on their line.
"""

from __future__ import annotations

import codecs
import tempfile
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipeline.lib import sql

UTF8_HINT = '; declare encoding = "gbk" if the file is GBK'
_CHUNK = 1 << 20


class CsvFileError(ValueError):
    """A CSV file that cannot be read at all; the message names the file."""


def stage_csv(con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None = None) -> list[str]:
    """Read `path` into con's temporary view csv_records (the header's columns as text, and `record`, the record's
    1-based number, the header not counted) and table csv_problems (record, line, problem) for the records left
    out. Returns the header's column names."""
    codec = _codec(path, encoding)
    if not path.is_file():
        raise CsvFileError(f"{path}: file not found")
    _check_header(path, codec)
    with _as_utf8(path, codec) as readable:
        con.execute("DROP TABLE IF EXISTS csv_reject_errors; DROP TABLE IF EXISTS csv_reject_scans")
        try:
            sql.run(con, "csv/read", {"path": str(readable)})
        except duckdb.Error as err:
            raise CsvFileError(f"{path}: not a readable CSV file ({_first_line(err)})") from None
        undecodable = con.execute(
            "SELECT count(*) FROM csv_reject_errors WHERE error_type = 'INVALID ENCODING'").fetchone()[0]
        if undecodable:
            sql.run(con, "csv/bytes", {"path": str(readable)})
        else:
            sql.run(con, "csv/no_bytes")
        label = "UTF-8" if codec == "utf-8" else codec.upper()
        sql.run(con, "csv/problems", {"encoding": label, "hint": UTF8_HINT if codec == "utf-8" else ""})
    left_out = con.execute("SELECT count(*) FROM csv_problems").fetchone()[0]
    sql.run(con, "csv/records" if left_out else "csv/records_all_read")
    return [row[0] for row in con.execute("DESCRIBE csv_read").fetchall()]


def drop_staged_csv(con: duckdb.DuckDBPyConnection) -> None:
    """Free what stage_csv holds, once its records have been copied where they belong."""
    con.execute("DROP VIEW csv_records; DROP TABLE csv_read; DROP TABLE csv_problems; DROP TABLE csv_bytes; "
                "DROP TABLE csv_reject_errors; DROP TABLE csv_reject_scans")


def _codec(path: Path, encoding: str | None) -> str:
    try:
        name = codecs.lookup(encoding or "utf-8").name
    except LookupError:
        raise CsvFileError(f"{path}: encoding {encoding!r} is not one Python knows; use e.g. \"utf-8\", \"gbk\" or "
                           "\"gb18030\"") from None
    return "utf-8" if name in ("utf-8", "utf-8-sig") else name


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


def _check_header(path: Path, codec: str) -> None:
    # DuckDB names the columns column0, column1 ... when the header is not text, and the fault would then
    # read as a missing column: say what it is.
    with open(path, "rb") as handle:
        header = handle.readline()
    try:
        header.decode(codec)
    except UnicodeDecodeError as err:
        hint = UTF8_HINT if codec == "utf-8" else ""
        raise CsvFileError(f"{path} line 1: byte 0x{header[err.start]:02x} of the header is not "
                           f"{'UTF-8' if codec == 'utf-8' else codec.upper()}{hint}") from None


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0]

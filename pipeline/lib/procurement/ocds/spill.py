"""Releases and compiled releases kept on disk by ocid while files are read, so that a package larger than memory
can still be compiled: only one ocid's releases are in memory at a time."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

BATCH = 10_000

# The working store of one read, in SQLite: a row a release, in the order read (seq), under the ocid it is filed
# by; `via` says whether it came from a document's top-level `releases` array (refiled if the document turns out
# to be a record) or is filed for good. Statements are this store's own, not the warehouse's.
SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -65536;
PRAGMA temp_store = FILE;
CREATE TABLE releases (seq INTEGER PRIMARY KEY, ocid TEXT, file TEXT, document INTEGER, via TEXT, data TEXT);
CREATE TABLE compiled (seq INTEGER PRIMARY KEY, ocid TEXT, file TEXT, document INTEGER, data TEXT);
CREATE TABLE documents (file TEXT, document INTEGER, version TEXT, PRIMARY KEY (file, document));
"""
ORDER = """
CREATE INDEX releases_by_ocid ON releases (ocid, seq);
CREATE INDEX compiled_by_ocid ON compiled (ocid, seq);
"""


class Spill:
    def __init__(self, directory: Path):
        self.db = sqlite3.connect(directory / "ocds.sqlite")
        self.db.executescript(SCHEMA)
        self.pending: dict[str, list[tuple]] = {"releases": [], "compiled": []}

    def add_release(self, ocid: str, file: str, document: int, via: str, release: dict) -> None:
        self._add("releases", (ocid, file, document, via, json.dumps(release)))

    def add_compiled(self, ocid: str, file: str, document: int, release: dict) -> None:
        self._add("compiled", (ocid, file, document, json.dumps(release)))

    def _add(self, table: str, row: tuple) -> None:
        self.pending[table].append(row)
        if len(self.pending[table]) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        releases, compiled = self.pending["releases"], self.pending["compiled"]
        self.db.executemany("INSERT INTO releases (ocid, file, document, via, data) VALUES (?, ?, ?, ?, ?)", releases)
        self.db.executemany("INSERT INTO compiled (ocid, file, document, data) VALUES (?, ?, ?, ?)", compiled)
        releases.clear()
        compiled.clear()

    def set_version(self, file: str, document: int, version: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO documents VALUES (?, ?, ?)", (file, document, version))

    def refile(self, file: str, document: int, ocid: str | None) -> int:
        """File the releases of a document's `releases` array under `ocid` (a record's), or drop them (None)."""
        self._flush()
        where = "file = ? AND document = ? AND via = 'releases'"
        if ocid is None:
            return self.db.execute(f"DELETE FROM releases WHERE {where}", (file, document)).rowcount
        return self.db.execute(f"UPDATE releases SET ocid = ?, via = 'record' WHERE {where}",
                               (ocid, file, document)).rowcount

    def finish(self) -> None:
        self._flush()
        self.db.executescript(ORDER)

    def compiled(self) -> Iterator[tuple[str, str, int, str]]:
        """(ocid, file, document, compiled release JSON), by ocid and in the order read."""
        yield from self.db.execute("SELECT ocid, file, document, data FROM compiled ORDER BY ocid, seq")

    def releases(self) -> Iterator[tuple[str, str, int, str, str, bool]]:
        """(ocid, file, document, OCDS version, release JSON, whether the ocid has a published compiled release),
        by ocid and in the order read; a document that declared no version is a package, and so OCDS 1.0."""
        yield from self.db.execute(
            "SELECT r.ocid, r.file, r.document, coalesce(d.version, '1.0'), r.data,"
            " EXISTS (SELECT 1 FROM compiled c WHERE c.ocid = r.ocid)"
            " FROM releases r LEFT JOIN documents d USING (file, document) ORDER BY r.ocid, r.seq")

    def close(self) -> None:
        self.db.close()

"""Releases and compiled releases kept on disk by ocid while files are read, so that a package larger than memory
can still be compiled: only one ocid's releases are in memory at a time."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from pipeline.lib import sql

BATCH = 10_000


class Spill:
    """The working store of one read, in SQLite (its statements: sql/ocds_spill/, this store's own, not the
    warehouse's)."""

    def __init__(self, directory: Path):
        self.db = sqlite3.connect(directory / "ocds.sqlite")
        self.db.executescript(sql.load("ocds_spill/store"))
        self.pending: dict[str, list[tuple]] = {"release": [], "compiled": []}

    def add_release(self, ocid: str, file: str, document: int, via: str, release: dict) -> None:
        self._add("release", (ocid, file, document, via, json.dumps(release)))

    def add_compiled(self, ocid: str, file: str, document: int, release: dict) -> None:
        self._add("compiled", (ocid, file, document, json.dumps(release)))

    def _add(self, kind: str, row: tuple) -> None:
        self.pending[kind].append(row)
        if len(self.pending[kind]) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        for kind, rows in self.pending.items():
            self.db.executemany(sql.load(f"ocds_spill/insert_{kind}"), rows)
            rows.clear()

    def set_version(self, file: str, document: int, version: str) -> None:
        self.db.execute(sql.load("ocds_spill/document_version"), (file, document, version))

    def refile(self, file: str, document: int, ocid: str | None) -> int:
        """File the releases of a document's `releases` array under `ocid` (a record's), or drop them (None)."""
        self._flush()
        if ocid is None:
            return self.db.execute(sql.load("ocds_spill/drop_document_releases"), (file, document)).rowcount
        return self.db.execute(sql.load("ocds_spill/refile_document_releases"), (ocid, file, document)).rowcount

    def finish(self) -> None:
        self._flush()
        self.db.executescript(sql.load("ocds_spill/store_indexes"))

    def compiled(self) -> Iterator[tuple[str, str, int, str]]:
        """(ocid, file, document, compiled release JSON), by ocid and in the order read."""
        yield from self.db.execute(sql.load("ocds_spill/compiled_by_ocid"))

    def releases(self) -> Iterator[tuple[str, str, int, str, str, bool]]:
        """(ocid, file, document, OCDS version, release JSON, whether the ocid has a published compiled release),
        by ocid and in the order read."""
        yield from self.db.execute(sql.load("ocds_spill/releases_by_ocid"))

    def close(self) -> None:
        self.db.close()

"""OCDS files as governments publish them, into the normalised contracts: one record per award.

Reads release packages, record packages, records without a package, compiled releases and single releases
(a file that is not JSON is rejected with its line, and the other files still load), in files that hold one
JSON document, several in a row, or JSON Lines (documents.py), compiles the releases of each ocid (compile.py)
and reads the awards of each compiled release (awards.py). Files larger than memory are read as a stream:
releases wait on disk, by ocid, until they are compiled (spill.py).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline.lib.procurement.contracts import ContractFileError, reader_frame
from pipeline.lib.procurement.ocds.awards import award_rows
from pipeline.lib.procurement.ocds.compile import Rejection, Source, compiled_releases
from pipeline.lib.procurement.ocds.documents import read_documents

__all__ = ["Rejection", "Source", "award_rows", "compiled_releases", "read_documents", "read_ocds"]

ROWS_PER_FRAME = 10_000


def read_ocds(path: str | Path, schema: str | None = None) -> pl.DataFrame:
    """The awards of every OCDS file at `path` (a file, or a directory searched for *.json and *.jsonl)."""
    path = Path(path)
    if not path.exists():
        raise ContractFileError(f"{path}: OCDS file or directory not found")
    paths = sorted(path.rglob("*.json*")) if path.is_dir() else [path]
    frames, rows = [], []
    for compiled in compiled_releases(paths, schema):
        rows.extend([compiled.row()] if isinstance(compiled, Rejection) else award_rows(*compiled))
        if len(rows) >= ROWS_PER_FRAME:  # rows as frames as they come: a Python dict a row would not fit
            frames.append(reader_frame(rows))
            rows = []
    frames.append(reader_frame(rows))
    return pl.concat(frames).sort("source_file", "source_row", "contract_id", maintain_order=True)

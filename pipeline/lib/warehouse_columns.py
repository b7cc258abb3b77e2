"""The warehouse reference: every table and view, with its columns' names, types and meanings, read from
pipeline/data/warehouse_columns.toml, the one place they are described.

It feeds the column schema each asset shows in Dagster's UI (pipeline/defs/metadata.py), the ledger's DDL
(pipeline/lib/gdelt/ledger.py) and docs/warehouse.md, which `python3 dev.py docs` writes with
`python -m pipeline.lib.warehouse_columns docs/warehouse.md`. Tests compare it with the real tables.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline import data
from pipeline.lib.gdelt.schema import events_v2_columns

SOURCE = "warehouse_columns.toml"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # as DuckDB's information_schema.columns.data_type writes it
    description: str
    from_codebook: bool = False  # one of GDELT's columns, described by GDELT's codebook alone


@dataclass(frozen=True)
class Table:
    name: str
    asset: str  # the asset whose materialisation writes it
    op: str  # the multi-asset op that produces that asset, or "" for an asset of its own
    view: bool
    description: str
    columns: tuple[Column, ...]


def _codebook_columns(table: str, listed: list[dict]) -> list[Column]:
    """GDELT's 61 columns in file order, typed and described by its codebook, with the pipeline's description of
    those listed by name (and no type: the codebook's is the type)."""
    notes = {entry["name"]: entry["description"] for entry in listed}
    codebook = events_v2_columns()
    unknown = set(notes) - {c.name for c in codebook}
    if unknown:
        raise ValueError(
            f"{SOURCE}: {table} lists {sorted(unknown)} without a type, but the codebook has no such column"
        )
    return [
        Column(c.name, c.duckdb_type, notes.get(c.name, c.description), from_codebook=c.name not in notes)
        for c in codebook
    ]


@cache
def tables() -> dict[str, Table]:
    """Every table and view of the warehouse, by name, in the reference's order."""
    reference = tomllib.loads(data.text(SOURCE))
    result = {}
    for name, entry in reference["tables"].items():
        listed = entry["columns"]
        columns = []
        if entry.get("codebook"):
            if entry["codebook"] != "gdelt2-events-codebook.csv":
                raise ValueError(f"{SOURCE}: {name}: only GDELT 2.0's codebook describes warehouse columns")
            columns = _codebook_columns(name, [c for c in listed if "type" not in c])
            listed = [c for c in listed if "type" in c]
        columns += [Column(c["name"], c["type"], c["description"]) for c in listed]
        result[name] = Table(
            name=name,
            asset=entry["asset"],
            op=entry.get("op", ""),
            view=entry.get("view", False),
            description=entry["description"].strip(),
            columns=tuple(columns),
        )
    return result


def table(name: str) -> Table:
    try:
        return tables()[name]
    except KeyError:
        raise KeyError(f"{name} is not described in pipeline/data/{SOURCE}") from None


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def reference_markdown() -> str:
    """docs/warehouse.md: the reference's introduction, then a section per table and view."""
    reference = tomllib.loads(data.text(SOURCE))
    lines = [
        "# Warehouse reference",
        "",
        f"<!-- Written by `python3 dev.py docs` from pipeline/data/{SOURCE}; edit that file, not this one. -->",
        "",
        reference["introduction"].strip(),
        "",
        "| table | written by |",
        "|---|---|",
    ]
    for t in tables().values():
        lines.append(f"| [`{t.name}`](#{t.name}){' (view)' if t.view else ''} | {_producer(t)} |")
    for t in tables().values():
        lines += ["", f"## {t.name}", "", f"{'View' if t.view else 'Table'} written by {_producer(t)}.", ""]
        lines += [t.description, "", "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {_cell(c.description)} |" for c in t.columns if not c.from_codebook]
        codebook = [c for c in t.columns if c.from_codebook]
        if codebook:
            lines += [
                "",
                f"The table's other {len(codebook)} columns are GDELT's, as its codebook names, types and describes "
                "them (the descriptions show in the UI): "
                + ", ".join(f"`{c.name}` ({c.type})" for c in codebook)
                + ".",
            ]
    return "\n".join(lines) + "\n"


def _producer(t: Table) -> str:
    asset = f"the asset `{t.asset}`"
    return f"{asset} (op `{t.op}`)" if t.op else asset


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(reference_markdown(), encoding="utf-8")

"""The docs: the warehouse reference (pipeline/data/warehouse_columns.toml) and docs/warehouse.md, written from it,
and the files the README and docs/ name. That the reference's columns are the real tables' is tested on the demo
warehouse (test_demo_pipeline.py), and that the assets show them in test_definitions.py."""

import re
from pathlib import Path

import pytest

from pipeline.lib import warehouse_columns

ROOT = Path(__file__).resolve().parents[1]


def test_the_committed_docs_are_what_the_reference_writes():
    committed = (ROOT / "docs" / "warehouse.md").read_text(encoding="utf-8")
    assert committed == warehouse_columns.reference_markdown(), "docs/warehouse.md is stale: run `python3 dev.py docs`"


def test_gdelt_events_takes_its_gdelt_columns_from_the_codebook():
    columns = warehouse_columns.table("gdelt_events").columns
    assert len(columns) == 61 + 3 and [c.name for c in columns[-3:]] == [
        "source_file",
        "source_line",
        "partition_month",
    ]
    by_name = {c.name: c for c in columns}
    # A column the reference describes keeps the codebook's type; the others keep the codebook's description too.
    assert (by_name["DATEADDED"].type, by_name["DATEADDED"].from_codebook) == ("BIGINT", False)
    assert by_name["MonthYear"].from_codebook and "YYYYMM" in by_name["MonthYear"].description


@pytest.mark.parametrize("doc", ["README.md", "docs/design.md", "docs/operations.md", "docs/formats.md"])
def test_every_file_the_docs_name_exists(doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:pipeline|sql|tests|benchmarks|docs)/[\w./-]+)`", text))
    assert named and not [path for path in sorted(named) if not (ROOT / path).exists()]

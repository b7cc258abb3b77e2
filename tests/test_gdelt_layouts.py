"""GDELT 1.0 (57 and 58 columns) and 2.0 (61 columns) files read into one schema, and which files hold a month."""

import hashlib
from datetime import date

import pytest
from conftest import zipped

from pipeline.lib import warehouse
from pipeline.lib.gdelt.filelist import files_for_month, parse_v1_lists, parse_v2_list
from pipeline.lib.gdelt.ingest import ingest_month
from pipeline.lib.gdelt.parse import iter_line_chunks, parse_export
from pipeline.lib.gdelt.schema import events_v2_columns, layouts
from pipeline.lib.gdelt.scope import Scope
from pipeline.lib.gdelt.source import Mirror

V1_URL = "http://data.gdeltproject.org/events/"
V2_URL = "http://data.gdeltproject.org/gdeltv2/"


def _line(layout_name: str, event_id: int, sqldate: str, dateadded: str) -> str:
    """One line in the layout, with a plausible value for every column the codebook lists."""
    values = []
    for column in layouts()[layout_name].columns:
        if column.name == "GLOBALEVENTID":
            values.append(str(event_id))
        elif column.name == "SQLDATE":
            values.append(sqldate)
        elif column.name == "DATEADDED":
            values.append(dateadded)
        elif column.name == "EventRootCode":
            values.append("14")
        elif column.name == "ActionGeo_CountryCode":
            values.append("CH")
        elif column.codebook_type == "INTEGER":
            values.append("4")
        elif column.codebook_type == "FLOAT":
            values.append("1.5")
        else:
            values.append(f"{column.name}-{event_id}")
    return "\t".join(values)


@pytest.mark.parametrize(
    "layout_name, width, dateadded, expected_dateadded",
    [
        ("v1-57", 57, "20050102", 20050102000000),
        ("v1-58", 58, "20140102", 20140102000000),
        ("v2-61", 61, "20180102031500", 20180102031500),
    ],
)
def test_each_layout_parses_into_the_one_schema(layout_name, width, dateadded, expected_dateadded):
    layout = layouts()[layout_name]
    assert layout.width == width
    data = (_line(layout_name, 1, "20050101", dateadded) + "\n").encode()
    parsed = parse_export(data, "f", layout)
    assert parsed.rejects.height == 0
    assert parsed.rows.columns == [c.name for c in events_v2_columns()] + ["source_file", "source_line"]
    row = parsed.rows.row(0, named=True)
    assert row["DATEADDED"] == expected_dateadded and row["SQLDATE"] == 20050101
    assert (row["ActionGeo_ADM2Code"] is None) == layout_name.startswith("v1")
    assert (row["SOURCEURL"] is None) == (layout_name == "v1-57")
    assert row["ActionGeo_FeatureID"] == "ActionGeo_FeatureID-1"  # the column before DATEADDED lines up in all three


def test_a_line_of_the_wrong_layout_is_rejected():
    data = (_line("v1-58", 1, "20140101", "20140101") + "\n").encode()
    parsed = parse_export(data, "f", layouts()["v2-61"])
    assert parsed.rejects["reason"].to_list() == ["has 58 tab-separated fields, expected 61"]


def test_chunks_keep_line_numbers(tmp_path):
    import io

    data = b"".join(f"{i}\tx\n".encode() for i in range(1, 1001))
    chunks = list(iter_line_chunks(io.BytesIO(data), chunk_bytes=100))
    assert b"".join(c for c, _ in chunks) == data
    for chunk, first_line in chunks:
        assert chunk.split(b"\t", 1)[0] == str(first_line).encode()


@pytest.fixture
def v1_mirror(tmp_path):
    """A GDELT 1.0 mirror: a yearly, a monthly and daily files, listed in md5sums and filesizes."""
    contents = {
        "2003.zip": (
            "2003.csv",
            [
                _line("v1-57", 1, "20030115", "20030115"),
                _line("v1-57", 2, "20030220", "20030220"),
                _line("v1-57", 3, "20030301", "20030301"),
            ],
        ),
        "201002.zip": ("201002.csv", [_line("v1-57", 4, "20100201", "20100201")]),
        "20150218.export.CSV.zip": ("20150218.export.CSV", [_line("v1-58", 5, "20150218", "20150218")]),
        "20150219.export.CSV.zip": ("20150219.export.CSV", [_line("v1-58", 6, "20150219", "20150219")]),
    }
    md5s, sizes = [], []
    for name, (member, lines) in contents.items():
        data = zipped(member, ("\n".join(lines) + "\n").encode())
        (tmp_path / name).write_bytes(data)
        md5s.append(f"{hashlib.md5(data).hexdigest()}  {name}\n")
        sizes.append(f"{len(data)} {name}\n")
    (tmp_path / "md5sums").write_text("".join(md5s))
    (tmp_path / "filesizes").write_text("".join(sizes))
    return tmp_path


def test_v1_lists_and_the_files_that_hold_a_month(v1_mirror):
    v1 = Mirror(str(v1_mirror)).read_v1_list()
    assert {f.name: f.layout for f in v1.files} == {
        "2003.zip": "v1-57",
        "201002.zip": "v1-57",
        "20150218.export.CSV.zip": "v1-58",
        "20150219.export.CSV.zip": "v1-58",
    }
    v2 = parse_v2_list(
        f"10 {'a' * 32} {V2_URL}20150219000000.export.CSV.zip\n10 {'b' * 32} {V2_URL}20150218234500.export.CSV.zip\n",
        "masterfilelist.txt",
    )
    # February 2015: GDELT 1.0 up to the 18th, GDELT 2.0 from the 19th; never both for one day.
    assert [f.name for f in files_for_month(date(2015, 2, 1), v2, v1)] == [
        "20150218.export.CSV.zip",
        "20150219000000.export.CSV.zip",
    ]
    assert [f.name for f in files_for_month(date(2003, 7, 1), v2, v1)] == ["2003.zip"]
    assert [f.name for f in files_for_month(date(2010, 2, 1), v2, v1)] == ["201002.zip"]
    assert files_for_month(date(2010, 3, 1), v2, v1) == []


def test_a_yearly_file_gives_each_month_its_own_rows(tmp_path, v1_mirror):
    mirror = Mirror(str(v1_mirror))
    v1 = mirror.read_v1_list()
    con = warehouse.connect(tmp_path / "lake")
    for month in (date(2003, 1, 1), date(2003, 2, 1), date(2003, 3, 1)):
        ingest_month(
            con, mirror, files_for_month(month, None, v1), month, Scope(), log=lambda m: None, v1_mirror=mirror
        )
    ledger = con.execute(
        "SELECT partition_month, rows_read, rows_kept, rows_other_months FROM gdelt_files ORDER BY 1"
    ).fetchall()
    assert ledger == [("2003-01-01", 3, 1, 2), ("2003-02-01", 3, 1, 2), ("2003-03-01", 3, 1, 2)]
    events = con.execute("SELECT partition_month, GLOBALEVENTID, DATEADDED FROM gdelt_events ORDER BY 1").fetchall()
    assert events == [
        ("2003-01-01", 1, 20030115000000),
        ("2003-02-01", 2, 20030220000000),
        ("2003-03-01", 3, 20030301000000),
    ]


def test_parse_v1_lists_reports_malformed_lines():
    listing = parse_v1_lists(f"{'c' * 32}  2001.zip\nnot a line\n", "12 2001.zip\n", V1_URL)
    assert [(f.name, f.size, f.url) for f in listing.files] == [("2001.zip", 12, V1_URL + "2001.zip")]
    assert listing.problems == ("md5sums line 2: not 'md5  name': 'not a line'",)

"""Parsing GDELT 2.0 export lines into typed rows and rejects."""

import polars as pl

from pipeline.lib.gdelt.parse import parse_export
from pipeline.lib.gdelt.schema import events_v2_columns, layouts

COLUMNS = events_v2_columns()
V2 = layouts()["v2-61"]


def test_codebook_gives_the_61_columns_in_file_order():
    names = [c.name for c in COLUMNS]
    assert len(names) == 61
    assert names[0] == "GLOBALEVENTID" and names[-2:] == ["DATEADDED", "SOURCEURL"]
    assert names.index("ActionGeo_Type") == 51 and names.index("ActionGeo_CountryCode") == 53


def test_real_export_parses_every_line(real_export_bytes):
    parsed = parse_export(real_export_bytes, "20180326044500.export.CSV", V2)
    assert parsed.rows.height == 1540 and parsed.rejects.height == 0
    assert parsed.rows["source_line"].to_list() == list(range(1, 1541))
    assert parsed.rows.schema["SQLDATE"] == pl.Int64 and parsed.rows.schema["AvgTone"] == pl.Float64
    assert parsed.rows.schema["EventRootCode"] == pl.String  # zero-led codes stay text
    first = parsed.rows.row(0, named=True)
    assert first["GLOBALEVENTID"] == 741917022 and first["DATEADDED"] == 20180326044500
    # Empty fields are NULL, not empty strings.
    assert parsed.rows.filter(pl.col("ActionGeo_CountryCode") == "").height == 0


def test_bad_lines_are_rejected_with_line_and_reason(real_export_bytes):
    lines = real_export_bytes.split(b"\n")
    lines[2] = lines[2].replace(b"\t20170326\t", b"\t2017O326\t", 1)  # letter O in SQLDATE
    lines[4] = b"\t".join(lines[4].split(b"\t")[:30])  # truncated row
    lines[6] = lines[6] + b"\textra"  # one field too many
    lines[8] = b"\xff\xfe" + lines[8]  # not UTF-8
    data = b"\n".join(lines)
    parsed = parse_export(data, "f.CSV", V2)
    rejects = {r["source_line"]: r["reason"] for r in parsed.rejects.iter_rows(named=True)}
    assert rejects == {
        3: "column SQLDATE: '2017O326' is not integer",
        5: "has 30 tab-separated fields, expected 61",
        7: "has 62 tab-separated fields, expected 61",
        9: "not valid UTF-8 at byte 0",
    }
    assert parsed.rows.height == 1536 and parsed.rows_read == 1540
    assert set(parsed.rejects["source_file"]) == {"f.CSV"}
    assert 3 not in parsed.rows["source_line"].to_list()


def test_blank_line_and_crlf():
    line = "\t".join(["1", "20200101"] + [""] * 59)
    parsed = parse_export(f"{line}\r\n\n{line}\n".encode(), "x", V2)
    assert parsed.rows.height == 2
    assert parsed.rejects.select("source_line", "reason").rows() == [(2, "has 1 tab-separated fields, expected 61")]
    assert parsed.rows["SOURCEURL"].to_list() == [None, None]  # the \r does not leak into the last column

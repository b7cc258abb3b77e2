"""The ingest path: file list, mirror, verification, scope, ledger and row accounting in DuckDB."""

from datetime import date

import pytest
from conftest import FIXTURES, write_mirror, zipped

from pipeline.lib import warehouse
from pipeline.lib.gdelt import ledger
from pipeline.lib.gdelt.filelist import ListedFile, files_for_month, parse_v2_list
from pipeline.lib.gdelt.ingest import ingest_month, unchanged_month
from pipeline.lib.gdelt.scope import Scope
from pipeline.lib.gdelt.source import Mirror

MARCH_2018 = date(2018, 3, 1)
REAL = "20180326044500.export.CSV"


def _ingest(con, mirror_dir, scope, log):
    mirror = Mirror(str(mirror_dir))
    files = files_for_month(MARCH_2018, mirror.read_v2_list(), None)
    return ingest_month(con, mirror, files, MARCH_2018, scope, log)


@pytest.fixture
def con(tmp_path):
    connection = warehouse.connect(tmp_path / "lake")
    yield connection
    connection.close()


def test_real_export_through_the_ingest_path_keeps_every_row(tmp_path, con, real_export_bytes):
    mirror = write_mirror(tmp_path / "mirror", {f"{REAL}.zip": zipped(REAL, real_export_bytes)})
    summary = _ingest(con, mirror, Scope(), log=lambda m: None)
    assert (summary.rows_read, summary.rows_kept, summary.rows_rejected) == (1540, 1540, 0)
    counts = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE ActionGeo_CountryCode = 'CH'), "
        "count(*) FILTER (WHERE EventRootCode = '14'), count(DISTINCT source_file) FROM gdelt_events"
    ).fetchone()
    assert counts == (1540, 25, 11, 1)


def test_scope_filters_are_counted_not_dropped(tmp_path, con, real_export_bytes):
    mirror = write_mirror(tmp_path / "mirror", {f"{REAL}.zip": zipped(REAL, real_export_bytes)})
    _ingest(con, mirror, Scope(countries=("CH",)), log=lambda m: None)
    rows = con.execute(
        "SELECT rows_read, rows_kept, rows_out_of_scope, rows_rejected, scope FROM gdelt_files"
    ).fetchall()
    assert rows == [(1540, 25, 1515, 0, "ActionGeo_CountryCode in [CH]; EventRootCode in [all]")]
    assert con.execute("SELECT count(*) FROM gdelt_events").fetchone()[0] == 25


def test_faulty_files_are_recorded_in_the_ledger(tmp_path, con, real_export_bytes):
    good = zipped(REAL, real_export_bytes)
    bad_lines = zipped("20180326050000.export.CSV", real_export_bytes[:5000] + b"\nshort\tline\n")
    files = {
        f"{REAL}.zip": good,
        "20180326050000.export.CSV.zip": bad_lines,
        "20180326051500.export.CSV.zip": None,  # listed, not on the mirror
        "20180326053000.export.CSV.zip": good,  # list has the wrong md5
        "20180326054500.export.CSV.zip": good,  # list has the wrong size
        "20180326191500.export.CSV.zip": (FIXTURES / "not-a-zip" / "20180326191500.export.CSV.zip").read_bytes(),
    }
    listed = {
        "20180326051500.export.CSV.zip": (100, "0" * 32),
        "20180326053000.export.CSV.zip": (len(good), "f" * 32),
        "20180326054500.export.CSV.zip": (len(good) + 1, "0" * 32),
    }
    mirror = write_mirror(tmp_path / "mirror", files, listed)
    summary = _ingest(con, mirror, Scope(), log=lambda m: None)
    statuses = dict(con.execute("SELECT file_name, status FROM gdelt_files").fetchall())
    assert statuses == {
        f"{REAL}.zip": "ok",
        "20180326050000.export.CSV.zip": "ok",
        "20180326051500.export.CSV.zip": "missing",
        "20180326053000.export.CSV.zip": "md5-mismatch",
        "20180326054500.export.CSV.zip": "size-mismatch",
        "20180326191500.export.CSV.zip": "bad-zip",
    }
    assert summary.files_listed == 6 and summary.files_ok == 2
    rejects = con.execute("SELECT source_file, reason FROM gdelt_rejects ORDER BY source_line").fetchall()
    # The 5000-byte cut leaves a partial last line, and the short line is the next one.
    assert len(rejects) == 2
    assert all(f == "20180326050000.export.CSV.zip" and "tab-separated fields, expected 61" in r for f, r in rejects)
    assert ledger.accounting_errors(con, ["2018-03-01"]).is_empty()


def test_reingesting_a_month_replaces_it(tmp_path, con, real_export_bytes):
    mirror = write_mirror(tmp_path / "mirror", {f"{REAL}.zip": zipped(REAL, real_export_bytes)})
    for _ in range(2):
        _ingest(con, mirror, Scope(), log=lambda m: None)
    assert con.execute("SELECT count(*) FROM gdelt_events").fetchone()[0] == 1540
    assert con.execute("SELECT count(*) FROM gdelt_files").fetchone()[0] == 1


def test_accounting_query_catches_a_ledger_that_does_not_add_up(tmp_path, con, real_export_bytes):
    mirror = write_mirror(tmp_path / "mirror", {f"{REAL}.zip": zipped(REAL, real_export_bytes)})
    _ingest(con, mirror, Scope(), log=lambda m: None)
    con.execute("DELETE FROM gdelt_events WHERE source_line = 7")
    con.execute("UPDATE gdelt_files SET rows_read = rows_read + 1")
    problems = ledger.accounting_errors(con, ["2018-03-01"]).rows()
    assert problems == [
        ("2018-03-01", f"{REAL}.zip", "rows_read 1541 <> kept 1540 + out of scope 0 + other months 0 + rejected 0"),
        ("2018-03-01", None, "ledger kept 1540 / rejected 0 but tables hold 1539 / 0"),
    ]


def test_file_list_lines_and_problems():
    text = (FIXTURES / "lastupdate.txt").read_text()
    listing = parse_v2_list(text + "garbage line\n", "lastupdate.txt")
    assert [f.name for f in listing.files] == [
        "20180328050000.export.CSV.zip",
        "20180328050000.mentions.CSV.zip",
        "20180328050000.gkg.csv.zip",
    ]
    assert listing.files[0].size == 116513 and listing.files[0].md5 == "71c3d5b0987d441b11455bdb51250801"
    assert listing.files[0].first_day == date(2018, 3, 28) and listing.files[0].layout == "v2-61"
    assert listing.files[1].layout is None  # mentions and GKG files are not events exports
    assert listing.problems == ("lastupdate.txt line 4: not 'size md5 url': 'garbage line'",)


def test_mirror_refuses_names_that_leave_its_base(tmp_path):
    with pytest.raises(ValueError, match="leave the mirror"):
        Mirror(str(tmp_path)).read_text("../etc/passwd")


def test_incomplete_days_and_unverified_files_are_reported(tmp_path, con, real_export_bytes):
    good = zipped(REAL, real_export_bytes[:20000])
    files = {
        "20180301000000.export.CSV.zip": good,
        "20180301060000.export.CSV.zip": good,
        "20180301120000.export.CSV.zip": good,
    }
    mirror = write_mirror(tmp_path / "mirror", files, {"20180301120000.export.CSV.zip": (len(good), "e" * 32)})
    _ingest(con, mirror, Scope(), log=lambda m: None)
    incomplete = ledger.incomplete_days(con, ["2018-03-01"], 4, date(2018, 3, 2)).rows()
    assert [(str(day), expected, listed, ok) for day, expected, listed, ok in incomplete] == [
        ("2018-03-01", 4, 3, 2),
        ("2018-03-02", 4, 0, 0),
    ]  # days after the newest listed file are not due
    unverified = ledger.unverified_files(con, ["2018-03-01"]).rows()
    assert [(name, status) for _, name, status, _ in unverified] == [("20180301120000.export.CSV.zip", "md5-mismatch")]


def test_a_refresh_with_no_new_files_does_no_work(tmp_path, con, real_export_bytes):
    mirror_dir = write_mirror(tmp_path / "mirror", {f"{REAL}.zip": zipped(REAL, real_export_bytes)})
    mirror = Mirror(str(mirror_dir))
    files = files_for_month(MARCH_2018, mirror.read_v2_list(), None)
    scope = Scope(countries=("CH",))
    assert unchanged_month(con, files, MARCH_2018, scope) is None  # nothing ingested yet
    first = ingest_month(con, mirror, files, MARCH_2018, scope, log=lambda m: None)
    held = con.execute("SELECT * FROM gdelt_files").fetchall()
    again = unchanged_month(con, files, MARCH_2018, scope)
    assert again is not None and (again.rows_read, again.rows_kept, again.rows_out_of_scope) == (
        first.rows_read,
        first.rows_kept,
        first.rows_out_of_scope,
    )
    assert con.execute("SELECT * FROM gdelt_files").fetchall() == held  # untouched, checked_at included
    # A new file, or another scope, is work to do.
    newer = files + [ListedFile(10, "0" * 32, "http://data.gdeltproject.org/gdeltv2/20180327000000.export.CSV.zip")]
    assert unchanged_month(con, newer, MARCH_2018, scope) is None
    assert unchanged_month(con, files, MARCH_2018, Scope()) is None


def test_the_ledger_is_created_from_its_one_definition_and_refuses_rows_that_differ(con):
    ledger.ensure_ledger(con)
    described = con.execute("SELECT column_name, column_type FROM (DESCRIBE gdelt_files)").fetchall()
    assert [name for name, _ in described] == ledger.LEDGER_SCHEMA.names
    assert dict(described)["checked_at"] == "TIMESTAMP" and dict(described)["rows_kept"] == "BIGINT"
    assert ledger.ROW_COUNTS == ("rows_read", "rows_kept", "rows_out_of_scope", "rows_other_months", "rows_rejected")
    with pytest.raises(ValueError, match=r"missing \['checked_at', 'scope'\], unknown \['scop'\]"):
        ledger.ledger_row(
            ledger.RowCounts(),
            **{
                n: None
                for n in ledger.LEDGER_SCHEMA.names
                if n not in ledger.ROW_COUNTS and n not in ("scope", "checked_at")
            },
            scop="typo",
        )

"""The trade design's inputs and panel: 4 countries x 6 years with hand-placed deals, checked cell by cell."""

from datetime import date

import duckdb
import pytest

from pipeline.lib import sql
from pipeline.lib.panels import define_macros
from pipeline.lib.trade.files import TableFileError, load
from pipeline.lib.warehouse import EmptyReplacementError

DEALS = """deal_id,exporter,importer,year,technology,smart_city,firm
d1,CHN,VEN,2016,facial recognition,true,Huawei
d2,CHN,VEN,2018,safe city,true,Huawei
d3,chn,VEN,2018,cameras,false,Hikvision
d4,USA,VEN,2019,analytics,false,Palantir
d5,CHN,ETH,2019,safe city,true,ZTE
d6,FRA,ETH,2021,biometrics,,Idemia
d7,CHN,KEN,2020,safe city,yes,Huawei
d8,USA,KEN,2020,cameras,no,Motorola
d9,CHN,ECU,2017,ECU 911,true,CEIEC
d10,CHN,ECU,2021,cameras,false,Hikvision
d11,CHN,CHN,2019,cameras,false,Hikvision
d12,CHN,XXX,2019,cameras,false,Hikvision
d1,CHN,VEN,2017,cameras,false,Hikvision
d13,CHN,VEN,20x9,cameras,false,Hikvision
,CHN,VEN,2019,cameras,false,Hikvision
d14,CHN,VEN,2019,cameras,maybe,Hikvision
"""
COVARIATES = """region_id,year,covariate,value
VEN,,polity,-3
ETH,,Polity,1
KEN,,polity,9
ECU,2016,polity,5
ECU,2017,polity,5
ECU,2018,polity,5
ECU,2019,polity,7
ECU,2020,polity,7
ECU,2021,polity,7
440100,,cameras,1200
ECU,2016,polity,4
ATL,,polity,3
KEN,2019,polity,n/a
"""
YEARS = range(2016, 2022)


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE regions AS SELECT * FROM (VALUES ('VEN', 'country'), ('ETH', 'country'), "
        "('KEN', 'country'), ('ECU', 'country'), ('CHN', 'country'), ('USA', 'country'), "
        "('FRA', 'country'), ('440100', 'prefecture')) AS t(region_id, level)"
    )
    unrest = [
        ("VEN", date(2018, 2, 1)),
        ("VEN", date(2018, 6, 1)),
        ("VEN", date(2018, 12, 31)),
        ("VEN", date(2019, 1, 1)),
        ("KEN", date(2020, 5, 5)),
        ("KEN", date(2020, 5, 6)),
        ("ETH", date(2016, 1, 1)),
        ("CHN", date(2018, 1, 1)),  # not an importer: not in the panel
        ("VEN", date(2022, 1, 1)),
    ]  # after the last deal year: outside the panel
    connection.execute("CREATE TABLE unrest_events (preset VARCHAR, event_id INT, event_date DATE, country_id VARCHAR)")
    connection.executemany(
        "INSERT INTO unrest_events VALUES ('trade', ?, ?, ?)", [(i, d, c) for i, (c, d) in enumerate(unrest)]
    )
    connection.execute("INSERT INTO unrest_events VALUES ('aitocracy', 99, DATE '2018-03-03', 'VEN')")  # other preset
    (tmp_path / "deals.csv").write_text(DEALS)
    (tmp_path / "covariates.csv").write_text(COVARIATES)
    yield connection, tmp_path
    connection.close()


def test_every_record_is_kept_or_quarantined_with_its_reason(con):
    connection, tmp_path = con
    deals = load(connection, "trade_deals", str(tmp_path / "deals.csv"))
    assert (deals.records, deals.kept, deals.quarantined) == (16, 10, 6)
    assert connection.execute("SELECT source_row, quarantine_reason FROM trade_deal_quarantine").fetchall() == [
        (11, "exporter and importer are the same country"),
        (12, "importer is not an ISO 3166-1 alpha-3 country code"),
        (13, "deal_id repeats an earlier record"),
        (14, "year is not a year"),
        (15, "deal_id is empty"),
        (16, "smart_city is not true or false"),
    ]
    assert connection.execute(
        "SELECT exporter, smart_city FROM trade_deals WHERE deal_id IN ('d3', 'd6') ORDER BY deal_id"
    ).fetchall() == [("CHN", False), ("FRA", False)]
    covariates = load(connection, "covariates", str(tmp_path / "covariates.csv"))
    assert (covariates.records, covariates.kept) == (13, 10)
    assert connection.execute("SELECT source_row, quarantine_reason FROM covariate_quarantine").fetchall() == [
        (11, "repeats an earlier record for the same region, year and covariate"),
        (12, "region_id is not a region id (ISO 3166-1 alpha-3 or GB/T 2260)"),
        (13, "value is not a number"),
    ]


def test_bad_files_name_the_file_and_line(con, tmp_path):
    connection, _ = con
    (tmp_path / "wrong.csv").write_text("id,from,to,year\n1,CHN,VEN,2019\n")
    with pytest.raises(TableFileError, match=r"wrong\.csv:1: the header is id,from,to,year; expected deal_id,"):
        load(connection, "trade_deals", str(tmp_path / "wrong.csv"))
    with pytest.raises(TableFileError, match="no such file"):
        load(connection, "covariates", str(tmp_path / "missing.csv"))
    empty = load(connection, "trade_deals", "")  # no file configured: empty tables
    assert empty.records == 0 and connection.execute("SELECT count(*) FROM trade_deals").fetchone()[0] == 0


def test_every_cell_of_the_trade_panel(con):
    connection, tmp_path = con
    load(connection, "trade_deals", str(tmp_path / "deals.csv"))
    load(connection, "covariates", str(tmp_path / "covariates.csv"))
    params = {
        "preset": "trade",
        "exporter": "CHN",
        "comparison_exporters": ["USA"],
        "start_year": None,
        "end_year": None,
        "regime_covariate": "polity",
        "regime_cutoff": 6.0,
    }
    define_macros(connection)
    sql.run(connection, "trade/trade_panel", params)
    cells = {
        (r, y): v
        for r, y, *v in connection.execute(
            "SELECT region_id, year, unrest_count, imports_from_exporter, smart_city_imports_from_exporter, "
            "imports_from_comparison, imports_from_others FROM trade_panel"
        ).fetchall()
    }
    expected = {  # per year 2016..2021: (unrest, from CHN, smart-city from CHN, from USA, from all others)
        "VEN": [(0, 1, 1, 0, 0), (0, 0, 0, 0, 0), (3, 2, 1, 0, 0), (1, 0, 0, 1, 1), (0, 0, 0, 0, 0), (0, 0, 0, 0, 0)],
        "ETH": [(1, 0, 0, 0, 0), (0, 0, 0, 0, 0), (0, 0, 0, 0, 0), (0, 1, 1, 0, 0), (0, 0, 0, 0, 0), (0, 0, 0, 0, 1)],
        "KEN": [(0, 0, 0, 0, 0), (0, 0, 0, 0, 0), (0, 0, 0, 0, 0), (0, 0, 0, 0, 0), (2, 1, 1, 1, 1), (0, 0, 0, 0, 0)],
        "ECU": [(0, 0, 0, 0, 0), (0, 1, 1, 0, 0), (0, 0, 0, 0, 0), (0, 0, 0, 0, 0), (0, 0, 0, 0, 0), (0, 1, 0, 0, 0)],
    }
    assert cells == {(c, y): list(v) for c, values in expected.items() for y, v in zip(YEARS, values, strict=True)}
    regimes = dict(connection.execute("SELECT DISTINCT region_id, regime FROM trade_panel").fetchall())
    # ECU averages 5, 5, 5, 7, 7, 7 = 6.0: at the cut-off, so a mature democracy.
    assert regimes == {
        "VEN": "autocracy_or_weak_democracy",
        "ETH": "autocracy_or_weak_democracy",
        "KEN": "mature_democracy",
        "ECU": "mature_democracy",
    }
    # 7 events over 24 cells, standardised with the sample SD; mean + 1 SD = 1.04, passed by VEN 2018 and KEN 2020.
    mean = 7 / 24
    sd = ((9 + 1 + 1 + 4 - 24 * mean**2) / 23) ** 0.5
    z = dict(
        ((r, y), v) for r, y, v in connection.execute("SELECT region_id, year, unrest_z FROM trade_panel").fetchall()
    )
    assert z[("VEN", 2018)] == pytest.approx((3 - mean) / sd) and z[("ECU", 2016)] == pytest.approx(-mean / sd)
    assert mean + sd == pytest.approx(1.0423, abs=1e-4)
    assert connection.execute("SELECT region_id, year FROM trade_panel WHERE high_unrest").fetchall() == [
        ("KEN", 2020),
        ("VEN", 2018),
    ]
    assert connection.execute("SELECT DISTINCT unrest_preset, exporter FROM trade_panel").fetchall() == [
        ("trade", "CHN")
    ]
    rows, countries, years, cells_, deals_panel, deals_span, unrest_panel, unrest_span = sql.run(
        connection, "trade/trade_panel_check", params
    ).fetchone()
    assert (rows, countries, years, cells_) == (24, 4, 6, 24)
    assert deals_panel == deals_span == 7 and unrest_panel == unrest_span == 7


def test_a_trade_file_without_usable_records_does_not_empty_its_table(con):
    connection, tmp_path = con
    (tmp_path / "empty.csv").write_text(DEALS.splitlines()[0] + "\n")
    assert load(connection, "trade_deals", str(tmp_path / "deals.csv")).kept > 0
    held = connection.execute("SELECT count(*) FROM trade_deals").fetchone()[0]
    with pytest.raises(EmptyReplacementError, match=rf"trade_deals \(from .*empty.csv\) holds {held} rows"):
        load(connection, "trade_deals", str(tmp_path / "empty.csv"))
    assert connection.execute("SELECT count(*) FROM trade_deals").fetchone()[0] == held  # untouched
    assert load(connection, "trade_deals", str(tmp_path / "empty.csv"), allow_empty=True).kept == 0
    assert load(connection, "trade_deals", "").kept == 0  # no file at all is a choice, not an accident

"""The panel SQL on tiny hand-built tables, with contracts on period boundaries."""

from datetime import date

import duckdb
import pytest

from pipeline.lib import sql
from pipeline.lib.panels import define_macros


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute("""
        CREATE TABLE unrest_events AS SELECT * FROM (VALUES
            (1, DATE '2019-04-01', '440100', '440000', 'prefecture'),   -- first day of 2019Q2
            (2, DATE '2019-06-30', '440100', '440000', 'prefecture'),   -- last day of 2019Q2
            (3, DATE '2019-07-01', '430100', '430000', 'prefecture'),   -- 2019Q3
            (4, DATE '2019-05-05', NULL, '440000', 'province')          -- province-level: in no prefecture panel
        ) AS t(event_id, event_date, prefecture_id, province_id, geo_level)
    """)
    connection.execute("""
        CREATE TABLE contracts AS SELECT * FROM (VALUES
            ('a', DATE '2019-03-31', '440100', 'prefecture', true,  true,  true,  100.0),  -- 2019Q1: k = -1
            ('b', DATE '2019-07-01', '440100', 'prefecture', true,  true,  true,  200.0),  -- 2019Q3: k = 1
            ('c', DATE '2019-12-31', '440100', 'prefecture', true,  true,  true,  300.0),  -- 2019Q4: k = 2
            ('d', DATE '2020-01-01', '440100', 'prefecture', true,  false, false, 400.0),  -- 2020Q1: k = 3, placebo AI
            ('e', DATE '2018-12-31', '440100', 'prefecture', true,  true,  true,  500.0),  -- 2018Q4: k = -2
            ('f', DATE '2020-04-01', '440100', 'prefecture', true,  true,  true,  600.0),  -- 2020Q2: k = 4, outside
            ('g', DATE '2019-07-15', '430100', 'prefecture', false, true,  false, 700.0),  -- 430100, k = 0
            ('h', DATE '2019-02-01', '420100', 'prefecture', true,  true,  true,  800.0)   -- region with no unrest
        ) AS t(contract_id, award_date, buyer_region_id, buyer_region_level, is_ai, is_public_security_buyer,
               is_public_security_ai, amount)
    """)
    connection.execute("ALTER TABLE contracts ADD COLUMN currency VARCHAR DEFAULT 'CNY'")
    connection.execute("ALTER TABLE contracts ADD COLUMN is_duplicate BOOLEAN DEFAULT false")
    connection.execute("ALTER TABLE contracts ADD COLUMN award_date_implausible BOOLEAN DEFAULT false")
    connection.execute("ALTER TABLE contracts ADD COLUMN buyer_sector VARCHAR DEFAULT 'public_security'")
    connection.execute("ALTER TABLE unrest_events ADD COLUMN country_id VARCHAR DEFAULT 'CHN'")
    connection.execute("ALTER TABLE unrest_events ADD COLUMN preset VARCHAR DEFAULT 'aitocracy'")
    connection.execute("CREATE TABLE covariates (region_id VARCHAR, year INT, covariate VARCHAR, value DOUBLE)")
    # The award 'a' published a second time: kept in contracts, counted nowhere.
    connection.execute(
        "INSERT INTO contracts SELECT * REPLACE ('a' || '-again' AS contract_id, true AS is_duplicate) "
        "FROM contracts WHERE contract_id = 'a'"
    )
    define_macros(connection)
    sql.run(connection, "panels/contract_outcomes")
    yield connection
    connection.close()


def test_contract_windows_relative_periods(con):
    sql.run(
        con,
        "panels/event_windows",
        {"preset": "aitocracy", "period": "quarter", "periods_before": 2, "periods_after": 3},
    )
    sql.run(con, "panels/contract_windows")
    rows = con.execute(
        "SELECT region_id, unrest_period, unrest_events, contract_id, rel_period FROM contract_windows "
        "ORDER BY region_id, unrest_period, rel_period, contract_id"
    ).fetchall()
    assert rows == [
        ("430100", date(2019, 7, 1), 1, "g", 0),
        ("440100", date(2019, 4, 1), 2, "e", -2),
        ("440100", date(2019, 4, 1), 2, "a", -1),
        ("440100", date(2019, 4, 1), 2, "b", 1),
        ("440100", date(2019, 4, 1), 2, "c", 2),
        ("440100", date(2019, 4, 1), 2, "d", 3),
    ]


def test_unrest_panel_cells(con):
    sql.run(
        con,
        "panels/unrest_panel",
        {
            "preset": "aitocracy",
            "level": "prefecture",
            "period": "quarter",
            "start": None,
            "end": None,
            "high_unrest_rule": "mean_plus_sd",
            "high_unrest_percentile": 0.9,
            "cameras_covariate": "cameras",
            "population_covariate": "population",
        },
    )
    panel = con.execute("""
        SELECT region_id, period_label, unrest_count, contracts_total, ps_ai_contracts, ps_ai_amount,
               ps_ai_contracts_cum, placebo_ai_contracts
        FROM unrest_panel""").fetchall()
    # Span: the first and last quarter with a contract (2018Q4 .. 2020Q2), 7 quarters x 3 regions.
    assert len(panel) == 21
    cells = {(r[0], r[1]): r[2:] for r in panel}
    assert cells[("440100", "2019Q2")] == (2, 0, 0, 0, 2, 0)
    assert cells[("440100", "2019Q1")] == (0, 1, 1, 100, 2, 0)
    assert cells[("440100", "2018Q4")] == (0, 1, 1, 500, 1, 0)
    assert cells[("440100", "2020Q1")] == (0, 1, 0, 0, 4, 1)
    assert cells[("440100", "2020Q2")] == (0, 1, 1, 600, 5, 0)
    assert cells[("430100", "2019Q3")] == (1, 1, 0, 0, 0, 0)
    assert cells[("420100", "2019Q1")] == (0, 1, 1, 800, 1, 0)
    z = dict(
        ((r, p), v) for r, p, v in con.execute("SELECT region_id, period_label, unrest_z FROM unrest_panel").fetchall()
    )
    # 3 unrest events over 21 cells: mean 1/7.
    assert z[("440100", "2019Q2")] > z[("430100", "2019Q3")] > 0 > z[("420100", "2019Q1")]
    check = sql.run(
        con, "panels/unrest_panel_check", {"preset": "aitocracy", "period": "quarter", "level": "prefecture"}
    ).fetchone()
    assert check == (21, 3, 7, 21, 3, 3, 6, 6)


def test_unrest_panel_explicit_span_and_month_periods(con):
    sql.run(
        con,
        "panels/unrest_panel",
        {
            "preset": "aitocracy",
            "level": "prefecture",
            "period": "month",
            "start": "2019-04-15",
            "end": "2019-07-31",
            "high_unrest_rule": "mean_plus_sd",
            "high_unrest_percentile": 0.9,
            "cameras_covariate": "cameras",
            "population_covariate": "population",
        },
    )
    labels = [r[0] for r in con.execute("SELECT DISTINCT period_label FROM unrest_panel ORDER BY 1").fetchall()]
    assert labels == ["2019-04", "2019-05", "2019-06", "2019-07"]
    assert con.execute("SELECT sum(unrest_count) FROM unrest_panel").fetchone()[0] == 3


def test_province_and_country_panels_count_what_lies_below_them(con):
    sql.run(
        con,
        "panels/unrest_panel",
        {
            "preset": "aitocracy",
            "level": "province",
            "period": "quarter",
            "start": None,
            "end": None,
            "high_unrest_rule": "mean_plus_sd",
            "high_unrest_percentile": 0.9,
            "cameras_covariate": "cameras",
            "population_covariate": "population",
        },
    )
    provinces = {
        (r, p): (u, ps)
        for r, p, u, ps in con.execute(
            "SELECT region_id, period_label, unrest_count, ps_ai_contracts FROM unrest_panel"
        ).fetchall()
    }
    assert {r for r, _ in provinces} == {"440000", "430000", "420000"}
    assert provinces[("440000", "2019Q2")] == (3, 0)  # two prefecture events and the province-level one
    assert provinces[("440000", "2019Q1")] == (0, 1)  # Guangzhou's contract a counts in Guangdong
    assert sql.run(
        con, "panels/unrest_panel_check", {"preset": "aitocracy", "period": "quarter", "level": "province"}
    ).fetchone()[4:6] == (4, 4)
    sql.run(
        con,
        "panels/unrest_panel",
        {
            "preset": "aitocracy",
            "level": "country",
            "period": "quarter",
            "start": None,
            "end": None,
            "high_unrest_rule": "mean_plus_sd",
            "high_unrest_percentile": 0.9,
            "cameras_covariate": "cameras",
            "population_covariate": "population",
        },
    )
    country = con.execute("SELECT DISTINCT region_id FROM unrest_panel").fetchall()
    assert country == [("CHN",)]
    assert con.execute("SELECT sum(unrest_count), sum(ps_ai_contracts) FROM unrest_panel").fetchone() == (4, 6)


def test_outcome_columns_have_the_documented_types(con):
    sql.run(
        con,
        "panels/unrest_panel",
        {
            "preset": "aitocracy",
            "level": "prefecture",
            "period": "quarter",
            "start": None,
            "end": None,
            "high_unrest_rule": "mean_plus_sd",
            "high_unrest_percentile": 0.9,
            "cameras_covariate": "cameras",
            "population_covariate": "population",
        },
    )
    sql.run(
        con,
        "panels/event_windows",
        {"preset": "aitocracy", "period": "quarter", "periods_before": 2, "periods_after": 3},
    )
    for table in ("unrest_panel", "event_windows"):
        types = dict(
            con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ?", [table]).fetchall()
        )
        counts = [
            c
            for c in types
            if c.endswith("_contracts") or c.startswith("ps_ai_contracts_data") or c == "contracts_total"
        ]
        assert len(counts) >= 7 and {types[c] for c in counts} == {"BIGINT"}, (table, types)
        assert types["ps_ai_amount"].startswith("DECIMAL(38,")  # the scale is that of contracts.amount


@pytest.mark.parametrize("unit", ["month", "quarter", "year"])
def test_period_macros_agree_with_each_other(con, unit):
    # A period's index leads back to its first day, and the next index to the day after its last.
    rows = con.execute(
        "SELECT d, period_start_of($unit, d), period_at_index($unit, period_index($unit, d)), "
        "period_at_index($unit, period_index($unit, d) + 1) - 1 FROM (VALUES (DATE '1969-12-31'), (DATE '1970-01-01'), "
        "(DATE '2019-06-30'), (DATE '2020-02-29')) AS t(d)",
        {"unit": unit},
    ).fetchall()
    for day, start, start_again, last in rows:
        assert start == start_again <= day <= last


def test_a_period_unit_outside_the_three_is_refused(con):
    with pytest.raises(duckdb.InvalidInputException, match="period 'week' is not month, quarter or year"):
        con.execute("SELECT period_at_index('week', 3)").fetchall()


def test_standardisation_macros():
    con = duckdb.connect()
    define_macros(con)
    mean, sd, z, high = con.execute(
        "WITH s AS (SELECT exact_mean(x) AS mean, exact_sd(x) AS sd FROM range(1, 5) AS t(x)) "
        "SELECT mean, sd, standardised(4, mean, sd), above_mean_plus_sd(4, mean, sd) FROM s"
    ).fetchone()
    assert (mean, round(sd, 12), round(z, 12), high) == (
        2.5,
        round((5 / 3) ** 0.5, 12),
        round(1.5 / (5 / 3) ** 0.5, 12),
        True,
    )

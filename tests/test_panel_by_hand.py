"""A hand-built panel: 3 regions x 8 quarters, contracts on the edges of quarters and windows, every cell checked."""

from datetime import date

import duckdb
import pytest

from pipeline.lib import sql
from pipeline.lib.panels import define_macros

A, B, C = "440100", "430100", "420100"
UNREST = [(1, date(2019, 7, 1), A), (2, date(2019, 9, 30), A), (3, date(2020, 1, 1), B)]
CONTRACTS = [  # id, award date, region, public-security AI
    ("a1", date(2019, 3, 31), A, True),  # last day of 2019Q1: k = -2 from A's 2019Q3 unrest
    ("a2", date(2019, 4, 1), A, True),  # first day of 2019Q2: k = -1
    ("a3", date(2019, 12, 31), A, True),  # k = 1
    ("a4", date(2020, 1, 1), A, True),  # k = 2
    ("a5", date(2020, 6, 30), A, True),  # k = 3, the window's last quarter
    ("a6", date(2020, 7, 1), A, True),  # k = 4: outside the window, inside the panel
    ("a7", date(2018, 12, 31), A, True),  # k = -3: outside the window and before the panel
    ("b1", date(2019, 9, 30), B, True),  # k = -2 from B's 2020Q1 unrest
    ("b2", date(2020, 10, 1), B, True),  # k = 3
    ("b3", date(2020, 12, 31), B, False),  # k = 3, not AI
    ("c1", date(2020, 1, 1), C, True),  # a region without unrest
]


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE unrest_events (event_id INT, event_date DATE, prefecture_id VARCHAR, "
        "province_id VARCHAR, country_id VARCHAR DEFAULT 'CHN', preset VARCHAR DEFAULT 'aitocracy')"
    )
    connection.executemany(
        "INSERT INTO unrest_events (event_id, event_date, prefecture_id, province_id) "
        "VALUES (?, ?, ?, left(?, 2) || '0000')",
        [(*u, u[2]) for u in UNREST],
    )
    connection.execute("""
        CREATE TABLE contracts (contract_id VARCHAR, award_date DATE, buyer_region_id VARCHAR,
            is_public_security_ai BOOLEAN, buyer_region_level VARCHAR DEFAULT 'prefecture', is_ai BOOLEAN,
            is_public_security_buyer BOOLEAN DEFAULT true, amount DECIMAL(18, 2) DEFAULT 10,
            currency VARCHAR DEFAULT 'CNY',
            is_duplicate BOOLEAN DEFAULT false, award_date_implausible BOOLEAN DEFAULT false,
            buyer_sector VARCHAR DEFAULT 'public_security')""")
    # Cameras per prefecture: the average is 60, so A is data-rich, B data-scarce, and C has no value.
    connection.execute(
        "CREATE TABLE covariates AS SELECT * FROM (VALUES (?, NULL::INT, 'cameras', 100.0), "
        "(?, NULL, 'cameras', 20.0), ('110100', NULL, 'polity', 1.0), "
        # A's population: 2 million in 2019 and 4 million for any other year.
        "(?, 2019, 'population', 2e6), (?, NULL, 'population', 4e6)) AS t(region_id, year, covariate, value)",
        [A, B, A, A],
    )
    for contract_id, day, region, ps_ai in CONTRACTS:
        connection.execute(
            "INSERT INTO contracts (contract_id, award_date, buyer_region_id, is_public_security_ai, is_ai) "
            "VALUES (?, ?, ?, ?, ?)",
            [contract_id, day, region, ps_ai, ps_ai],
        )
    define_macros(connection)
    sql.run(connection, "panels/contract_outcomes")
    yield connection
    connection.close()


def test_windows_have_the_exact_relative_periods(con):
    sql.run(
        con,
        "panels/event_windows",
        {"preset": "aitocracy", "period": "quarter", "periods_before": 2, "periods_after": 3},
    )
    sql.run(con, "panels/contract_windows")
    windows = con.execute(
        "SELECT region_id, unrest_events, contract_id, rel_period FROM contract_windows "
        "ORDER BY region_id, unrest_period, rel_period, contract_id"
    ).fetchall()
    assert windows == [
        (B, 1, "b1", -2),
        (B, 1, "b2", 3),
        (B, 1, "b3", 3),
        (A, 2, "a1", -2),
        (A, 2, "a2", -1),
        (A, 2, "a3", 1),
        (A, 2, "a4", 2),
        (A, 2, "a5", 3),
    ]
    # Every k of both windows, zeros included; contracts span 2018Q4 (a7) .. 2020Q4 (b2, b3).
    counts = con.execute(
        "SELECT region_id, unrest_period, rel_period, contract_period, in_contract_span, "
        "contracts_total, ps_ai_contracts FROM event_windows"
    ).fetchall()
    q = [
        date(2019, 1, 1),
        date(2019, 4, 1),
        date(2019, 7, 1),
        date(2019, 10, 1),
        date(2020, 1, 1),
        date(2020, 4, 1),
        date(2020, 7, 1),
        date(2020, 10, 1),
        date(2021, 1, 1),
    ]
    assert counts == [  # ordered by region_id: 430100 (B) before 440100 (A)
        (B, q[4], -2, q[2], True, 1, 1),
        (B, q[4], -1, q[3], True, 0, 0),
        (B, q[4], 0, q[4], True, 0, 0),
        (B, q[4], 1, q[5], True, 0, 0),
        (B, q[4], 2, q[6], True, 0, 0),
        (B, q[4], 3, q[7], True, 2, 1),
        (A, q[2], -2, q[0], True, 1, 1),
        (A, q[2], -1, q[1], True, 1, 1),
        (A, q[2], 0, q[2], True, 0, 0),
        (A, q[2], 1, q[3], True, 1, 1),
        (A, q[2], 2, q[4], True, 1, 1),
        (A, q[2], 3, q[5], True, 1, 1),
    ]


def test_windows_outside_the_contract_data_are_marked(con):
    con.execute("DELETE FROM contracts WHERE award_date >= DATE '2020-07-01'")  # contracts now end in 2020Q2
    sql.run(
        con,
        "panels/event_windows",
        {"preset": "aitocracy", "period": "quarter", "periods_before": 2, "periods_after": 3},
    )
    outside = con.execute(
        "SELECT region_id, rel_period, contracts_total FROM event_windows WHERE NOT in_contract_span ORDER BY ALL"
    ).fetchall()
    assert outside == [(B, 2, 0), (B, 3, 0)]


def test_every_cell_of_the_panel(con):
    sql.run(
        con,
        "panels/unrest_panel",
        {
            "preset": "aitocracy",
            "level": "prefecture",
            "period": "quarter",
            "start": "2019-01-01",
            "end": "2020-12-31",
            "high_unrest_rule": "mean_plus_sd",
            "high_unrest_percentile": 0.9,
            "cameras_covariate": "cameras",
            "population_covariate": "population",
        },
    )
    cells = {
        (r, p): (u, t, ps, cum)
        for r, p, u, t, ps, cum in con.execute(
            "SELECT region_id, period_label, unrest_count, contracts_total, ps_ai_contracts, ps_ai_contracts_cum "
            "FROM unrest_panel"
        ).fetchall()
    }
    quarters = ["2019Q1", "2019Q2", "2019Q3", "2019Q4", "2020Q1", "2020Q2", "2020Q3", "2020Q4"]
    expected = {
        A: [
            (0, 1, 1, 1),
            (0, 1, 1, 2),
            (2, 0, 0, 2),
            (0, 1, 1, 3),
            (0, 1, 1, 4),
            (0, 1, 1, 5),
            (0, 1, 1, 6),
            (0, 0, 0, 6),
        ],
        B: [
            (0, 0, 0, 0),
            (0, 0, 0, 0),
            (0, 1, 1, 1),
            (0, 0, 0, 1),
            (1, 0, 0, 1),
            (0, 0, 0, 1),
            (0, 0, 0, 1),
            (0, 2, 1, 2),
        ],
        C: [
            (0, 0, 0, 0),
            (0, 0, 0, 0),
            (0, 0, 0, 0),
            (0, 0, 0, 0),
            (0, 1, 1, 1),
            (0, 0, 0, 1),
            (0, 0, 0, 1),
            (0, 0, 0, 1),
        ],
    }
    assert cells == {(r, q): v for r, values in expected.items() for q, v in zip(quarters, values, strict=True)}
    # Standardised over the 24 cells: 3 events, mean 1/8, sample sd from exact sums.
    z = dict(
        ((r, p), v) for r, p, v in con.execute("SELECT region_id, period_label, unrest_z FROM unrest_panel").fetchall()
    )
    mean, sd = 3 / 24, ((4 + 1 - 24 * (3 / 24) ** 2) / 23) ** 0.5
    assert z[(A, "2019Q3")] == pytest.approx((2 - mean) / sd) and z[(C, "2019Q1")] == pytest.approx(-mean / sd)


@pytest.mark.parametrize(
    "rule, percentile, flagged",
    [
        ("mean_plus_sd", 0.9, {(A, "2019Q3"), (B, "2020Q1")}),  # mean 0.125 + sd 0.448 = 0.573: both cells with unrest
        ("above_median", 0.9, {(A, "2019Q3"), (B, "2020Q1")}),  # the median is 0: any unrest
        ("above_percentile", 0.95, {(A, "2019Q3")}),  # the 95th percentile of the 24 cells is 1
    ],
)
def test_high_unrest_rules(con, rule, percentile, flagged):
    sql.run(
        con,
        "panels/unrest_panel",
        {
            "preset": "aitocracy",
            "level": "prefecture",
            "period": "quarter",
            "start": "2019-01-01",
            "end": "2020-12-31",
            "high_unrest_rule": rule,
            "high_unrest_percentile": percentile,
            "cameras_covariate": "cameras",
            "population_covariate": "population",
        },
    )
    assert set(con.execute("SELECT region_id, period_label FROM unrest_panel WHERE high_unrest").fetchall()) == flagged


def test_data_rich_and_data_scarce_contracts(con):
    sql.run(
        con,
        "panels/unrest_panel",
        {
            "preset": "aitocracy",
            "level": "prefecture",
            "period": "quarter",
            "start": "2019-01-01",
            "end": "2020-12-31",
            "high_unrest_rule": "mean_plus_sd",
            "high_unrest_percentile": 0.9,
            "cameras_covariate": "cameras",
            "population_covariate": "population",
        },
    )
    split = con.execute(
        "SELECT region_id, sum(ps_ai_contracts), sum(ps_ai_contracts_data_rich), "
        "sum(ps_ai_contracts_data_scarce) FROM unrest_panel GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    # A (100 cameras) is above the average of 60, B (20) below it; C has no camera count: in neither.
    assert split == [(C, 1, 0, 0), (B, 2, 0, 2), (A, 6, 6, 0)]


def test_per_capita_outcome_uses_the_population_of_the_year(con):
    sql.run(
        con,
        "panels/unrest_panel",
        {
            "preset": "aitocracy",
            "level": "prefecture",
            "period": "quarter",
            "start": "2019-01-01",
            "end": "2020-12-31",
            "high_unrest_rule": "mean_plus_sd",
            "high_unrest_percentile": 0.9,
            "cameras_covariate": "cameras",
            "population_covariate": "population",
        },
    )
    per_million = {
        (r, p): v
        for r, p, v in con.execute(
            "SELECT region_id, period_label, ps_ai_contracts_per_million FROM unrest_panel"
        ).fetchall()
    }
    assert per_million[(A, "2019Q1")] == 0.5 and per_million[(A, "2020Q1")] == 0.25  # 1 contract each
    assert per_million[(A, "2019Q3")] == 0.0 and per_million[(B, "2019Q3")] is None  # B has no population

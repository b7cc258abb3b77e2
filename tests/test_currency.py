"""Converting amounts to one currency with the user's rates table; nothing is converted unless asked."""

import duckdb
import pytest

from pipeline.lib.procurement.contracts import (
    add_contract_csv,
    classify_contract_rows,
    create_contract_rows,
    default_taxonomy,
)
from pipeline.lib.procurement.currency import CurrencyRatesError

HEADER = "contract_id,award_date,buyer_name,buyer_region_id,supplier_name,amount,currency,title\n"
CONTRACTS = (
    HEADER
    + "\n".join(
        [
            "M1,2015-12-30,b,,s1,1000,MXN,t",  # the year's rate
            "M2,2015-12-31,b,,s2,1000,mxn,t",  # that day's rate
            "U1,2019-05-01,b,,s3,500,USD,t",  # already in the target currency
            "E1,2019-05-01,b,,s4,100,EUR,t",  # no rate for EUR
            "C1,2018-01-01,b,,s5,100,CNY,t",  # a rate for CNY, but not in 2018
        ]
    )
    + "\n"
)


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute("CREATE TABLE regions (region_id VARCHAR, level VARCHAR)")
    yield connection
    connection.close()


def _classify(con, tmp_path, rates: str | None, convert_to: str | None):
    contracts = tmp_path / "c.csv"
    contracts.write_text(CONTRACTS)
    rates_path = None
    if rates is not None:
        rates_path = tmp_path / "rates.csv"
        rates_path.write_text(rates)
    create_contract_rows(con)
    add_contract_csv(con, contracts)
    classify_contract_rows(con, default_taxonomy(), rates_path=rates_path, convert_to=convert_to)
    return con.execute(
        "SELECT contract_id, amount, currency, amount_converted, converted_currency, "
        "conversion_problem FROM contracts ORDER BY contract_id"
    ).fetchall()


def test_amounts_are_converted_with_the_days_or_the_years_rate(tmp_path, con):
    rates = "currency,period,rate\nMXN,2015,0.063\nMXN,2015-12-31,0.058\nCNY,2019,0.145\n"
    rows = _classify(con, tmp_path, rates, "usd")
    assert [(r[0], str(r[1]), r[2], None if r[3] is None else str(r[3]), r[4], r[5]) for r in rows] == [
        ("C1", "100.00", "CNY", None, None, "no rate for CNY on 2018-01-01 or in 2018"),
        ("E1", "100.00", "EUR", None, None, "no rate for EUR on 2019-05-01 or in 2019"),
        ("M1", "1000.00", "MXN", "63.00", "USD", None),
        ("M2", "1000.00", "MXN", "58.00", "USD", None),
        ("U1", "500.00", "USD", "500.00", "USD", None),
    ]


def test_nothing_is_converted_by_default(tmp_path, con):
    rows = _classify(con, tmp_path, None, None)
    assert [r[3:] for r in rows] == [(None, None, None)] * 5


@pytest.mark.parametrize(
    ("rates", "convert_to", "message"),
    [
        (
            "currency,period,rate\nMXN,2015,0.063\nMXN,2015/12,0.058\n",
            "USD",
            r"rates.csv:3: period '2015/12' is not a year or YYYY-MM-DD",
        ),
        ("currency,period,rate\nMXN,2015,0.063\nMXN,2015,0.064\n", "USD", r"rates.csv:2: a second rate for MXN 2015"),
        ("currency,period,rate\nMXN,2015,abc\n", "USD", r"rates.csv:2: rate 'abc' is not a positive number"),
        ("currency,period,rate\nMXN,2015,0.063,9\n", "USD", r"rates.csv:2: 4 fields where the header has 3"),
        ("currency,year,rate\nMXN,2015,0.063\n", "USD", r"rates.csv:1: header lacks column\(s\) period"),
        ("currency,period,rate\nMXN,2015,0.063\n", None, "a rates table is given without the target currency"),
    ],
)
def test_a_rates_table_that_cannot_be_used_is_named_with_its_line(tmp_path, con, rates, convert_to, message):
    with pytest.raises(CurrencyRatesError, match=message):
        _classify(con, tmp_path, rates, convert_to)

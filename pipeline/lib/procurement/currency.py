"""Converting contract amounts to one currency, with the user's rates table; nothing is converted by default.

The rates table is a CSV with the columns currency, period and rate: period is a year (2019: an annual average)
or a day (2019-05-01); rate is how much of the target currency one unit of `currency` buys. A contract takes
the rate of its award date when the table has that day, otherwise that of its award year (sql/procurement/
contracts.sql); without either, amount_converted is NULL and conversion_problem says which rate is missing.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.lib import sql
from pipeline.lib.procurement.csv_records import CsvFileError, staged_csv

RATE_COLUMNS = ("currency", "period", "rate")


class CurrencyRatesError(ValueError):
    """A rates table that cannot be used; the message names the file and the line."""


def add_currency_rates(con, path: str | Path | None, convert_to: str | None) -> None:
    """con's temporary table currency_rates: the rates in `path`, or none when no conversion is asked for."""
    if (path is None) != (convert_to is None):
        given, missing = ("a rates table", "the target currency") if path else ("a target currency", "rates")
        raise CurrencyRatesError(
            f"currency conversion: {given} is given without {missing}; give both "
            "(currency_rates_path and convert_to) or neither"
        )
    if path is None:
        sql.run(con, "procurement/no_currency_rates")
        return
    path = Path(path)
    try:
        with staged_csv(con, path) as staged:
            missing = [c for c in RATE_COLUMNS if c not in staged.header]
            if missing:
                raise CurrencyRatesError(
                    f"{path}:1: header lacks column(s) {', '.join(missing)} (currency, period, rate)"
                )
            staged.scan("procurement/currency_rate_rows")
            if staged.list_problems():
                unreadable = sql.run(con, "csv/first_problem").fetchone()[0]
                raise CurrencyRatesError(f"{path}:{unreadable.removeprefix('line ')}")
    except CsvFileError as err:
        raise CurrencyRatesError(str(err)) from None
    sql.run(con, "procurement/currency_rates")
    con.execute("DROP TABLE currency_rate_rows")
    bad = sql.run(con, "procurement/currency_rate_first_problem").fetchone()
    if bad:
        raise CurrencyRatesError(f"{path}:{bad[0]}: {bad[1]}")

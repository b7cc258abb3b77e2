"""Amounts and dates of notice cells, in polars expressions (dates, which repeat, parsed once per distinct cell).

Cells are NFKC-normalised first, so full-width digits and signs (１２３．５, ￥, ，) read as their ASCII forms.
"""

from __future__ import annotations

import polars as pl

# 1,234,567.89 or 1234567.89, an optional ¥/RMB/人民币 before and a unit after.
AMOUNT = r"^(?:¥|RMB|人民币)?((?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)(万元|万|元)?$"
# 2019-03-05, 2019/3/5, 2019.3.5, 2019年3月5日, with a time of day after (Excel dates: 2019-03-05 00:00:00;
# spaces are gone by then).
DAY = r"^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?(?:T?[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$"
COMPACT_DAY = r"^([0-9]{4})([0-9]{2})([0-9]{2})$"  # 20190305
MONTH = r"^([0-9]{4})[-/.年]([0-9]{1,2})月?份?$"  # 2026年07月, 2026-07
# An Excel date serial (days since 1899-12-30) that a sheet handed as a number: 32874 is 1990-01-01,
# 73050 is 2099-12-31; other numbers in a date column are not read as dates.
SERIAL = r"^([0-9]{5})(?:\.[0-9]+)?$"
SERIAL_RANGE = (32874, 73050)
# Decimal places kept before rounding to fen: 万元 to six places is still exact in yuan.
SCALE = 8


def _text(cell: pl.Expr) -> pl.Expr:
    return cell.str.normalize("NFKC").str.replace_all(r"\s+", "")


def amount(cell: pl.Expr, unit: str | None) -> pl.Expr:
    """The amount in yuan with two decimals (text, exact: 125.5万元 is 1255000.00), or NULL when the cell is not
    an amount. `unit` is the unit when the value names none (元 or 万元; None is 元)."""
    text = _text(cell)
    number = text.str.extract(AMOUNT, 1).str.replace_all(",", "").cast(pl.Decimal(38, SCALE), strict=False)
    found_unit = pl.coalesce(text.str.extract(AMOUNT, 2), pl.lit(unit, pl.String))
    factor = pl.when(found_unit.is_in(["万元", "万"])).then(10_000).otherwise(1)
    return (number * factor).round(2).cast(pl.Decimal(38, 2)).cast(pl.String)


def dates(values: pl.Series) -> pl.DataFrame:
    """For each distinct cell: text (the cell), date (YYYY-MM-DD) and precision ('day' or 'month'), both NULL
    when the cell is not a date. A month (2026年07月) is its first day, with precision 'month'."""
    text = _text(pl.col("text"))
    serial = text.str.extract(SERIAL, 1).cast(pl.Int32, strict=False)
    serial_date = pl.when(serial.is_between(*SERIAL_RANGE)).then(
        pl.lit("1899-12-30").str.to_date() + pl.duration(days=serial)
    )

    def ymd(pattern: str, day: pl.Expr | None = None) -> pl.Expr:
        parts = [
            text.str.extract(pattern, 1),
            text.str.extract(pattern, 2).str.zfill(2),
            (day if day is not None else text.str.extract(pattern, 3).str.zfill(2)),
        ]
        return pl.concat_str(parts, separator="-").str.to_date("%Y-%m-%d", strict=False)

    day_date = pl.coalesce(ymd(DAY), ymd(COMPACT_DAY), serial_date)
    month_date = ymd(MONTH, pl.lit("01"))
    return _distinct(values).with_columns(
        date=pl.coalesce(day_date, month_date).dt.to_string("%Y-%m-%d"),
        precision=pl.when(day_date.is_not_null())
        .then(pl.lit("day"))
        .when(month_date.is_not_null())
        .then(pl.lit("month")),
    )


def looked_up(cell: pl.Expr, table: pl.DataFrame, column: str) -> pl.Expr:
    """The value of `column` that `table` (of dates) gives for each cell."""
    return cell.replace_strict(table["text"], table[column], default=None, return_dtype=pl.String)


def _distinct(values: pl.Series) -> pl.DataFrame:
    return values.drop_nulls().unique().sort().to_frame("text")

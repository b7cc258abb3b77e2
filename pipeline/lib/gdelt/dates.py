"""GDELT's dates, and month arithmetic: defined here once, for Python and (as parameters) for the SQL.

GDELT 1.0 serves 1979 to 2015-02-18: yearly files to 2005, monthly files to March 2013 (layout v1-57, rows
dated by SQLDATE), then daily files from 2013-04-01 (layout v1-58, which adds SOURCEURL; rows dated by
DATEADDED). GDELT 2.0 serves every day from 2015-02-19 in 15-minute files (v2-61). Exactly one system serves
each day.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

GDELT_V1_START = date(1979, 1, 1)  # the first day of GDELT 1.0's yearly files, and of the monthly partitions
V1_DAILY_START = date(2013, 4, 1)  # GDELT 1.0's daily files (v1-58, dated by DATEADDED) begin
GDELT_V2_START = date(2015, 2, 19)  # first day served by GDELT 2.0; GDELT 1.0 serves the days before


def month_end(month: date) -> date:
    """The last day of the month that holds `month`."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def days_of(months: list[date]) -> list[date]:
    """Every day of the given months, in order."""
    days = []
    for month in sorted(months):
        first = month.replace(day=1)
        days += [first + timedelta(days=n) for n in range(month_end(first).day)]
    return days

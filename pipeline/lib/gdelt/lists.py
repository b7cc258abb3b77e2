"""Reading the file lists a set of months needs, once per run."""

from __future__ import annotations

import calendar
from datetime import date

from pipeline.lib.gdelt.filelist import GDELT_V2_START, FileList
from pipeline.lib.gdelt.source import Mirror


def _merge(*lists: FileList) -> FileList:
    return FileList(tuple(f for fl in lists for f in fl.files), tuple(p for fl in lists for p in fl.problems))


def read_lists(v2: Mirror, v1: Mirror, months: list[date], include_translation: bool = False):
    """(GDELT 2.0 list or None, GDELT 1.0 list or None): only the lists that serve some of `months`."""
    last_days = [date(m.year, m.month, calendar.monthrange(m.year, m.month)[1]) for m in months]
    v2_list = v1_list = None
    if any(day >= GDELT_V2_START for day in last_days):
        lists = [v2.read_v2_list("masterfilelist.txt")]
        if include_translation:
            lists.append(v2.read_v2_list("masterfilelist-translation.txt"))
        v2_list = _merge(*lists)
    if any(month < GDELT_V2_START for month in months):
        v1_list = v1.read_v1_list()
    return v2_list, v1_list


def last_listed_day(*lists: FileList | None) -> date:
    """The newest day any events file in the lists covers: days after it are not published yet."""
    days = [f.last_day for fl in lists if fl for f in fl.files if f.layout]
    return max(days, default=date(1979, 1, 1))

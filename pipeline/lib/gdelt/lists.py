"""Reading the file lists a set of months needs, once per run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pipeline.lib.gdelt.dates import GDELT_V1_START, GDELT_V2_START, month_end
from pipeline.lib.gdelt.filelist import FileList, parse_v2_list_months
from pipeline.lib.gdelt.listcache import current_list
from pipeline.lib.gdelt.source import Mirror


def _merge(*lists: FileList) -> FileList:
    return FileList(
        tuple(f for fl in lists for f in fl.files),
        tuple(p for fl in lists for p in fl.problems),
        max((fl.newest_day for fl in lists if fl.newest_day), default=None),
    )


def read_lists(
    v2: Mirror,
    v1: Mirror,
    months: list[date],
    include_translation: bool = False,
    refetch: bool = False,
    log: Callable[[str], None] = lambda message: None,
):
    """(GDELT 2.0 list or None, GDELT 1.0 list or None): only the lists that serve some of `months`.

    GDELT 2.0's lists come from the cache, extended by what is new (refetch: read in full), and hold only the
    files of `months`.
    """
    v2_months = [month for month in months if month_end(month) >= GDELT_V2_START]
    v2_list = v1_list = None
    if v2_months:
        lists = []
        for name in ("masterfilelist.txt", *(["masterfilelist-translation.txt"] if include_translation else [])):
            current = current_list(v2, name, refetch)
            listing = parse_v2_list_months(current.data, f"{v2.base_url}{name}", v2_months)
            listed, asked = current.data.count(b"\n"), len(listing.files)
            log(f"{name}: {current.report}; {listed:,} files listed, {asked:,} of them in the months asked")
            lists.append(listing)
        v2_list = _merge(*lists)
    if any(month < GDELT_V2_START for month in months):
        v1_list = v1.read_v1_list()
    return v2_list, v1_list


def last_listed_day(*lists: FileList | None) -> date:
    """The newest day any events file in the lists covers: days after it are not published yet."""
    return max((fl.newest_day for fl in lists if fl and fl.newest_day), default=GDELT_V1_START)

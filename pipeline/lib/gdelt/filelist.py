"""GDELT's file lists, and which files hold which month.

GDELT 2.0 lists each file as a line `size md5 url` (masterfilelist.txt, lastupdate.txt, and for the
translingual stream masterfilelist-translation.txt). GDELT 1.0 publishes `md5sums` (`md5  name`, as
md5sum writes it) and `filesizes` (`size name`) beside its files. Both become ListedFile records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from pipeline.lib.gdelt.dates import GDELT_V2_START, V1_DAILY_START, month_end

V2_EXPORT = re.compile(r"^(\d{14})\.(?:translation\.)?export\.CSV\.zip$")
V1_DAILY = re.compile(r"^(\d{8})\.export\.CSV\.zip$")
V1_MONTHLY = re.compile(r"^(\d{6})\.zip$")
V1_YEARLY = re.compile(r"^(\d{4})\.zip$")


@dataclass(frozen=True)
class ListedFile:
    """A listed file. What its name says is worked out once (cached_property): a backfill asks every file of its
    months' list about each month, 120 x 14,612 times for the demo's."""

    size: int | None
    md5: str
    url: str

    @cached_property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[-1]

    @cached_property
    def layout(self) -> str | None:
        """Which column layout the file uses, or None when it is not an events export."""
        if V2_EXPORT.match(self.name):
            return "v2-61"
        if V1_DAILY.match(self.name):
            return "v1-58" if self.first_day >= V1_DAILY_START else "v1-57"
        if V1_MONTHLY.match(self.name) or V1_YEARLY.match(self.name):
            return "v1-57"
        return None

    @cached_property
    def first_day(self) -> date:
        name = self.name
        for pattern in (V2_EXPORT, V1_DAILY, V1_MONTHLY, V1_YEARLY):
            match = pattern.match(name)
            if match:
                stamp = match.group(1)
                return date(int(stamp[:4]), int(stamp[4:6] or 1), int(stamp[6:8] or 1))
        raise ValueError(f"{name} is not an events export")

    @cached_property
    def last_day(self) -> date:
        first, name = self.first_day, self.name
        if V1_YEARLY.match(name):
            return date(first.year, 12, 31)
        if V1_MONTHLY.match(name):
            return month_end(first)
        return first

    @cached_property
    def spans_months(self) -> bool:
        """True for GDELT 1.0 yearly files, which hold twelve months' events in one file."""
        return (self.first_day.year, self.first_day.month) != (self.last_day.year, self.last_day.month)


@dataclass(frozen=True)
class FileList:
    files: tuple[ListedFile, ...]
    problems: tuple[str, ...]  # malformed lines, each naming the list and line number
    # The newest day an events export of the whole list covers; a list read for some months holds only their
    # files, so this cannot be taken from `files`.
    newest_day: date | None


_MD5 = re.compile(r"[0-9a-f]{32}")


def _newest_day(files: list[ListedFile]) -> date | None:
    return max((f.last_day for f in files if f.layout), default=None)


def _v2_line(line: str) -> ListedFile | None:
    """The file a `size md5 url` line lists, or None when the line is malformed."""
    parts = line.split()
    if len(parts) != 3 or not parts[0].isdigit() or not _MD5.fullmatch(parts[1]):
        return None
    return ListedFile(int(parts[0]), parts[1], parts[2])


def _add_v2_line(line: str, number: int, list_name: str, files: list[ListedFile], problems: list[str]) -> None:
    listed = _v2_line(line)
    if listed is None:
        problems.append(f"{list_name} line {number}: not 'size md5 url': {line[:200]!r}")
    else:
        files.append(listed)


def parse_v2_list(text: str, list_name: str) -> FileList:
    files, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            _add_v2_line(line, number, list_name, files, problems)
    return FileList(tuple(files), tuple(problems), _newest_day(files))


def parse_v2_list_months(data: bytes, list_name: str, months: Iterable[date]) -> FileList:
    """The files of a GDELT 2.0 list whose names carry the stamp of one of `months`.

    GDELT's master list has a million lines; a run needs the few thousand of its months. They are found by a
    byte search for `/YYYYMM` (a file name starts with its 14-digit time stamp), and only those lines are
    parsed, so malformed lines are reported for the months asked, with their line numbers in the whole list.
    """
    spans = sorted({span for month in months for span in _lines_holding(data, f"/{month:%Y%m}".encode())})
    files, problems = [], []
    number, counted_to = 1, 0
    for start, end in spans:
        number += data.count(b"\n", counted_to, start)
        counted_to = start
        _add_v2_line(data[start:end].rstrip(b"\r").decode("utf-8", "replace"), number, list_name, files, problems)
    return FileList(tuple(files), tuple(problems), _newest_export_day(data))


def _lines_holding(data: bytes, needle: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of every line of `data` that holds `needle`."""
    position = data.find(needle)
    while position >= 0:
        start = data.rfind(b"\n", 0, position) + 1
        end = data.find(b"\n", position)
        end = len(data) if end < 0 else end
        yield start, end
        position = data.find(needle, end)


def _newest_export_day(data: bytes) -> date | None:
    """The day of the last events export listed. GDELT appends to its lists in time order, so that is the
    newest, and reading lines back from the end finds it within a few lines."""
    end = len(data)
    while end > 0:
        start = data.rfind(b"\n", 0, end) + 1
        listed = _v2_line(data[start:end].decode("utf-8", "replace"))
        if listed is not None and listed.layout:
            return listed.last_day
        end = start - 1
    return None


def parse_v1_lists(md5sums: str, filesizes: str | None, base_url: str, list_name: str = "md5sums") -> FileList:
    sizes, problems = {}, []
    for number, line in enumerate((filesizes or "").splitlines(), start=1):
        parts = line.split()
        if len(parts) == 2 and parts[0].isdigit():
            sizes[parts[1]] = int(parts[0])
        elif line.strip():
            problems.append(f"filesizes line {number}: not 'size name': {line[:200]!r}")
    files = []
    for number, line in enumerate(md5sums.splitlines(), start=1):
        parts = line.split()
        if len(parts) != 2 or not _MD5.fullmatch(parts[0]):
            if line.strip():
                problems.append(f"{list_name} line {number}: not 'md5  name': {line[:200]!r}")
            continue
        files.append(ListedFile(sizes.get(parts[1]), parts[0], base_url + parts[1]))
    return FileList(tuple(files), tuple(problems), _newest_day(files))


def files_for_month(month: date, v2: FileList | None, v1: FileList | None) -> list[ListedFile]:
    """The events exports that hold `month`: GDELT 2.0 from 2015-02-19, GDELT 1.0 before it.

    Exactly one system serves each day, so an event is never read twice from the two systems.
    """
    last = month_end(month)
    chosen = []
    for listing, serves in (
        (v2, lambda f: f.first_day >= GDELT_V2_START),
        (v1, lambda f: f.first_day < GDELT_V2_START),
    ):
        for listed in listing.files if listing else ():
            if listed.layout and serves(listed) and listed.first_day <= last and listed.last_day >= month:
                chosen.append(listed)
    return sorted(chosen, key=lambda f: (f.first_day, f.name))

"""GDELT 2.0's file lists, kept in the download cache and extended by what is new.

masterfilelist.txt is about 120 MB and grows by three lines every 15 minutes; GDELT only ever appends to it.
So a cached copy is made current by reading, in order:
  1. lastupdate.txt (a few hundred bytes naming the newest files): when the cached copy already ends with
     them, nothing else is read;
  2. otherwise the list from near the end of the cached copy on, by an HTTP Range request. The answer starts
     with the cached copy's last lines (the overlap), which must match, or the list was rewritten and is read
     in full; what follows the overlap is appended.
The list is read in full only when nothing is cached, when asked (refetch), when it was rewritten (the overlap
differs, or 416: the list is now shorter than the cache), and when the server ignores ranges (its 200 is the
whole list, and is used as such). Only complete lines are kept: a list read while GDELT writes it may end
mid-line, and that line is read whole the next time. The cache is replaced by rename, so a run killed midway
leaves the previous copy. Local mirrors (the demo world, the tests) are read in place.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.lib.gdelt.source import Mirror, MirrorError

LASTUPDATE = {"masterfilelist.txt": "lastupdate.txt", "masterfilelist-translation.txt": "lastupdate-translation.txt"}
OVERLAP_BYTES = 1024  # about the last 8 lines of the cached copy, read again to check the server still has them
TAIL_BYTES = 64 << 10  # how far from the cached copy's end lastupdate.txt's files are looked for


@dataclass(frozen=True)
class CurrentList:
    data: bytes  # the whole list, complete lines only
    report: str  # what was read to make it current, for the run's log


def current_list(mirror: Mirror, name: str, refetch: bool = False) -> CurrentList:
    """The list `name` as the mirror has it now, read as cheaply as the cache allows (see the module's doc)."""
    if mirror.local_dir is not None:
        return CurrentList(mirror.read_bytes(name), f"read in place from {mirror.local_dir}")
    path = mirror.cache_dir / name
    if refetch or not path.is_file():
        return _read_in_full(mirror, name, "a full read was asked for" if refetch else "nothing cached yet")
    cached = path.read_bytes()
    newest = _newest_lines(mirror, name)
    if newest and _ends_with(cached, newest):
        return CurrentList(cached, f"the cached copy is current: {LASTUPDATE[name]} names only files it lists")
    return _extended(mirror, name, path, cached)


def _newest_lines(mirror: Mirror, name: str) -> list[bytes]:
    """The lines of the lastupdate file that goes with list `name`; none when the mirror has none."""
    try:
        text = mirror.read_bytes(LASTUPDATE[name]) if name in LASTUPDATE else b""
    except MirrorError:
        return []  # then the range request tells what is new
    return [line.strip() for line in text.splitlines() if line.strip()]


def _ends_with(cached: bytes, lines: list[bytes]) -> bool:
    tail = b"\n" + cached[-TAIL_BYTES:]
    return all(b"\n" + line + b"\n" in tail for line in lines)


def _extended(mirror: Mirror, name: str, path: Path, cached: bytes) -> CurrentList:
    start = cached.rfind(b"\n", 0, max(len(cached) - OVERLAP_BYTES, 0)) + 1  # a line start, OVERLAP_BYTES back
    buffer = io.BytesIO()
    answer = mirror.download(name, buffer, start=start)
    body = buffer.getvalue()
    if answer.outcome == "ok" and answer.status_code == 200:
        data = _complete_lines(body)
        _store(path, data)
        return CurrentList(data, f"{len(body):,} bytes: the server ignored the range request and sent the whole list")
    if answer.status_code == 416:
        return _read_in_full(mirror, name, f"the list is now shorter than the {len(cached):,} bytes cached")
    if answer.outcome != "ok":
        raise MirrorError(f"could not read {mirror.base_url}{name} from byte {start:,}: {answer.detail}")
    overlap = cached[start:]
    if not answer.content_range.startswith(f"bytes {start}-") or not body.startswith(overlap):
        return _read_in_full(mirror, name, f"the list was rewritten: its bytes from {start:,} differ from the cache")
    new = _complete_lines(body[len(overlap) :])
    data = cached + new if new else cached
    if new:
        _store(path, data)
    return CurrentList(
        data, f"{len(new):,} new bytes by range request ({len(body):,} read from byte {start:,}, the overlap included)"
    )


def _read_in_full(mirror: Mirror, name: str, reason: str) -> CurrentList:
    body = mirror.read_bytes(name)
    data = _complete_lines(body)
    _store(mirror.cache_dir / name, data)
    return CurrentList(data, f"{len(body):,} bytes read in full ({reason})")


def _complete_lines(data: bytes) -> bytes:
    return data[: data.rfind(b"\n") + 1]


def _store(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False) as temp:
        try:
            temp.write(data)
        except BaseException:
            os.unlink(temp.name)
            raise
    os.replace(temp.name, path)

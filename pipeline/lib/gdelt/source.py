"""Fetching GDELT files from a mirror into a verified download cache.

A mirror is a base URL that serves GDELT's file names: GDELT's own server, an HTTP mirror, or a
local directory (the demo world and the tests). Only the file name of a listed URL is used, resolved
under the base, so lists copied from GDELT work against any mirror, and nothing outside the base is
ever fetched.

A downloaded file is written to a temporary name in the cache and renamed to its own name only after
its size and md5 match the list, so a file in the cache is always a verified one, and an interrupted
run resumes by skipping what is already there.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlparse

import httpx

from pipeline.lib.gdelt.filelist import (
    FileList,
    ListedFile,
    parse_v1_lists,
    parse_v2_list,
)

GDELT_V1_BASE_URL = "http://data.gdeltproject.org/events/"
MAX_UNZIPPED_BYTES = 16 << 30  # the largest GDELT 1.0 yearly file unzips to a few GB; more is broken or hostile


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff_seconds: float = 1.0  # doubled after each failed attempt, with jitter
    timeout_seconds: float = 60.0


@dataclass(frozen=True)
class Download:
    outcome: str  # ok | missing (HTTP 404 on every attempt) | timeout | truncated (cut before its length) | http-error
    detail: str
    attempts: int
    status_code: int = 0  # of the last answer; 0 when none came
    content_range: str = ""  # of a 206 answer, e.g. 'bytes 100-199/200'


@dataclass(frozen=True)
class Fetched:
    status: str  # ok | missing | timeout | truncated | http-error | size-mismatch | md5-mismatch | bad-zip
    detail: str = ""
    path: Path | None = None  # the verified zip in the cache (or the mirror's own file), when ok
    zipped_bytes: int = 0
    attempts: int = 0


class MirrorError(RuntimeError):
    """A file list could not be read; the message names the URL."""


def _check_name(name: str) -> str:
    if not name or "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
        raise ValueError(f"refusing file name {name!r}: it would leave the mirror's base or the cache")
    return name


class Mirror:
    """Reads GDELT files by name from a base URL (http, https, file://, or a plain directory path)."""

    def __init__(
        self,
        base_url: str,
        cache_dir: str | Path | None = None,
        retry: RetryPolicy = RetryPolicy(),
        client: httpx.Client | None = None,
    ):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        parsed = urlparse(self.base_url)
        self.local_dir = Path(parsed.path) if parsed.scheme in ("", "file") else None
        if self.local_dir is None and cache_dir is None:
            raise ValueError("an HTTP mirror needs a cache directory")
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.retry = retry
        # One client for all threads (httpx's pool is thread-safe), made here so that threads never race to make it.
        self._client = client or (
            httpx.Client(timeout=retry.timeout_seconds, follow_redirects=False) if self.local_dir is None else None
        )

    def download(self, name: str, sink: IO[bytes], limit: int | None = None, start: int | None = None) -> Download:
        """Stream `name` into sink with retries; with `start`, only from that byte on (a Range request).

        A server that honours the range answers 206; one that ignores it answers 200 with the whole file, and
        the caller tells them apart by Download.status_code. Timeouts, cut bodies, 404 and 5xx are retried
        with backoff.
        """
        url = self.base_url + _check_name(name)
        headers = {"Range": f"bytes={start}-"} if start is not None else {}
        delay, last = self.retry.backoff_seconds, ("http-error", "", 0)
        for attempt in range(1, self.retry.attempts + 1):
            sink.seek(0)
            sink.truncate()
            try:
                with self._client.stream("GET", url, headers=headers) as response:
                    code = response.status_code
                    if code == 200 or (code == 206 and start is not None):
                        received = 0
                        for block in response.iter_bytes(1 << 20):
                            received += len(block)
                            if limit is not None and received > limit:
                                return Download("ok", f"server sent more than the listed {limit} bytes", attempt, code)
                            sink.write(block)
                        return Download("ok", "", attempt, code, response.headers.get("Content-Range", ""))
                    last = ("missing" if code == 404 else "http-error", f"HTTP {code} from {url}", code)
                    if code != 404 and code < 500:  # a 4xx other than 404 will not change on retry
                        return Download(last[0], last[1], attempt, code)
            except httpx.TimeoutException as err:
                last = ("timeout", f"{type(err).__name__} after {self.retry.timeout_seconds}s: {url}", 0)
            except httpx.RemoteProtocolError as err:
                last = ("truncated", f"{err}: {url}", 0)
            except httpx.HTTPError as err:
                last = ("http-error", f"{type(err).__name__}: {err}", 0)
            if attempt < self.retry.attempts:
                time.sleep(delay * (1 + random.random() / 4))
                delay *= 2
        return Download(last[0], f"{last[1]} (after {self.retry.attempts} attempts)", self.retry.attempts, last[2])

    def read_bytes(self, name: str) -> bytes:
        _check_name(name)
        if self.local_dir is not None:
            path = self.local_dir / name
            if not path.is_file():
                raise MirrorError(f"{path} does not exist")
            return path.read_bytes()
        buffer = io.BytesIO()
        downloaded = self.download(name, buffer)
        if downloaded.outcome != "ok":
            raise MirrorError(f"could not read {self.base_url}{name}: {downloaded.detail}")
        return buffer.getvalue()

    def read_text(self, name: str) -> str:
        return self.read_bytes(name).decode("utf-8", "replace")

    # -- lists ------------------------------------------------------------------------------
    def read_v2_list(self, name: str = "masterfilelist.txt") -> FileList:
        return parse_v2_list(self.read_text(name), f"{self.base_url}{name}")

    def read_v1_list(self) -> FileList:
        try:
            sizes = self.read_text("filesizes")
        except MirrorError:
            sizes = None  # sizes are optional: md5 alone verifies a file
        return parse_v1_lists(self.read_text("md5sums"), sizes, self.base_url, f"{self.base_url}md5sums")

    # -- files ------------------------------------------------------------------------------
    def fetch(self, listed: ListedFile) -> Fetched:
        """The verified zip for `listed`: from the cache, the local mirror, or downloaded now."""
        name = _check_name(listed.name)
        if self.local_dir is not None:
            path = self.local_dir / name
            if not path.is_file():
                return Fetched("missing", f"{path} not found", attempts=1)
            return _verified(path, listed, attempts=1)
        target = self.cache_dir / name
        if target.is_file():
            cached = _verified(target, listed, attempts=0)
            if cached.status == "ok":
                return cached
            target.unlink()  # a cached file that no longer matches the list is fetched again
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        partial = self.cache_dir / f".{name}.{os.getpid()}.part"
        outcome, attempts = None, 0
        for _ in range(2):  # a download that does not verify is fetched once more before giving up
            with open(partial, "wb") as sink:
                downloaded = self.download(name, sink, listed.size)
            attempts += downloaded.attempts
            if downloaded.outcome != "ok":
                outcome = Fetched(downloaded.outcome, downloaded.detail, attempts=attempts)
                break
            outcome = _verified(partial, listed, attempts=attempts)
            if outcome.status == "ok":
                os.replace(partial, target)
                return Fetched("ok", "", target, outcome.zipped_bytes, attempts)
        partial.unlink(missing_ok=True)
        return outcome


def _verified(path: Path, listed: ListedFile, attempts: int) -> Fetched:
    size = path.stat().st_size
    if listed.size is not None and size != listed.size:
        return Fetched("size-mismatch", f"{size} bytes, list says {listed.size}", zipped_bytes=size, attempts=attempts)
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != listed.md5:
        return Fetched(
            "md5-mismatch", f"md5 {digest.hexdigest()}, list says {listed.md5}", zipped_bytes=size, attempts=attempts
        )
    problem = zip_problem(path)
    if problem:
        return Fetched("bad-zip", problem, zipped_bytes=size, attempts=attempts)
    return Fetched("ok", "", path, size, attempts)


def zip_problem(path: Path) -> str:
    """Why `path` is not a GDELT zip (one member, within the size cap), or '' when it is one."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as err:
        return f"not a zip file ({err})"
    if len(members) != 1:
        return f"zip holds {len(members)} members, expected 1"
    if members[0].file_size > MAX_UNZIPPED_BYTES:
        return f"member unzips to {members[0].file_size} bytes, over the {MAX_UNZIPPED_BYTES} cap"
    return ""


@contextmanager
def open_member(path: Path) -> Iterator[IO[bytes]]:
    """A stream of the zip's one member; reading stops at the declared size, so the cap holds."""
    with zipfile.ZipFile(path) as archive, archive.open(archive.infolist()[0]) as member:
        yield member

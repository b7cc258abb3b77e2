"""Where GDELT files come from: a file list (masterfilelist.txt) and a mirror that serves the files.

GDELT lists each file as a line `size md5 url`. A mirror is any base URL that
serves the same file names: GDELT's own server, an HTTP mirror, or a local
directory (what the demo world and the tests use). Only the file name of each
listed URL is used, resolved under the configured base, so a list copied from
GDELT works unchanged against a mirror.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import httpx

GDELT_V2_BASE_URL = "http://data.gdeltproject.org/gdeltv2/"
EXPORT_V2_NAME = re.compile(r"^(\d{14})\.export\.CSV\.zip$")
MAX_UNZIPPED_BYTES = 1 << 30  # a real 15-minute export unzips to a few MB; more is a broken or hostile file


@dataclass(frozen=True)
class ListedFile:
    size: int
    md5: str
    url: str
    list_line: int

    @property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[-1]

    @property
    def timestamp(self) -> str:
        match = EXPORT_V2_NAME.match(self.name)
        return match.group(1) if match else ""

    @property
    def month(self) -> date | None:
        stamp = self.timestamp
        return date(int(stamp[:4]), int(stamp[4:6]), 1) if stamp else None


@dataclass(frozen=True)
class FileList:
    files: tuple[ListedFile, ...]
    problems: tuple[str, ...]  # malformed lines, each naming the list and line number


def parse_file_list(text: str, list_name: str) -> FileList:
    files, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 3 or not parts[0].isdigit() or not re.fullmatch(r"[0-9a-f]{32}", parts[1]):
            problems.append(f"{list_name} line {number}: not 'size md5 url': {line[:200]!r}")
            continue
        files.append(ListedFile(int(parts[0]), parts[1], parts[2], number))
    return FileList(tuple(files), tuple(problems))


def exports_for_month(file_list: FileList, month: date) -> list[ListedFile]:
    """The 2.0 events exports (YYYYMMDDHHMMSS.export.CSV.zip) whose timestamp falls in `month`."""
    return sorted((f for f in file_list.files if f.month == month), key=lambda f: f.name)


@dataclass(frozen=True)
class Fetched:
    status: str  # ok | missing | size-mismatch | md5-mismatch | bad-zip | http-error
    detail: str = ""
    zipped_bytes: int = 0
    content: bytes = b""  # the unzipped export, when status is ok


class Mirror:
    """Reads GDELT files by name from a base URL (http, https, file://, or a plain directory path)."""

    def __init__(self, base_url: str, timeout_seconds: float = 60.0):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        parsed = urlparse(self.base_url)
        self._local_dir = Path(parsed.path) if parsed.scheme in ("", "file") else None
        self._timeout = timeout_seconds

    def _get(self, name: str) -> bytes | None:
        if "/" in name or name in ("", ".", ".."):
            raise ValueError(f"refusing file name {name!r}: it would leave the mirror's base")
        if self._local_dir is not None:
            path = self._local_dir / name
            return path.read_bytes() if path.is_file() else None
        response = httpx.get(self.base_url + name, timeout=self._timeout, follow_redirects=False)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.content

    def read_list(self, name: str = "masterfilelist.txt") -> FileList:
        data = self._get(name)
        if data is None:
            raise FileNotFoundError(f"{self.base_url}{name} does not exist")
        return parse_file_list(data.decode("utf-8", "replace"), f"{self.base_url}{name}")

    def fetch_export(self, listed: ListedFile) -> Fetched:
        try:
            data = self._get(listed.name)
        except httpx.HTTPError as err:
            return Fetched("http-error", f"{type(err).__name__}: {err}")
        if data is None:
            return Fetched("missing", f"{self.base_url}{listed.name} not found")
        if len(data) != listed.size:
            return Fetched("size-mismatch", f"{len(data)} bytes, list says {listed.size}", len(data))
        digest = hashlib.md5(data).hexdigest()
        if digest != listed.md5:
            return Fetched("md5-mismatch", f"md5 {digest}, list says {listed.md5}", len(data))
        try:
            content = unzip_single(data)
        except ValueError as err:
            return Fetched("bad-zip", str(err), len(data))
        return Fetched("ok", "", len(data), content)


def unzip_single(data: bytes) -> bytes:
    """The one member of a GDELT zip, refusing anything else."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as err:
        raise ValueError(f"not a zip file ({err})") from None
    members = archive.infolist()
    if len(members) != 1:
        raise ValueError(f"zip holds {len(members)} members, expected 1")
    if members[0].file_size > MAX_UNZIPPED_BYTES:
        raise ValueError(f"member unzips to {members[0].file_size} bytes, over the {MAX_UNZIPPED_BYTES} cap")
    try:
        return archive.read(members[0])
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise ValueError(f"corrupt zip member ({err})") from None

"""Where the contracts come from: one path (CONTRACTS_PATH, read in the run config's format), or a sources file.

A sources file is a small TOML file listing several sources, read in one run, in the order listed:

    [[source]]
    name = "ccgp"                 # names the records in contracts.source
    path = "notices/"             # a file or a directory; relative to the sources file
    format = "cn_notices"         # normalised | cn_notices | ocds
    mapping = "layouts.toml"      # cn_notices only: the layouts (column mapping)
    encoding = "gbk"              # normalised and cn_notices: the files' encoding (default UTF-8)

    [[source]]
    name = "uk"
    path = "ocds/"
    format = "ocds"
    release_schema = "release-schema.json"   # ocds only

Every mistake in it (an unknown key or format, a missing path) fails with the file, the source and the fix.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pipeline.lib.procurement.contracts import ContractFileError, add_contract_csv, add_contract_frame
from pipeline.lib.procurement.notices import read_notices
from pipeline.lib.procurement.ocds import read_ocds

FORMATS = ("normalised", "cn_notices", "ocds")
KEYS = ("name", "path", "format", "mapping", "encoding", "release_schema")
# The settings a format reads; any other given for it would be silently ignored, so it is refused.
FORMAT_SETTINGS = {"normalised": ("encoding",), "cn_notices": ("mapping", "encoding"), "ocds": ("release_schema",)}


class SourcesFileError(ContractFileError):
    """A sources file that cannot be used as written; the message names the file, the source and the fix."""


@dataclass(frozen=True)
class ContractSource:
    name: str | None  # None for a single path: contracts.source stays NULL
    path: Path
    format: str = "normalised"
    mapping: Path | None = None
    encoding: str | None = None
    release_schema: Path | None = None


def is_sources_file(path: str | Path) -> bool:
    return Path(path).suffix.lower() == ".toml"


def read_sources_file(path: str | Path) -> list[ContractSource]:
    path = Path(path)
    if not path.is_file():
        raise SourcesFileError(f"{path}: sources file not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise SourcesFileError(f"{path}: not a TOML file ({err})") from None
    unknown = sorted(set(data) - {"source"})
    if unknown:
        raise SourcesFileError(f"{path}: unknown key {unknown[0]!r}; a sources file holds only [[source]] tables")
    entries = data.get("source")
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise SourcesFileError(
            f"{path}: no [[source]] tables; add one per contracts file or directory, with name, path and format"
        )
    sources = [_source(path, number, entry) for number, entry in enumerate(entries, start=1)]
    names = [s.name for s in sources]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise SourcesFileError(f"{path}: source name {repeated[0]!r} is used twice; give each source its own name")
    return sources


def _source(path: Path, number: int, entry: dict) -> ContractSource:
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SourcesFileError(f'{path}: source {number} has no name; add name = "..." to it')
    where = f"{path}: source {name!r}"
    unknown = sorted(set(entry) - set(KEYS))
    if unknown:
        raise SourcesFileError(f"{where}: unknown key {unknown[0]!r}; the keys are {', '.join(KEYS)}")
    fmt = entry.get("format")
    if fmt not in FORMATS:
        given = "no format" if fmt is None else f"format {fmt!r}"
        raise SourcesFileError(f"{where} has {given}; set format to one of {', '.join(FORMATS)}")
    for key in ("mapping", "encoding", "release_schema"):
        if key in entry and key not in FORMAT_SETTINGS[fmt]:
            raise SourcesFileError(f"{where}: {key} does not apply to format {fmt!r}; remove it")
    if "path" not in entry:
        raise SourcesFileError(
            f'{where} has no path; add path = "..." (a file or directory, relative to {path.parent})'
        )
    files = {
        key: _existing(path, where, key, entry[key]) for key in ("path", "mapping", "release_schema") if key in entry
    }
    return ContractSource(
        name, files["path"], fmt, files.get("mapping"), entry.get("encoding"), files.get("release_schema")
    )


def _existing(path: Path, where: str, key: str, value: object) -> Path:
    if not isinstance(value, str) or not value:
        raise SourcesFileError(f"{where}: {key} must be a path in quotes")
    resolved = (path.parent / value).resolve()
    if not resolved.exists():
        raise SourcesFileError(
            f"{where}: {key} {resolved} does not exist; fix {key} (a relative path is read from {path.parent})"
        )
    return resolved


def add_source(con, source: ContractSource) -> None:
    """Append the source's records to contract_rows (contracts.create_contract_rows), after those already there."""
    if source.format == "normalised":
        for file in _csv_files(source.path):
            add_contract_csv(con, file, source.encoding, source.name)
    elif source.format == "cn_notices":
        mapping = tomllib.loads(source.mapping.read_text(encoding="utf-8")) if source.mapping else None
        add_contract_frame(con, read_notices(source.path, mapping, source.encoding), source.name)
    else:
        schema = str(source.release_schema) if source.release_schema else None
        add_contract_frame(con, read_ocds(source.path, schema), source.name)


def _csv_files(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv")
    if not files:
        raise ContractFileError(f"{path}: directory without .csv files")
    return files

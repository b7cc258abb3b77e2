"""OCDS files as governments publish them, into the normalised contracts: one record per award.

Reads release packages, record packages, records without a package, compiled releases and single releases
(a file that is not JSON is rejected with its line, and the other files still load), in files that hold one
JSON document, several in a row, or JSON Lines, in UTF-8 (with or without BOM), UTF-16, or a legacy
8-bit encoding. Releases of one ocid are compiled with ocdsmerge, the standard's reference merge, by the merge
rules of the standard's release schema for the version the package declares (shipped in pipeline/data/ocds; a
package that declares none is OCDS 1.0, as the standard says; a document without a package is taken as 1.1),
or of another schema given as `schema`. A record's compiledRelease is used as published. Versioned releases
are not a source of awards and are rejected.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import ocdsmerge
import polars as pl

from pipeline.data import text as data_text
from pipeline.lib.procurement.contracts import ContractFileError, reader_frame

# The standard's release schemas (Apache-2.0; README, Data provenance), by the minor version a package declares.
SHIPPED_SCHEMAS = {"1.0": "ocds/release-schema-1.0.3.json", "1.1": "ocds/release-schema-1.1.5.json"}
UNPACKAGED_VERSION = "1.1"  # a release or record without its package cannot say; the current minor version


@dataclass
class Source:
    """Where a compiled release came from: file, JSON document (1-based), and the OCDS version declared there."""

    file: str
    document: int
    version: str = UNPACKAGED_VERSION


@cache
def shipped_merger(version: str) -> ocdsmerge.Merger:
    """ocdsmerge with the merge rules of the shipped schema for `version` (1.0, or 1.1 for anything newer)."""
    return ocdsmerge.Merger(schema=json.loads(data_text(SHIPPED_SCHEMAS["1.0" if version == "1.0" else "1.1"])))


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    # JSON declares no encoding; publishers that do not use UTF-8 use a Latin script code page.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")  # every byte is a Latin-1 character


def read_documents(path: Path) -> Iterator[tuple[int, object]]:
    """The JSON documents of a file, numbered from 1: one, several in a row, or one per line."""
    text = _decode(path.read_bytes())
    decoder, position, number = json.JSONDecoder(), 0, 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            return
        try:
            document, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as err:
            line = text.count("\n", 0, err.pos) + 1
            raise ContractFileError(f"{path} line {line}: not JSON ({err.msg})") from None
        number += 1
        yield number, document


def _is_versioned(document: dict) -> bool:
    return any(isinstance(v, list) and v and isinstance(v[0], dict) and "releaseDate" in v[0]
               for v in document.values())


def compiled_releases(paths: list[Path], schema: str | None = None) -> tuple[list[tuple[dict, Source]], list[dict]]:
    """(compiled release, source) for every ocid in the files, and the documents or ocids rejected, with reasons."""
    releases: dict[str, list[tuple[dict, Source]]] = {}
    compiled: dict[str, tuple[dict, Source]] = {}
    rejected = []
    for path in paths:
        documents = 0
        try:
            for number, document in read_documents(path):
                documents += 1
                _add_document(document, Source(path.name, number), releases, compiled, rejected)
        except ContractFileError as err:  # the rest of this file is unreadable; the other files still load
            rejected.append(_reject(Source(path.name, documents + 1), f"{err}: the rest of the file is not read"))
            continue
        if documents == 0:
            rejected.append(_reject(Source(path.name, 0), "the file holds no JSON document"))
    out = list(compiled.values())
    given = ocdsmerge.Merger(schema=schema) if schema else None
    for ocid, items in sorted(releases.items()):
        if ocid in compiled:  # the publisher's own compiled release is used as published
            rejected.extend(_reject(source, "release superseded by the published compiled release", ocid)
                            for _, source in items)
            continue
        merger = given or shipped_merger(max(source.version for _, source in items))
        listed_under = items[-1][1]
        out.append((merger.create_compiled_release([r for r, _ in items]), listed_under))
        # Releases of the ocid in other documents (another file, an earlier package) are accounted for there too.
        elsewhere = {(source.file, source.document): source for _, source in items
                     if (source.file, source.document) != (listed_under.file, listed_under.document)}
        rejected.extend(_reject(source, f"release merged into the compiled release of this ocid, whose awards are "
                                        f"listed under {listed_under.file} document {listed_under.document}", ocid)
                        for source in elsewhere.values())
    return out, rejected


def _add_document(document: object, source: Source, releases: dict, compiled: dict, rejected: list) -> None:
    """File one JSON document: its releases by ocid, or its compiled releases, or a rejection with the reason."""
    if not isinstance(document, dict):
        rejected.append(_reject(source, f"a JSON {type(document).__name__}, not an OCDS object"))
    elif isinstance(document.get("records"), list):
        for record in document["records"]:
            _add_record(record, _packaged(source, document), releases, compiled, rejected)
    elif isinstance(document.get("compiledRelease"), dict) or (
            "ocid" in document and isinstance(document.get("releases"), list)):
        # A record without its package (publishers serve one record per URL): the ocid is its own or its
        # compiled release's, and a release package never has one.
        _add_record(document, source, releases, compiled, rejected)
    elif isinstance(document.get("releases"), list):
        for release in document["releases"]:
            if isinstance(release, dict) and "ocid" in release:
                releases.setdefault(release["ocid"], []).append((release, _packaged(source, document)))
    elif "ocid" in document and _is_versioned(document):
        rejected.append(_reject(source, "a versioned release: awards are read from releases or compiled releases"))
    elif "ocid" in document:
        if "compiled" in (document.get("tag") or []):
            _keep_compiled(compiled, rejected, document["ocid"], document, source)
        else:
            releases.setdefault(document["ocid"], []).append((document, source))
    else:
        rejected.append(_reject(source, "neither a release, a record nor a package (no ocid, releases or records)"))


def _packaged(source: Source, package: dict) -> Source:
    """The source with the OCDS version its package declares: none declared is 1.0, as the standard says."""
    return replace(source, version=str(package.get("version") or "1.0"))


def _add_record(record: dict, source: Source, releases: dict, compiled: dict, rejected: list) -> None:
    compiled_release = record.get("compiledRelease")
    ocid = record.get("ocid") or (compiled_release or {}).get("ocid")
    if not ocid:
        rejected.append(_reject(source, "a record without an ocid"))
    elif isinstance(compiled_release, dict):
        _keep_compiled(compiled, rejected, ocid, compiled_release, source)
    else:
        for release in record.get("releases") or []:
            if isinstance(release, dict) and "ocid" in release:  # a linked release (url, date, tag) has no data
                releases.setdefault(ocid, []).append((release, source))
        if ocid not in releases:
            rejected.append(_reject(source, f"record {ocid} has neither a compiledRelease nor embedded releases"))


def _keep_compiled(compiled: dict, rejected: list, ocid: str, release: dict, source: Source) -> None:
    """Keep the last compiled release seen for an ocid (files are read in name order); record the one it replaces."""
    if ocid in compiled:
        rejected.append(_reject(compiled[ocid][1], f"compiled release superseded by {source.file} document "
                                                   f"{source.document}", ocid))
    compiled[ocid] = (release, source)


def _reject(source: Source, reason: str, ocid: str | None = None) -> dict:
    return {"source_file": source.file, "source_row": source.document, "contract_id": ocid or "",
            "source_problem": reason}


def _name(party: object) -> str | None:
    return party.get("name") if isinstance(party, dict) else None


def award_rows(release: dict, source: Source) -> list[dict]:
    """One normalised record per award of a compiled release (or one quarantined record when there is none)."""
    ocid = release.get("ocid", "")
    buyer = _name(release.get("buyer")) or next(
        (_name(p) for p in release.get("parties", []) if "buyer" in (p.get("roles") or [])), None) or _name(
        (release.get("tender") or {}).get("procuringEntity"))
    tender_title = (release.get("tender") or {}).get("title")
    signed = {c.get("awardID"): c.get("dateSigned") for c in release.get("contracts", []) if isinstance(c, dict)}
    awards = release.get("awards")
    base = {"source_file": source.file, "source_row": source.document, "buyer_name": buyer, "buyer_region_id": ""}
    if not isinstance(awards, list) or not awards:
        problem = ("awards is not a list: an OCDS-like variant this reader does not map" if awards
                   else "no award in the compiled release")
        return [{**base, "contract_id": ocid, "source_problem": problem}]
    rows = []
    for award in awards:
        value = award.get("value") or {}
        date = award.get("date") or signed.get(award.get("id")) or release.get("date")
        rows.append({
            **base,
            "contract_id": f"{ocid}/{award.get('id', '')}",
            "award_date": (date or "")[:10] or None,
            "supplier_name": "; ".join(filter(None, (_name(s) for s in award.get("suppliers") or []))) or None,
            "amount": None if value.get("amount") is None else str(value["amount"]),
            "currency": value.get("currency"),
            "title": award.get("title") or tender_title,
            "notice_type": "award",
            "source_problem": None,
        })
    return rows


def read_ocds(path: str | Path, schema: str | None = None) -> pl.DataFrame:
    """The awards of every OCDS file at `path` (a file, or a directory searched for *.json and *.jsonl)."""
    path = Path(path)
    if not path.exists():
        raise ContractFileError(f"{path}: OCDS file or directory not found")
    paths = sorted(path.rglob("*.json*")) if path.is_dir() else [path]
    compiled, rejected = compiled_releases(paths, schema)
    rows = [row for release, source in compiled for row in award_rows(release, source)] + rejected
    return reader_frame(rows).sort("source_file", "source_row", "contract_id")

"""From the documents of OCDS files to one compiled release per ocid, and the documents or releases rejected.

Releases of one ocid are compiled with ocdsmerge by the merge rules of the standard's release schema for the
version the package declares (shipped in pipeline/data/ocds; a package that declares none is OCDS 1.0, as the
standard says; a document without a package is taken as 1.1), or of another schema given as `schema`. A
publisher's compiled release is used as published. Versioned releases are not a source of awards and are rejected.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import groupby, pairwise
from pathlib import Path

import ocdsmerge

from pipeline.data import text as data_text
from pipeline.lib.procurement.contracts import ContractFileError
from pipeline.lib.procurement.ocds.documents import Document, Element, read_documents
from pipeline.lib.procurement.ocds.spill import Spill

# The standard's release schemas (Apache-2.0; docs/provenance.md), by the minor version a package declares.
SHIPPED_SCHEMAS = {"1.0": "ocds/release-schema-1.0.3.json", "1.1": "ocds/release-schema-1.1.5.json"}
UNPACKAGED_VERSION = "1.1"  # a release or record without its package cannot say; the current minor version


@dataclass
class Source:
    """Where a compiled release came from: file, JSON document (1-based), and the OCDS version declared there."""

    file: str
    document: int
    version: str = UNPACKAGED_VERSION


@dataclass
class Rejection:
    """A document, record or release whose awards are not read from it, and why."""

    source: Source
    reason: str
    ocid: str | None = None

    def row(self) -> dict:
        return {
            "source_file": self.source.file,
            "source_row": self.source.document,
            "contract_id": self.ocid or "",
            "source_problem": self.reason,
        }


@cache
def shipped_merger(version: str) -> ocdsmerge.Merger:
    """ocdsmerge with the merge rules of the shipped schema for `version` (1.0, or 1.1 for anything newer)."""
    return ocdsmerge.Merger(schema=json.loads(data_text(SHIPPED_SCHEMAS["1.0" if version == "1.0" else "1.1"])))


def compiled_releases(paths: list[Path], schema: str | None = None) -> Iterator[tuple[dict, Source] | Rejection]:
    """(compiled release, source) for every ocid in the files, and a Rejection for every document, record or
    release not used, with its reason. Releases wait on disk until every file is read."""
    with tempfile.TemporaryDirectory(prefix="ocds-") as directory:
        spill = Spill(Path(directory))
        try:
            for path in paths:
                yield from _file(path, spill)
            spill.finish()
            yield from _published(spill)
            yield from _merged(spill, ocdsmerge.Merger(schema=schema) if schema else None)
        finally:
            spill.close()


def _file(path: Path, spill: Spill) -> Iterator[Rejection]:
    documents, head = 0, None
    try:
        for part in read_documents(path):
            if isinstance(part, Element):
                head = part.head
                yield from _element(part, path.name, spill)
            else:
                documents, head = part.number, None
                yield from _document(part, path.name, spill)
    except ContractFileError as err:  # the rest of this file is unreadable; the other files still load
        if head is not None:  # a package cut short: the releases read whole before the error are kept
            spill.set_version(path.name, documents + 1, _package_version(head))
        yield Rejection(Source(path.name, documents + 1), f"{err}: the rest of the file is not read")
        return
    if documents == 0:
        yield Rejection(Source(path.name, 0), "the file holds no JSON document")


def _package_version(package: dict) -> str:
    """The OCDS version a package declares: none declared is 1.0, as the standard says."""
    return str(package.get("version") or "1.0")


def _element(element: Element, file: str, spill: Spill) -> Iterator[Rejection]:
    """File one element of a document's releases or records array as it is read."""
    value = element.value
    if element.array == "records":
        yield from _add_record(value, Source(file, element.document), spill)
    elif isinstance(value, dict) and "ocid" in value:  # a linked release (url, date, tag) has no data
        spill.add_release(value["ocid"], file, element.document, "releases", value)


def _document(document: Document, file: str, spill: Spill) -> Iterator[Rejection]:
    """What a whole document is, now its keys are read: a package, a record, a release, or a rejection."""
    source, head = Source(file, document.number), document.head
    if head is None:
        yield Rejection(source, f"a JSON {document.type_name}, not an OCDS object")
    elif "records" in document.streamed:
        if "releases" in document.streamed:  # a record package's records hold its releases
            spill.refile(file, document.number, None)
        spill.set_version(file, document.number, _package_version(head))
    elif isinstance(head.get("compiledRelease"), dict) or ("ocid" in head and "releases" in document.streamed):
        # A record without its package (publishers serve one record per URL): the ocid is its own or its
        # compiled release's, and a release package never has one.
        spill.set_version(file, document.number, UNPACKAGED_VERSION)
        yield from _add_bare_record(head, source, spill)
    elif "releases" in document.streamed:
        spill.set_version(file, document.number, _package_version(head))
    elif "ocid" in head and _is_versioned(head):
        yield Rejection(source, "a versioned release: awards are read from releases or compiled releases")
    elif "ocid" in head:
        if "compiled" in (head.get("tag") or []):
            spill.add_compiled(head["ocid"], file, document.number, head)
        else:
            spill.set_version(file, document.number, UNPACKAGED_VERSION)
            spill.add_release(head["ocid"], file, document.number, "document", head)
    else:
        yield Rejection(source, "neither a release, a record nor a package (no ocid, releases or records)")


def _is_versioned(document: dict) -> bool:
    return any(
        isinstance(v, list) and v and isinstance(v[0], dict) and "releaseDate" in v[0] for v in document.values()
    )


def _record_ocid(record: dict) -> str | None:
    compiled_release = record.get("compiledRelease")
    return record.get("ocid") or (compiled_release.get("ocid") if isinstance(compiled_release, dict) else None)


def _add_record(record: object, source: Source, spill: Spill) -> Iterator[Rejection]:
    """File a record of a record package: its compiled release, or else its embedded releases."""
    if not isinstance(record, dict):
        yield Rejection(source, f"a record that is a JSON {type(record).__name__}, not an object")
        return
    ocid = _record_ocid(record)
    if not ocid:
        yield Rejection(source, "a record without an ocid")
    elif isinstance(record.get("compiledRelease"), dict):
        spill.add_compiled(ocid, source.file, source.document, record["compiledRelease"])
    else:
        releases = [r for r in record.get("releases") or [] if isinstance(r, dict) and "ocid" in r]
        for release in releases:
            spill.add_release(ocid, source.file, source.document, "record", release)
        if not releases:
            yield Rejection(source, f"record {ocid} has neither a compiledRelease nor embedded releases")


def _add_bare_record(record: dict, source: Source, spill: Spill) -> Iterator[Rejection]:
    """File a record served alone, whose releases were filed under their own ocid as they were read."""
    ocid = _record_ocid(record)
    if not ocid:
        spill.refile(source.file, source.document, None)
        yield Rejection(source, "a record without an ocid")
    elif isinstance(record.get("compiledRelease"), dict):
        spill.refile(source.file, source.document, None)  # the publisher's compiled release is used as published
        spill.add_compiled(ocid, source.file, source.document, record["compiledRelease"])
    elif not spill.refile(source.file, source.document, ocid):
        yield Rejection(source, f"record {ocid} has neither a compiledRelease nor embedded releases")


def _published(spill: Spill) -> Iterator[tuple[dict, Source] | Rejection]:
    """The last compiled release published for each ocid (files are read in name order); each earlier one is
    rejected as superseded by the one after it."""
    for ocid, rows in groupby(spill.compiled(), key=lambda row: row[0]):
        rows = list(rows)
        for (_, file, document, _), (_, later_file, later_document, _) in pairwise(rows):
            yield Rejection(
                Source(file, document), f"compiled release superseded by {later_file} document {later_document}", ocid
            )
        _, file, document, data = rows[-1]
        yield json.loads(data), Source(file, document)


def _merged(spill: Spill, given: ocdsmerge.Merger | None) -> Iterator[tuple[dict, Source] | Rejection]:
    """Each ocid's releases compiled into one, unless the publisher's compiled release supersedes them."""
    for ocid, rows in groupby(spill.releases(), key=lambda row: row[0]):
        rows = list(rows)
        sources = [Source(file, document, version) for _, file, document, version, _, _ in rows]
        if rows[0][5]:
            yield from (
                Rejection(source, "release superseded by the published compiled release", ocid) for source in sources
            )
            continue
        merger = given or shipped_merger(max(source.version for source in sources))
        listed_under = sources[-1]
        yield merger.create_compiled_release([json.loads(row[4]) for row in rows]), listed_under
        # Releases of the ocid in other documents (another file, an earlier package) are accounted for there too.
        elsewhere = {
            (s.file, s.document): s
            for s in sources
            if (s.file, s.document) != (listed_under.file, listed_under.document)
        }
        yield from (
            Rejection(
                source,
                f"release merged into the compiled release of this ocid, whose awards are "
                f"listed under {listed_under.file} document {listed_under.document}",
                ocid,
            )
            for source in elsewhere.values()
        )

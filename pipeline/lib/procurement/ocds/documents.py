"""The JSON documents of an OCDS file, streamed with ijson: a package's releases or records one at a time.

A file holds one JSON document, several in a row, or one per line. A document's `releases` and `records` arrays
are not held: their elements are yielded as they are read, each with the document's other keys read so far
(`head`); everything else of the document is small and is read whole. Files are UTF-8 (with or without BOM),
UTF-16, or a legacy 8-bit encoding, found by reading the file through once before parsing it.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ijson

from pipeline.lib.errors import first_line
from pipeline.lib.procurement.contracts import ContractFileError

STREAMED_ARRAYS = ("releases", "records")
CHUNK = 1 << 16
_STARTS, _ENDS = {"start_map", "start_array"}, {"end_map", "end_array"}


@dataclass
class Element:
    """One element of a document's `releases` or `records` array; `head` is the document's keys read so far."""

    document: int
    array: str
    value: object
    head: dict


@dataclass
class Document:
    """A JSON document, read to its end: an object's keys but the streamed arrays (whose elements came as
    Element before it), or for any other JSON value, the name of its Python type."""

    number: int
    head: dict | None = None
    streamed: set[str] = field(default_factory=set)
    type_name: str = "dict"


def file_encoding(path: Path) -> str:
    """UTF-16 by its byte order mark, else UTF-8 if every byte decodes, else cp1252, else Latin-1."""
    with path.open("rb") as file:
        if file.read(2) in (b"\xff\xfe", b"\xfe\xff"):
            return "utf-16"
    # JSON declares no encoding; publishers that do not use UTF-8 use a Latin script code page.
    for encoding in ("utf-8-sig", "cp1252"):
        if _decodes(path, encoding):
            return encoding
    return "latin-1"  # every byte is a Latin-1 character


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as file:
            while chunk := file.read(1 << 20):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


class _Utf8Reader:
    """A file in another encoding, read as the UTF-8 bytes ijson parses."""

    def __init__(self, path: Path, encoding: str):
        self.text = io.TextIOWrapper(path.open("rb"), encoding=encoding, newline="")

    def read(self, size: int = -1) -> bytes:
        return self.text.read(size).encode("utf-8")

    def close(self) -> None:
        self.text.close()


def open_utf8(path: Path, encoding: str):
    """The file as UTF-8 bytes, without a byte order mark."""
    if encoding != "utf-8-sig":
        return _Utf8Reader(path, encoding)
    file = path.open("rb")
    if file.read(3) != codecs.BOM_UTF8:
        file.seek(0)
    return file


def read_documents(path: Path) -> Iterator[Element | Document]:
    """The documents of a file, numbered from 1, each after the elements of its streamed arrays.

    A file that is not JSON from some point on raises ContractFileError naming the line; what came before is
    yielded first.
    """
    encoding = file_encoding(path)
    stream = open_utf8(path, encoding)
    try:
        events = ijson.basic_parse(stream, multiple_values=True, use_float=True)
        number = 0
        for event, value in events:
            number += 1
            if event == "start_map":
                yield from _object(number, events)
            else:
                _value(events, event, value, build=False)
                yield Document(number, type_name="list" if event == "start_array" else type(value).__name__)
    except ijson.JSONError as err:
        if number == 0 and _is_blank(path, encoding):
            return  # an empty file holds no document (ijson calls it premature EOF)
        line = _error_line(path, encoding)
        reason = first_line(err).rstrip(".")
        raise ContractFileError(f"{path} line {line}: not JSON ({reason})") from None
    except UnicodeError as err:
        raise ContractFileError(f"{path}: not text in {encoding} ({err.reason})") from None
    finally:
        stream.close()


def _object(number: int, events) -> Iterator[Element | Document]:
    head, streamed = {}, set()
    for event, key in events:
        if event == "end_map":
            break
        event, value = next(events)
        if key in STREAMED_ARRAYS and event == "start_array":
            streamed.add(key)
            for event, value in events:
                if event == "end_array":
                    break
                yield Element(number, key, _value(events, event, value), head)
        else:
            head[key] = _value(events, event, value)
    yield Document(number, head, streamed)


def _value(events, event: str, value: object, build: bool = True) -> object:
    """The JSON value that starts with (event, value), read to its end; not built when `build` is false."""
    if event not in _STARTS:
        return value
    builder = ijson.ObjectBuilder() if build else None
    depth = 0
    while True:
        if builder:
            builder.event(event, value)
        if event in _STARTS:
            depth += 1
        elif event in _ENDS:
            depth -= 1
            if not depth:
                return builder.value if builder else None
        event, value = next(events)


def _is_blank(path: Path, encoding: str) -> bool:
    stream = open_utf8(path, encoding)
    try:
        while chunk := stream.read(CHUNK):
            if chunk.strip():
                return False
        return True
    finally:
        stream.close()


def _error_line(path: Path, encoding: str) -> int:
    """The line where ijson first finds the file is not JSON.

    Two parsers read the file, the second a chunk behind the first; when the first fails, the second reads that
    chunk a byte at a time, and stops on the byte the error is at.
    """
    events = ijson.sendable_list()
    ahead, behind = (ijson.basic_parse_coro(events, multiple_values=True) for _ in range(2))
    stream, previous, lines = open_utf8(path, encoding), b"", 1
    try:
        while chunk := stream.read(CHUNK):
            try:
                ahead.send(chunk)
            except ijson.JSONError:
                break
            if previous:  # an empty chunk would tell the parser the file has ended
                behind.send(previous)
            events.clear()
            lines += previous.count(b"\n")
            previous = chunk
        else:
            try:
                ahead.close()
            except ijson.JSONError:  # the file ends inside a document
                pass
            return lines + previous.count(b"\n")
        if previous:
            behind.send(previous)
        lines += previous.count(b"\n")
        for at in range(len(chunk)):
            try:
                behind.send(chunk[at : at + 1])
            except ijson.JSONError:
                return lines + chunk.count(b"\n", 0, at)
            events.clear()
        return lines + chunk.count(b"\n")
    finally:
        stream.close()

"""The encoding a contracts file is read in: one lookup and one hint for every reader that takes a declared
encoding (the normalised CSV, Chinese notices)."""

from __future__ import annotations

import codecs

# Shown where bytes are not UTF-8 and no other encoding was declared. GB18030 is a superset of GBK and GB2312.
NOT_UTF8_HINT = "; declare the file's encoding (gb18030 reads GBK and most other Chinese files that are not UTF-8)"


class UnknownEncodingError(ValueError):
    """An encoding Python does not know; the message names it and what to use."""


def codec_name(encoding: str | None) -> str:
    """Python's name for `encoding`, UTF-8 when None; UTF-8 with a byte-order mark counts as UTF-8."""
    try:
        name = codecs.lookup(encoding or "utf-8").name
    except LookupError:
        raise UnknownEncodingError(
            f'encoding {encoding!r} is not one Python knows; use e.g. "utf-8", "gbk" or "gb18030"'
        ) from None
    return "utf-8" if name in ("utf-8", "utf-8-sig") else name


def label(codec: str) -> str:
    """How a message names the encoding: UTF-8, GBK, GB18030."""
    return "UTF-8" if codec == "utf-8" else codec.upper()

"""Source document parsers: bytes or text of one article -> ``records.DocumentRecord``.

Pure Python (no Django). ``parse`` reads both formats: *structured* (``= Title =``, an ``Infobox``
block of ``- Key: value`` lines, ``==Sections==``) and *plain* (a scraped article whose first line
is the flattened infobox run into the lead sentence).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from .records import Block, DocumentRecord, ParseError, PartialDate, Problem
from .text import decode

PARSER_VERSION = "1"

__all__ = ["PARSER_VERSION", "ParseError", "detect_format", "parse"]

_TITLE_LINE = re.compile(r"^=(?!=)\s*\S.*?=\s*$")


def detect_format(text: str) -> str:
    """``"structured"`` when the first non-blank line is a ``= Title =`` line or the document has an
    ``Infobox`` line followed by ``- Key: value`` lines; otherwise ``"plain"``."""
    lines = [ln.strip() for ln in text.lstrip("\ufeff").split("\n")]
    first = next((ln for ln in lines if ln), "")
    if _TITLE_LINE.match(first):
        return "structured"
    for i, ln in enumerate(lines[:-1]):
        if ln.lower() == "infobox" and re.match(r"^-\s*\w[\w ]*:", lines[i + 1]):
            return "structured"
    return "plain"


def _extract_events(blocks: list[Block], start: PartialDate | None, end: PartialDate | None,
                    year: int | None, problems: list[Problem]):
    try:
        from .events import extract_events
    except ImportError:  # the event extractor is not there yet: infobox parts still work
        return []
    try:
        return extract_events(blocks, start=start, end=end, year=year)
    except Exception as exc:  # noqa: BLE001 - one bad paragraph must not lose the whole document
        problems.append(Problem(blocks[0].line if blocks else 1, f"event extraction failed: {exc!r}"))
        return []


def parse(data: bytes | str, *, name: str = "", format: str = "auto",
          known_forces: Iterable[str] = ()) -> DocumentRecord:
    """Parse one source document.

    ``data``: the file's bytes (decoded with ``text.decode``) or already decoded text (a BOM and
    CRLF line endings are normalised the same way). ``name`` is used in error messages only.
    ``known_forces``: names and aliases already known (plain format: used to split runs of names).
    Raises ``ParseError`` (with a line number where there is one) for a document that cannot be
    read at all; anything else that goes wrong is a ``Problem`` in ``DocumentRecord.problems``.
    """
    if isinstance(data, bytes | bytearray):
        text, _encoding = decode(bytes(data))
    else:
        text = data.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise ParseError("the document is empty", 1)
    if format == "auto":
        format = detect_format(text)
    if format == "structured":
        from .structured import parse_structured

        doc, blocks = parse_structured(text)
        year = doc.start.date.year if doc.start else None
        doc.events = _extract_events(blocks, doc.start, doc.end, year, doc.problems)
    elif format == "plain":
        from .plain import parse_plain

        doc, blocks = parse_plain(text, known_forces=known_forces)
        doc.events = _extract_events(blocks, None, None, None, doc.problems)
    else:
        raise ValueError(f"unknown format {format!r} (expected 'auto', 'structured' or 'plain')")
    return doc

"""Source document parsers: bytes or text of one article -> ``records.DocumentRecord``.

Pure Python (no Django). ``parse`` reads both formats: *structured* (``= Title =``, an ``Infobox``
block of ``- Key: value`` lines, ``==Sections==``) and *plain* (a scraped article whose first line
is the flattened infobox run into the lead sentence).

``PARSER_VERSION`` is derived from the parser's own source (``source_version``), so any change to a
module of this package makes the next import re-parse documents whose bytes did not change.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from .events import extract_events
from .plain import parse_plain
from .records import Block, DocumentRecord, ParseError, PartialDate, Problem
from .structured import parse_structured
from .text import decode_report


def source_version(folder: Path) -> str:
    """12 hex digits of the sha256 of the ``.py`` files under ``folder`` (names and contents, in name
    order, line endings normalised): a different parser source gives a different version."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py"), key=lambda p: p.relative_to(folder).as_posix()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()[:12]


PARSER_VERSION = source_version(Path(__file__).resolve().parent)

__all__ = ["PARSER_VERSION", "ParseError", "detect_format", "parse", "source_version"]

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
        return extract_events(blocks, start=start, end=end, year=year)
    except Exception as exc:  # noqa: BLE001 - one bad paragraph must not lose the whole document
        problems.append(Problem(blocks[0].line if blocks else 1, f"event extraction failed: {exc!r}"))
        return []


def parse(data: bytes | str, *, name: str = "", format: str = "auto",
          known_forces: Iterable[str] = ()) -> DocumentRecord:
    """Parse one source document.

    ``data``: the file's bytes (decoded with ``text.decode_report``: bad bytes it replaced are
    problems of the document) or already decoded text (a BOM and CRLF line endings are normalised
    the same way). ``name`` is used in error messages only.
    ``known_forces``: names and aliases already known (plain format: used to split runs of names).
    Raises ``ParseError`` (with a line number where there is one) for a document that cannot be
    read at all; anything else that goes wrong is a ``Problem`` in ``DocumentRecord.problems``.
    """
    decoded = None
    if isinstance(data, bytes | bytearray):
        decoded = decode_report(bytes(data))
        text = decoded.text
    else:
        text = data.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise ParseError("the document is empty", 1)
    if format == "auto":
        format = detect_format(text)
    if format == "structured":
        doc, blocks = parse_structured(text)
        year = doc.start.date.year if doc.start else None
        doc.events = _extract_events(blocks, doc.start, doc.end, year, doc.problems)
    elif format == "plain":
        doc, blocks = parse_plain(text, known_forces=known_forces)
        doc.events = _extract_events(blocks, None, None, None, doc.problems)
    else:
        raise ValueError(f"unknown format {format!r} (expected 'auto', 'structured' or 'plain')")
    if decoded is not None:
        doc.problems[:0] = decoded.problems
    return doc

"""Source document parsers: bytes or text of one article -> ``records.DocumentRecord``.

Pure Python (no Django). ``parse`` reads four formats: *structured* (``= Title =``, an ``Infobox``
block of ``- Key: value`` lines, ``==Sections==``), *plain* (a scraped article whose first line
is the flattened infobox run into the lead sentence), and the wiki's own: *wikitext* (one page's
MediaWiki markup, ``wikitext.py``) and *html* (a saved rendered page, ``html.py``). A wiki page is
rendered into the structured format (``rendering.py``) and read by the structured parser, so the
three renderings of one article give one extraction; ``DocumentRecord.text`` is the text spans
point into (for a wiki page, that readable rendering). An XML export of many pages is split into
pages by ``dump.py``.

``PARSER_VERSION`` is derived from the parser's own source (``source_version``), so any change to a
module of this package makes the next import re-parse documents whose bytes did not change.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .events import extract_events
from .html import looks_like_article, render_html
from .infodate import last_year
from .plain import parse_plain
from .records import Block, DocumentRecord, NotAnArticle, ParseError, PartialDate, Problem, SourceMeta
from .rendering import Rendering
from .structured import parse_structured
from .text import decode_report
from .wikitext import is_redirect, render_wikitext


def source_version(folder: Path) -> str:
    """12 hex digits of the sha256 of the ``.py`` files under ``folder`` (names and contents, in name
    order, line endings normalised): a different parser source gives a different version."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py"), key=lambda p: p.relative_to(folder).as_posix()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()[:12]


PARSER_VERSION = source_version(Path(__file__).resolve().parent)

__all__ = ["FORMATS", "PARSER_VERSION", "NotAnArticle", "ParseError", "Parsed", "SourceMeta", "detect_format",
           "parse", "read", "read_in_worker", "render", "source_version"]

#: What ``parse(format=...)`` and ``import_sources --format`` accept.
FORMATS = ("auto", "structured", "plain", "wikitext", "html")
WIKI_FORMATS = ("wikitext", "html")

_TITLE_LINE = re.compile(r"^=(?!=)\s*\S.*?=\s*$")
# Wikitext: a template or an internal link, and the markup of a page around it (a bold title, a
# heading, a redirect).
_TEMPLATE = re.compile(r"\{\{\s*[^{}|\n]{1,80}[|}]")
_LINK = re.compile(r"\[\[[^\[\]\n]{1,300}\]\]")
_WIKI_MARKUP = re.compile(r"'{3}|^={2,5}[^=\n]+={2,5}\s*$|^#redirect\s*\[\[", re.MULTILINE | re.IGNORECASE)
#: How much of a document ``detect_format`` reads: a page's first 64K characters decide.
SNIFF_CHARS = 65536


def detect_format(text: str) -> str:
    """The format of a document, from its content (a file's extension is only a hint):

    ``"html"``: a saved page (a doctype or ``<html>`` with wiki article markup); ``"structured"``: the
    first non-blank line is a ``= Title =`` line, or an ``Infobox`` line is followed by ``- Key:
    value`` lines; ``"wikitext"``: MediaWiki markup (templates or links, with a bold title, headings
    or a redirect); otherwise ``"plain"``."""
    head = text[:SNIFF_CHARS].lstrip("\ufeff")
    if looks_like_article(head):
        return "html"
    lines = [ln.strip() for ln in head.split("\n")]
    first = next((ln for ln in lines if ln), "")
    if _TITLE_LINE.match(first):
        return "structured"
    for i, ln in enumerate(lines[:-1]):
        if ln.lower() == "infobox" and re.match(r"^-\s*\w[\w ]*:", lines[i + 1]):
            return "structured"
    if (_TEMPLATE.search(head) or _LINK.search(head)) and _WIKI_MARKUP.search(head):
        return "wikitext"
    return "plain"


def _extract_events(blocks: list[Block], start: PartialDate | None, end: PartialDate | None,
                    year: int | None, problems: list[Problem]):
    try:
        return extract_events(blocks, start=start, end=end, year=year)
    except Exception as exc:  # noqa: BLE001 - one bad paragraph must not lose the whole document
        problems.append(Problem(blocks[0].line if blocks else 1, f"event extraction failed: {exc!r}"))
        return []


def render(text: str, format: str, *, title: str | None = None, meta: SourceMeta | None = None) -> Rendering:
    """A wiki page (``format`` ``"wikitext"`` or ``"html"``) rendered into the structured format.

    ``meta``: what the caller knows of the page (an export's revision, an option's URL); it fills
    what the page does not say of itself. Raises ``NotAnArticle`` for a redirect or a page without a
    military-conflict infobox, ``ParseError`` for a page that cannot be read."""
    if format == "wikitext":
        target = is_redirect(text)
        if target is not None:
            raise NotAnArticle("redirect", f"to {target}")
        rendering = render_wikitext(text, title=title, meta=meta)
    else:
        rendering = render_html(text)
        for key, value in vars(meta or SourceMeta()).items():
            if value is not None and getattr(rendering.meta, key) is None:
                setattr(rendering.meta, key, value)
    if not rendering.offensive:
        raise NotAnArticle("not an offensive", "the page has no military-conflict infobox")
    return rendering


def parse(data: bytes | str, *, name: str = "", format: str = "auto", known_forces: Iterable[str] = (),
          title: str | None = None, meta: SourceMeta | None = None) -> DocumentRecord:
    """Parse one source document.

    ``data``: the file's bytes (decoded with ``text.decode_report``: bad bytes it replaced are
    problems of the document) or already decoded text (a BOM and CRLF line endings are normalised
    the same way). ``name`` is used in error messages only.
    ``known_forces``: names and aliases already known (plain format: used to split runs of names).
    ``title`` and ``meta``: what is known of a wiki page from outside it (an export's page title and
    revision; a wikitext file carries no title of its own).
    Raises ``ParseError`` (with a line number where there is one) for a document that cannot be
    read at all and ``NotAnArticle`` for a wiki page that is not an offensive's article; anything
    else that goes wrong is a ``Problem`` in ``DocumentRecord.problems``.
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
    if format in WIKI_FORMATS:
        rendering = render(text, format, title=title, meta=meta)
        doc, blocks = parse_structured(rendering.text)
        year = doc.start.date.year if doc.start else None
        doc.events = _extract_events(blocks, doc.start, doc.end, year, doc.problems)
        doc.format, doc.text, doc.meta = format, rendering.text, rendering.meta
        doc.coordinates = doc.coordinates or rendering.coordinates
        doc.problems[:0] = rendering.problems
    elif format == "structured":
        doc, blocks = parse_structured(text)
        year = doc.start.date.year if doc.start else None
        doc.events = _extract_events(blocks, doc.start, doc.end, year, doc.problems)
        doc.text = text
    elif format == "plain":
        doc, blocks = parse_plain(text, known_forces=known_forces)
        # the infobox's period where the page has one; else the title's year dates "On 5 June"
        # ("Manbij offensive (2016)")
        year = doc.start.date.year if doc.start else last_year(doc.title)
        if any(f.key == "Date" for f in doc.fields):
            # a rendered infobox's Date is the offensive's period, as in a structured document
            doc.events = _extract_events(blocks, doc.start, doc.end, year, doc.problems)
        else:
            doc.events = _extract_events(blocks, None, None, year, doc.problems)
        doc.text = text
    else:
        raise ValueError(f"unknown format {format!r} (expected one of {', '.join(FORMATS)})")
    if decoded is not None:
        doc.problems[:0] = decoded.problems
    return doc


@dataclass
class Parsed:
    """A document's bytes read: ``text`` (what spans point into), the ``encoding`` they were decoded
    from, and the ``record``."""

    text: str
    encoding: str
    record: DocumentRecord


def read(data: bytes, *, name: str = "", format: str = "auto", known_forces: Iterable[str] = (),
         title: str | None = None, meta: SourceMeta | None = None) -> Parsed:
    """``parse`` of a file's bytes, with the decoder's problems first among the record's. Raises
    ``ParseError`` (a parser bug on odd input becomes one too, so one file never stops the others)
    and ``NotAnArticle``."""
    try:
        decoded = decode_report(data)
        record = parse(decoded.text, name=name, format=format, known_forces=known_forces, title=title, meta=meta)
    except (ParseError, NotAnArticle):
        raise
    except Exception as exc:
        raise ParseError(f"the parser failed on this document ({type(exc).__name__}: {exc})") from exc
    record.problems[:0] = decoded.problems
    return Parsed(record.text, decoded.encoding, record)


def read_in_worker(data: bytes, format: str, title: str | None, meta: SourceMeta | None
                   ) -> Parsed | tuple[str, str, str | int | None] | None:
    """``read`` in a worker process (``import_sources --jobs``): the ``Parsed`` document, or the error as
    plain values (``("parse", message, line)``, ``("skip", kind, detail)``), which pickle exactly; None
    for a plain document, whose reading depends on the documents loaded before it (the forces they
    taught split its runs of names): the loading process reads it, in order."""
    try:
        if format == "auto" and detect_format(decode_report(data).text) == "plain":
            return None     # its runs of names are split with the forces earlier documents taught: read in order
        return read(data, format=format, title=title, meta=meta)
    except ParseError as exc:
        return ("parse", exc.message, exc.line)
    except NotAnArticle as exc:
        return ("skip", exc.kind, exc.detail)


def from_worker(result: Parsed | tuple) -> Parsed:
    """What ``read_in_worker`` returned, as ``read`` would have: the ``Parsed`` document, or its error raised."""
    if isinstance(result, Parsed):
        return result
    what, first, second = result
    if what == "skip":
        raise NotAnArticle(first, second)
    raise ParseError(first, second)

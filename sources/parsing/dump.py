"""MediaWiki XML exports (``Special:Export``, dump files), read page by page in bounded memory.

``read_export(stream, max_bytes=...)`` yields a ``SiteInfo`` and then one ``Page`` per ``<page>``
element, as the bytes arrive: the file is never held whole, and a page's text is kept only up to
``max_bytes`` (a larger page is yielded with its ``error``, its text dropped as it streams by). The
XML is read with ``defusedxml``'s SAX parser: no DTD entities, no external resources. A file that is
cut, or broken in the middle, yields the pages read before the break and then one ``Page`` with the
error (the page it broke in, and the line).

``open_export(path)`` opens a plain, bzip2 or gzip file by its first bytes; ``is_export(prefix)``
tells an export from other XML by its first bytes. Pure Python: no Django.
"""
from __future__ import annotations

import bz2
import datetime
import gzip
import io
import xml.sax
import xml.sax.expatreader
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import defusedxml.sax
from defusedxml.common import DefusedXmlException

from .records import SourceMeta
from .rendering import WIKIPEDIA_LICENCE

#: Bytes read per step; the parser holds at most this much beyond the current page.
CHUNK = 1 << 16
_BZ2, _GZIP = b"BZh", b"\x1f\x8b"


@dataclass
class SiteInfo:
    """The ``<siteinfo>`` of an export: the wiki's name and the URL of its main page."""

    sitename: str = ""
    base: str = ""          # e.g. https://en.wikipedia.org/wiki/Main_Page

    def url_of(self, title: str) -> str | None:
        """The canonical URL of a page of this wiki (``base`` with the page's title), or None."""
        if "/wiki/" not in self.base:
            return None
        return self.base[:self.base.index("/wiki/") + 6] + quote(title.replace(" ", "_"), safe="()_,'!*:;@$-.~")

    @property
    def licence(self) -> str | None:
        host = urlsplit(self.base).hostname or ""
        return WIKIPEDIA_LICENCE if host == "wikipedia.org" or host.endswith(".wikipedia.org") else None


@dataclass
class Page:
    """One ``<page>`` of an export, with its latest revision (an export may hold several: the last wins)."""

    title: str = ""
    ns: int = 0
    page_id: int | None = None
    redirect: str | None = None
    revision_id: int | None = None
    timestamp: datetime.datetime | None = None
    text: str = ""
    size: int = 0           # characters of text seen (all of them, also those dropped past the limit)
    line: int = 1           # the line of the export where the page starts
    error: str = ""         # why the page cannot be read (too large, the file broke inside it)
    extra: dict = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        """``Page_title.wiki``: how the page is named in reports (spaces as underscores; a ``/`` in a
        subpage title becomes ``%2F`` so the name stays one path segment)."""
        return self.title.replace(" ", "_").replace("/", "%2F") + ".wiki"

    def meta(self, site: SiteInfo) -> SourceMeta:
        return SourceMeta(title=self.title, canonical_url=site.url_of(self.title), revision_id=self.revision_id,
                          revision_time=self.timestamp, licence=site.licence, site=site.sitename or None)


def open_export(path: Path) -> io.BufferedIOBase:
    """The export at ``path``, decompressed as its first bytes say (bzip2, gzip or none)."""
    raw = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    magic = raw.peek(3)[:3] if hasattr(raw, "peek") else b""
    if magic.startswith(_BZ2):
        return bz2.BZ2File(raw)
    if magic.startswith(_GZIP):
        return gzip.GzipFile(fileobj=raw)
    return raw


def decompressed_prefix(prefix: bytes) -> bytes:
    """The first bytes of a (possibly compressed) file's content, as far as ``prefix`` holds them."""
    try:
        if prefix.startswith(_BZ2):
            return bz2.BZ2Decompressor().decompress(prefix)
        if prefix.startswith(_GZIP):
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(prefix)   # a cut stream is no error here
    except (OSError, EOFError, ValueError, zlib.error):
        return b""
    return prefix


def is_export(prefix: bytes) -> bool:
    """Whether a file's first bytes (compressed or not) open a MediaWiki export. A bzip2 file's first
    block must be read whole to be decompressed: give ``is_export_file`` its path."""
    head = decompressed_prefix(prefix)[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and b"<mediawiki" in head


def is_export_file(path: Path, prefix: bytes) -> bool:
    """``is_export`` for the file at ``path`` whose first bytes are ``prefix``: a bzip2 file is opened
    and its first 4K decompressed (one block, at most 900K of input)."""
    if not prefix.startswith(_BZ2):
        return is_export(prefix)
    try:
        with open_export(path) as stream:
            return is_export(stream.read(4096))
    except (OSError, EOFError, ValueError):
        return False


class _Handler(xml.sax.handler.ContentHandler):
    """Collects pages as the parser reads them; ``ready`` holds those complete."""

    def __init__(self, max_bytes: int):
        super().__init__()
        self.max_bytes = max_bytes
        self.site = SiteInfo()
        self.site_done = False
        self.ready: list[Page | SiteInfo] = []
        self.page: Page | None = None
        self.path: list[str] = []
        self.buffer: list[str] = []
        self.kept = 0
        self.locator = None

    def setDocumentLocator(self, locator):  # noqa: N802 - SAX's name
        self.locator = locator

    def startElement(self, name, attrs):  # noqa: N802
        name = name.rpartition(":")[2]
        self.path.append(name)
        self.buffer, self.kept = [], 0
        if name == "page":
            self.page = Page(line=self.locator.getLineNumber() if self.locator else 1)
        elif name == "redirect" and self.page is not None:
            self.page.redirect = attrs.get("title") or ""
        elif name == "revision" and self.page is not None:
            # a later revision of the page replaces the earlier one's text
            self.page.text, self.page.size, self.page.error = "", 0, ""

    def characters(self, content):
        if self.page is not None and self.path[-1:] == ["text"]:
            self.page.size += len(content)
            if self.page.size > self.max_bytes:
                if not self.page.error:
                    self.page.error = (f"refused: the page is longer than the limit of {self.max_bytes:,} bytes "
                                       "per document (--max-bytes); its text was not kept")
                self.buffer = []
                return
        if self.kept < 4 * CHUNK or self.path[-1:] == ["text"]:   # only text may be long
            self.buffer.append(content)
            self.kept += len(content)

    def endElement(self, name):  # noqa: N802
        name = name.rpartition(":")[2]
        value = "".join(self.buffer)
        self.buffer, self.kept = [], 0
        parent = self.path[-2] if len(self.path) > 1 else ""
        self.path.pop()
        page = self.page
        if parent == "siteinfo" and name in ("sitename", "base"):
            setattr(self.site, name, value.strip())
        elif name == "siteinfo":
            self.ready.append(self.site)
            self.site_done = True
        elif page is not None and parent == "page" and name in ("title", "ns", "id"):
            if name == "title":
                page.title = value.strip()
            elif name == "ns":
                page.ns = _int(value) or 0
            else:
                page.page_id = _int(value)
        elif page is not None and parent == "revision" and name in ("id", "timestamp", "text"):
            if name == "id":
                page.revision_id = _int(value)
            elif name == "timestamp":
                page.timestamp = _timestamp(value)
            elif not page.error:
                page.text = value
        elif name == "page" and page is not None:
            self.ready.append(page)
            self.page = None


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and len(value) < 20 else None


def _timestamp(value: str) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def read_export(stream: io.BufferedIOBase, *, max_bytes: int) -> Iterator[Page | SiteInfo]:
    """The ``SiteInfo`` (first, when the export has one) and the pages of an export, in file order.

    A break in the file (cut, bad XML, a forbidden entity) ends the reading: the pages before it
    have been yielded, then comes one ``Page`` naming the page it broke in, with ``error``."""
    handler = _Handler(max_bytes)
    parser = defusedxml.sax.make_parser()
    parser.setContentHandler(handler)
    handler.setDocumentLocator(xml.sax.expatreader.ExpatLocator(parser))   # only parse() would set it
    parser.setFeature(xml.sax.handler.feature_namespaces, False)
    try:
        while chunk := stream.read(CHUNK):
            parser.feed(chunk)
            yield from handler.ready
            handler.ready.clear()
        parser.close()
    except (xml.sax.SAXParseException, DefusedXmlException, OSError, EOFError) as exc:
        yield from handler.ready
        broken = handler.page or Page(title="", line=_line(exc, handler))
        where = f"line {_line(exc, handler)}"
        inside = f", inside the page {broken.title!r}" if broken.title else ""
        broken.error = f"the export breaks at {where}{inside}: {_reason(exc)}; the pages before it were read"
        broken.text = ""
        yield broken
        return
    yield from handler.ready


def _line(exc: Exception, handler: _Handler) -> int:
    if isinstance(exc, xml.sax.SAXParseException):
        return exc.getLineNumber()
    return handler.locator.getLineNumber() if handler.locator else 1


def _reason(exc: Exception) -> str:
    if isinstance(exc, xml.sax.SAXParseException):
        message = exc.getMessage()
        return "the file is cut (it ends before the XML closes)" if "no element found" in message or \
            "unclosed token" in message else f"not well-formed XML ({message})"
    if isinstance(exc, DefusedXmlException):
        return f"refused XML construct ({type(exc).__name__}: DTD entities are not read)"
    return f"the compressed file is damaged ({exc})"

"""Build a MediaWiki XML export (Special:Export / dump format 0.11) from wikitext pages.

Standard library only, so it runs without the project's virtualenv::

    python tests/formats/export/build_export.py /tmp/export.xml       # or .xml.bz2 / .xml.gz
    python tests/formats/export/build_export.py /tmp/export.xml --quiet

The output imitates what MediaWiki writes (``XmlDumpWriter``): a ``<siteinfo>`` block, then one
``<page>`` per title with a single ``<revision>``. Text is escaped the way MediaWiki escapes it
(``&amp; &lt; &gt; &quot;``), ``<text bytes=...>`` is the UTF-8 length of the wikitext and ``<sha1>``
is the SHA-1 of the UTF-8 text in base 36, zero-padded to 31 characters. Everything is fixed (ids,
timestamps, contributor), so the same pages always give the same bytes.

Not written: the ``<origin>`` element and the ``sha1`` attribute of ``<text>`` that recent Wikimedia
dumps add (neither is in export-0.11.xsd), ``<minor/>``, ``<restrictions>`` and ``<namespacealiases>``.
"""
from __future__ import annotations

import bz2
import gzip
import hashlib
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
EXPORT_NS = "http://www.mediawiki.org/xml/export-0.11/"
GENERATOR = "MediaWiki 1.43.0-wmf.3"
CONTRIBUTOR = ("FormatsFixtureBot", 48151623)
COMMENT = "Fixture revision for tests/formats/export"
SOURCES = ("tests/formats/wikitext", "tests/formats/export/pages")

# (key, name) of the namespaces English Wikipedia declares; 4 and 5 take the site name.
NAMESPACES: tuple[tuple[int, str], ...] = (
    (-2, "Media"), (-1, "Special"), (0, ""), (1, "Talk"), (2, "User"), (3, "User talk"),
    (4, "{site}"), (5, "{site} talk"), (6, "File"), (7, "File talk"), (8, "MediaWiki"),
    (9, "MediaWiki talk"), (10, "Template"), (11, "Template talk"), (12, "Help"), (13, "Help talk"),
    (14, "Category"), (15, "Category talk"), (100, "Portal"), (101, "Portal talk"), (118, "Draft"),
    (119, "Draft talk"), (710, "TimedText"), (711, "TimedText talk"), (828, "Module"),
    (829, "Module talk"),
)

# What each page in pages/ is (README "Export pages"). "offensive" and "war" pages carry
# {{Infobox military conflict}} and are expected to be imported; "other" pages are not offensives;
# "broken" pages are for the error tests.
PAGE_KINDS: dict[str, str] = {
    **dict.fromkeys([
        "2023 Ukrainian counteroffensive", "Battle of Kirkuk (2017)", "Battle of Kunduz (2015)",
        "Battle of Mogadishu (1993)", "Battle of Vukovar", "Easter Offensive", "Operation Bagration",
        "Operation Storm", "Operation Uranus", "Second Battle of Donetsk Airport", "Tet Offensive",
    ], "offensive"),
    **dict.fromkeys(["Syrian civil war", "War in Donbas"], "war"),
    **dict.fromkeys([
        # commanders ({{Infobox military person}})
        "Ante Gotovina", "Friedrich Paulus", "Georgy Zhukov", "Konstantin Rokossovsky",
        "Valerii Zaluzhnyi", "Võ Nguyên Giáp",
        # places ({{Infobox settlement}}, {{Infobox airport}})
        "Debaltseve", "Donetsk International Airport", "Fallujah", "Kunduz", "Kursk", "Palmyra", "Vukovar",
        # units and factions ({{Infobox military unit}}, {{Infobox war faction}})
        "1st Belorussian Front", "1st Marine Division (United States)", "6th Army (Wehrmacht)",
        "French Foreign Legion", "Syrian Democratic Forces",
        # weapons ({{Infobox weapon}}) and a treaty ({{Infobox treaty}})
        "BM-21 Grad", "M142 HIMARS", "M1 Abrams", "T-34", "Minsk II",
        # a list, two disambiguation pages, a category-like page, a stub, a bare transclusion
        "List of battles of the Korean War", "Battle of Fallujah", "Battle of Kharkov",
        "Offensives of the Eastern Front (World War II)", "Svitlodarsk", "Battles of the War in Donbas",
    ], "other"),
    "Debaltseve offensive": "redirect",
    **dict.fromkeys(["Broken infobox page", "Broken markup page"], "broken"),
}

# What MediaWiki accepts as a redirect: "#REDIRECT [[Target]]" at the very start, any case, optional colon.
REDIRECT = re.compile(r"\A\s*#REDIRECT\s*:?\s*\[\[([^\[\]{}|<>\n]+)(?:\|[^\]]*)?\]\]", re.IGNORECASE)
TIMESTAMP = re.compile(r"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")
# characters XML 1.0 cannot carry, even escaped
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# characters MediaWiki does not allow in titles
BAD_TITLE = re.compile(r"[\[\]{}|<>#\x00-\x1f\x7f]")


def _esc(s: str) -> str:
    """Escape as MediaWiki does (htmlspecialchars): & < > and "; a carriage return is kept as &#13;."""
    return escape(s, {'"': "&quot;", "\r": "&#13;"})


def sha1_base36(text: str) -> str:
    """MediaWiki's ``rev_sha1``: SHA-1 of the UTF-8 text as a base-36 number, 31 digits, lower case."""
    n = int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16)
    digits = []
    while n:
        n, r = divmod(n, 36)
        digits.append("0123456789abcdefghijklmnopqrstuvwxyz"[r])
    return "".join(reversed(digits)).rjust(31, "0")


def normalize_title(title: str) -> str:
    """Title as MediaWiki stores it: underscores as spaces, spaces collapsed, first letter upper case."""
    title = " ".join(unicodedata.normalize("NFC", title).replace("_", " ").split())
    return title[:1].upper() + title[1:]


def redirect_target(text: str) -> str | None:
    """The target of a ``#REDIRECT [[...]]`` page (section fragment dropped), else None."""
    m = REDIRECT.match(text)
    if not m:
        return None
    target = normalize_title(m.group(1).split("#", 1)[0])
    return target or None


def _check_page(title: str, text: str) -> None:
    if not title or BAD_TITLE.search(title):
        raise ValueError(f"invalid page title {title!r}")
    bad = NOT_XML.search(text) or NOT_XML.search(title)
    if bad:
        raise ValueError(f"{title!r}: character U+{ord(bad.group()):04X} cannot be written in XML 1.0")


def build_export(
    pages: Iterable[tuple[str, str]],
    *,
    base: str = "https://en.wikipedia.org/wiki/Main_Page",
    sitename: str = "Wikipedia",
    dbname: str = "enwiki",
    first_page_id: int = 1000,
    first_rev_id: int = 1_200_000_000,
    timestamp: str = "2024-05-05T10:15:00Z",
) -> bytes:
    """The export document (UTF-8 bytes) holding ``pages`` as ``(title, wikitext)`` pairs.

    Pages are written in title order; page ``i`` (0-based, in that order) gets page id
    ``first_page_id + i`` and revision id ``first_rev_id + i``. Its ``<parentid>`` names an earlier
    revision that is not in the file, ``first_rev_id - len(pages) + i`` (left out when not positive),
    as Special:Export does when it exports the current revision only. The wikitext is written as given
    (MediaWiki itself strips trailing whitespace on save; ``corpus_pages`` does that). A text that
    starts with ``#REDIRECT [[...]]`` gives the page a ``<redirect title="..."/>``.
    """
    if not TIMESTAMP.match(timestamp):
        raise ValueError(f"timestamp must look like 2024-05-05T10:15:00Z, not {timestamp!r}")
    ordered = sorted(((str(t), str(x)) for t, x in pages), key=lambda p: p[0])
    seen: set[str] = set()
    for title, text in ordered:
        _check_page(title, text)
        if title in seen:
            raise ValueError(f"duplicate page title {title!r}")
        seen.add(title)

    out = [
        f'<mediawiki xmlns="{EXPORT_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{EXPORT_NS} http://www.mediawiki.org/xml/export-0.11.xsd" '
        'version="0.11" xml:lang="en">',
        "  <siteinfo>",
        f"    <sitename>{_esc(sitename)}</sitename>",
        f"    <dbname>{_esc(dbname)}</dbname>",
        f"    <base>{_esc(base)}</base>",
        f"    <generator>{GENERATOR}</generator>",
        "    <case>first-letter</case>",
        "    <namespaces>",
    ]
    for key, name in NAMESPACES:
        name = name.format(site=sitename)
        if name:
            out.append(f'      <namespace key="{key}" case="first-letter">{_esc(name)}</namespace>')
        else:
            out.append(f'      <namespace key="{key}" case="first-letter" />')
    out += ["    </namespaces>", "  </siteinfo>"]

    user, user_id = CONTRIBUTOR
    for i, (title, text) in enumerate(ordered):
        parent = first_rev_id - len(ordered) + i
        out += [
            "  <page>",
            f"    <title>{_esc(title)}</title>",
            "    <ns>0</ns>",
            f"    <id>{first_page_id + i}</id>",
        ]
        target = redirect_target(text)
        if target:
            out.append(f'    <redirect title="{_esc(target)}" />')
        out += ["    <revision>", f"      <id>{first_rev_id + i}</id>"]
        if parent > 0:
            out.append(f"      <parentid>{parent}</parentid>")
        out += [
            f"      <timestamp>{timestamp}</timestamp>",
            "      <contributor>",
            f"        <username>{_esc(user)}</username>",
            f"        <id>{user_id}</id>",
            "      </contributor>",
            f"      <comment>{_esc(COMMENT)}</comment>",
            "      <model>wikitext</model>",
            "      <format>text/x-wiki</format>",
        ]
        size = len(text.encode("utf-8"))
        if text:
            out.append(f'      <text bytes="{size}" xml:space="preserve">{_esc(text)}</text>')
        else:
            out.append('      <text bytes="0" xml:space="preserve" />')
        out += [f"      <sha1>{sha1_base36(text)}</sha1>", "    </revision>", "  </page>"]
    out.append("</mediawiki>")
    return ("\n".join(out) + "\n").encode("utf-8")


def read_wikitext(path: Path) -> str:
    """A page file's text as MediaWiki would store it: UTF-8, NFC, LF line ends, no trailing whitespace."""
    text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).rstrip()


def corpus_pages(root: Path) -> list[tuple[str, str]]:
    """Every ``tests/formats/wikitext/*.wiki`` and ``tests/formats/export/pages/*.wiki`` under ``root``.

    Title = file stem with underscores as spaces; sorted by title. The same title in both folders is
    an error (the export cannot hold two pages of one title).
    """
    pages: dict[str, tuple[str, Path]] = {}
    for folder in SOURCES:
        for path in sorted((Path(root) / folder).glob("*.wiki")):
            title = normalize_title(path.stem)
            if title in pages:
                raise ValueError(f"title {title!r} comes from both {pages[title][1]} and {path}")
            pages[title] = (read_wikitext(path), path)
    return sorted((title, text) for title, (text, _) in pages.items())


def truncate(data: bytes, at: float) -> bytes:
    """``data`` cut inside the text of one page, as a dump whose download stopped half-way.

    ``at`` (0 to 1) is how far into the file to cut. If that point falls inside a page's ``<text>``
    the cut is made there; otherwise in the middle of the first text that ends after it (the last
    text if none does). The cut never splits a UTF-8 character or an entity such as ``&amp;``, so the
    result is well-formed up to its abrupt end and fails only because it ends.
    """
    if not 0 <= at <= 1:
        raise ValueError(f"at must be between 0 and 1, not {at!r}")
    spans = [(m.start(1), m.end(1)) for m in re.finditer(rb"<text\b[^>]*(?<!/)>(.*?)</text>", data, re.S)]
    spans = [(s, e) for s, e in spans if e - s >= 2]
    if not spans:
        raise ValueError("no page text long enough to cut in")
    target = int(len(data) * at)
    start, end = next(((s, e) for s, e in spans if e > target), spans[-1])
    cut = target if start < target < end else (start + end) // 2
    while cut > start + 1 and data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte
        cut -= 1
    amp = data.rfind(b"&", start, cut)
    if amp != -1 and data.find(b";", amp, cut) == -1:  # inside an entity: cut before it, or after it
        cut = amp if amp > start else data.index(b";", amp) + 1
    return data[:cut]


def parse_export(data: bytes) -> list[dict]:
    """The pages of an export, read back with ``iterparse`` (raises ``ET.ParseError`` if malformed)."""
    ns = "{" + EXPORT_NS + "}"
    pages = []
    for _event, el in ET.iterparse(BytesIO(data), events=("end",)):  # noqa: S314 - our own output
        if el.tag != ns + "page":
            continue
        rev = el.find(ns + "revision")
        text = rev.find(ns + "text")
        redirect = el.find(ns + "redirect")
        pages.append({
            "title": el.findtext(ns + "title"),
            "ns": el.findtext(ns + "ns"),
            "id": int(el.findtext(ns + "id")),
            "redirect": None if redirect is None else redirect.get("title"),
            "rev_id": int(rev.findtext(ns + "id")),
            "timestamp": rev.findtext(ns + "timestamp"),
            "text": text.text or "",
            "bytes": int(text.get("bytes")),
            "sha1": rev.findtext(ns + "sha1"),
        })
        el.clear()
    return pages


def check_export(data: bytes, pages: Iterable[tuple[str, str]]) -> list[str]:
    """Problems found reading ``data`` back against the pages it was built from (empty: all is well)."""
    expected = dict(pages)
    try:
        found = parse_export(data)
    except ET.ParseError as exc:
        return [f"not well-formed XML: {exc}"]
    problems = []
    titles = [p["title"] for p in found]
    if titles != sorted(titles):
        problems.append("pages are not in title order")
    if len(set(titles)) != len(titles):
        problems.append("a title occurs twice")
    for missing in sorted(set(expected) - set(titles)):
        problems.append(f"missing page {missing!r}")
    for extra in sorted(set(titles) - set(expected)):
        problems.append(f"unexpected page {extra!r}")
    for p in found:
        text = expected.get(p["title"])
        if text is None:
            continue
        if p["text"] != text:
            problems.append(f"{p['title']!r}: text differs after the round trip")
        if p["bytes"] != len(text.encode("utf-8")):
            problems.append(f"{p['title']!r}: bytes={p['bytes']}, UTF-8 length is {len(text.encode('utf-8'))}")
        if p["sha1"] != sha1_base36(text):
            problems.append(f"{p['title']!r}: wrong sha1")
        if p["ns"] != "0":
            problems.append(f"{p['title']!r}: namespace {p['ns']}, not 0")
        if p["redirect"] != redirect_target(text):
            problems.append(f"{p['title']!r}: redirect {p['redirect']!r}, expected {redirect_target(text)!r}")
    return problems


def compress_for(path: Path, data: bytes) -> bytes:
    """``data`` as it should be written to ``path``: bzip2 for ``.bz2``, gzip for ``.gz`` (no timestamp)."""
    name = str(path).lower()
    if name.endswith(".bz2"):
        return bz2.compress(data, 9)
    if name.endswith(".gz"):
        return gzip.compress(data, 9, mtime=0)
    return data


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 1 or set(argv) - set(args) - {"--quiet"}:
        print("usage: build_export.py OUTPUT[.bz2|.gz] [--quiet]", file=sys.stderr)
        return 2
    out = Path(args[0])
    pages = corpus_pages(ROOT)
    data = build_export(pages)
    problems = check_export(data, pages)
    for problem in problems:
        print(f"build_export: {problem}", file=sys.stderr)
    if problems:
        return 1
    out.write_bytes(compress_for(out, data))
    if "--quiet" not in argv:
        redirects = sum(1 for _, text in pages if redirect_target(text))
        print(f"wrote {len(pages)} pages ({redirects} redirect) to {out} "
              f"({len(data):,} bytes of XML)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""MediaWiki wikitext -> the structured format (``rendering``): one page's readable text.

``render_wikitext`` reads the wikitext of one page with ``mwparserfromhell`` and writes what a reader
sees: ``= Title =``, an ``Infobox`` block of ``- Key: value`` lines from the military-conflict
infobox (one line per parameter, a list's items joined with ``", "``), ``==Sections==`` and
paragraphs, with references, images, tables, navboxes, hatnotes and maintenance templates left out.
``is_redirect`` names the target of a redirect page.

Problems (``Rendering.problems``) carry lines of the *original* wikitext: an unclosed template or link,
an infobox that is not closed or names no combatants, coordinates that cannot be read.

Pure Python: no Django.
"""
from __future__ import annotations

import bisect
import html
import re

import mwparserfromhell
from mwparserfromhell.nodes import Comment, ExternalLink, Heading, HTMLEntity, Tag, Template, Text, Wikilink
from mwparserfromhell.wikicode import Wikicode

from . import coords
from .records import ParseError, Problem
from .rendering import Rendering, SourceMeta, commander_entry

PROSE, VALUE = "prose", "value"   # how a piece of wikitext is rendered: article text, or an infobox cell

INFOBOXES = {"infobox military conflict", "infobox military operation", "infobox battle"}
# where the infobox is written (the parser then reads it in that piece of the page)
_INFOBOX_START = re.compile(
    r"\{\{[\s\ufdd0]*(?:template\s*:\s*|#invoke\s*:\s*)?"
    r"infobox[ _]+(?:military[ _]+conflict|military[ _]+operation|battle)[\s\ufdd0]*(?:\||\}\}|$)", re.I)
# an infobox whose '}}' is missing (the pre-scan found its '{{' unpaired)
_UNCLOSED_INFOBOX = re.compile(
    r"\{\{\s*(?:template\s*:\s*|#invoke\s*:\s*)?"
    r"infobox[ _]+(?:military[ _]+conflict|military[ _]+operation|battle)\s*(?:\||\n|$)", re.I)
DROPPED_SECTIONS = {
    "references", "notes", "citations", "footnotes", "sources", "bibliography", "further reading",
    "external links", "see also", "notes and references", "references and notes", "works cited",
    "explanatory notes", "general references", "citations and notes", "sources and further reading",
}
# tags whose content a reader does not see as article text
DROPPED_TAGS = {
    "ref", "references", "gallery", "math", "chem", "ce", "timeline", "imagemap", "score", "graph",
    "mapframe", "maplink", "templatestyles", "style", "script", "table", "includeonly", "inputbox",
    "categorytree", "syntaxhighlight", "source", "hiero", "charinsert", "indicator",
}
BLOCK_TAGS = {"div", "p", "blockquote", "center", "poem", "pre", "section", "figure", "dl", "ul", "ol"}
FATES = {"kia": "KIA", "dow": "DOW", "pow": "POW", "wia": "WIA", "mia": "MIA",
         "killed in action": "KIA", "died of wounds": "DOW", "prisoner of war": "POW"}
LITERALS = {
    "'": "'", "''": "''", "'s": "'s", "snd": " – ", "spaced ndash": " – ", "spaced en dash": " – ",
    "ndash": "–", "en dash": "–", "mdash": "—", "em dash": "—", "nbsp": " ", "·": " · ", "dot": " · ",
    "middot": " · ", "!": "|", "=": "=", "†": "†", "dagger": "†", "bullet": " • ", "-": "", "clear": "",
    "circa": "c.", "c.": "c.", "ca.": "c.", "ca": "c.",
}
FIRST_ARG = {"nowrap", "nobr", "small", "smaller", "big", "larger", "nobold", "noitalic", "center", "sup",
             "sub", "abbr", "tooltip", "abbrlink", "nastaliq", "nobreak", "resize", "font", "em", "strong",
             "keypress", "var", "mono", "not a typo", "proper name", "sic"}
LIST_TEMPLATES = {"ubl", "unbulleted list", "ublist", "bulleted list", "bull list", "hlist", "flowlist",
                  "collapsible list", "collapsed list", "plainlist", "plain list", "flatlist", "flat list",
                  "cslist", "ordered list"}
DATE_TEMPLATES = {"start date", "end date", "start date and age", "end date and age", "date", "dts",
                  "start and end dates", "as of"}
MONTHS = ("January February March April May June July August September October November "
          "December").split()
_MONTH_NAMES = {m.lower(): i for i, m in enumerate(MONTHS, 1)} | {m[:3].lower(): i for i, m in enumerate(MONTHS, 1)}
_LANGUAGE_PREFIX = re.compile(r"[a-z]{2,3}(?:-[a-z]{2,8})*|simple")
_DISAMBIGUATOR = re.compile(r"\s*\([^()]*\)\s*$")
_MAGIC_WORD = re.compile(r"__[A-Z]{2,}__")
_QUOTES = re.compile(r"'{2,}")
_RULE = re.compile(r"-{4,}")
_UNCLOSED = re.compile(r"\{\{|\[\[")
# what the pre-scan writes over the page (same length): text that renders as nothing (inline, and a
# block that ends a paragraph), an unclosed '{{' and '[[', the rest of a line after an unclosed '{{', a '<'
# that opens no tag
_FILL = "\ufdd0"
_BLOCK = "\ufdd3"
_OPEN_BRACES = "\ufdd1\ufdd1"
_OPEN_BRACKETS = "\ufdd2\ufdd2"
_CUT = "\ufdd4"
_LESS = "\ufdd5"
_OWN_CHARACTERS = str.maketrans(dict.fromkeys("\ufdd0\ufdd1\ufdd2\ufdd3\ufdd4\ufdd5", "\ufffd"))
_UNSEEN = str.maketrans("", "", _FILL + _BLOCK)
_OPENER = re.compile(r"\{\{|\ufdd1\ufdd1")
_TO_LINE_END = re.compile(r"\ufdd4[^\n]*")
_BLOCK_TAGS = "references|gallery|timeline|imagemap|score|graph|syntaxhighlight|source|mapframe|table"
_INLINE_TAGS = "ref|math|chem|ce|templatedata|templatestyles|maplink|inputbox|categorytree|hiero"
_KEPT_TAGS = "nowiki|pre"                       # shown as written: not scanned, left to the parser
_VOID_TAGS = {"br", "hr", "wbr", "img", "meta", "link", "input", "col", "area", "base", "param", "track"}
_SCAN = re.compile(
    r"<!--|\{\{|\}\}|\[\[|\]\]|\n[ \t:]*\{\||\n[ \t]*\|\}"
    r"|<(" + _BLOCK_TAGS + "|" + _INLINE_TAGS + "|" + _KEPT_TAGS + r")\b([^<>]{0,2000})>"
    r"|<(/?)([A-Za-z][A-Za-z0-9]{0,30})\b[^<>{}\[\]|\n]{0,500}?(/?)>"
    r"|<[A-Za-z/]|\n[*#:;]{11,}", re.I)
_MAX_LIST_DEPTH = 10
_CLOSING = {name: re.compile(rf"</{name}\s*>", re.I)
            for name in (_BLOCK_TAGS + "|" + _INLINE_TAGS + "|" + _KEPT_TAGS).split("|")}
_PAIRS = re.compile(r"\{\{|\}\}|\[\[|\]\]")
_STRAY_TAG = re.compile(
    r"</?(?:div|span|center|blockquote|poem|small|big|font|p|ul|ol|li|dl|dd|dt|table|tr|td|th|tbody|caption|"
    r"references|ref|gallery|sup|sub|s|u|b|i|em|strong|abbr|cite|code|q|section|nowiki|pre|noinclude|"
    r"includeonly|onlyinclude)\b[^<>\n]{0,500}>", re.I)
CHUNK, CHUNK_MAX = 16_000, 64_000   # the parser reads pieces of this size, cut at a blank line or heading

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")
_ISO_DATE = re.compile(r"(\d{1,4})-(\d{1,2})(?:-(\d{1,2}))?")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_EMPTY_BRACKETS = re.compile(r"\(\s*[,;]?\s*\)")
_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[.,;:!?](?:\s|$|[\"'”’)]))")
_OPEN_SPACE = re.compile(r"\( +")
_CLOSE_SPACE = re.compile(r" +\)")
_SIDE_KEY = re.compile(r"(combatant|commander|units|strength|casualties)(\d{1,4})([a-z]?)")
# Infobox military operation's names for the same parameters
ALIASES = (("name", "conflict"), ("location", "place"), ("outcome", "result"), ("executedby", "combatant1"),
           ("commandedby", "commander1"))
SIDE_KINDS = ("combatant", "commander", "units", "strength", "casualties")
MAX_PROBLEMS = 50        # unclosed markup reported one by one up to this many, then counted
REDIRECT_WORDS = ("redirect", "weiterleitung", "redirection", "redirección", "rinvia", "doorverwijzing",
                  "przekieruj", "перенаправление", "yönlendirme")


def is_redirect(text: str) -> str | None:
    """The target title of a redirect page (``#REDIRECT [[Target]]``, any case, a few localised
    words), without a ``#section`` part; None for any other page."""
    s = text.lstrip("\ufeff \t\n")
    if not s.startswith("#"):
        return None
    head = s[1:].lstrip(" \t")
    for word in REDIRECT_WORDS:
        if head[:len(word)].lower() == word:
            rest = head[len(word):]
            break
    else:
        return None
    rest = rest.lstrip(" \t:").split("\n", 1)[0]
    nodes = mwparserfromhell.parse(rest).nodes
    if not nodes or not isinstance(nodes[0], Wikilink):
        return None
    target = str(nodes[0].title).strip().lstrip(":").split("#", 1)[0]
    target = " ".join(target.replace("_", " ").split())
    return target or None


def render_wikitext(text: str, *, title: str | None = None, meta: SourceMeta | None = None) -> Rendering:
    """The readable text of one page's wikitext in the structured format (see ``rendering``).

    ``title``: the page title when known; otherwise the infobox's ``conflict``; with neither, a
    ``ParseError``. ``meta`` is passed through (its ``title`` set to the title used)."""
    if not text.strip():
        raise ParseError("the page is empty", 1)
    page = _Page(text)
    meta = meta if meta is not None else SourceMeta()
    target = is_redirect(text)
    if target and not meta.redirect:
        meta.redirect = target
    body = page.prose()                  # first: it finds the page's own {{coord}}
    fields, conflict = page.read_infobox()
    name = " ".join((title or "").split()) or conflict
    if not name:
        raise ParseError("the wikitext names no title: give one with --title", 1)
    meta.title = name
    lines = [f"= {name} =", ""]
    if target:                  # a redirect page: its title only (``meta.redirect`` names the target)
        return Rendering(text=_assemble(lines), meta=meta, offensive=False)
    if fields:
        lines += ["Infobox", *fields, ""]
    lines += body
    return Rendering(text=_assemble(lines), meta=meta, offensive=page.infobox is not None or page.broken_infobox,
                     problems=page.sorted_problems(), coordinates=page.coordinates)


def _assemble(lines: list[str]) -> str:
    """Lines -> the document: one blank line between blocks, none between a heading and its text."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    kept = [line for i, line in enumerate(out)
            if line or not (out[i - 1].startswith("==") and not out[i + 1].startswith("=="))]
    return "\n".join(kept) + "\n"


class _Page:
    """One page being rendered: the parse, the problems found, the coordinates read.

    Before ``mwparserfromhell`` reads the page, one linear pass (``_scan``) pairs its ``{{``/``}}``
    and ``[[``/``]]`` and finds comments, references, galleries, maths and closed tables (which render
    as nothing). It is no parser of templates: it bounds the parser's work, which grows faster than the
    page on unclosed markup (every unclosed ``{{`` sends the tokenizer to the end of the page and back)
    and on long pages. So: an infobox left open is closed where its parameters end; any other unclosed
    ``{{`` or ``[[`` is reported and neutralised (same length: offsets and lines do not move); what
    renders as nothing is blanked; and the page is parsed in pieces cut at blank lines and headings
    outside every template and link.
    """

    def __init__(self, text: str):
        self.source = text.translate(_OWN_CHARACTERS)      # what lines are counted in (same length)
        self.problems: list[Problem] = []
        self._reported: set[tuple[int, str]] = set()
        self.unclosed = 0
        self._newlines: list[int] | None = None
        self.coords: list[tuple[tuple[float, float] | None, int, str]] = []   # (value, offset, display)
        self.coordinates: tuple[float, float] | None = None
        self.broken_infobox = False
        self.page_coordinates: tuple[float, float] | None = None   # a {{coord|display=title}} of the page
        self.blanked, self.cuts = self._scan()
        self.infobox, self.infobox_at = self._find_infobox()

    # ---- problems ------------------------------------------------------------------------
    def line(self, offset: int) -> int:
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.source)]
        return bisect.bisect_left(self._newlines, offset) + 1

    def problem(self, offset: int, message: str) -> None:
        if (offset, message) not in self._reported:          # a node read twice is reported once
            self._reported.add((offset, message))
            self.problems.append(Problem(self.line(offset), message))

    def unclosed_markup(self, offset: int, opener: str) -> None:
        self.unclosed += 1
        if self.unclosed <= MAX_PROBLEMS:
            self.problem(offset, "a template is not closed ('{{' without '}}')" if opener == "{{" else
                         "a link is not closed ('[[' without ']]')")

    def sorted_problems(self) -> list[Problem]:
        out = sorted(self.problems, key=lambda p: p.line)
        if self.unclosed > MAX_PROBLEMS:
            out.append(Problem(out[-1].line if out else 1, f"{self.unclosed - MAX_PROBLEMS} more unclosed "
                                                           f"templates or links are not listed"))
        return out

    # ---- the pre-scan ------------------------------------------------------------------------
    def _scan(self) -> tuple[str, list[int]]:
        """The page with unclosed markup neutralised and what renders as nothing blanked, and the
        offsets where it is cut into pieces for the parser (first 0, last the length)."""
        text = self.source
        pairs, open_braces, open_brackets, blank = _pair(text)
        if open_braces and not self.broken_infobox:
            box = next((at for at in open_braces if _UNCLOSED_INFOBOX.match(text, at)), None)
            if box is not None:
                self._close_infobox(box)
                return self._scan()
        for at in open_braces:
            self.unclosed_markup(at, "{{")
            blank.append((at, at + 2, _OPEN_BRACES))
        for at in open_brackets:
            self.unclosed_markup(at, "[[")
            blank.append((at, at + 2, _OPEN_BRACKETS))
        parts = []
        pos = 0
        for a, b, fill in sorted(blank, key=lambda r: (r[0], -r[1])):
            if a < pos:
                continue                                  # inside a region already blanked
            parts += [text[pos:a], fill if len(fill) == b - a else fill[0] * (b - a)]
            pos = b
        parts.append(text[pos:])
        blanked = "".join(parts)
        return blanked, _cuts(blanked, pairs)

    def _close_infobox(self, start: int) -> None:
        """An infobox with no ``}}``: closed where its parameters end (before the first blank line,
        heading or lead sentence), and reported."""
        text = self.source
        self.broken_infobox = True
        end = len(text)
        at = text.find("\n", start)
        while at >= 0:
            nxt = text.find("\n", at + 1)
            line = text[at + 1: nxt if nxt >= 0 else len(text)].strip()
            if not line or line.startswith("==") or _lead_sentence(line):
                end = at
                break
            at = nxt
        chunk = text[start:end]
        missing = max(1, chunk.count("{{") - chunk.count("}}"))
        self.problem(start, f"the infobox is not closed ('{{{{' without '}}}}'): read up to line {self.line(end)}")
        # the braces go at the end of the infobox's last line, so that every line keeps its number
        self.source = text[:end] + "}}" * missing + text[end:]
        self._newlines = None

    # ---- the infobox -------------------------------------------------------------------------
    def _chunk(self, i: int) -> Wikicode:
        return mwparserfromhell.parse(self.blanked[self.cuts[i]:self.cuts[i + 1]])

    def _top(self, first: int = 0, last: int | None = None):
        """(node, offset) for every node at the top level of the page (of pieces ``first`` to ``last``).

        Each piece is parsed when it is reached and let go after: the trees of a long page are never
        all alive at once (the garbage collector's passes over them grew with the page)."""
        last = len(self.cuts) - 2 if last is None else last
        for i in range(first, last + 1):
            if self._infobox_chunk is not None and self._infobox_chunk[0] == i:
                code = self._infobox_chunk[1]
            else:
                code = self._chunk(i)
            base = self.cuts[i]
            for node in code.nodes:
                yield node, base
                base += len(str(node))

    def _find_infobox(self) -> tuple[Template | None, int]:
        """The infobox and its offset: in the piece where its name is first written."""
        self._infobox_chunk: tuple[int, Wikicode] | None = None
        m = _INFOBOX_START.search(self.blanked)
        if m is None:
            return None, 0
        i = bisect.bisect_right(self.cuts, m.start()) - 1
        code = self._chunk(i)
        self._infobox_chunk = (i, code)
        for node, at in self._top(i, i):
            if isinstance(node, Template) and _name(node) in INFOBOXES:
                return node, at
        for node in code.ifilter_templates(recursive=True):    # inside a tag or another template
            if _name(node) in INFOBOXES:
                return node, self.cuts[i] + max(0, str(code).find(str(node)))
        return None, 0

    def read_infobox(self) -> tuple[list[str], str]:
        """The ``- Key: value`` lines and the conflict's name (for the title)."""
        box = self.infobox
        page_coords = None
        if box is None:
            self.coordinates = self.page_coordinates
            return [], ""
        values: dict[str, tuple[Wikicode, int]] = {}
        for name, (value, at) in _args(box, self.infobox_at).items():
            values.setdefault(re.sub(r"[\s_]+", "", name).lower(), (value, at))
        for alias, key in ALIASES:
            if key not in values and alias in values:
                values[key] = values[alias]

        def items(key: str) -> list[tuple[int, str]]:
            if key not in values:
                return []
            value, at = values[key]
            return _items(self.render(value, at, VALUE))

        fields: list[str] = []
        conflict = _tidy(" ".join(s for _, s in items("conflict")))
        for key, label in (("conflict", "Conflict"), ("partof", "Partof"), ("date", "Date")):
            joined = conflict if key == "conflict" else ", ".join(s for _, s in items(key))
            if joined:
                fields.append(f"- {label}: {joined}")
        # coordinates: the parameter, else a {{coord}} in the place, else the page's own {{coord}}
        if "coordinates" in values:
            value, at = values["coordinates"]
            seen = len(self.coords)
            written = _tidy(self.render(value, at, VALUE).replace("\n", " "))
            found = [c for c in self.coords[seen:] if c[0] is not None]
            if found:
                page_coords = found[0][0]
            elif written:
                page_coords = coords.parse_coordinates(written)
                if page_coords is None:
                    self.problem(at, f"the coordinates {written[:60]!r} could not be read")
        seen = len(self.coords)
        place = ", ".join(s for _, s in items("place"))
        if page_coords is None:
            page_coords = next((c[0] for c in self.coords[seen:] if c[0] is not None), None)
        if place:
            fields.append(f"- Place: {place}")
        if page_coords is None:
            page_coords = self.page_coordinates
        if page_coords is not None:
            self.coordinates = page_coords
            fields.append(f"- Coordinates: {coords.format_coordinates(*page_coords)}")
        status = ", ".join(s for _, s in items("result")) or ", ".join(s for _, s in items("status"))
        if status:
            fields.append(f"- Status: {status}")
        territory = ", ".join(s for _, s in items("territory"))
        if territory:
            fields.append(f"- Territory: {territory}")
        fields += self._sides(values, items)
        return fields, conflict

    def _sides(self, values, items) -> list[str]:
        keys: dict[tuple[str, int], list[tuple[str, str]]] = {}
        for key in values:
            m = _SIDE_KEY.fullmatch(key)
            if m:
                keys.setdefault((m.group(1), int(m.group(2))), []).append((m.group(3), key))
        out: list[str] = []
        combatants = False
        for kind in SIDE_KINDS:
            for (k, number), variants in sorted(keys.items(), key=lambda kv: kv[0][1]):
                if k != kind:
                    continue
                found: list[tuple[int, str]] = []
                for _, key in sorted(variants):
                    found += items(key)
                if not found:
                    continue
                if kind == "units":
                    top = min(d for d, _ in found)
                    texts = [("*" * (d - top) + " " + s) if d > top else s for d, s in found]
                elif kind == "commander":
                    texts = [commander_entry(s) for _, s in found]
                else:
                    texts = [s for _, s in found]
                combatants = combatants or kind == "combatant"
                out.append(f"- {kind.capitalize()}{number}: {', '.join(texts)}")
        if not combatants:
            self.problem(self.infobox_at, "the infobox names no combatants")
        return out

    # ---- prose -------------------------------------------------------------------------------
    def prose(self) -> list[str]:
        out: list[str] = []
        buffer: list[str] = []
        dropping: int | None = None          # the level of the heading of a dropped section
        for node, pos in self._top():
            if node is self.infobox:
                pass
            elif isinstance(node, Heading):
                out += _paragraphs("".join(buffer))
                buffer = []
                level = max(2, node.level)
                name = _tidy(self.render(node.title, pos + node.level, VALUE).replace("\n", " ")).strip("= ")
                if dropping is None or node.level <= dropping:
                    dropping = None
                    if _section_key(name) in DROPPED_SECTIONS:
                        dropping = node.level
                    elif name:
                        out += ["", "=" * level + name + "=" * level, ""]
            elif dropping is None:
                buffer.append(self.node(node, pos, PROSE))
                if isinstance(node, Template) and self.page_coordinates is None and _name(node) == "coord":
                    self._title_coordinates()
        out += _paragraphs("".join(buffer))
        return out

    def _title_coordinates(self) -> None:
        """The page's coordinates: a ``{{coord|...|display=title}}`` at its top level (just read)."""
        value, _, display = self.coords[-1]
        if value is not None and "title" in display:
            self.page_coordinates = value

    # ---- rendering ---------------------------------------------------------------------------
    def render(self, code: Wikicode, at: int, mode: str) -> str:
        """``code`` (which starts at offset ``at`` of the page) as text; in VALUE mode list items are
        on lines of their own and keep their bullets."""
        parts = []
        for node in code.nodes:
            parts.append(self.node(node, at, mode))
            at += len(str(node))
        return "".join(parts)

    def node(self, node, at: int, mode: str) -> str:
        if isinstance(node, Text):
            return self._text(node.value, at, mode)
        if isinstance(node, Template):
            return self._template(node, at, mode)
        if isinstance(node, Wikilink):
            return self._wikilink(node, at, mode)
        if isinstance(node, Tag):
            return self._tag(node, at, mode)
        if isinstance(node, HTMLEntity):
            return node.normalize().replace("\u00a0", " ").replace("\u00ad", "")
        if isinstance(node, ExternalLink):
            if not node.brackets:
                return str(node.url)
            if node.title is None:
                return ""
            return self.render(node.title, at + 1 + len(str(node.url)) + (0 if node.suppress_space else 1), mode)
        if isinstance(node, Heading):
            return "\n" + self.render(node.title, at + node.level, VALUE).replace("\n", " ") + "\n"
        return _FILL if isinstance(node, Comment) else ""   # comments, {{{arguments}}}

    def _text(self, s: str, at: int, mode: str) -> str:
        if "{{" in s or "[[" in s:                  # unclosed markup the pre-scan paired otherwise
            for m in _UNCLOSED.finditer(s):
                self.unclosed_markup(at + m.start(), m.group())
        if "{{" in s or _OPEN_BRACES in s:
            s = _OPENER.sub(_CUT, s)                  # the rest of the line is the template's name and text
        if "[[" in s or "]]" in s or "}}" in s or _OPEN_BRACKETS in s:
            s = s.replace("[[", "").replace("]]", "").replace("}}", "").replace(_OPEN_BRACKETS, "")
        if _LESS in s:
            s = s.replace(_LESS, "<")
        if "<" in s:
            s = _STRAY_TAG.sub("", s)             # a tag left open or closed twice: MediaWiki hides it
        if "__" in s:
            s = _MAGIC_WORD.sub("", s)
        if "''" in s:
            s = _QUOTES.sub("", s)
        if mode == VALUE and "----" in s:
            s = _RULE.sub("\n", s)
        return s.replace("\u00a0", " ")

    def _wikilink(self, link: Wikilink, at: int, mode: str) -> str:
        target = str(link.title).translate(_UNSEEN).strip()
        visible = target.startswith(":")
        target = target.lstrip(":").strip()
        prefix, colon, rest = target.partition(":")
        prefix = prefix.strip().lower().replace("_", " ")
        if colon and not visible and (prefix in ("file", "image", "category")
                                      or (_LANGUAGE_PREFIX.fullmatch(prefix) and rest[:1] not in " _")):
            return ""
        if link.text is not None:
            shown = self.render(link.text, at + 3 + len(str(link.title)), mode)
            if shown.translate(_UNSEEN).strip():
                return shown
            # the pipe trick: [[Battle of X (2016)|]] shows "Battle of X", [[:Category:Battles|]] "Battles"
            return _DISAMBIGUATOR.sub("", rest if colon else target).strip()
        return self.render(link.title, at + 2, mode).strip().lstrip(":")

    def _tag(self, tag: Tag, at: int, mode: str) -> str:
        name = str(tag.tag).strip().lower()
        if name in DROPPED_TAGS:
            return _BLOCK if name in ("table", "gallery", "references", "timeline", "imagemap") else _FILL
        markup = tag.wiki_markup
        if name in ("li", "dt", "dd") and markup:
            return markup
        if name == "br":
            return "\n" if mode == VALUE else " "
        if name == "hr":
            return "\n" if mode == VALUE else "\n\n"
        if tag.self_closing or tag.contents is None:
            return ""
        if name == "nowiki":
            return html.unescape(str(tag.contents)).replace("\u00a0", " ")
        whole, inner = str(tag), str(tag.contents)
        close = len(tag.closing_wiki_markup or "") if markup else len("</" + str(tag.closing_tag) + ">")
        body = self.render(tag.contents, at + len(whole) - close - len(inner), mode)
        if name == "li":
            return "\n* " + body + "\n"
        if name in BLOCK_TAGS:
            return ("\n" if mode == VALUE else "\n\n") + body + ("\n" if mode == VALUE else "\n\n")
        if name == "small" and mode == VALUE:
            return " " + body + " "
        return body

    def _template(self, tpl: Template, at: int, mode: str) -> str:
        name = _name(tpl)
        if name in FATES:
            return f" {FATES[name]} "
        if name in LITERALS:
            if name in ("circa", "c.", "ca.", "ca"):
                year = self._arg(tpl, at, "1", mode)
                return f"c. {year}" if year else "c."
            return LITERALS[name]
        if name.startswith(("cite ", "#")) or name in INFOBOXES:
            return ""
        if name in ("flag", "flagcountry", "flagu", "flag country", "flagg"):
            args = _args(tpl, at)
            given = self._arg(tpl, at, "name", mode, args)
            return given or self._arg(tpl, at, "2" if name == "flagg" else "1", mode, args)
        if name == "coord":
            value = self._coord(tpl, at)
            display = _plain(_args(tpl, at).get("display", (None, 0))[0]).lower()
            if mode == PROSE and value is not None and (not display or "inline" in display):
                return coords.format_coordinates(*value)
            return ""
        if name in DATE_TEMPLATES:
            return self._date(tpl, at, name, mode)
        if name in FIRST_ARG:
            args = _args(tpl, at)
            key = "2" if name in ("resize", "font") and "2" in args else "1"
            return self._arg(tpl, at, key, mode, args)
        if name == "lang" or name == "langx" or name == "native name":
            return self._arg(tpl, at, "2", mode)
        if name.startswith("lang-"):
            return self._arg(tpl, at, "1", mode)
        if name in ("transl", "transliteration"):
            args = _args(tpl, at)
            key = "3" if "3" in args else "2"
            return self._arg(tpl, at, key, mode, args)
        if name in ("convert", "cvt"):
            return self._convert(tpl, at, mode)
        if name in ("ill", "interlanguage link", "illm", "interlanguage link multi", "ill2"):
            args = _args(tpl, at)
            return self._arg(tpl, at, "lt", mode, args) or self._arg(tpl, at, "1", mode, args)
        if name == "sortname":
            args = _args(tpl, at)
            return " ".join(p for p in (self._arg(tpl, at, k, mode, args) for k in ("1", "2")) if p)
        if name in ("frac", "fraction"):
            args = _args(tpl, at)
            parts = [self._arg(tpl, at, k, mode, args) for k in ("1", "2", "3")]
            parts = [p for p in parts if p]
            if len(parts) == 3:
                return f"{parts[0]} {parts[1]}/{parts[2]}"
            return "/".join(parts)
        if name in ("quote", "blockquote", "cquote", "quotation", "quote box"):
            args = _args(tpl, at)
            body = self._arg(tpl, at, "text", mode, args) or self._arg(tpl, at, "quote", mode, args) \
                or self._arg(tpl, at, "1", mode, args)
            return "\n\n" + body + "\n\n" if mode == PROSE else body
        if name in LIST_TEMPLATES:
            return self._list(tpl, at, name, mode)
        return ""        # navboxes, hatnotes, maintenance tags, references, unknown templates

    def _arg(self, tpl: Template, at: int, key: str, mode: str, args=None) -> str:
        args = _args(tpl, at) if args is None else args
        if key not in args:
            return ""
        value, where = args[key]
        return _cut(self.render(value, where, mode)).translate(_UNSEEN).strip()

    def _list(self, tpl: Template, at: int, name: str, mode: str) -> str:
        args = _args(tpl, at)
        if name in ("plainlist", "plain list", "flatlist", "flat list"):
            return "\n" + self._arg(tpl, at, "1", mode, args) + "\n"
        items = []
        if name in ("collapsible list", "collapsed list"):
            items.append(self._arg(tpl, at, "title", mode, args))
        i = 1
        while str(i) in args:
            items.append(self._arg(tpl, at, str(i), mode, args))
            i += 1
        items = [it for it in items if it]
        if mode == PROSE:
            return "\n" + "".join(f"* {it}\n" for it in items)
        return "\n" + "\n".join(items) + "\n"

    def _convert(self, tpl: Template, at: int, mode: str) -> str:
        args = _args(tpl, at)
        parts = []
        i = 1
        while str(i) in args and i <= 4:
            parts.append(self._arg(tpl, at, str(i), mode, args))
            i += 1
        if not parts:
            return ""
        if len(parts) >= 3 and parts[1] in ("-", "–", "to", "and", "or", "x", "by", "+/-", "±", "to(-)"):
            joiner = "–" if parts[1] in ("-", "–") else f" {parts[1]} "
            return f"{parts[0]}{joiner}{parts[2]} {parts[3] if len(parts) > 3 else ''}".strip()
        return f"{parts[0]} {parts[1] if len(parts) > 1 else ''}".strip()

    def _date(self, tpl: Template, at: int, name: str, mode: str) -> str:
        args = _args(tpl, at)
        pos = [self._arg(tpl, at, str(i), mode, args) for i in range(1, 7)]
        if name == "date":
            m = _ISO_DATE.fullmatch(pos[0])
            return _date_text(m.group(1), m.group(2), m.group(3)) if m else pos[0]
        if name == "start and end dates":
            start, end = _date_text(*pos[:3]), _date_text(*pos[3:6])
            return f"{start} – {end}" if start and end else start or end
        text = _date_text(*pos[:3])
        if name == "as of":
            lead = "as of" if self._arg(tpl, at, "lc", mode, args) else "As of"
            return f"{lead} {text}" if text else lead
        return text

    def _coord(self, tpl: Template, at: int) -> tuple[float, float] | None:
        """A ``{{coord}}`` read (decimal, degrees-minutes-seconds with hemispheres): the value, also
        kept in ``self.coords``; a problem where it cannot be read."""
        args = _args(tpl, at)
        parts = []
        i = 1
        while str(i) in args:
            part = _plain(args[str(i)][0]).strip()
            if not part or ":" in part or "=" in part:
                break
            parts.append(part)
            i += 1
        value = _coordinates(parts)
        if value is None:
            self.problem(at, f"the coordinates {str(tpl)[:60]!r} could not be read")
        display = _plain(args["display"][0]).lower() if "display" in args else ""
        self.coords.append((value, at, display))
        return value


# ---- the pre-scan ----------------------------------------------------------------------------------
def _pair(text: str) -> tuple[list[tuple[int, int]], list[int], list[int], list[tuple[int, int, str]]]:
    """One pass over the page: the (start, end) of every paired ``{{ }}`` and ``[[ ]]``, the offsets of
    the ``{{`` and ``[[`` that no ``}}``/``]]`` closes, and what to write over the page as (start, end,
    fill): comments, references and the other tags that render as nothing, tables at the top level,
    the opening tag of an element that is never closed and a ``<`` that opens no tag (the parser's
    time on either grows with the rest of the page), list markers past ``_MAX_LIST_DEPTH``.

    Braces and brackets are paired apart, as MediaWiki's preprocessor pairs braces before links."""
    pairs: list[tuple[int, int]] = []
    braces: list[int] = []
    brackets: list[int] = []
    tables: list[tuple[int, int]] = []             # (start, brace depth there)
    elements: dict[str, list[tuple[int, int]]] = {}  # open HTML elements by name: (start, end) of the tag
    blank: list[tuple[int, int, str]] = []
    inner: list[tuple[int, str]] = []               # unclosed markup inside a blanked reference
    unclosed_tags: set[str] = set()                 # tags with no closing tag after some point: none later
    size = len(text)
    pos = 0
    while True:
        m = _SCAN.search(text, pos)
        if not m:
            break
        found, start, pos = m.group(), m.start(), m.end()
        if found == "<!--":
            end = text.find("-->", pos)
            pos = size if end < 0 else end + 3
            blank.append((start, pos, _FILL))
        elif found == "{{":
            braces.append(start)
        elif found == "}}":
            if braces:
                pairs.append((braces.pop(), pos))
        elif found == "[[":
            brackets.append(start)
        elif found == "]]":
            if brackets:
                pairs.append((brackets.pop(), pos))
        elif found.endswith("{|"):
            tables.append((pos - 2, len(braces)))
        elif found.endswith("|}"):
            if tables:
                begin, depth = tables.pop()
                if not tables and depth == 0 and not braces:
                    blank.append((begin, pos, _BLOCK))
        elif m.group(1):
            pos = _region(text, m, blank, inner, unclosed_tags)
        elif m.group(4):
            name = m.group(4).lower()
            if name in _VOID_TAGS or m.group(5):
                continue
            if m.group(3):
                if elements.get(name):
                    elements[name].pop()
            else:
                elements.setdefault(name, []).append((start, pos))
        elif found[0] == "<":
            blank.append((start, start + 1, _LESS))
            pos = start + 1
        else:                                          # "\n" and a run of list markers
            blank.append((start + 1 + _MAX_LIST_DEPTH, pos, _FILL))
    blank += [(begin, begin + 2, _FILL * 2) for begin, _ in tables]
    blank += [(a, b, _FILL) for opened in elements.values() for a, b in opened]
    return pairs, braces + [at for at, o in inner if o == "{{"], brackets + [at for at, o in inner if o == "[["], blank


def _region(text: str, m: re.Match, blank: list, inner: list, unclosed_tags: set[str]) -> int:
    """A tag whose content is not wikitext to pair (a reference, a gallery, nowiki...): blanked unless
    it is shown as written; the offset to read on from."""
    name = m.group(1).lower()
    kept = name in ("nowiki", "pre")
    fill = _BLOCK if name in _BLOCK_TAGS.split("|") else _FILL
    if m.group(2).rstrip().endswith("/"):
        if not kept:
            blank.append((m.start(), m.end(), fill))
        return m.end()
    close = None if name in unclosed_tags else _CLOSING[name].search(text, m.end())
    if close is None:
        unclosed_tags.add(name)
        blank.append((m.start(), m.end(), _FILL))    # a tag never closed: MediaWiki shows an error
        return m.end()
    if not kept:
        blank.append((m.start(), close.end(), fill))
        if name == "ref":
            inner += _unpaired(text, m.end(), close.start())
    return close.end()


def _unpaired(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """The unclosed ``{{`` and ``[[`` between two offsets (a reference's text)."""
    braces: list[int] = []
    brackets: list[int] = []
    for m in _PAIRS.finditer(text, start, end):
        found = m.group()
        if found == "{{":
            braces.append(m.start())
        elif found == "[[":
            brackets.append(m.start())
        elif found == "}}" and braces:
            braces.pop()
        elif found == "]]" and brackets:
            brackets.pop()
    return [(at, "{{") for at in braces] + [(at, "[[") for at in brackets]


def _cuts(text: str, pairs: list[tuple[int, int]]) -> list[int]:
    """Where the page is cut for the parser: at the start of a blank line or a heading once a piece
    has ``CHUNK`` characters (at any line once it has ``CHUNK_MAX``), never inside a template or link."""
    spans: list[list[int]] = []
    for a, b in sorted(pairs):
        if spans and a < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([a, b])
    cuts = [0]
    k = 0
    for m in re.finditer("\n", text):
        p = m.end()
        if p >= len(text):
            break
        size = p - cuts[-1]
        if size < CHUNK:
            continue
        while k < len(spans) and spans[k][1] <= p:
            k += 1
        if k < len(spans) and spans[k][0] < p:
            continue                                  # inside a template or a link
        if size >= CHUNK_MAX or text[p] in "\n=":
            cuts.append(p)
    cuts.append(len(text))
    return cuts


# ---- helpers ---------------------------------------------------------------------------------------
def _name(tpl: Template) -> str:
    """A template's name as it is looked up: no comments, lower case, ``_`` as space, no namespace."""
    raw = "".join(str(n) for n in tpl.name.nodes if isinstance(n, Text)).translate(_UNSEEN)
    name = " ".join(raw.replace("_", " ").split()).lower()
    if name.startswith("template:"):
        name = name[len("template:"):].strip()
    elif name.startswith("#invoke:") and name[len("#invoke:"):].strip() in INFOBOXES:
        name = name[len("#invoke:"):].strip()   # {{#invoke:Infobox military conflict|main|...}}: the module itself
    return name


def _args(tpl: Template, at: int) -> dict[str, tuple[Wikicode, int]]:
    """Parameter name -> (value, offset of the value in the page); positional ones are "1", "2"..."""
    out: dict[str, tuple[Wikicode, int]] = {}
    pos = at + 2 + len(str(tpl.name))
    for param in tpl.params:
        pos += 1                                            # the '|'
        key = str(param.name).strip()
        where = pos + len(str(param.name)) + 1 if param.showkey else pos
        out[key] = (param.value, where)
        pos += len(str(param))
    return out


def _plain(code: Wikicode | None) -> str:
    """The text nodes of ``code`` only (for arguments that are keywords or numbers)."""
    if code is None:
        return ""
    return "".join(str(n) for n in code.nodes if isinstance(n, Text)).translate(_UNSEEN).strip()


def _coordinates(parts: list[str]) -> tuple[float, float] | None:
    """``{{coord}}``'s positional arguments -> (lat, lon) rounded to 6 places, or None."""
    hemis = [i for i, p in enumerate(parts) if p.upper() in ("N", "S")]
    try:
        if hemis:
            i = hemis[0]
            j = next(k for k in range(i + 1, len(parts)) if parts[k].upper() in ("E", "W"))
            lat = _dms(parts[:i], parts[i].upper() == "S")
            lon = _dms(parts[i + 1:j], parts[j].upper() == "W")
        elif len(parts) >= 2 and all(_NUMBER.fullmatch(p) for p in parts[:2]):
            lat, lon = float(parts[0]), float(parts[1])
        else:
            return None
    except (StopIteration, ValueError):
        return None
    if lat is None or lon is None or not coords.valid(lat, lon):
        return None
    return round(lat, 6), round(lon, 6)


def _dms(parts: list[str], negative: bool) -> float | None:
    if not 1 <= len(parts) <= 3 or not all(_NUMBER.fullmatch(p) for p in parts):
        return None
    numbers = [float(p) for p in parts]
    if any(n < 0 for n in numbers[1:]) or any(n >= 60 for n in numbers[1:]):
        return None
    value = numbers[0] + sum(n / 60 ** k for k, n in enumerate(numbers[1:], 1))
    return -value if negative else value


def _date_text(year: str | None, month: str | None = None, day: str | None = None) -> str:
    """``2016, 3, 2`` -> "2 March 2016"; ``2016, 3`` -> "March 2016"; ``2016`` -> "2016"."""
    year, month, day = (year or "").strip(), (month or "").strip(), (day or "").strip()
    if not year.isdigit():
        return " ".join(p for p in (day, month, year) if p)
    number = int(month) if month.isdigit() else _MONTH_NAMES.get(month.lower())
    if not month or number is None or not 1 <= number <= 12:
        return year if not month else f"{month} {year}"
    if day.isdigit() and 1 <= int(day) <= 31:
        return f"{int(day)} {MONTHS[number - 1]} {year}"
    return f"{MONTHS[number - 1]} {year}"


def _tidy(s: str) -> str:
    """One line's spaces collapsed; no empty brackets or spaces before punctuation left by removed
    references and templates."""
    s = _SPACES.sub(" ", _cut(s).translate(_UNSEEN))
    if "(" in s:
        s = _EMPTY_BRACKETS.sub("", s)
        s = _OPEN_SPACE.sub("(", s)
    if ")" in s:
        s = _CLOSE_SPACE.sub(")", s)
    s = _SPACE_BEFORE_PUNCT.sub("", s)
    return _SPACES.sub(" ", s).strip()


def _lead_sentence(line: str) -> bool:
    """A line that is no infobox parameter or item but the article's first sentence (bold title)."""
    return "'''" in line and not line.startswith(("|", "*", "#", "{", "<", "[", "!", ":")) and (
        line.endswith(".") or len(line) > 100)


def _cut(s: str) -> str:
    """Without what follows an unclosed ``{{`` on its line (the template's name and arguments)."""
    return _TO_LINE_END.sub("", s) if _CUT in s else s


def _meaningful(s: str) -> bool:
    return any(ch.isalnum() for ch in s)


def _items(flat: str) -> list[tuple[int, str]]:
    """An infobox cell rendered in VALUE mode -> (bullet depth, text) per item; an item that is only
    a bracket (``<br><small>(role)</small>``) is the note of the item before it."""
    out: list[tuple[int, str]] = []
    for raw in _cut(flat).split("\n"):
        s = _tidy(raw)
        depth = 0
        i = 0
        while i < len(s) and s[i] in "*#:; ":
            depth += s[i] in "*#"
            i += 1
        s = s[i:].strip(" ,;")
        if not _meaningful(s):
            continue
        if s[0] == "(" and s[-1] == ")" and out:
            out[-1] = (out[-1][0], f"{out[-1][1]} {s}")
            continue
        out.append((depth, s))
    return out


def _section_key(name: str) -> str:
    return " ".join(name.lower().strip(" .:").split())


def _paragraphs(flat: str) -> list[str]:
    """Article text -> output lines: a paragraph per run of text lines, a line per list item, blank
    lines between blocks; table rows and a broken template's parameters (``|`` lines) are left out."""
    out: list[str] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            line = _safe(_tidy(" ".join(para)))
            if line:
                out.extend(("", line))
            para.clear()

    listing = False
    for raw in _cut(flat).split("\n"):
        s = raw.strip()
        if s and not s.strip(_FILL + _BLOCK + " \t") and _BLOCK not in s:
            continue                                  # a line of a comment or reference only: no line
        s = s.translate(_UNSEEN).strip()
        if not s:
            flush()
            listing = False
            continue
        if s[0] in "*#:;":
            flush()
            item = _safe(_tidy(s.lstrip("*#:; \t")))
            if item:
                if not listing:
                    out.append("")
                out.append(item)
                listing = True
            continue
        if s[0] in "|!" or s.startswith("{|"):
            continue
        listing = False
        para.append(s)
    flush()
    return out


def _safe(line: str) -> str:
    """A prose line the structured parser cannot misread: no leading ``-`` or ``=`` (an infobox line,
    a heading, the title) and not the word ``Infobox`` alone."""
    line = line.lstrip("-= \t")
    if line.strip().lower() == "infobox":
        return ""
    return line

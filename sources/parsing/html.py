"""A saved article page (HTML) -> the structured format (``rendering``): one page's readable text.

``render_html`` reads a rendered article as a browser or a mirror saved it: Wikipedia's own HTML (the
Vector 2010 and Vector 2022 skins, the mobile site), or a mirror with the same article markup
(``div.mw-parser-output``, ``table.infobox``), possibly with ``<base>``, scripts and inlined CSS. It
parses the page with a real HTML parser (selectolax's lexbor) and writes what a reader sees: ``= Title =``,
an ``Infobox`` block of ``- Key: value`` lines from the infobox table (one line per row, one per side for
the per-side rows), then ``==Sections==``, paragraphs and list items, without references, navigation
boxes, hatnotes, images, tables or the page's chrome. ``looks_like_article`` tells a saved article page
from other text by its first characters.

Problems (``Rendering.problems``) carry lines of the *original* page where they can be found: a page
with no article content, a file cut short, an infobox with side headers but no cells, nesting too deep
to be read. Everything is iterative (no recursion over the tree), and nesting deeper than
``MAX_DEPTH`` is cut out before parsing: the parser's cost grows with depth times tags.

Pure Python: no Django.
"""
from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from . import coords
from .records import ParseError, Problem
from .rendering import WIKIPEDIA_LICENCE, Rendering, SourceMeta, commander_entry

MAX_DEPTH = 256           # elements nested deeper than this are cut out before parsing
SCAN_FROM = 20_000        # tags; a page with fewer cannot nest deeply enough to make the parser slow
MAX_SIDES = 20            # as ``structured.MAX_SIDES``: a cell further right is not a side
SNIFF = 1_000_000         # characters ``looks_like_article`` reads
_MAX_TABLE_NESTING = 8    # infobox tables inside infobox cells, read as rows of the infobox

# ---- what the text of an element is ------------------------------------------------------------------
INLINE = frozenset("""a abbr acronym b bdi bdo big cite code data del dfn em font i ins kbd label mark nobr
output q rb rp rt rtc ruby s samp small span strike strong sub sup time tt u var wbr br img""".split())
LISTS = frozenset({"ul", "ol", "dl", "menu", "dir"})
ITEMS = frozenset({"li", "dd", "dt"})
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# never text: scripts, styles, form controls, embedded documents
SKIP_TAGS = frozenset("""script style noscript template link meta head title svg math iframe object embed
button input select textarea canvas video audio map area source track frame frameset""".split())
# dropped wherever they are: reference markers, edit links, flags, hidden sort keys, show/hide toggles
DROP_CLASSES = frozenset("""reference mw-ref mw-editsection mw-cite-backlink flagicon sortkey Inline-Template
Template-Fact mw-collapsible-toggle NavToggle collapseButton navbar mwe-popups mw-jump-link printfooter
shortdescription""".split())
# left out of the article text (blocks of the page that are not prose)
PROSE_DROP_CLASSES = DROP_CLASSES | frozenset("""navbox navbox-styles sidebar vertical-navbox hatnote dablink
rellink thumb tright tleft floatright floatleft toc reflist references mw-references-wrap refbegin metadata
ambox mbox-small mbox-small-left ombox tmbox cmbox fmbox imbox catlinks mw-indicators gallery
mw-gallery-traditional mw-gallery-packed quotebox locmap mw-kartographer-map infobox asbox portal portalbox
side-box sistersitebox mw-stack authority-control mw-authority-control navigation-not-searchable mw-footer
vector-header-container vector-main-menu-container vector-page-toolbar vector-sticky-header vector-toc
vector-column-start vector-column-end vector-body-before-content vector-page-titlebar vector-menu
vector-dropdown mw-portlet geo-nondefault geo-multi-punct redirectMsg last-modified-bar page-actions-menu
minerva-footer header-container""".split())
PROSE_DROP_IDS = frozenset("""toc catlinks footer mw-navigation siteSub contentSub contentSub2 jump-to-nav mw-head
mw-panel mw-head-base mw-page-base siteNotice coordinates mw-data-after-content vector-toc
mw-hidden-catlinks mw-normal-catlinks page-secondary-actions mw-mf-page-left page-actions firstHeading
section_0 p-lang-btn""".split())
PROSE_DROP_TAGS = SKIP_TAGS | frozenset({"table", "figure", "nav", "header", "footer", "aside", "form", "h1"})
PROSE_DROP_ROLES = frozenset({"navigation", "note", "banner", "contentinfo", "complementary", "search"})
# coordinates inside an infobox cell are read apart; their text is not the place's
GEO_CLASSES = frozenset("""geo-inline geo-inline-hidden geo-default geo-nondefault geo-multi-punct geo geo-dms
geo-dec latitude longitude""".split())
CELL_DROP_CLASSES = DROP_CLASSES | GEO_CLASSES
COLLAPSIBLE = frozenset({"mw-collapsible", "mw-collapsed", "collapsible", "collapsed", "NavFrame"})
COLLAPSIBLE_CONTENT = frozenset({"mw-collapsible-content", "NavContent"})
MEDIA_CLASSES = frozenset("""locmap mw-kartographer-map thumb infobox-image mw-default-size mw-halign-center
switcher-container""".split())
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

# a wiki link to one of these articles, or an image or abbreviation titled so, marks a commander's fate
FATE_LINKS = {"killed_in_action": "KIA", "died_of_wounds": "DOW", "prisoner_of_war": "POW",
              "wounded_in_action": "WIA", "missing_in_action": "MIA"}
FATE_TITLES = {"killed in action": "KIA", "died of wounds": "DOW", "prisoner of war": "POW",
               "wounded in action": "WIA", "missing in action": "MIA", "kia": "KIA", "dow": "DOW",
               "pow": "POW", "wia": "WIA", "mia": "MIA"}

# ---- the infobox's rows ------------------------------------------------------------------------------
TOP_ROWS = {"date": "Date", "dates": "Date", "location": "Place", "locations": "Place", "place": "Place",
            "result": "Status", "results": "Status", "outcome": "Status", "status": "Status",
            "territorial changes": "Territory", "territorial change": "Territory", "territory": "Territory",
            "part of": "Partof"}
SIDE_HEADERS = {"belligerents": "Combatant", "combatants": "Combatant", "parties": "Combatant",
                "parties to the conflict": "Combatant", "sides": "Combatant",
                "commanders and leaders": "Commander", "commanders": "Commander", "leaders": "Commander",
                "commanders and leaders involved": "Commander", "units involved": "Units", "units": "Units",
                "forces involved": "Units", "strength": "Strength", "strengths": "Strength",
                "casualties and losses": "Casualties", "casualties": "Casualties", "losses": "Casualties"}
SIDE_KINDS = ("Combatant", "Commander", "Units", "Strength", "Casualties")
TOP_KEYS = ("Conflict", "Partof", "Date", "Place", "Coordinates", "Status", "Territory")

# ---- prose ---------------------------------------------------------------------------------------------
DROPPED_SECTIONS = {
    "references", "notes", "citations", "footnotes", "sources", "bibliography", "further reading",
    "external links", "see also", "notes and references", "references and notes", "works cited",
    "explanatory notes", "general references", "citations and notes", "sources and further reading",
    "notes and citations", "endnotes", "literature", "cited sources", "references and sources",
    "bibliography and further reading", "external links and further reading", "specific references",
}
END_MATTER_WORDS = frozenset("""references reference notes note citations citation footnotes footnote sources source
bibliography further reading external links link see also works cited endnotes explanatory general specific
literature selected""".split())
_WORD_SPLIT = re.compile(r"[\s,/]+")
# a reference marker left as text ([12], [a], [note 3], [citation needed]): only where it is glued to
# the word or stop before it, as markers are (a bracket in a quotation follows a space or a quote)
_MARKER = re.compile(r"\[([^\[\]\n]{1,40})\]")
_MARKER_WORDS = re.compile(r"needed|discuss|verification|verify|dubious|clarif|citation|source|dead link|"
                           r"original research|page|specify|edit|when|who|which|where|why|how|update|"
                           r"opinion|according|unreliable|not in|failed|improper|bare url", re.I)
_MARKER_NOTE = re.compile(r"(?:[a-z]{1,2}|\d{1,4}|(?:note|nb|n|lower-alpha|upper-alpha|lower-roman|fn) ?\d{1,4}|"
                          r"[A-Z]\d{0,3}|[a-z] \d{1,3})", re.I)
_EDIT_LINK = re.compile(r"\s*\[\s*edit(?: source)?\s*\]\s*$", re.I)
_SPACES = re.compile(r"\s+")
_EMPTY_BRACKETS = re.compile(r"\(\s*[,;]?\s*\)")
_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[.,;:!?](?:\s|$|[\"'”’)]))")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"), None)

# ---- meta ----------------------------------------------------------------------------------------------
# the revision shown (an old one when the page was saved from a permanent link), else the current one
_REVISIONS = (re.compile(r'"wgRevisionId"\s*:\s*(\d{1,20})'), re.compile(r'"wgCurRevisionId"\s*:\s*(\d{1,20})'))
_OLDID = re.compile(r"[?&;]oldid=(\d{1,20})")
_CC = re.compile(r"creativecommons\.org/licenses/by-sa/(\d(?:\.\d)?)", re.I)
MONTHS = ("January February March April May June July August September October November "
          "December").split()
_MONTH = {m.lower(): i for i, m in enumerate(MONTHS, 1)}
_EDITED_DMY = re.compile(r"(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4}),?\s+at\s+(\d{1,2}):(\d{2})", re.I)
_EDITED_MDY = re.compile(r"(" + "|".join(MONTHS) + r")\s+(\d{1,2}),\s+(\d{4}),?\s+at\s+(\d{1,2}):(\d{2})", re.I)
_ZONE = re.compile(r"\s*\(\s*(UTC|GMT|Z)\s*(?:([+-])\s*(\d{1,2})(?::?(\d{2}))?)?\s*\)", re.I)
_ANY_ZONE = re.compile(r"\s*\(\s*([A-Za-z][A-Za-z+\-:0-9 ]{0,20})\)")
_TITLE_SEPARATORS = (" - ", " — ", " – ", " | ", " · ", " :: ", " « ", " » ")
_SITE_WORDS = ("wiki", "fandom", "encyclop")
_START_PART_OF = re.compile(r"^\s*part\s+of\s*:?\s*", re.I)


# ==== entry points ===================================================================================
def looks_like_article(text: str) -> bool:
    """A saved wiki article page (or a mirror's): HTML with the markers of MediaWiki's article markup,
    judged from the first ``SNIFF`` characters (the caller may pass only a prefix)."""
    head = text[:SNIFF].lower()
    start = head[:65536]
    if "<html" not in start and "<!doctype" not in start:
        return False
    return any(marker in head for marker in (
        "mw-parser-output", "infobox", "firstheading", "mw-content-text", "wgrevisionid", "wgpagename"))


def render_html(text: str) -> Rendering:
    """The readable text of one saved article page in the structured format (see ``rendering``).

    Raises ``ParseError`` for a page with no title at all (no ``h1#firstHeading``, no ``<title>``, no
    infobox caption); what cannot be read otherwise is a problem of the rendering."""
    page = _Page(text)
    return page.render()


# ==== the page ========================================================================================
@dataclass
class _Box:
    """What the infobox says: its top rows, its per-side cells (kind -> side -> items)."""

    conflict: str | None = None
    top: dict[str, str] = field(default_factory=dict)
    sides: dict[str, dict[int, list[str]]] = field(default_factory=dict)
    headers: dict[str, int] = field(default_factory=dict)   # side header label -> rows of cells under it
    columns: int = 2                                         # sides the infobox has columns for
    coordinates: tuple[float, float] | None = None
    combatants: bool = False

    def fields(self) -> list[tuple[str, str]]:
        out = [(key, self.top[key]) for key in TOP_KEYS if self.top.get(key)]
        for kind in SIDE_KINDS:
            for side, items in sorted(self.sides.get(kind, {}).items()):
                if kind == "Commander":
                    items = [commander_entry(s) for s in items]
                value = ", ".join(items)
                if value:
                    out.append((f"{kind}{side}", value))
        return out


class _Page:
    def __init__(self, raw: str):
        self.raw = raw
        self.problems: list[Problem] = []
        self.tree = self._parse(raw)

    # ---- lines of the original page ----------------------------------------------------------------
    def line(self, offset: int) -> int:
        return self.raw.count("\n", 0, max(0, offset)) + 1

    def line_of(self, *needles: str, start: int = 0) -> int:
        """The line of the first of ``needles`` found in the original page (from ``start``), else 1."""
        for needle in needles:
            at = self.raw.find(needle, start)
            if at >= 0:
                return self.line(at)
        return 1

    # ---- parsing ----------------------------------------------------------------------------------
    def _parse(self, raw: str) -> LexborHTMLParser:
        text = raw
        if raw.count("<") > SCAN_FROM:
            cuts = nesting_cuts(raw)
            if cuts:
                kept, at = [], 0
                for start, end in cuts:
                    kept.append(raw[at:start])
                    at = end
                    self.problems.append(Problem(self.line(start), (
                        f"the page nests its elements more than {MAX_DEPTH} deep here: lines {self.line(start)} "
                        f"to {self.line(end)} were not read")))
                kept.append(raw[at:])
                text = "".join(kept)
        try:
            return LexborHTMLParser(text)
        except UnicodeEncodeError:                      # lone surrogates cannot be handed to the parser
            return LexborHTMLParser(text.encode("utf-8", "replace").decode("utf-8"))

    # ---- the whole -----------------------------------------------------------------------------------
    def render(self) -> Rendering:
        tree = self.tree
        meta = read_meta(tree)
        root, found = content_root(tree)
        if not found:
            self.problems.append(Problem(1, "the page has no article content (no div.mw-parser-output or "
                                            "#mw-content-text): the text was read from "
                                            f"<{root.tag if root is not None else 'body'}>"))
        box = self.read_infobox(root if root is not None else tree.root)
        title = page_title(tree, meta, box)
        if not title:
            raise ParseError("the page has no title", 1)
        meta.title = title
        coordinates = box.coordinates if box else None
        if coordinates is None:
            coordinates = page_coordinates(tree)
            if coordinates is not None and box is not None and box.top:
                box.top["Coordinates"] = coords.format_coordinates(*coordinates)
        blocks = prose(root) if root is not None else []
        if not blocks:
            self.problems.append(Problem(1, "the page has no article text"))
        if "</html" not in self.raw[-65536:].lower():
            self.problems.append(Problem(self.line(len(self.raw)), "the page is cut short (no </html>): "
                                                                   "what was there was read"))
        lines = [f"= {title} ="]
        fields = box.fields() if box else []
        if fields:
            lines += ["", "Infobox", *(f"- {key}: {value}" for key, value in fields)]
        body = _join(blocks)
        text = "\n".join(lines) + "\n" + ("\n" + body if body else "")
        problems = sorted(self.problems, key=lambda p: p.line)
        return Rendering(text=text, meta=meta, offensive=bool(box and box.combatants), problems=problems,
                         coordinates=coordinates)

    # ---- the infobox ----------------------------------------------------------------------------------
    def read_infobox(self, root: LexborNode) -> _Box | None:
        """The first ``table.infobox`` with side headers (a military conflict's), else the first."""
        tables = root.css("table.infobox")
        if not tables:
            return None
        first = None
        for table in tables[:6]:
            box = read_box(table)
            if box.combatants:
                first = box
                break
            first = first or box
        box = first
        empty = [header for header, rows in box.headers.items() if rows == 0]
        if empty:
            at = self.raw.find("infobox")
            line = self.line_of(*(f">{header}<" for header in empty), start=max(at, 0))
            if line == 1 and at >= 0:
                line = self.line(at)
            names = ", ".join(repr(header) for header in empty)
            self.problems.append(Problem(line, f"the infobox has side headers with no per-side cells under them: "
                                               f"{names}"))
        return box


# ==== nesting ==========================================================================================
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr keygen basefont "
                  "bgsound frame image".split())
_RAWTEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"})
_P_CLOSERS = frozenset("""address article aside blockquote center details dialog dir div dl fieldset figcaption
figure footer header hgroup main menu nav ol p pre section summary ul table form h1 h2 h3 h4 h5 h6 hr
listing search""".split())
_AUTO_CLOSE = {
    "li": ("li", "p"), "dt": ("dt", "dd", "p"), "dd": ("dt", "dd", "p"), "tr": ("tr", "td", "th"),
    "td": ("td", "th"), "th": ("td", "th"), "tbody": ("tbody", "thead", "tfoot", "tr", "td", "th"),
    "thead": ("tbody", "thead", "tfoot", "tr", "td", "th"), "tfoot": ("tbody", "thead", "tfoot", "tr", "td", "th"),
    "option": ("option",), "optgroup": ("optgroup", "option"), "rt": ("rt", "rp", "rb"), "rp": ("rt", "rp", "rb"),
    "rb": ("rt", "rp", "rb"),
}


def nesting_cuts(raw: str, limit: int = MAX_DEPTH) -> list[tuple[int, int]]:
    """Where the page nests elements more than ``limit`` deep: (start, end) offsets of each run, from
    the start tag that goes deeper than ``limit`` to the tag that comes back (or the end of the page).

    A bound, not a reading of the page: it follows start and end tags as a tokenizer would (comments,
    script and style text skipped; elements whose end tag may be left out closed as the HTML rules
    close them) closely enough to find hostile nesting, which would make the parser's time grow with
    depth times tags (100,000 nested ``<div>`` take minutes), before the parser sees it."""
    lower = raw.lower()
    n = len(lower)
    find = lower.find
    stack: list[str] = []
    foreign = 0                                            # <svg>/<math> open: '/>' closes an element
    cuts: list[tuple[int, int]] = []
    cut_start = -1
    pos = 0
    while True:
        lt = find("<", pos)
        if lt < 0 or lt + 1 >= n:
            break
        c = lower[lt + 1]
        if c == "!" or c == "?":
            if lower.startswith("<!--", lt):
                end = find("-->", lt + 4)
                pos = n if end < 0 else end + 3
            else:
                end = find(">", lt + 2)
                pos = n if end < 0 else end + 1
            continue
        closing = c == "/"
        start = lt + 2 if closing else lt + 1
        if start >= n or not ("a" <= lower[start] <= "z"):
            pos = lt + 1
            continue
        # the name runs to a space, '/' or '>' (names longer than 32 characters are cut: a bound)
        words = lower[start:start + 32].split(None, 1)
        name = words[0].partition(">")[0].partition("/")[0] if words else ""
        gt = find(">", start)
        if gt < 0:
            break
        pos = gt + 1
        if closing:
            if stack and stack[-1] == name:
                if name in ("svg", "math"):
                    foreign -= 1
                stack.pop()
            else:
                k = len(stack) - 2
                stop = max(-1, k - 64)
                while k > stop:
                    if stack[k] == name:
                        foreign -= sum(1 for s in stack[k:] if s in ("svg", "math"))
                        del stack[k:]
                        break
                    k -= 1
        elif name in _RAWTEXT:
            end = find("</" + name, pos)
            pos = n if end < 0 else end
            continue
        elif name == "plaintext":
            break
        elif name not in _VOID and not (foreign and lower[gt - 1] == "/"):
            closes = _AUTO_CLOSE.get(name)
            if closes:
                while stack and stack[-1] in closes:
                    stack.pop()
            elif stack and stack[-1] == "p" and name in _P_CLOSERS:
                stack.pop()
            stack.append(name)
            if name in ("svg", "math"):
                foreign += 1
            if cut_start < 0 and len(stack) > limit:
                cut_start = lt
        if cut_start >= 0 and len(stack) <= limit:
            cuts.append((cut_start, pos))
            cut_start = -1
    if cut_start >= 0:
        cuts.append((cut_start, n))
    return cuts


# ==== walking the tree =================================================================================
def children(node: LexborNode):
    """The element children of ``node``, in order."""
    child = node.child
    while child is not None:
        tag = child.tag
        if tag and tag[0] != "-":
            yield child
        child = child.next


def traverse(root: LexborNode, enter, leave, on_text) -> None:
    """Depth-first over ``root``'s descendants without recursion: ``enter(node, tag)`` for an element
    (its children are visited when it returns True, then ``leave(node, tag)``), ``on_text(text)``."""
    node = root.child
    parents: list[LexborNode] = []
    while node is not None:
        tag = node.tag
        if tag == "-text":
            on_text(node.text_content or "")
        elif tag and tag[0] != "-" and enter(node, tag):
            child = node.child
            if child is not None:
                parents.append(node)
                node = child
                continue
            leave(node, tag)
        while node.next is None and parents:
            node = parents.pop()
            leave(node, node.tag)
        node = node.next


def _hidden_or_dropped(node: LexborNode, tag: str, attrs: dict, classes: frozenset) -> bool:
    """Dropped wherever it is: tags that are never text, hidden elements, ``classes``."""
    if tag in SKIP_TAGS:
        return True
    if not attrs:
        return False
    cls = attrs.get("class")
    names = cls.split() if cls else ()
    if names:
        if any(c in classes for c in names):
            return True
        if "noprint" in names:          # not article text: hatnotes, navbars, an interlanguage link's [ru]
            return True
    hidden = attrs.get("hidden", False)
    if hidden is not False and hidden != "until-found":      # until-found: a collapsed mobile section
        return True
    style = attrs.get("style")
    if style and ("none" in style or "hidden" in style) and _HIDDEN.search(style):
        return not _collapsed(node, names)
    return False


def _collapsed(node: LexborNode, names) -> bool:
    """Hidden by the script that collapses a collapsible list or table when the page was shown (a page
    saved by a browser keeps that): still the page's content."""
    if any(c in COLLAPSIBLE_CONTENT for c in names):
        return True
    parent = node.parent
    for _ in range(2):                                   # the list or table, or its tbody
        if parent is None:
            return False
        if any(c in COLLAPSIBLE for c in (parent.attributes.get("class") or "").split()):
            return True
        parent = parent.parent
    return False


def drop_in_prose(node: LexborNode, tag: str, attrs: dict) -> bool:
    if tag in PROSE_DROP_TAGS or _hidden_or_dropped(node, tag, attrs, PROSE_DROP_CLASSES):
        return True
    return bool(attrs) and (attrs.get("id") in PROSE_DROP_IDS or attrs.get("role") in PROSE_DROP_ROLES)


def drop_in_cell(node: LexborNode, tag: str, attrs: dict) -> bool:
    if _hidden_or_dropped(node, tag, attrs, CELL_DROP_CLASSES):
        return True
    if attrs:
        if attrs.get("id") == "coordinates":
            return True
        if tag == "a" and "geohack" in (attrs.get("href") or ""):
            return True
    return False


def fate(node: LexborNode, tag: str, attrs: dict) -> str | None:
    """``KIA`` (``DOW``, ``POW``...) for a fate marker: a link to the article, an image or abbreviation
    titled so; a link whose text is words ("captured") is text, not a marker."""
    if not attrs:
        return None
    found = None
    if tag == "a":
        href = attrs.get("href") or ""
        target = unquote(href.split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1].rsplit("title=", 1)[-1])
        found = FATE_LINKS.get(target.split("&", 1)[0].lower())
    if found is None and tag in ("a", "abbr", "span", "img"):
        found = FATE_TITLES.get((attrs.get("title") or "").strip().lower())
        if found is None and tag == "img":
            found = FATE_TITLES.get((attrs.get("alt") or "").strip().lower())
    if found is None:
        return None
    if tag != "img":
        words = node.text() or ""
        if sum(ch.isalpha() for ch in words) > 3 and words.strip().upper() != found:
            return None
    return found


def clean(s: str) -> str:
    """Whitespace (``&nbsp;`` too) collapsed, invisible characters removed."""
    return " ".join(s.translate(_INVISIBLE).split())


def tidy(s: str) -> str:
    """``clean``, with no empty brackets or spaces before punctuation left by removed references."""
    s = clean(s)
    if "(" in s:
        s = _EMPTY_BRACKETS.sub("", s)
        s = s.replace("( ", "(")
    if ")" in s:
        s = s.replace(" )", ")")
    s = _SPACE_BEFORE_PUNCT.sub("", s)
    return _SPACES.sub(" ", s).strip()


def strip_markers(s: str) -> str:
    """Reference markers left as text (``[12]``, ``[a]``, ``[citation needed]``) removed."""
    if "[" not in s:
        return s

    def replace(m: re.Match) -> str:
        start = m.start()
        before = s[start - 1] if start else " "
        if before.isspace() or before in "\"“‘'([{":
            return m.group()
        inner = m.group(1).strip()
        if inner.lower() == "sic":
            return m.group()
        if _MARKER_NOTE.fullmatch(inner) or inner.endswith("?") or _MARKER_WORDS.search(inner):
            return ""
        return m.group()

    return _MARKER.sub(replace, s)


def inline_text(node: LexborNode, drop=drop_in_prose, skip_lists_of: LexborNode | None = None) -> str:
    """The text of ``node``'s content on one line (``<br>`` and block edges are spaces)."""
    parts: list[str] = []
    skip_parent = skip_lists_of.mem_id if skip_lists_of is not None else None

    def enter(n: LexborNode, tag: str) -> bool:
        attrs = n.attributes
        if drop(n, tag, attrs):
            return False
        if skip_parent is not None and tag in LISTS and n.parent is not None and n.parent.mem_id == skip_parent:
            return False
        marker = fate(n, tag, attrs)
        if marker:
            parts.append(f" {marker} ")
            return False
        if tag == "br" or tag == "hr":
            parts.append(" ")
            return False
        if tag == "img":
            return False
        if tag not in INLINE:
            parts.append(" ")
        return True

    def leave(n: LexborNode, tag: str) -> None:
        if tag not in INLINE:
            parts.append(" ")

    traverse(node, enter, leave, parts.append)
    return clean("".join(parts))


# ==== infobox cells ====================================================================================
def cell_items(cell: LexborNode, units: bool = False) -> list[str]:
    """A cell's items: the pieces ``<br>``, ``<li>``, ``<hr>``, ``<p>`` and ``<div>`` separate; an item
    that is only a bracket (``<br><small>(role)</small>``) is the note of the item before it. With
    ``units``, an item of a nested list is written ``* Name`` (``** Name``...) by its depth: a list
    that follows plain items is one level below them."""
    items: list[tuple[int, str]] = []
    buf: list[str] = []
    levels: list[int] = []
    plain = [False]

    def flush() -> None:
        if not buf:
            return
        s = tidy(strip_markers("".join(buf))).strip(" ,;")
        buf.clear()
        if not s:
            return
        depth = levels[-1] if levels else 0
        if not levels:
            plain[0] = True
        if items and ((s[0] == "(" and s[-1] == ")") or not any(ch.isalnum() for ch in s)):
            d, prev = items[-1]
            items[-1] = (d, f"{prev} {s}")
            return
        if any(ch.isalnum() for ch in s):
            items.append((depth, s))

    def enter(n: LexborNode, tag: str) -> bool:
        attrs = n.attributes
        if drop_in_cell(n, tag, attrs):
            return False
        marker = fate(n, tag, attrs)
        if marker:
            buf.append(f" {marker} ")
            return False
        if tag == "br" or tag == "hr":
            flush()
            return False
        if tag == "img":
            return False
        if tag not in INLINE:
            flush()
            if tag in LISTS:
                levels.append(levels[-1] + 1 if levels else (1 if plain[0] else 0))
        elif tag == "small":
            buf.append(" ")
        return True

    def leave(n: LexborNode, tag: str) -> None:
        if tag not in INLINE:
            flush()
            if tag in LISTS and levels:
                levels.pop()

    traverse(cell, enter, leave, buf.append)
    flush()
    if units:
        return [("*" * d + " " + s) if d else s for d, s in items]
    return [s for _, s in items]


def _label(cell: LexborNode) -> str:
    """A header or label cell's text, lower case, without a trailing colon."""
    return inline_text(cell, drop_in_cell).strip(" :").lower()


def _classes(node: LexborNode) -> list[str]:
    return (node.attributes.get("class") or "").split()


def _colspan(cell: LexborNode) -> int:
    value = (cell.attributes.get("colspan") or "").strip()
    return min(int(value), MAX_SIDES + 1) if value.isdigit() and int(value) > 0 else 1


def _table_rows(table: LexborNode):
    for child in children(table):
        if child.tag == "tr":
            yield child
        elif child.tag in ("tbody", "thead", "tfoot"):
            for row in children(child):
                if row.tag == "tr":
                    yield row


def _nested_tables(cell: LexborNode) -> list[LexborNode]:
    """The tables a cell holds and nothing else but styles (the infobox's rows, one table further in)."""
    found = []
    child = cell.child
    while child is not None:
        tag = child.tag
        if tag == "-text":
            if (child.text_content or "").strip():
                return []
        elif tag == "table":
            if "navbox" in _classes(child):
                return []
            found.append(child)
        elif tag and tag[0] != "-" and tag not in ("style", "link", "meta", "br"):
            return []
        child = child.next
    return found


def _rows(table: LexborNode):
    """(row, cells) of an infobox in order; a row that only holds tables stands for their rows."""
    stack = [_table_rows(table)]
    while stack:
        row = next(stack[-1], None)
        if row is None:
            stack.pop()
            continue
        cells = [c for c in children(row) if c.tag in ("td", "th")]
        if len(cells) == 1 and len(stack) < _MAX_TABLE_NESTING:
            nested = _nested_tables(cells[0])
            if nested:
                stack.append(r for t in nested for r in _table_rows(t))
                continue
        yield row, cells


def _is_media(cell: LexborNode) -> bool:
    """A map, an image with its caption: not a value."""
    if any(c in MEDIA_CLASSES for c in _classes(cell)):
        return True
    for img in cell.css("img"):
        width = (img.attributes.get("width") or "").strip()
        if width.isdigit() and int(width) >= 60:
            return True
    return cell.css_first(".locmap, .mw-kartographer-map, .thumb, figure, .infobox-image") is not None


def _cell_coordinates(cell: LexborNode) -> tuple[float, float] | None:
    for selector in ("span.geo", ".geo-dec", ".geo-dms", ".geo"):
        for node in cell.css(selector):
            value = coords.parse_coordinates(clean(node.text() or ""))
            if value is not None:
                return value
    return None


def read_box(table: LexborNode) -> _Box:
    """An infobox table read row by row: the caption (or first header row) is the conflict; label rows
    (``th`` + ``td``) are the top rows; a full-width header row starts a per-side section whose rows
    have one cell per side."""
    box = _Box()
    caption = next((c for c in children(table) if c.tag == "caption"), None)
    if caption is not None:
        box.conflict = ", ".join(cell_items(caption)) or None
    kind: str | None = None             # the kind of the side header above
    header = ""                         # its text
    unknown_header = False              # a header not known (a renamed combatants header?) above
    first = True
    place_cell = coordinate_cell = None
    for _, cells in _rows(table):
        if not cells:
            continue
        is_first, first = first, False
        if len(cells) == 1:
            cell = cells[0]
            text = inline_text(cell, drop_in_cell).strip(" :")
            label = text.lower()
            classes = _classes(cell)
            if is_first and box.conflict is None and label not in SIDE_HEADERS and label not in TOP_ROWS \
                    and not label.startswith("part of") \
                    and (cell.tag == "th" or "summary" in classes or "infobox-above" in classes):
                box.conflict = ", ".join(cell_items(cell)) or None
                continue
            if label.startswith("part of"):
                value = _START_PART_OF.sub("", ", ".join(cell_items(cell)))
                if value:
                    box.top.setdefault("Partof", value)
                continue
            if cell.tag == "th" or "infobox-header" in classes:
                kind = SIDE_HEADERS.get(label)
                unknown_header = kind is None and bool(label)
                if kind:
                    header = text
                    box.headers.setdefault(header, 0)
                    box.columns = max(box.columns, min(_colspan(cell), MAX_SIDES))
                    box.combatants = box.combatants or kind == "Combatant"
                continue
            if _is_media(cell):
                kind = None
                continue
            if kind:
                # straight under the header: side 1's value spanning the sides with none; after a
                # row of per-side cells: the joint value the infobox gives as side N+1 (casualties3
                # of two sides: the civilians), so written as the wikitext names it
                side = box.columns + 1 if box.headers[header] else 1
                _add_sides(box, kind, [cell], first=side)
                box.headers[header] += 1
            continue
        label = _label(cells[0]) if cells[0].tag == "th" else ""
        if len(cells) == 2 and cells[0].tag == "th" and cells[1].tag == "td" and (
                label in TOP_ROWS or label == "coordinates" or kind is None):
            kind = None
            key = TOP_ROWS.get(label)
            if key == "Place" and place_cell is None:
                place_cell = cells[1]
            if label == "coordinates" and coordinate_cell is None:
                coordinate_cell = cells[1]
            if key and key not in box.top:
                value = ", ".join(cell_items(cells[1]))
                if key == "Partof":
                    value = _START_PART_OF.sub("", value)
                if value:
                    box.top[key] = value
            continue
        if kind is None and unknown_header and not box.combatants:
            kind, header = "Combatant", "Belligerents"     # a renamed combatants header
            box.headers.setdefault(header, 0)
            box.combatants = True
        if kind:
            _add_sides(box, kind, cells)
            box.headers[header] += 1
    for cell in (place_cell, coordinate_cell, table):
        if cell is not None and box.coordinates is None:
            box.coordinates = _cell_coordinates(cell)
    if box.conflict and (box.combatants or "vevent" in _classes(table)):    # not a person's name
        box.top["Conflict"] = box.conflict
    if box.coordinates is not None:
        box.top["Coordinates"] = coords.format_coordinates(*box.coordinates)
    return box


def _add_sides(box: _Box, kind: str, cells: list[LexborNode], first: int = 1) -> None:
    """One row of per-side cells: a cell is the side of the column it starts in (a cell spanning two
    sides' columns is the first's), its items added to what earlier rows gave that side."""
    column = first - 1
    for cell in cells:
        side = column + 1
        column += _colspan(cell)
        if side > MAX_SIDES:
            break
        items = cell_items(cell, units=kind == "Units")
        if items:
            box.sides.setdefault(kind, {}).setdefault(side, []).extend(items)
    if len(cells) > 1:
        box.columns = max(box.columns, min(column, MAX_SIDES))


# ==== prose ===========================================================================================
def content_root(tree: LexborHTMLParser) -> tuple[LexborNode | None, bool]:
    """The element holding the article (``div.mw-parser-output``), and whether it is one; else the
    nearest thing to it (``#bodyContent``, ``main``, ``article``, ``body``)."""
    node = tree.css_first("#mw-content-text .mw-parser-output")
    if node is not None:
        return node, True
    found = tree.css(".mw-parser-output")
    if found:
        return max(found, key=lambda n: len(n.css("p"))), True    # not a site notice's
    node = tree.css_first("#mw-content-text")
    if node is not None:
        return node, True
    for selector in ("#bodyContent", "main", "article", "body"):
        node = tree.css_first(selector)
        if node is not None:
            return node, False
    return tree.root, False


def prose(root: LexborNode) -> list[tuple[str, str]]:
    """The article's blocks in order: ("h", "==Name=="), ("p", paragraph), ("li", list item)."""
    blocks: list[tuple[str, str]] = []
    loose: list[str] = []                # text and inline elements straight inside a container
    dropping: list[int] = []             # the level of the heading of a dropped section

    def paragraph(text: str, kind: str = "p") -> None:
        if dropping:
            return
        line = safe(tidy(strip_markers(text)))
        if line:
            blocks.append((kind, line))

    def flush() -> None:
        if loose:
            text = "".join(loose)
            loose.clear()
            paragraph(text)

    def heading(level: int, text: str) -> None:
        if dropping and level > dropping[0]:
            return
        dropping.clear()
        name = tidy(_EDIT_LINK.sub("", strip_markers(text))).strip("= ")
        if not name:
            return
        if end_matter(name):
            dropping.append(level)
            return
        marks = "=" * max(2, level)
        blocks.append(("h", f"{marks}{name}{marks}"))

    def enter(node: LexborNode, tag: str) -> bool:
        attrs = node.attributes
        if drop_in_prose(node, tag, attrs):
            return False
        if tag in INLINE:                # text straight inside a container: part of a loose paragraph
            marker = fate(node, tag, attrs)
            if marker:
                loose.append(f" {marker} ")
                return False
            if tag == "br":
                loose.append(" ")
            return tag != "img" and tag != "br"
        flush()
        level = HEADINGS.get(tag)
        if level:
            heading(level, inline_text(node))
            return False
        if tag in ("p", "pre", "address", "caption", "figcaption"):
            paragraph(inline_text(node))
            return False
        if tag in LISTS:
            for line in list_lines(node):
                paragraph(line, "li")
            return False
        if tag in ITEMS:                 # an item outside a list
            paragraph(inline_text(node), "li")
            return False
        return True                      # a container: div, section, blockquote, center...

    def leave(node: LexborNode, tag: str) -> None:
        if tag not in INLINE:
            flush()

    traverse(root, enter, leave, loose.append)
    flush()
    return blocks


def end_matter(name: str) -> bool:
    """A section of references, notes, links or further reading (``See also``, ``Notes and references``,
    ``Sources and further reading``...)."""
    key = " ".join(name.lower().strip(" .:").split())
    if key in DROPPED_SECTIONS:
        return True
    words = [w for w in _WORD_SPLIT.split(key) if w and w not in ("and", "&", "other")]
    return bool(words) and all(w in END_MATTER_WORDS for w in words)


def list_lines(lst: LexborNode) -> list[str]:
    """One line per item of a list, its nested lists' items after it, in order."""
    out: list[str] = []
    stack = [children(lst)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        tag = item.tag
        attrs = item.attributes
        if drop_in_prose(item, tag, attrs):
            continue
        if tag in LISTS:
            stack.append(children(item))
            continue
        out.append(inline_text(item, skip_lists_of=item))
        nested = [c for c in children(item) if c.tag in LISTS and not drop_in_prose(c, c.tag, c.attributes)]
        if nested and len(stack) < 64:
            stack.append(child for n in nested for child in children(n))
    return out


def safe(line: str) -> str:
    """A prose line the structured parser cannot misread: no leading ``-`` or ``=`` (an infobox line,
    a heading, the title) and not the word ``Infobox`` alone."""
    line = line.lstrip("-= \t")
    if line.strip().lower() == "infobox":
        return ""
    return line


def _join(blocks: list[tuple[str, str]]) -> str:
    """Blocks -> text: a blank line between blocks, none between a heading and its text or between list
    items (a heading straight after a heading keeps its blank line, as ``wikitext`` writes it)."""
    out: list[str] = []
    previous = None
    for kind, text in blocks:
        if previous is not None:
            tight = (previous == "h" and kind != "h") or (previous == "li" and kind == "li")
            out.append("\n" if tight else "\n\n")
        out.append(text)
        previous = kind
    return "".join(out) + "\n" if out else ""


# ==== title and meta ==================================================================================
def page_title(tree: LexborHTMLParser, meta: SourceMeta, box: _Box | None) -> str:
    """``h1#firstHeading`` (its ``mw-page-title-main``), else ``<title>`` without the site's name, else
    the infobox's caption."""
    heading = None
    for selector in ("h1#firstHeading", "#firstHeading", "h1#section_0"):
        heading = tree.css_first(selector)
        if heading is not None:
            break
    if heading is not None:
        main = heading.css_first(".mw-page-title-main")
        title = inline_text(main if main is not None else heading, drop_in_cell)
        title = _EDIT_LINK.sub("", title).strip()
        if title:
            return title
    head = tree.head
    node = head.css_first("title") if head is not None else None
    if node is not None:
        title = _strip_site(clean(node.text() or ""), meta.site)
        if title:
            return title
    return box.conflict if box and box.conflict else ""


def _strip_site(title: str, site: str | None) -> str:
    """``Battle of X - Wikipedia`` -> ``Battle of X`` (and a mirror's ``| Site``, ``— Site``)."""
    while True:
        cut, sep = max(((title.rfind(s), s) for s in _TITLE_SEPARATORS), key=lambda p: p[0])
        if cut <= 0:
            return title
        suffix = title[cut + len(sep):].strip().lower()
        if any(w in suffix for w in _SITE_WORDS) or (site and site.lower() in suffix):
            title = title[:cut].strip()
        else:
            return title


def _attr(tree: LexborHTMLParser, selector: str, name: str) -> str | None:
    node = tree.css_first(selector)
    if node is None:
        return None
    value = (node.attributes.get(name) or "").strip()
    return value or None


def _host(url: str | None) -> str:
    if not url:
        return ""
    try:
        return (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    except ValueError:
        return ""


def read_meta(tree: LexborHTMLParser) -> SourceMeta:
    """Canonical URL, revision, its time, licence and site, from the page's head, scripts and footer."""
    meta = SourceMeta()
    meta.canonical_url = _attr(tree, 'link[rel="canonical"]', "href") or _attr(tree, 'meta[property="og:url"]',
                                                                                "content")
    site_name = _attr(tree, 'meta[property="og:site_name"]', "content")
    page_urls = [meta.canonical_url, _attr(tree, "base", "href"), _saved_from(tree)]
    wikipedia = any(_host(u) == "wikipedia.org" or _host(u).endswith(".wikipedia.org") for u in page_urls if u)
    if wikipedia or (site_name or "").strip().lower() == "wikipedia":
        meta.site = "Wikipedia"
    elif site_name:
        meta.site = clean(site_name)
    meta.revision_id = _revision_id(tree)
    meta.revision_time = _revision_time(tree)
    meta.licence = _licence(tree) or (WIKIPEDIA_LICENCE if meta.site == "Wikipedia" else None)
    redirect = tree.css_first(".redirectMsg a, ul.redirectText a, .redirectText a")
    if redirect is not None:
        meta.redirect = clean(redirect.text() or "") or None
    return meta


def _saved_from(tree: LexborHTMLParser) -> str | None:
    """The address in a browser's ``<!-- saved from url=(0052)https://... -->`` comment."""
    document = tree.root.parent if tree.root is not None else None
    nodes = []
    for parent in (document, tree.root, tree.head):
        if parent is not None:
            child = parent.child
            while child is not None and len(nodes) < 50:
                nodes.append(child)
                child = child.next
    for node in nodes:
        if node.tag == "-comment":
            content = node.comment_content or ""
            at = content.find("saved from url=")
            if at >= 0:
                rest = content[at + len("saved from url="):].strip()
                if rest.startswith("(") and ")" in rest:
                    rest = rest[rest.index(")") + 1:]
                return rest.split()[0] if rest.split() else None
    return None


def _revision_id(tree: LexborHTMLParser) -> int | None:
    scripts = [text for text in (script.text() or "" for script in tree.css("script")) if "RevisionId" in text]
    for pattern in _REVISIONS:
        for text in scripts:
            m = pattern.search(text)
            if m and int(m.group(1)):
                return int(m.group(1))
    for selector in ("#t-permalink a", ".printfooter a"):
        for node in tree.css(selector):
            m = _OLDID.search(node.attributes.get("href") or "")
            if m and int(m.group(1)):
                return int(m.group(1))
    return None


def _revision_time(tree: LexborHTMLParser) -> datetime.datetime | None:
    node = tree.css_first("#footer-info-lastmod")
    if node is not None:
        when = edited_time(clean(node.text() or ""))
        if when is not None:
            return when
    stamp = _attr(tree, ".last-modified-bar[data-timestamp], .last-modified-bar [data-timestamp], "
                        ".modified-enhancement[data-timestamp]", "data-timestamp")
    if stamp and stamp.isdigit() and len(stamp) <= 12:
        return datetime.datetime.fromtimestamp(int(stamp), datetime.UTC)
    for script in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(script.text() or "")
        except ValueError:
            continue
        value = data.get("dateModified") if isinstance(data, dict) else None
        if isinstance(value, str):
            try:
                when = datetime.datetime.fromisoformat(value)
            except ValueError:
                continue
            if when.tzinfo is not None:
                return when.astimezone(datetime.UTC)
    return None


def edited_time(text: str) -> datetime.datetime | None:
    """``This page was last edited on 3 March 2023, at 10:15 (UTC).`` -> 2023-03-03 10:15 UTC; a time
    in another named zone is not read (its offset is not known)."""
    m = _EDITED_DMY.search(text)
    if m:
        day, month, year = m.group(1), m.group(2), m.group(3)
    else:
        m = _EDITED_MDY.search(text)
        if not m:
            return None
        month, day, year = m.group(1), m.group(2), m.group(3)
    hour, minute = int(m.group(4)), int(m.group(5))
    offset = datetime.timedelta()
    zone = _ZONE.match(text, m.end())
    if zone:
        if zone.group(2):
            delta = datetime.timedelta(hours=int(zone.group(3)), minutes=int(zone.group(4) or 0))
            offset = delta if zone.group(2) == "+" else -delta
    elif _ANY_ZONE.match(text, m.end()):
        return None
    try:
        local = datetime.datetime(int(year), _MONTH[month.lower()], int(day), hour, minute, tzinfo=datetime.UTC)
    except ValueError:
        return None
    return local - offset


def _licence(tree: LexborHTMLParser) -> str | None:
    for selector in ('link[rel~="license"]', 'a[rel~="license"]', "#footer a", "footer a",
                     "a[href*='creativecommons.org/licenses/by-sa/']"):
        for node in tree.css(selector):
            m = _CC.search(node.attributes.get("href") or "")
            if m:
                version = m.group(1) if "." in m.group(1) else m.group(1) + ".0"
                return f"CC BY-SA {version}"
    return None


def page_coordinates(tree: LexborHTMLParser) -> tuple[float, float] | None:
    """The page's own coordinates (``#coordinates``, shown by the title)."""
    node = tree.css_first("#coordinates")
    return _cell_coordinates(node) if node is not None else None

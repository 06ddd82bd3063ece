"""The plain (scraped) format: line 1 is the flattened infobox run into the lead sentence.

Line 1 reads, with the infobox's row labels lost: result, then for each side whose column survived
its belligerents (a ``Label:`` heading the allied groups it names), commanders, units, strength and
casualties, then navigation-box residue, then the lead ("The <Title> in/of ... was ...").
The infobox run is cut into words; citation markers, labels, brackets and fate markers are hard
boundaries; runs of names are split with the names the database knows (``known_forces``), names
already met in the document, a country/demonym list and name suffixes/starters; a run that cannot
be split is reported as a problem, not turned into an entity.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import lexicon as lx
from .infobox import RANKS, ROLE_WORDS, strength_entry
from .infodate import is_end_sentence, is_launch_sentence, last_year, prose_dates
from .records import (
    Belligerent,
    Block,
    Blocks,
    Commander,
    DocumentRecord,
    ParseError,
    PartialDate,
    Problem,
    SideRecord,
    Span,
    Strength,
    Unit,
)
from .rendered import body_lines, read_rendered
from .sides import KnownForces, split
from .text import collapse, norm, quote, strip_citations

_MONTHS = (r"January|February|March|April|May|June|July|August|September|October|November|December")
_LEAD = re.compile(
    r"(?<![\w'’-])(?P<subject>(?:The\s+)?(?:[A-Z0-9][^\s.]*|(?<=The\s)[a-z][^\s.]*)"
    r"(?:\s+(?!(?:was|were|is|are)\s)[^\s]+){0,24}?)"
    r"\s+(?:was|were|is)\s+(?:a|an|the|one|part|launched|fought)\b")
# "In the Battle of Raqqa (2017), the SDF set out to ...": the lead names the offensive in a phrase
_IN_LEAD = re.compile(
    r"(?<![\w'’-])In\s+the\s+(?P<subject>(?:[A-Z0-9][^\s,]*|[a-z]+(?=\s+of\s))(?:\s+[^\s,]+){0,10}?),\s+"
    r"(?:the\s+|a\s+|an\s+)?[\w'’-]+(?:\s+[\w'’-]+){0,6}?\s+(?:set|launched|tried|attempted|sought|fought|"
    r"began|attacked|moved|advanced|captured|took|retook|was|were|had)\b")
_WHEN = re.compile(
    rf"^(?P<name>.+?)\s+(?:in|of|from|during)\s+(?P<when>(?:(?:early|late|mid-?)\s*)?"
    rf"(?:(?:{_MONTHS})(?:\s+and\s+(?:{_MONTHS}))?\s+)?"
    rf"\d{{4}}(?:\s*[\u2013\u2014-]\s*(?:(?:{_MONTHS})\s+)?\d{{4}})?)$")
# a bracket after the name that holds only its period is part of the title, as in the article's own
# title ("The Palmyra offensive (March 2016) was ..."); another bracket ("(ISIL)", "(French: ...)") is not
_PERIOD_BRACKET = re.compile(
    rf"\((?:(?:early|late|mid-?)\s*)?(?:(?:{_MONTHS})(?:\s*[\u2013\u2014-]\s*(?:{_MONTHS}))?\s+)?\d{{4}}"
    rf"(?:\s*[\u2013\u2014-]\s*(?:(?:{_MONTHS})\s+)?\d{{4}})?\)")
_FIGURE = re.compile(r"^(?:[~≈<>]|c\.|ca\.)?\d[\d,.]*\+?(?:[\u2013\u2014-]\d[\d,.]*\+?)?$")
_FIGURE_WORDS = {"unknown", "several", "hundreds", "thousands", "dozens", "tens", "over", "around", "about",
                 "approximately", "approx.", "est.", "up", "at", "more", "fewer", "less", "some"}
_FATE = re.compile(r"^(?P<name>.*?[\w'’\".)])?(?P<fate>KIA|DOW|WIA|POW|MIA)(?P<rest>[^\w].*)?$")
_RANK_WORDS = [r.split() for r in RANKS]
_RANKS_BY_FIRST: dict[str, list[list[str]]] = {}    # the ranks by their first word, in RANKS order
_RANK_FIRST = {w for r in RANKS for w in r.split()}   # the words of ranks ("Major", "General", "Gen.")
for _words_of_rank in _RANK_WORDS:
    _RANKS_BY_FIRST.setdefault(_words_of_rank[0], []).append(_words_of_rank)
_OFFENSIVE = re.compile(r"\b(?:offensive|operation|counteroffensive|counter-offensive|invasion|campaign)\b",
                        re.I)
_KIND = re.compile(r"(?i)\b(?:counteroffensive|offensive|operation|battle|siege|campaign|invasion)\b")
_LAUNCH_MONTH = re.compile(rf"\b(?:in\s+)?(?:(?:early|mid|late)[-\s]+)?(?P<m>{_MONTHS})(?:\s+(?P<y>\d{{4}}))?\b")


def lx_month(name: str) -> int:
    return _MONTHS.split("|").index(name) + 1


_NUMBERED = re.compile(r"\b(?:Division|Brigade|Regiment|Corps|Army)\s+\d+\b")
_ARTICLE = re.compile(r"^(?:al|el|ad|as|an|ar|az|ash|at|ath|adh)-\w", re.I)
_INITIAL = re.compile(r"^[A-Z]\.$")
UNPARTED = "the infobox run does not part the sides"
_SENTENCE = re.compile(r"(?<=[.!?])[\"'’”)]?\s+(?=(?:\[\d+\])*\s*[A-Z\"“(\[])")


@dataclass
class Tok:
    text: str
    start: int          # offsets in the cleaned infobox text
    end: int
    boundary: bool = False   # a citation marker, label or bracket lies right before this token
    kind: str = "word"       # word | bracket | label | fate


@dataclass
class Name:
    toks: list[Tok]
    person: bool = False
    rank: str | None = None
    kia: bool = False
    note: str | None = None
    note_end: int | None = None
    alias: str | None = None

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.toks)


@dataclass
class SideDraft:
    record: SideRecord
    phase: int = 1          # 1 belligerents, 2 commanders, 3 units, 4 strength/casualties
    label: str | None = None
    casualties: list[str] = field(default_factory=list)
    # the belligerents' comparison forms (and their countries'), kept up to date as names are added,
    # not rebuilt for every name of the run (quadratic in a run of 10,000 names)
    _folded: list[str] = field(default_factory=list)
    _listed: set[str] = field(default_factory=set)
    _forms: set[str] = field(default_factory=set)
    _form_words: int = 0

    def forms(self) -> tuple[set[str], set[str], int]:
        """(norms of the belligerents, those and their countries' forms, most words in a form)."""
        current = self.record.belligerents
        if len(current) < len(self._folded) or (
                self._folded and current[len(self._folded) - 1].name != self._folded[-1]):
            self._folded, self._listed, self._forms, self._form_words = [], set(), set(), 0
        for b in current[len(self._folded):]:
            key = norm(b.name)
            self._listed.add(key)
            for form in (key, *(norm(f) for f in lx.COUNTRIES.get(b.name, ()))):
                self._forms.add(form)
                self._form_words = max(self._form_words, len(form.split(" ")))
            self._folded.append(b.name)
        return self._listed, self._forms, self._form_words


def _words(s: str) -> list[str]:
    return [norm(w).strip(",;") for w in s.split()]


MAX_LEARNED_WORDS = 16    # a longer "name" met in a document is not learned (it would slow every match)


class Lexicon:
    def __init__(self, known_forces: Iterable[str]):
        self.names: dict[tuple[str, ...], str] = {}
        self.longest = 1
        self.lengths: list[int] = []          # the lengths (in words) of the names, longest first
        self._norms: dict[int, str] = {}      # id(token) -> its comparison form
        for name in list(known_forces) + list(lx.COUNTRIES) + list(lx.PARTIES):
            self.add(name)

    def add(self, name: str, limit: int | None = None) -> None:
        key = tuple(_words(name))
        if key and key not in self.names and (limit is None or len(key) <= limit):
            self._put(key, name)

    def _put(self, key: tuple[str, ...], name: str) -> None:
        self.names[key] = name
        self.longest = max(self.longest, len(key))
        if len(key) not in self.lengths:
            self.lengths = sorted({*self.lengths, len(key)}, reverse=True)

    @classmethod
    def of(cls, known_forces: Iterable[str]) -> Lexicon:
        """``Lexicon(known_forces)``. For a ``sides.KnownForces`` (a run's list of known names, only ever
        extended), a copy of a lexicon kept on the list and extended with the names added since, so that
        a run does not read every known name again for each plain document: the same names as a new
        lexicon (a known name before a country's or a party's of the same words, the first of a key)."""
        if not isinstance(known_forces, KnownForces):
            return cls(known_forces)
        base, known, n = getattr(known_forces, "_lexicon", None) or (cls(()), set(), 0)
        if n > len(known_forces):          # not extended but changed: made again
            base, known, n = cls(()), set(), 0
        for name in known_forces[n:]:
            key = tuple(_words(name))
            if key and key not in known:
                known.add(key)
                base._put(key, name)
        known_forces._lexicon = (base, known, len(known_forces))
        return base.copy()

    def copy(self) -> Lexicon:
        """A lexicon of the same names (a parser adds the names it learns from its document to its own)."""
        new = Lexicon.__new__(Lexicon)
        new.names, new.longest, new.lengths, new._norms = dict(self.names), self.longest, list(self.lengths), {}
        return new

    def _norm(self, tok: Tok) -> str:
        key = id(tok)
        if key not in self._norms:
            self._norms[key] = norm(tok.text).strip(",;")
        return self._norms[key]

    def match(self, toks: list[Tok], i: int) -> int:
        """End (exclusive) of the longest known name starting at ``toks[i]``, or 0.

        Only word tokens, with no boundary inside, make a name; only lengths that some known name
        has are tried, and each token is normalised once (not once per length and position)."""
        j = i
        while (j < len(toks) and j - i < self.longest and toks[j].kind == "word"
               and (j == i or not toks[j].boundary)):
            j += 1
        for n in self.lengths:
            if n <= j - i and tuple(self._norm(t) for t in toks[i:i + n]) in self.names:
                return i + n
        return 0


def _is_particle(w: str) -> bool:
    base = w.lower().strip(",;")
    return base in lx.PARTICLES


def _capitalised(w: str) -> bool:
    return bool(w) and (w[0].isupper() or w[0].isdigit() or re.match(r"^(?:al|el|ad|ash|as|an|ar|az)-", w))


def _ordinal(w: str) -> bool:
    return bool(re.match(r"^\d+(?:st|nd|rd|th)$", w)) or w.lower() in lx.ORDINAL_WORDS


def _is_figure(toks: list[Tok], i: int) -> bool:
    """A strength or casualty entry starts at ``toks[i]``."""
    t = toks[i]
    if t.kind != "word":
        return False
    nxt = toks[i + 1].text if i + 1 < len(toks) and toks[i + 1].kind == "word" else ""
    if _FIGURE.match(t.text):
        return bool(nxt) and (nxt[0].islower() or "-" in nxt or nxt.lower() in lx.DEMONYMS
                              or _FIGURE.match(nxt) is not None)
    low = t.text.lower()
    if low == "unknown":
        return True
    if low in _FIGURE_WORDS and nxt and (nxt[0].islower() or _FIGURE.match(nxt)):
        # "Several thousand fighters", "Over 5,000 troops", "Up to 3,000 ..."
        j = i + 1
        while j < len(toks) and toks[j].kind == "word" and toks[j].text[:1].islower() and j - i < 4:
            j += 1
        return j < len(toks) and bool(_FIGURE.match(toks[j].text) or toks[j].text.lower() in lx.STRENGTH_NOUNS
                                      or toks[j - 1].text.lower() in lx.STRENGTH_NOUNS)
    return False


class PlainParser:
    def __init__(self, text: str, known_forces: Iterable[str]):
        self.text = text
        self.lex = Lexicon.of(known_forces)
        self.static = set(self.lex.names)
        self.problems: list[Problem] = []
        self.known_sides = getattr(known_forces, "sides", None)   # sides.KnownForces: what other documents said
        self.breaks: dict[str, int] = {}    # a list's cut the run shows (an "Unknown" for the other side's)

    # ---- line 1 ----------------------------------------------------------------------------
    def parse(self) -> tuple[DocumentRecord, list[Block]]:
        text = self.text
        lines = []
        pos = 0
        for n, line in enumerate(text.split("\n"), 1):
            lines.append((n, pos, line))
            pos += len(line) + 1
        content = [ln for ln in lines if ln[2].strip()]
        if not content:
            raise ParseError("the document is empty", 1)
        n1, p1, line1 = content[0]
        self.line1 = n1
        rendered = read_rendered(self, lines)
        if rendered is not None:
            doc, blocks = rendered
            doc.problems.extend(self.problems)
            return doc, Blocks(blocks, doc.problems)
        clean = strip_citations(line1, p1)
        m = self._find_lead(clean.text)
        if m is None:
            raise ParseError("no title: the lead sentence ('The <Title> ... was ...') was not found", n1)
        lead_at = m.start()
        title, title_span = self._title(clean, m)
        doc = DocumentRecord(format="plain", title=title, title_span=title_span)
        raw_lead_at = clean.span(lead_at, lead_at + 1).start - p1
        # back up over citation markers glued right before the lead
        self.box = clean
        self.box_end = lead_at
        self._read_box(doc)
        blocks = [Block(text=line1[raw_lead_at:], start=p1 + raw_lead_at, section=None, line=n1)]
        for n, pos, line in body_lines([ln for ln in lines if ln[0] > n1]):
            blocks.append(Block(text=line, start=pos, section=None, line=n))
        doc.lead = collapse(strip_citations(blocks[0].text).text)
        doc.lead_span = Span(blocks[0].start, blocks[0].start + len(blocks[0].text))
        if doc.sides_unresolved:
            self.resolve_sides(doc, self.line1)
        self._period(doc, blocks, title)
        doc.problems.extend(self.problems)
        return doc, Blocks(blocks, doc.problems)

    @staticmethod
    def _find_lead(s: str):
        """The lead sentence: the first "The <Capitalised> ... was/is a ..." on line 1, else the first
        "Operation/Battle/Siege ... was ..."."""
        for starts in (r"(?<![\w'’-])The\s+(?:[A-Z0-9]|[a-z]+\s+of\s|(?:al|as|ad|an|ar|ash|az|el|at|ath)-)",
                       r"(?<![\w'’-])(?:Operation|Battle|Siege|Invasion)\s+\S"):
            for c in re.finditer(starts, s):
                m = _LEAD.match(s, c.start())
                if m:
                    return m
        for m in _IN_LEAD.finditer(s):
            return m
        return None

    def _title(self, clean, m) -> tuple[str, Span]:
        s0 = m.start("subject")
        subj = m.group("subject")
        if subj.startswith("The "):
            s0 += 4
            subj = subj[4:]
        cut = len(subj)
        for mark in (" (", ",", " \u2013 "):
            k = subj.find(mark)
            if 0 < k < cut:
                cut = k
        period = _PERIOD_BRACKET.match(subj, cut + 1) if subj.startswith(" (", cut) else None
        if period:
            cut = period.end()
        subj = subj[:cut].strip()
        span = clean.span(s0, s0 + len(subj))
        if subj[:1].islower():
            subj = subj[0].upper() + subj[1:]      # "The siege of Kobanî ..." -> "Siege of Kobanî"
        w = _WHEN.match(subj)
        if w:
            return f"{w.group('name')} ({w.group('when')})", span
        return subj, span

    # ---- a rendered infobox's field whose value runs with others on one line (rendered.py) ----
    def names_in(self, clean, learn: bool = True) -> list[tuple[Name, str, Span]]:
        """The names of a run (``clean``: its text without citation markers), split as in line 1:
        (name, its text, its document span); each name is learned for the runs after it (``learn``:
        not the commanders', which are people, not forces)."""
        self.box, self.box_end = clean, len(clean.text)
        self.lex._norms.clear()     # keyed by id(): the tokens of an earlier run may share ids with these
        out = []
        for nm in self._split(self._tokens()):
            a, b = nm.toks[0].start, nm.toks[-1].end
            name = collapse(clean.text[a:b]).strip(",;")
            out.append((nm, name, self._span(a, max(b, nm.note_end or b))))
            if learn and nm.toks[0].kind != "label" and not nm.person:
                self.lex.add(name, MAX_LEARNED_WORDS)
        return out

    def figures_in(self, clean) -> list[Strength]:
        """The strength or casualty entries of a run ("6,000+ fighters 1,000–3,000 militants")."""
        self.box, self.box_end = clean, len(clean.text)
        toks = self._tokens()
        draft = SideDraft(SideRecord(number=1))
        i = 0
        while i < len(toks):
            if _is_figure(toks, i):
                i = self._figure(draft, toks, i)
            else:
                i += 1
        out = list(draft.record.strength)
        out += [strength_entry(c, Span(0, 0)) for c in draft.casualties]
        return out

    # ---- the infobox run -------------------------------------------------------------------
    def _tokens(self) -> list[Tok]:
        clean, end = self.box, self.box_end
        s = clean.text[:end]
        # positions right after a removed citation marker
        cites = set()
        for k in range(1, len(s) + 1):
            prev = clean.span(k - 1, k).start
            cur = clean.span(k, k + 1).start if k < len(s) else clean.span(k - 1, k).end
            if cur != prev + 1:
                cites.add(k)
        toks: list[Tok] = []
        for m in re.finditer(r"\([^()]*\)|\"[^\"]*\"|[^\s(]+", s):
            t = m.group()
            boundary = any(k in cites for k in range(m.start() - 1, m.start() + 1)) or (
                bool(toks) and toks[-1].kind in ("bracket", "label"))
            if t.startswith("("):
                toks.append(Tok(t, m.start(), m.end(), boundary, "bracket"))
                continue
            if t.startswith('"') and len(t) > 1:
                toks.append(Tok(t, m.start(), m.end(), boundary, "alias"))
                continue
            f = _FATE.match(t)
            if f and (f.group("name") or t == f.group("fate")):
                if f.group("name"):
                    nm = f.group("name")
                    toks.append(Tok(nm, m.start(), m.start() + len(nm), boundary))
                    boundary = False
                at = m.start() + len(f.group("name") or "")
                toks.append(Tok(f.group("fate"), at, at + len(f.group("fate")), boundary, "fate"))
                continue
            if t.endswith(":") and len(t) > 1:
                # "Allied militias:": the label runs back over lower-case words to a capitalised one
                words = [Tok(t[:-1], m.start(), m.end() - 1, boundary)]
                while toks and toks[-1].kind == "word" and not words[0].boundary and (
                        words[0].text[:1].islower() or len(words) == 1) and toks[-1].text[:1].isalpha():
                    first = toks.pop()
                    words.insert(0, first)
                    if first.text[:1].isupper():
                        break
                lab = Tok(" ".join(w.text for w in words), words[0].start, words[-1].end, words[0].boundary,
                          "label")
                toks.append(lab)
                continue
            toks.append(Tok(t, m.start(), m.end(), boundary))
        return toks

    def _span(self, start: int, end: int) -> Span:
        return self.box.span(start, end)

    def _read_box(self, doc: DocumentRecord) -> None:
        toks = self._tokens()
        i = self._result(doc, toks)
        sides: list[SideDraft] = []
        side: SideDraft | None = None
        residue_from = None
        n = len(toks)
        while i < n:
            if (side is not None and side.phase == 2 and toks[i].kind == "word" and toks[i].text == "Unknown"
                    and i + 1 < n and toks[i + 1].kind == "word" and toks[i + 1].text[:1].isupper()
                    and not _is_figure(toks, i + 1)):
                i += 1       # "Talal Silo Unknown People's Protection Units": the other side's unknown commanders
                self.breaks["c"] = len(side.record.commanders)
                continue
            if _is_figure(toks, i):
                if side is None:
                    side = self._new_side(sides, doc)
                i = self._figure(side, toks, i)
                continue
            # a run of names up to the next figure
            j = i
            while j < n and not _is_figure(toks, j):
                j += 1
            run = toks[i:j]
            if side is not None and side.phase >= 4 or side is None and sides:
                if self._prose_like(run, final=j == n):
                    residue_from = i
                    break
                side = self._new_side(sides, doc)
            elif side is None:
                if self._prose_like(run) and not any(t.kind == "label" for t in run):
                    residue_from = i
                    break
                side = self._new_side(sides, doc)
            self._names(side, run)
            i = j
        if residue_from is not None:
            a, b = toks[residue_from].start, toks[-1].end
            residue = collapse(self.box.text[a:b])
            doc.extra["navigation"] = residue
            self.problems.append(Problem(self.line1, "text between the infobox and the lead kept as "
                                                     f"navigation residue, not read as data: {quote(residue, 1000)}"))
        for s in sides:
            if s.casualties:
                doc.extra[f"casualties{s.record.number}"] = "; ".join(s.casualties)
        self._result_side(doc)
        with_parties = [s for s in doc.sides if s.belligerents]
        if len(with_parties) == 1 and len(with_parties[0].belligerents) >= 2:
            # the flattened run kept no column of the other side: the parties are not allies, the
            # sides could not be told apart (issue 13: never shown as one alliance without a word)
            doc.sides_unresolved = True
            self.problems.append(Problem(self.line1, f"{UNPARTED}: its parties are kept as one side, marked "
                                                     "unresolved"))

    def resolve_sides(self, doc: DocumentRecord, line: int) -> None:
        """The one side of a run that does not part the sides, split by evidence (``sides.split``:
        the result, the lead, units and commanders that name their party, strength entries, the sides
        of other documents); left one side and marked unresolved when the evidence leaves a doubt."""
        full = [s for s in doc.sides if s.belligerents or s.commanders or s.units or s.strength]
        if len(full) != 1:
            return
        prose = self.text[doc.lead_span.start:] if doc.lead_span else self.text
        decision = split(full[0], known=self.known_sides, status=doc.status, lead=doc.lead, prose=prose,
                         breaks=self.breaks)
        if decision.sides is None:
            self.problems.append(Problem(line, "the sides could not be told apart by evidence ("
                                               + "; ".join(decision.evidence) + ")"))
            return
        doc.sides = decision.sides
        doc.sides_unresolved = False
        self.problems = [p for p in self.problems if not p.message.startswith(UNPARTED)]
        casualties = doc.extra.get("casualties1", "").split("; ")
        if len(casualties) == 2:
            doc.extra["casualties1"], doc.extra["casualties2"] = casualties
        self.problems.append(Problem(line, "the sides, which the infobox does not part, were told apart by "
                                           "evidence: " + "; ".join(decision.evidence)))

    def _new_side(self, sides: list[SideDraft], doc: DocumentRecord) -> SideDraft:
        d = SideDraft(SideRecord(number=len(sides) + 1))
        sides.append(d)
        doc.sides.append(d.record)
        return d

    @staticmethod
    def _prose_like(run: list[Tok], final: bool = False) -> bool:
        """Navigation-box residue rather than names: lower-case content words ("intervention in
        behalf of"); the last run before the lead (a side's column ends with its figures) needs one."""
        words = [t.text for t in run if t.kind == "word"]
        content = [w for w in words if w[:1].islower() and w.lower().strip(",;") not in lx.PARTICLES
                   and w.lower().strip(",;") not in lx.SUFFIXES
                   and not re.match(r"^(?:al|el|ad|ash|as|an|ar|az)-", w)]
        return len(content) >= (1 if final else 2) or final and any(w.endswith("-led") for w in words)

    # result ---------------------------------------------------------------------------------
    def _result(self, doc: DocumentRecord, toks: list[Tok]) -> int:
        """The result phrase that opens line 1 ("Partial ISIL victory") -> ``status``."""
        limit = min(len(toks), 8)
        for k in range(limit):
            t = toks[k]
            if t.kind != "word" or (k and t.boundary):
                break
            low = t.text.lower().strip(",;.")
            if low in lx.RESULT_WORDS or (k == 0 and low in ("inconclusive", "indecisive", "stalemate",
                                                               "ongoing")):
                end = k + 1
                doc.status = collapse(self.box.text[toks[0].start:toks[k].end]).strip(",;")
                party = [x for x in toks[:k] if x.text.lower() not in lx.RESULT_QUALIFIERS
                         and x.text[:1].isupper()]
                self.result_party = None
                if party:
                    self.result_party = (" ".join(x.text for x in party), party[0].start, party[-1].end)
                return end
        self.result_party = None
        return 0

    def _result_side(self, doc: DocumentRecord) -> None:
        """A party named by the result but missing from the belligerents becomes a side of its own."""
        if not self.result_party:
            return
        name, a, b = self.result_party
        key = norm(name)
        if key.endswith("-led") or key in lx.RESULT_ADJECTIVES or key in lx.DEMONYMS or any(
                key == norm(f) for forms in lx.COUNTRIES.values() for f in forms):
            return
        for s in doc.sides:
            for x in s.belligerents + s.units:
                if norm(x.name) == key or key in norm(x.name).split() or norm(x.name) in key:
                    return
                initials = "".join(w[0] for w in x.name.split() if w[:1].isupper())
                if len(name) >= 2 and name.isupper() and initials == name:
                    return           # "GNA victory": the Government of National Accord
        side = SideRecord(number=len(doc.sides) + 1)
        side.belligerents.append(Belligerent(name=name, note=None, span=self._span(a, b)))
        doc.sides.append(side)
        self.problems.append(Problem(self.line1, f"{quote(name)}, named by the result {quote(doc.status)}, is not "
                                                 f"among the belligerents: added as side {side.number}"))

    # strength and casualties ----------------------------------------------------------------
    def _figure(self, side: SideDraft, toks: list[Tok], i: int) -> int:
        start = i
        j = i + 1
        while j < len(toks):
            t = toks[j]
            if t.kind == "bracket":
                j += 1
                break
            if t.kind != "word" or (t.boundary and not t.text[:1].islower()) or _is_figure(toks, j):
                break
            w = t.text
            if w[:1].isupper() and not ("-" in w or w.lower() in lx.DEMONYMS) and j > start + 1:
                break
            if w[:1].isupper() and j == start + 1 and toks[start].text.lower() == "unknown":
                break
            j += 1
            if w.lower().strip(",;") in lx.STRENGTH_NOUNS | lx.CASUALTY_WORDS and (
                    j < len(toks) and toks[j].kind == "word" and toks[j].text[:1].isupper()):
                break
        a, b = toks[start].start, toks[j - 1].end
        entry = collapse(self.box.text[a:b])
        words = {w.lower().strip(",;.()") for w in entry.split()}
        if words & lx.CASUALTY_WORDS:
            side.casualties.append(entry)
        else:
            side.record.strength.append(strength_entry(entry, self._span(a, b)))
        side.phase = 4
        return j

    # names ----------------------------------------------------------------------------------
    def _split(self, run: list[Tok]) -> list[Name]:
        names: list[Name] = []
        cur: list[Tok] = []
        suffixed = 0          # tokens of ``cur`` that are force suffixes ("Army", "Brigade")
        person = False
        rank = None

        def flush():
            nonlocal cur, person, rank, suffixed
            if cur:
                names.append(Name(cur, person=person, rank=rank))
            cur, person, rank, suffixed = [], False, None, 0

        i = 0
        while i < len(run):
            t = run[i]
            if t.kind == "label":
                flush()
                names.append(Name([t]))
                i += 1
                continue
            if t.kind in ("bracket", "fate", "alias"):
                if cur:
                    flush()
                if names:
                    last = names[-1]
                    if t.kind == "fate":
                        last.person = True
                        last.kia = last.kia or t.text == "KIA"
                    elif t.kind == "alias":
                        last.alias = t.text.strip('"')
                        last.person = True
                    elif last.note is None:
                        last.note = t.text[1:-1].strip() or None
                        last.note_end = t.end
                        if ROLE_WORDS.search(t.text) and last.toks[0].kind != "label":
                            last.person = True
                i += 1
                continue
            if t.boundary:
                flush()
            # a rank starts a commander
            r = self._rank_at(run, i)
            if r:
                flush()
                rank = " ".join(x.text for x in run[i:r])
                person = True
                i = r
                continue
            if not person and (not cur or not _is_particle(cur[-1].text)
                               and cur[-1].text.lower() not in lx.NAME_STARTERS):   # "Kata'ib Hezbollah"
                k = self.lex.match(run, i)
                if k and k < len(run) and run[k].kind == "word" and not run[k].boundary and (
                        run[k].text.lower() in lx.SUFFIXES | lx.FORCE_ADJECTIVES | lx.CONTINUATIONS):
                    k = 0  # "United States Army", "Russian ... ": the known name is the start of a longer one
                if k and k + 1 < len(run) and run[k].text in ("in", "of") and all(
                        x.kind == "word" and not x.boundary for x in run[k:k + 3]) and (
                        run[k + 1].text[:1].isupper() or run[k + 1].text == "the" and k + 2 < len(run)
                        and run[k + 2].text[:1].isupper()):
                    k = 0  # "Al-Qaeda in the Islamic Maghreb": a known name that a longer one starts with
                if k:
                    flush()
                    names.append(Name(run[i:k]))
                    i = k
                    continue
            w = t.text
            low = w.lower().strip(",;")
            starts = bool(cur) and (_ordinal(w) or low in lx.NAME_STARTERS) and not _is_particle(cur[-1].text)
            if not starts and cur and not person and _capitalised(w) and not _is_particle(w):
                # "Army Group Centre" + "Third ...": a name that had its suffix and one more word is done
                last = cur[-1].text.lower().strip(",;")
                starts = (suffixed - (last in lx.SUFFIXES) > 0 and last not in lx.SUFFIXES
                          and not _is_particle(last) and not last.isdigit() and not low.isdigit()
                          and last not in lx.MODIFIERS)
            if starts or cur and person and (low in lx.SUFFIXES or low in lx.DEMONYMS):
                flush()
            cur.append(t)
            suffixed += low in lx.SUFFIXES
            i += 1
            if low in lx.SUFFIXES and not person:
                nxt = run[i] if i < len(run) else None
                if nxt is None or nxt.kind != "word" or not (
                        _is_particle(nxt.text) or nxt.text.lower() in lx.SUFFIXES
                        or nxt.text.lower() in lx.DIRECTIONS or re.match(r"^\d+$", nxt.text)):
                    flush()
            if w.endswith((",", ";")):
                flush()
        flush()
        return names

    @staticmethod
    def _rank_at(run: list[Tok], i: int) -> int:
        for words in _RANKS_BY_FIRST.get(run[i].text, ()):
            k = len(words)
            seq = run[i:i + k]
            if (len(seq) == k and all(x.kind == "word" for x in seq) and [x.text for x in seq] == words
                    and i + k < len(run) and run[i + k].kind == "word" and run[i + k].text[:1].isupper()):
                return i + k
        return 0

    def _names(self, side: SideDraft, run: list[Tok], names: list[Name] | None = None, depth: int = 0) -> None:
        for nm in self._split(run) if names is None else names:
            if nm.toks[0].kind == "label":
                side.label = nm.toks[0].text
                continue
            a, b = nm.toks[0].start, nm.toks[-1].end
            name = collapse(self.box.text[a:b]).strip(",;")
            if not any(ch.isalnum() for ch in name):
                continue
            end = max(b, nm.note_end or b)
            span = self._span(a, end)
            if nm.person and nm.rank is None and len(nm.toks) >= 4 and not depth:
                parts = self._segment(nm, people_only=True)     # "Mahmud Berxwedan Meysa Abdo": two people
                if parts is not None:
                    self._names(side, run, parts, depth=1)
                    continue
            if (not nm.person and side.phase == 2 and nm.toks[0].kind == "word"
                    and tuple(_words(name)) not in self.lex.names and self._person_at(nm.toks, 0) == len(nm.toks)):
                nm.person = True       # a person's name among the commanders ("Abu Omar al-Shishani")
            if (not nm.person and side.phase == 1 and side.record.belligerents and nm.toks[0].kind == "word"
                    and tuple(_words(name)) not in self.lex.names and self._person_at(nm.toks, 0) == len(nm.toks)
                    and self._titled_in_prose(name)):
                nm.person = True       # "... the Levant Ismail al-Mahlawi": "Iraqi Major General Ismail al-Mahlawi"
            if nm.person:
                self._person_before(side)
                side.record.commanders.append(Commander(name=name, span=span, alias=nm.alias, rank=nm.rank,
                                                        role=nm.note, kia=nm.kia))
                side.phase = max(side.phase, 2)
                continue
            words = [w for w in name.split() if not _is_particle(w)]
            if len(nm.toks) >= 4 and tuple(_words(name)) not in self.lex.names and not depth:
                parts = self._segment(nm)
                if parts is not None:
                    self._names(side, run, parts, depth=1)
                    continue
            if len(words) > 5 and tuple(_words(name)) not in self.lex.names:
                self.problems.append(Problem(self.line1, f"could not split the run of names {quote(name)} "
                                                         f"(side {side.record.number}); not imported"))
                continue
            if side.phase < 3 and side.record.belligerents and self._unitlike(side, name):
                side.phase = 3
            if side.phase >= 2:
                side.phase = max(side.phase, 3)
                parent = None
                side.record.units.append(Unit(name=name, parent=parent, depth=0, span=span))
            else:
                note = nm.note
                if side.label:
                    note = side.label if note is None else note
                side.record.belligerents.append(Belligerent(name=name, note=note, span=span))
            self.lex.add(name, MAX_LEARNED_WORDS)

    # ---- a run of names the splitter left whole: people and forces told apart by their shape ----
    def _name_word(self, t: Tok) -> bool:
        """A word that may be part of a person's name: capitalised (or an Arabic article prefix), not
        a force suffix, demonym, country, force starter or ordinal."""
        w = t.text.strip(",;")
        low = w.lower()
        if t.kind != "word" or not w:
            return False
        if not (w[0].isupper() or _ARTICLE.match(w)):
            return False
        return not (low in lx.SUFFIXES or low in lx.DEMONYMS or low in lx.NAME_STARTERS or low in lx.FORCE_ADJECTIVES
                    or low in lx.CONTINUATIONS or low in lx.MODIFIERS or _ordinal(w) or w[0].isdigit()
                    or (w, ) in self.static or (low,) in self.static)

    def _person_at(self, toks: list[Tok], i: int) -> int:
        """End of a person's name starting at ``toks[i]`` ("Valerii Zaluzhnyi", "Abu Mahdi al-Muhandis",
        "James M. Gavin"), or 0: two name words, with the initials, articles and "bin X" that go with
        them, not followed by a force suffix (then they begin a force: "Luhansk People's Republic")."""
        n = len(toks)
        j = i
        if j < n and toks[j].text.lower() in ("abu", "abd", "umm", "ibn"):
            j += 1
        core = 0
        while j < n and core < 2:
            t = toks[j]
            if _INITIAL.match(t.text) and core:
                j += 1
                continue
            if not self._name_word(t) or (j > i and self.lex.match(toks, j)):
                break
            core += 1
            j += 1
        if core < 2:
            return 0
        while j < n and toks[j].kind == "word":
            w = toks[j].text
            if _ARTICLE.match(w) or _INITIAL.match(w) or w in ("Jr.", "Sr."):
                j += 1
            elif w.lower() in ("bin", "ibn", "bint", "de", "van", "von") and j + 1 < n:
                j += 2
            else:
                break
        if j < n and toks[j].kind == "word" and toks[j].text.lower().strip(",;") in lx.SUFFIXES:
            return 0
        return j

    def _segment(self, nm: Name, people_only: bool = False) -> list[Name] | None:
        """A long name cut into people and forces by shape; None when that tells nothing (no force
        that ends like one beside the people). ``people_only``: a name marked as a person's (an
        alias, a role after it) that is two people's."""
        toks = nm.toks
        if any(t.kind != "word" for t in toks):
            return None
        out: list[Name] = []
        i = 0
        while i < len(toks):
            k = self.lex.match(toks, i)
            if k:
                out.append(Name(toks[i:k]))
                i = k
                continue
            j = self._person_at(toks, i)
            if j:
                out.append(Name(toks[i:j], person=True))
                i = j
                continue
            j = i + 1
            done = toks[i].text.lower().strip(",;") in lx.SUFFIXES
            while j < len(toks) and not done:
                low = toks[j].text.lower().strip(",;")
                if not _is_particle(toks[j - 1].text) and self._person_at(toks, j):
                    break
                done = low in lx.SUFFIXES
                j += 1
            while j + 1 < len(toks) and toks[j].text == "of" and toks[j + 1].text[:1].isupper():
                j += 2           # "Armed Forces of Ukraine"
            out.append(Name(toks[i:j]))
            i = j
        forces = [x for x in out if not x.person]
        if people_only:
            if len(out) < 2 or forces:
                return None
        else:
            def force_like(x: Name) -> bool:
                return (x.toks[-1].text.lower().strip(",;") in lx.SUFFIXES
                        or tuple(_words(x.text)) in self.lex.names)
            # people are only told by their shape beside a force that ends like one ("Aleksandr Lapin
            # Ukrainian Ground Forces"); forces alone must each end like one ("Donetsk People's Republic
            # Luhansk People's Republic"); a run of capitalised words alone stays unsplit
            people = len(out) - len(forces)
            if not forces and people >= 2 and self._named_in_prose(out):
                pass     # "Rojda Felat Talal Silo": people the article's prose names
            elif len(out) < 2 or not forces or (people and not any(force_like(x) for x in forces)) or (
                    not people and (len(toks) <= 5 or not all(force_like(x) for x in forces))):
                return None
        last = out[-1]
        last.note, last.note_end, last.alias, last.kia = nm.note, nm.note_end, nm.alias, nm.kia
        return out

    def _named_in_prose(self, people: list[Name]) -> bool:
        """``people`` are people's names: each is two name words and its tokens or the text show it
        (an Arabic article or an initial; or the document names one of them again outside the
        infobox run, by its last word as a surname: "... spokesman Talal Silo announced")."""
        named = False
        for x in people:
            words = [t.text for t in x.toks]
            if any(_ARTICLE.match(w) or _INITIAL.match(w) for w in words):
                named = True
                continue
            if len(words) != 2:
                return False
            named = named or len(re.findall(rf"(?<!\w){re.escape(words[-1])}(?!\w)", self.text)) >= 2
        return named

    def _titled_in_prose(self, name: str) -> bool:
        """The text names ``name`` again outside the infobox run, right after a rank or a role word
        ("Iraqi Major General Ismail al-Mahlawi", "DPR leader Alexander Zakharchenko"): a person."""
        run = self.box.span(0, max(self.box_end, 1))
        for hit in re.finditer(rf"(?<![\w'’-]){re.escape(name)}(?![\w'’-])", self.text):
            if run.start <= hit.start() < run.end:
                continue
            before = self.text[max(0, hit.start() - 40):hit.start()].split()[-3:]
            if any(w.strip(",.") in _RANK_FIRST for w in before) or ROLE_WORDS.search(" ".join(before)):
                return True
        return False

    def _person_before(self, side: SideDraft) -> None:
        """An unmarked name right before the side's first marked commander, shaped like a person's
        (2-4 words, no force suffix, not a known name) is a commander too: "Abu Bakr al-Baghdadi"
        before "Abu Abdul Rahman al-ShamariKIA"."""
        if side.record.commanders or side.phase != 1 or len(side.record.belligerents) < 2:
            return
        last = side.record.belligerents[-1]
        words = last.name.split()
        if (last.note is None and 2 <= len(words) <= 4 and tuple(_words(last.name)) not in self.static
                and "'s" not in last.name and "’s" not in last.name
                and not any(w.lower() in lx.SUFFIXES | lx.CONTINUATIONS | lx.MODIFIERS for w in words)):
            side.record.belligerents.pop()
            side.record.commanders.append(Commander(name=last.name, span=last.span))

    @staticmethod
    def _unitlike(side: SideDraft, name: str) -> bool:
        """Units begin where the names repeat a listed party, turn into a listed party's armed
        forces ("Syrian Armed Forces" after "Syria") or into numbered formations."""
        key = norm(name)
        listed, forms, form_words = side.forms()
        if key in listed:
            return True
        words = name.split()
        if any(_ordinal(w) for w in words) or _NUMBERED.search(name):
            return True
        if words[-1].lower() in lx.SUFFIXES:
            # a listed form is a run of the name's words; try the runs (as long as the longest form)
            # rather than every form against the name, whichever is fewer
            parts = key.split(" ")
            if len(forms) * len(key) <= len(parts) * min(len(parts), form_words) ** 2:
                text = " " + key + " "
                return any(f and f" {f} " in text for f in forms)
            return any(" ".join(parts[a:b]) in forms for a in range(len(parts))
                       for b in range(a + 1, min(len(parts), a + form_words) + 1) if any(parts[a:b]))
        return False

    # ---- period ----------------------------------------------------------------------------
    def _period(self, doc: DocumentRecord, blocks: list[Block], title: str) -> None:
        """Start: the stated launch; first in a sentence that names the kind of the title ("Battle of
        Raqqa": the start of the *battle*, not of the campaign before it), else any offensive's word,
        else any launch sentence. A launch stated to the month only ("in early March 2016") gives the
        first of the month, at month precision (corpus judgement 2)."""
        year = last_year(title) or last_year(doc.lead)
        kind = _KIND.search(title)
        strict = re.compile(rf"(?i)\b{kind.group()}\b") if kind else _OFFENSIVE
        start = end = None
        precision = "day"
        by_month = None          # a launch stated to the month: only when no day is stated anywhere
        for test in (strict, _OFFENSIVE, None):
            y = year
            for b in blocks:
                clean = strip_citations(b.text, b.start)
                for sent in _SENTENCE.split(clean.text):
                    y = last_year(sent) or y
                    if start is None and is_launch_sentence(sent) and (test is None or test.search(sent)):
                        found = prose_dates(sent, y)
                        if found:
                            start = found[0][0]
                        elif by_month is None:
                            month = _LAUNCH_MONTH.search(sent)
                            if month and (month.group("y") or y):
                                by_month = datetime.date(int(month.group("y") or y), lx_month(month.group("m")), 1)
                    if end is None and start is not None and is_end_sentence(sent):
                        found = prose_dates(sent, y)
                        if found and found[0][0] >= start:
                            end = found[0][0]
            if start is not None:
                break
        if start is None and by_month is not None:
            start, precision = by_month, "month"
        if start is None:
            self.problems.append(Problem(self.line1, "no launch date stated: start left empty"))
        doc.start = PartialDate(start, precision) if start else None
        doc.end = PartialDate(end, "day") if end else None


def parse_plain(text: str, *, known_forces: Iterable[str] = ()) -> tuple[DocumentRecord, list[Block]]:
    return PlainParser(text, known_forces).parse()


__all__ = ["parse_plain", "Strength"]

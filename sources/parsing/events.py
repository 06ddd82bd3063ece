"""Sentence splitting and event extraction from prose blocks. Pure Python, no Django.

``extract_events(blocks, start=..., end=..., year=...)`` returns one ``EventRecord`` per dated
sentence, or per undated sentence that clearly continues the narrative of the latest dated one
(rules: gold README, "Which sentences are events, and their dates").

A date expression that is no date ("31 February 2016", "3 May 9999", a range ending before it
starts) is a ``Problem`` on the document, and the sentence keeps no false date: it is not dated by
that expression (it may still continue the narrative), and a reversed range loses its end.
"""
from __future__ import annotations

import bisect
import datetime
import re
from dataclasses import dataclass

from . import dates as D
from .kinds import classify_kind
from .places import find_places
from .records import Block, EventRecord, PartialDate, Problem, Span
from .text import CITATION_RUN, collapse, strip_citations

# ---------------------------------------------------------------- sentence splitting

# never a sentence end: titles, ranks and the like ("Maj. Gen. Qasem", "St. Petersburg")
_STRONG_ABBREV = {
    "gen", "maj", "col", "lt", "ltc", "capt", "cpt", "sgt", "brig", "adm", "cmdr", "cdr", "gov", "sen",
    "rep", "pres", "mr", "mrs", "ms", "dr", "prof", "rev", "st", "mt", "ft", "no", "nos", "pvt",
    "cpl", "gens", "vs", "approx", "ca", "c", "est", "fig", "vol", "art", "e.g", "i.e", "cf", "al",
    "hon", "sgt.maj", "lt.gen", "maj.gen", "brig.gen", "lt.col", "mgen", "bgen", "fm", "marshal",
}
# a sentence end only when the next word clearly starts a sentence ("... in the U.S. The army")
_WEAK_ABBREV = {
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "a.m", "p.m", "u.s", "u.k", "u.n", "jr", "sr", "inc", "co", "corp", "ltd", "etc", "ave", "km",
}
_STARTERS = {
    "the", "on", "in", "by", "at", "after", "during", "however", "meanwhile", "a", "an", "it", "they",
    "he", "she", "this", "these", "those", "later", "between", "from", "subsequently", "following",
    "government", "rebels", "as", "when", "while", "early", "that", "there", "we", "its", "their",
}
# a boundary starts at the first of a run of stops: a run that is not followed by a space is then
# tried once, not once per stop (a line of 100,000 dots was quadratic)
_BOUNDARY = re.compile(r"""(?<![.!?])[.!?]+(?P<close>["'\u201d\u2019)\]]*)(?P<cite>(?:\[\d+\])*)\s+""")
_LEADING_QUOTES = re.compile("[\"'\u201c\u2018(\\[]*")
_WORD = re.compile(r"[\w']+")
_QUOTE_CHARS = re.compile('["\u201c\u201d]')
_OPEN_QUOTES = "\u201c"
_CLOSE_QUOTES = "\u201d"


@dataclass(frozen=True)
class Sentence:
    raw: str          # the sentence as in the document (citation markers included)
    start: int        # document offset of raw[0]
    text: str         # citation markers removed, whitespace collapsed
    citations: tuple[str, ...]
    block: int        # index of the block it came from
    index_in_block: int
    section: str | None

    @property
    def end(self) -> int:
        return self.start + len(self.raw)


def _quote_depth(text: str) -> int:
    """Open double quotes in ``text`` (straight quotes alternate, curly ones nest)."""
    return _Quotes(text).depth(len(text))


class _Quotes:
    """``_quote_depth(text[:end])`` for increasing ``end`` in one pass over ``text`` (a paragraph
    of n sentences was read n times over)."""

    def __init__(self, text: str):
        self.text = text
        self.pos = self.curly = self.straight = 0

    def depth(self, end: int) -> int:
        if end < self.pos:
            self.pos = self.curly = self.straight = 0
        for m in _QUOTE_CHARS.finditer(self.text, self.pos, end):
            ch = m.group()
            if ch == '"':
                self.straight ^= 1
            elif ch in _OPEN_QUOTES:
                self.curly += 1
            elif self.curly:
                self.curly -= 1
        self.pos = end
        return self.curly + self.straight


def _word_before(text: str, pos: int) -> str:
    """The token ending right before ``pos`` (the character at ``pos`` is the stop)."""
    i = pos
    while i > 0 and not text[i - 1].isspace() and text[i - 1] not in "([\"'\u201c":
        i -= 1
    return text[i:pos]


def _is_boundary(text: str, stop: int, nxt: int, quotes: _Quotes | None = None) -> bool:
    """Whether the stop at ``text[stop]`` ends a sentence whose successor starts at ``nxt``.

    ``quotes``: the quote counter of ``text`` when boundaries are tried in text order."""
    if nxt >= len(text):
        return True
    quotes = quotes or _Quotes(text)
    after = _LEADING_QUOTES.match(text, nxt).end()      # what follows, past opening quotes and brackets
    first = text[after:after + 1]
    if not first or not (first.isupper() or first.isdigit() or text.startswith("[", nxt)):
        return False
    # the quotes are counted up to the next sentence, past a closing quote after the stop: a sentence
    # ending in a quotation ('... a "humanitarian corridor." The same day ...') ends there
    if text[stop] != ".":
        return quotes.depth(nxt) == 0
    if text[stop + 1: stop + 2] == "." or (stop and text[stop - 1] == "."):
        return False   # ellipsis
    word = _word_before(text, stop)
    low = word.lower()
    next_word = _WORD.match(text, after)
    next_low = next_word.group().lower() if next_word else ""
    if low in _STRONG_ABBREV:
        return False
    if len(word) == 1 and word.isupper():
        return False  # an initial: "J. R. Smith"
    weak = low in _WEAK_ABBREV or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word)
    if weak and next_low not in _STARTERS:
        return False
    return quotes.depth(nxt) == 0


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text``; trailing citation markers stay with the
    sentence they follow, a leading run (``[43] The group ...``) with the sentence it precedes."""
    out: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while pos < n and text[pos].isspace():
        pos += 1
    start = pos
    quotes = _Quotes(text)
    for m in _BOUNDARY.finditer(text):
        if m.start() < start:
            continue
        stop = m.start() + len(m.group().rstrip()) - len(m.group("cite")) - len(m.group("close")) - 1
        if not _is_boundary(text, stop, m.end(), quotes):
            continue
        end = m.end()
        while end > m.start() and text[end - 1].isspace():
            end -= 1
        if text[start:end].strip():
            out.append((start, end))
        start = m.end()
    end = n
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append((start, end))
    return out


def sentences_of(blocks: list[Block]) -> list[Sentence]:
    out: list[Sentence] = []
    for bi, block in enumerate(blocks):
        for si, (s, e) in enumerate(split_sentences(block.text)):
            raw = block.text[s:e]
            clean = strip_citations(raw, block.start + s)
            text = collapse(clean.text)
            if not text or not re.search(r"[A-Za-z]", text):
                continue
            out.append(Sentence(raw, block.start + s, text, clean.citations, bi, si, block.section))
    return out


# ---------------------------------------------------------------- time of day

_TIMES: list[tuple[str, re.Pattern]] = [
    ("early", re.compile(r"(?i)\b(?:(?:in|during)\s+the\s+early\s+(?:morning|hours)|early\s+on\b"
                         r"|early\s+in\s+the\s+"
                         r"(?:morning|day)|early\s+(?:morning|hours)|(?:at|before|by)\s+(?:dawn"
                         r"|daybreak|first\s+light)"
                         r"|\bdawn\b|pre-dawn|before\s+sunrise)")),
    ("end-of-day", re.compile(r"(?i)\b(?:at|by|towards?|before|until)\s+the\s+end\s+of\s+(?:the\s+day"
                              r"|that\s+day|"
                              r"\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+|[A-Z][a-z]+\s+\d{1,2}\b)"
                              r"|\b(?:by|at)\s+(?:nightfall|dusk|sunset)\b")),
    ("night", re.compile(r"(?i)\b(?:night|overnight|midnight|evening|nighttime|night-time)\b")),
    ("morning", re.compile(r"(?i)\b(?:morning|\d{1,2}(?::\d\d)?\s*a\.m\.)")),
    ("later", re.compile(r"(?i)(?<!days\s)(?<!day\s)(?<!weeks\s)(?<!week\s)(?<!months\s)(?<!month\s)"
                         r"(?<!years\s)"
                         r"(?<!year\s)(?<!hours\s)(?<!hour\s)(?<!minutes\s)\blater\b"
                         r"(?!\s+(?:that|in\s+the|during\s+the)\s+(?:night|evening|morning))(?!\s+\w+ing\b)"
                         r"|\bafternoon\b")),
]


_COUNTED = re.compile(r"\b(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|few)\s+"
                      r"(?:days?|weeks?|months?|years?|hours?|minutes?)$", re.I)


def time_of_day(sentence: str) -> str | None:
    """early / morning / later / end-of-day / night, from the sentence's own words (first wins)."""
    best: tuple[int, int, str] | None = None
    for label, pattern in _TIMES:
        for m in pattern.finditer(sentence):
            text = m.group().lower()
            if label == "later" and re.match(r"later\b", text):
                # "three days later" is not "later that day"; only the words just before count (a
                # sentence of 10,000 "days later" read its whole beginning for each)
                at = m.start()
                while at and sentence[at - 1].isspace():
                    at -= 1
                if _COUNTED.search(sentence, max(0, at - 200), at):
                    continue
            capital = sentence[m.start():m.start() + 1].isupper()
            if label == "night" and re.match(r"(?i)night\b", text) and capital and m.start() > 0:
                continue   # "Night Wolves"
            key = (m.start(), -(m.end() - m.start()), label)
            if best is None or key < best:
                best = key
            break
    return best[2] if best else None


# ---------------------------------------------------------------- event decisions

_SPECULATION = re.compile(
    r"(?i)\b(?:may|might|could|would|must)\s+(?:have|not\s+have)\s+been\b|\b(?:may|might)\s+have\b"
    r"|\bpossibly\b"
    r"|\bspeculat\w*|\b(?:is|are|was|were)\s+believed\b|\bbelieved\s+to\b|\bin\s+(?:his|her|their"
    r"|its)\s+opinion\b"
    r"|\bperhaps\b|\bpresumably\b|\ballegedly\s+designed\b|\bit\s+is\s+(?:likely|possible|unclear|thought)\b")
_PRESENT = re.compile(
    r"(?<!\bwhich\s)(?<!\bthat\s)(?<!\bwho\s)(?<!\bwhat\s)\b(?:is|are|remains|remain|comes|lies|has\s+been"
    r"|have\s+been"
    r"|seems|appears)\b")
_BACKGROUND = re.compile(r"(?i)\b(?:still|already|historically|traditionally|long\s+been|previously"
                         r"|formerly)\b"
                         r"|\bhad\s+(?:been|\w+ed|begun|taken|held|fought|lost|won)\b")
_CONTINUATION = re.compile(r"(?i)^(?:later|then|afterwards?|subsequently|meanwhile|also"
                           r"|at\s+the\s+same\s+time)\b"
                           r"|\blater\b|\bthen\b|\balso\b")
_PAST_VERB = re.compile(
    r"\b(?:\w{3,}ed|began|took|fled|fought|struck|led|won|lost|sent|made|broke|overran|drove|went|came|fell|"
    r"seized|held|hit|shot|left|met|ran|rode|saw|withdrew|undertook|overtook|retook|beat|bore|stood|sought|"
    r"brought|caught|built|spent|gave|forced|arrived|captured)\b")
_REPORTING = re.compile(r"(?i)\b(?:stated|said|announced|reported|claimed|confirmed|declared|revealed|"
                        r"acknowledged|added)\b")
# "It was the last German strategic offensive ...": a description, not a narrated event
_DESCRIPTION = re.compile(r"^(?:It|This|That|These|They|He|She|The\s+\w+)\s+(?:was|were)\s+"
                          r"(?:the|a|an|one\s+of)\b")
_SEE_ALSO = re.compile(r"^\s*[-*\u2022]\s")
# judgement and summary rather than narrative: what commentators think ("Historians still argue ...",
# "Analysts credited ..."), how the whole is regarded ("was widely regarded as a success"), a
# comparison with every other case ("more heavily damaged than any other city"), what took weeks or
# years ("reconstruction took years", "within three weeks"), the battle as a whole summed up ("The
# battle cost ..."), and who held a line or town (a state: "The lines were held by a thin screen")
_COMMENTATORS = r"historians|analysts|scholars|commentators|observers|experts|critics|researchers|biographers"
_ASSESSMENT = re.compile(
    rf"^(?:[\w'-]+\s+){{0,2}}?(?i:{_COMMENTATORS})\b"
    r"|(?i:\b(?:widely|generally|often|commonly|usually|largely)\s+(?:regarded|considered|seen|viewed|described"
    r"|credited|judged)\b"
    r"|\bthan\s+any\s+other\b"
    r"|\b(?:took|take|taken|takes|lasted|last)\s+(?:many\s+|several\s+|a\s+few\s+)?(?:weeks|months|years|decades)\b"
    r"|\bwithin\s+(?:a\s+few\s+|several\s+|(?:two|three|four|five|six|seven|eight|nine|ten|\d+)\s+)?"
    r"(?:weeks|months|years)\b"
    r"|\bfor\s+(?:many\s+|several\s+)?(?:years|decades)\b"
    r"|\b(?:was|were)\s+(?:(?:only|thinly|lightly|weakly|still)\s+)?(?:held|defended|garrisoned|manned)\s+by\b)"
    r"|^(?:The|This)\s+(?:battle|offensive|counteroffensive|operation|intervention|campaign|siege)\s+"
    r"(?:cost|proved|marked|showed|demonstrated|exposed|remained|became)\b"
    # the aim, the name or the place in history of the whole, and what someone hoped or expected
    # (issue 13: "Its aim was to ...", "It decided the First Indochina War", "... was described as
    # ISIL's last stand", "The destruction of X was the greatest defeat ...")
    r"|^(?:Its|Their)\s+(?:aims?|goals?|objectives?|purpose|intention|end)\b"
    r"|^(?:It|This)\s+(?:decided|began\s+with)\b"
    r"|\b(?:was|were)\s+(?:codenamed|code-named)\b"
    r"|(?i:\b(?:was|were|been)\s+described\s+as\b|\bdescribed\s+(?:[\w'’-]+\s+){1,4}as\b)"
    r"|^(?:[\w'’.-]+\s+){1,4}?(?:hoped|expected|intended)\s+(?:to|the|that)\b"
    r"|\b(?:was|were)\s+the\s+(?:greatest|worst|largest|biggest|heaviest|deadliest|bloodiest|longest)\s+"
    r"(?!of\b)\w+")


# "the largest operation in Iraq since 2003": the year is what is compared with, not the sentence's date
_SINCE_BEFORE = re.compile(r"(?i)\bsince\s+$")
_SUPERLATIVE = re.compile(
    r"(?i)\b(?:first|last|only|most|least|largest|biggest|greatest|worst|heaviest|deadliest|bloodiest"
    r"|costliest|fiercest|longest|highest|lowest|strongest|deepest|fastest)\b[^,;:]*$")


def _compared_since(sentence: str, at: int) -> bool:
    """The date at ``at`` follows "since" after a superlative in the same clause (a window of
    100 characters before it: the sentence is not read once per date)."""
    window = sentence[max(0, at - 100):at]
    return bool(_SINCE_BEFORE.search(window)) and bool(_SUPERLATIVE.search(window))
_SEPARATORS = re.compile(r"(?i)[\s\u2013\u2014,-]|\b(?:to|and|until)\b")


def _paren_only(text: str, mention: D.Mention, mentions: list[D.Mention]) -> bool:
    """A date that is the whole of a bracket, like a title's "(October 2016 – July 2017)"."""
    return _Brackets(text, mentions).only(mention)


class _Brackets:
    """``_paren_only`` for the mentions of one sentence, each bracket read once (a sentence of
    10,000 bracketed dates read the sentence once per date)."""

    def __init__(self, text: str, mentions: list[D.Mention]):
        self.text = text
        self.mentions = mentions
        self.opens: list[int] | None = None

    def only(self, mention: D.Mention) -> bool:
        if "(" not in self.text:
            return False
        if self.opens is None:
            self.opens = [m.start() for m in re.finditer(r"\(", self.text)]
            self.closes = [m.start() for m in re.finditer(r"\)", self.text)]
            self.mentions = sorted(self.mentions, key=lambda m: m.start)
            self.starts = [m.start for m in self.mentions]
            self.known: dict[tuple[int, int], bool] = {}
        k = bisect.bisect_left(self.opens, mention.start) - 1           # the last '(' before it
        c = bisect.bisect_left(self.closes, mention.end)                # the first ')' after it
        if k < 0 or c == len(self.closes):
            return False
        open_at, close_at = self.opens[k], self.closes[c]
        between = bisect.bisect_left(self.closes, open_at)
        if between < len(self.closes) and self.closes[between] < mention.start:
            return False                                                # "(...) ... date)"
        if (open_at, close_at) not in self.known:
            # the bracket without the dates in it: only separators left?
            parts, at = [], open_at + 1
            for k in range(bisect.bisect_right(self.starts, open_at), len(self.mentions)):
                m = self.mentions[k]
                if m.start >= close_at:
                    break
                if m.end <= close_at and m.start >= at:
                    parts.append(self.text[at:m.start])
                    parts.append(" ")
                    at = m.end
            parts.append(self.text[at:close_at])
            self.known[open_at, close_at] = not _SEPARATORS.sub("", "".join(parts))
        return self.known[open_at, close_at]


def _soft_gap(prev: Block, block: Block) -> bool:
    """Consecutive lines (plain documents) rather than paragraphs separated by a blank line."""
    gap = block.start - (prev.start + len(prev.text))
    return 0 <= gap <= 1 and prev.section == block.section


@dataclass
class _State:
    date: datetime.date | None = None
    end: datetime.date | None = None
    precision: str = "day"
    block: int = -1
    sentence: int = -1          # global index of the latest event sentence


def _first_explicit_year(sentences: list[Sentence]) -> int | None:
    for s in sentences:
        for m in D.find_mentions(s.text):
            if m.explicit_year:
                return m.year if m.year is not None else m.year2
    return None


def _date_of(sentence: str, mentions: list[D.Mention], state: _State, year_ref: datetime.date | None,
             start: datetime.date | None, warn) -> tuple[D.Resolved | None, D.Mention | None]:
    """The sentence's own date: its first resolvable mention (plus the 'stated on X that ... the
    previous day' rule). ``mentions`` include the impossible ones (``Mention.error``): the first
    of those, or a mention that resolves to an impossible day, ends the search (the sentence is not
    dated by a later, lesser expression); ``warn(message)`` hears why, and of a dropped range end."""
    brackets = _Brackets(sentence, mentions)
    for i, m in enumerate(mentions):
        if brackets.only(m) or (not m.relative and _compared_since(sentence, m.start)):
            continue
        if m.relative:
            resolved, why = D.resolve_checked(m, ref=state.date, ref_end=state.end, ref_precision=state.precision,
                                              start=start)
        else:
            resolved, why = D.resolve_checked(m, ref=year_ref, start=start)
        if why and not m.error:   # errors of the mention itself are reported for every sentence
            warn(why if resolved is not None else f"{why}: not read as a date")
        if resolved is None:
            if why:
                return None, None
            continue
        if not m.relative:
            # "X stated on 16 December that ... on the previous day" = 15 December
            report = _REPORTING.search(sentence)
            if report and re.search(r"\bthat\b", sentence[report.end():]):
                for later in mentions[i + 1:]:
                    if later.kind == "rel_prev" and later.start > report.start() and not later.error:
                        shifted = D.resolve(later, ref=resolved.date, ref_precision=resolved.precision)
                        if shifted is not None:
                            resolved = shifted
                        break
        return resolved, m
    return None, None


def _only_relative(mentions: list[D.Mention]) -> D.Mention | None:
    return mentions[0] if len(mentions) == 1 else None


def _analysis(text: str) -> bool:
    """Present-tense analysis ("The city is historically important ...")."""
    return bool(_PRESENT.search(text)) and not _PAST_VERB.search(_PRESENT.split(text)[0])


def _is_continuation(s: Sentence, prev_block: Block | None, block: Block, state: _State, gi: int,
                     blocks_soft: bool) -> bool:
    text = s.text
    if state.date is None:
        return False
    if _SPECULATION.search(text):
        return False
    if _analysis(text) or _DESCRIPTION.match(text) or _ASSESSMENT.search(text):
        return False
    if s.block == state.block:
        return True
    if not blocks_soft or state.sentence != gi - 1:
        return False
    # a following line of a plain document: narrative past tense, not background
    if _BACKGROUND.search(text):
        return False
    return bool(_CONTINUATION.search(text) or _PAST_VERB.search(text))


def extract_events(blocks: list[Block], *, start: PartialDate | None = None,
                   end: PartialDate | None = None, year: int | None = None,
                   problems: list[Problem] | None = None) -> list[EventRecord]:
    """Events of the prose ``blocks`` (paragraphs or lines, document order, citation markers in).

    ``start``/``end``: the offensive's period when known; ``year``: a default year when no period
    is known (else the nearest explicit year of the text is used for dates without a year).
    ``problems``: where date warnings go (with their line); by default the ``problems`` list that
    the format parsers attach to the blocks they return (``records.Blocks``), else nowhere.
    """
    if problems is None:
        problems = getattr(blocks, "problems", None)
    sink: list[Problem] = problems if problems is not None else []
    blocks = [b for b in blocks if b.text.strip() and not _SEE_ALSO.match(b.text)]
    sentences = sentences_of(blocks)
    start_date = start.date if start else None
    if start_date is not None:
        default_ref = start_date
    else:
        # only a year is known: a day without a year is in that year. The nearest-year rule needs a
        # reference nearer to every day of the year than to the same day of the years beside it:
        # 2 July is (1 January of that year read "6 September" as the September before)
        known = year if year is not None else _first_explicit_year(sentences)
        default_ref = datetime.date(known, 7, 2) if known else None

    state = _State()
    events: list[EventRecord] = []
    lines = _LineCounter(blocks)
    for gi, s in enumerate(sentences):
        block = blocks[s.block]
        prev_block = blocks[s.block - 1] if s.block else None
        every = D.find_mentions(s.text, errors=True)
        soft = prev_block is not None and state.block < s.block and (
            _soft_gap(prev_block, block)
            # a paragraph of one sentence right after the latest event's paragraph continues it
            # ("Many of the men who survived were captured."), when it reads as narrative (below);
            # not in another section, not the document's closing paragraph (a summing-up), and not a
            # sentence that states a date of its own, even one that is no date ("31 February")
            or (state.block == s.block - 1 and s.index_in_block == 0 and prev_block.section == block.section
                and gi + 1 < len(sentences) and sentences[gi + 1].block != s.block and not every))
        # the reference for a missing year: the narrative's latest date, unless that was background
        # in an earlier paragraph
        year_ref = state.date or default_ref
        if (state.date is not None and start_date is not None and state.block != s.block
                and state.date < start_date - datetime.timedelta(days=60)):
            year_ref = start_date
        mentions = [m for m in every if m.error is None]
        line = lines.line(s.block, s.start - block.start)

        def warn(message: str, line: int = line) -> None:
            sink.append(Problem(line, message))

        for m in every:
            if m.error:
                warn(f"{m.error}: not read as a date")
        resolved, mention = _date_of(s.text, every, state, year_ref, start_date, warn)
        if resolved is not None and mention.kind in ("rel_same", "rel_cont") and state.date is None:
            resolved = None
        if resolved is not None:
            date, end_date, precision = resolved.date, resolved.end_date, resolved.precision
            if (mention.kind in ("rel_same", "rel_cont") and mention is _only_relative(mentions)
                    and (_SPECULATION.search(s.text) or _analysis(s.text) or _ASSESSMENT.search(s.text))):
                continue
            if not (mention.kind == "rel_prev" and mention.unit in ("month", "year")):
                # "One year earlier, ...": a look back, dated, that does not move the narrative
                state.date, state.end, state.precision = date, end_date, precision
        elif _is_continuation(s, prev_block, block, state, gi, soft):
            date, end_date, precision = state.date, state.end, state.precision
        else:
            continue
        state.block = s.block
        state.sentence = gi
        events.append(EventRecord(
            text=s.text,
            span=_span(s),
            date=date,
            precision=precision,
            order=len(events),
            end_date=end_date,
            time_of_day=time_of_day(s.text),
            section=s.section,
            kind=classify_kind(s.text),
            citations=s.citations,
            places=tuple(find_places(s.raw, s.start)),
            background=bool(start_date and date < start_date),
            continued=resolved is None,
        ))
    return events


class _LineCounter:
    """Line of an offset in a block, for offsets in document order (one pass over each block)."""

    def __init__(self, blocks: list[Block]):
        self.blocks = blocks
        self.block, self.offset, self.count = -1, 0, 0

    def line(self, block: int, offset: int) -> int:
        if block != self.block or offset < self.offset:
            self.block, self.offset, self.count = block, 0, 0
        self.count += self.blocks[block].text.count("\n", self.offset, offset)
        self.offset = offset
        return self.blocks[block].line + self.count


def _span(s: Sentence) -> Span:
    return Span(s.start, s.end)


__all__ = ["extract_events", "split_sentences", "sentences_of", "time_of_day", "Sentence", "CITATION_RUN"]

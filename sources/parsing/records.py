"""Plain records the parsers return: the contract between parsing and loading.

Nothing here imports Django. Every extracted value carries a ``Span``: character offsets into the
*normalised* document text (``sources.parsing.text.decode`` output: BOM removed, line endings
``\\n``), which is also what ``SourceDocument.text`` stores, so ``text[span.start:span.end]`` is
the characters the value was read from (for a cleaned value, the characters it was cleaned from).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

PRECISIONS = ("day", "month", "year")
TIMES_OF_DAY = ("early", "morning", "later", "end-of-day", "night")
KINDS = (
    "capture", "recapture", "attack", "counterattack", "airstrike", "withdrawal",
    "reinforcement", "casualties", "announcement", "other",
)
FORMATS = ("structured", "plain", "wikitext", "html")


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def __post_init__(self):
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")


@dataclass(frozen=True)
class Problem:
    """Something the parser could not read or had to guess; ``line`` is 1-based."""

    line: int
    message: str
    fatal: bool = False


@dataclass(frozen=True)
class PartialDate:
    """A date with its precision: month precision uses the 1st, year precision 1 January."""

    date: datetime.date
    precision: str = "day"


@dataclass(frozen=True)
class Block:
    """A run of prose handed to the event extractor: a paragraph (structured) or a line (plain).

    ``text`` is the raw document text of the block (citation markers still in it) and ``start``
    its offset in the document; ``section`` is the nearest heading above it, or None.
    """

    text: str
    start: int
    section: str | None = None
    line: int = 1


class Blocks(list):
    """The prose ``Block``s a format parser hands to the event extractor, with the document's
    ``problems`` list, so that ``events.extract_events`` reports date warnings on the document
    without its caller passing the list along."""

    def __init__(self, blocks=(), problems: list[Problem] | None = None):
        super().__init__(blocks)
        self.problems = problems if problems is not None else []


@dataclass(frozen=True)
class Belligerent:
    name: str
    note: str | None
    span: Span


@dataclass(frozen=True)
class Commander:
    name: str
    span: Span
    alias: str | None = None
    rank: str | None = None
    role: str | None = None
    kia: bool = False


@dataclass(frozen=True)
class Unit:
    name: str
    parent: str | None
    depth: int
    span: Span


@dataclass(frozen=True)
class Strength:
    text: str
    span: Span
    number: int | None = None      # the first figure stated ("3,000+ fighters" -> 3000)
    qualifier: str | None = None   # "(by the beginning of the offensive)" -> "by the beginning of the offensive"


@dataclass
class SideRecord:
    number: int                    # 1-based, in infobox order
    belligerents: list[Belligerent] = field(default_factory=list)
    commanders: list[Commander] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    strength: list[Strength] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"side {self.number}"


@dataclass(frozen=True)
class PlaceMention:
    name: str          # surface form as written in the sentence (see gold README, "Places")
    span: Span


@dataclass(frozen=True)
class EventRecord:
    text: str                      # the full sentence, citation markers removed
    span: Span                     # the sentence in the document (citation markers included)
    date: datetime.date
    precision: str                 # one of PRECISIONS
    order: int                     # 0-based position among the document's events
    end_date: datetime.date | None = None
    time_of_day: str | None = None  # one of TIMES_OF_DAY or None
    section: str | None = None
    kind: str = "other"            # one of KINDS
    citations: tuple[str, ...] = ()  # marker numbers as written, e.g. ("64", "69")
    places: tuple[PlaceMention, ...] = ()
    background: bool = False       # dated before the offensive's start
    continued: bool = False        # no date of its own: dated by the narrative's latest date (editors review it)


@dataclass
class SourceMeta:
    """What a wiki page says about itself, for attribution and identity (all optional)."""

    title: str | None = None               # the page title as the wiki names it ("Battle of X")
    canonical_url: str | None = None       # <link rel="canonical">, or the export's site base + title
    revision_id: int | None = None
    revision_time: datetime.datetime | None = None
    licence: str | None = None             # e.g. rendering.WIKIPEDIA_LICENCE
    site: str | None = None                # the wiki's name ("Wikipedia") where known
    redirect: str | None = None            # the target title of a redirect page


@dataclass(frozen=True)
class Field:
    """An infobox line kept as written: ``key`` as in the source, ``value`` stripped."""

    key: str
    value: str
    span: Span
    line: int


@dataclass
class DocumentRecord:
    format: str                    # one of FORMATS
    title: str
    title_span: Span
    start: PartialDate | None = None
    end: PartialDate | None = None
    status: str | None = None
    place: str | None = None
    part_of: list[str] = field(default_factory=list)
    territory: list[str] = field(default_factory=list)
    sides: list[SideRecord] = field(default_factory=list)
    lead: str = ""                 # the lead paragraph(s), citation markers removed
    lead_span: Span | None = None
    events: list[EventRecord] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)   # every infobox line, known keys included
    extra: dict[str, str] = field(default_factory=dict)  # infobox keys the parser has no slot for
    problems: list[Problem] = field(default_factory=list)  # non-fatal: what was left unsplit, guesses
    coordinates: tuple[float, float] | None = None  # (latitude, longitude) of the offensive, where stated
    text: str = ""                 # the text spans point into (for a wiki page: its readable rendering)
    meta: SourceMeta | None = None  # what a wiki page says about itself (title, URL, revision, licence)
    # the source does not tell the sides apart (a plain page whose infobox runs the sides' names
    # together): ``sides`` then holds one side with every party, which is not an alliance
    sides_unresolved: bool = False

    def spans(self) -> dict[str, Span]:
        """Spans of the scalar infobox values, by field name (for provenance of the conflict)."""
        wanted = {"conflict": "title", "date": "date", "place": "place", "status": "status",
                  "partof": "part_of", "territory": "territory", "coordinates": "coordinates"}
        out = {"title": self.title_span}
        for f in self.fields:
            name = wanted.get(f.key.strip().lower())
            if name and name not in out:
                out[name] = f.span
        return out


class NotAnArticle(Exception):
    """A page that is readable but is not the article of an offensive (a wiki page without a
    military-conflict infobox, a redirect): skipped and counted, not a failure. ``kind`` is what
    the summary counts ("not an offensive", "redirect"), ``detail`` says why for this page."""

    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind} ({detail})")
        self.kind, self.detail = kind, detail


class ParseError(ValueError):
    """A document that cannot be read at all (empty, binary, no title, broken infobox)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message

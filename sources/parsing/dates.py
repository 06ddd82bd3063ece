"""The date engine: finds date expressions in a sentence and resolves them to calendar dates.

Pure Python, no Django. Two steps:

``find_mentions(text)`` scans a sentence for date expressions (absolute, partial and relative) and
returns them in text order as ``Mention`` objects whose year may be missing; ``resolve(mention,
ref=..., start=...)`` turns one into a ``Resolved`` date (``date``, ``end_date``, ``precision``),
inferring a missing year from a reference date (the latest narrative date, the offensive's start
or a default year) and applying relative offsets ("the next day", "three days later", "one month
before the offensive").

``parse_date(text, ref=..., start=...)`` does both for the first expression of a string.
"""
from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, replace

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "twenty": 20, "thirty": 30, "several": None, "few": None,
}

# Month names are matched capitalised only ("may have been" is not a date).
_MON = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
        r"|Sept\.?|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)(?![a-z])")
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?(?![\d])"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)(?!\d)"
_DASH = r"\s*(?:[-\u2013\u2014]|to|and|until|till|through)\s*"
_WEEKDAY = (r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
            r"|Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?,?\s+(?:the\s+)?)?")
_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen" \
       r"|fifteen|twenty|thirty)"
_QUAL = r"(?:early|mid|middle|late|the\s+(?:beginning|start|end|middle)\s+of)"


def _g(name: str, pattern: str) -> str:
    return f"(?P<{name}>{pattern})"


# Each pattern is tried at every position; the longest match at the earliest position wins.
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")),
    # 16 October – 21 December 2015 / between 5 May and 2 June / from 31 October to 2 November
    ("dm_dm", re.compile(
        rf"(?:(?i:between|from)\s+)?{_WEEKDAY}{_g('d', _DAY)}(?:\s+of)?\s+{_g('m', _MON)}"
        rf"(?:,?\s+{_g('y', _YEAR)})?"
        rf"{_DASH}{_WEEKDAY}{_g('d2', _DAY)}(?:\s+of)?\s+{_g('m2', _MON)}(?:,?\s+{_g('y2', _YEAR)})?")),
    # Between 21 and 22 October / 3–4 June 1944 / from 5 to 9 May
    ("dd_m", re.compile(
        rf"(?:(?i:between|from)\s+)?{_g('d', _DAY)}{_DASH}{_g('d2', _DAY)}(?:\s+of)?\s+{_g('m', _MON)}"
        rf"(?:,?\s+{_g('y', _YEAR)})?")),
    # March 3 – April 5, 2016
    ("md_md", re.compile(
        rf"(?:(?i:between|from)\s+)?{_g('m', _MON)}\s+{_g('d', _DAY)}(?:,?\s+{_g('y', _YEAR)})?"
        rf"{_DASH}{_g('m2', _MON)}\s+{_g('d2', _DAY)}(?:,?\s+{_g('y2', _YEAR)})?")),
    # March 3–5, 2016
    ("m_dd", re.compile(
        rf"(?:(?i:between|from)\s+)?{_g('m', _MON)}\s+{_g('d', _DAY)}{_DASH}{_g('d2', _DAY)}"
        rf"(?:,?\s+{_g('y', _YEAR)})?")),
    # 15 March 2016 / 15th of March / 15 Oct.
    ("dm", re.compile(rf"{_WEEKDAY}{_g('d', _DAY)}(?:\s+of)?\s+{_g('m', _MON)}(?:,?\s+{_g('y', _YEAR)})?")),
    # March 15, 2016 / Sept. 3 / March 3rd
    ("md", re.compile(rf"{_WEEKDAY}{_g('m', _MON)}\s+{_g('d', _DAY)}(?!\s*(?:km|mi|m)\b)"
                      rf"(?:,?\s+{_g('y', _YEAR)})?")),
    # October–December 2015
    ("mm_y", re.compile(rf"(?:(?i:between|from)\s+)?{_g('m', _MON)}{_DASH}{_g('m2', _MON)}"
                        rf",?\s+{_g('y', _YEAR)}")),
    # mid-March 2016 / early March / the end of May 1940 / In March
    ("m", re.compile(
        rf"(?P<pre>\b(?i:in|during|by|since|until|till|throughout|from|before|after|of|on|around)\s+"
        rf"(?:the\s+month\s+of\s+)?)?"
        rf"(?:(?P<q>\b(?i:{_QUAL}))[-\s]+)?{_g('m', _MON)}(?:,?\s+(?:of\s+)?{_g('y', _YEAR)})?")),
    # In 2016 / in early 2016 / by late 1944
    ("y", re.compile(
        rf"(?P<pre>\b(?i:in|during|by|throughout|until|of)\s+)(?:(?P<q>(?i:{_QUAL}))[-\s]+)?{_g('y', _YEAR)}"
        rf"(?![-\u2013]\d)")),
    # one month before the offensive / two days after the operation
    ("rel_start", re.compile(
        rf"(?i:\b(?P<n>{_NUM})\s+(?P<unit>day|week|month|year)s?\s+(?P<dir>before|after|prior\s+to|into)\s+"
        r"the\s+(?:start\s+of\s+the\s+|beginning\s+of\s+the\s+|launch\s+of\s+the\s+)?"
        r"(?:offensive|operation|battle|attack|assault|campaign|invasion|siege|fighting))")),
    # three days later / a week later / two days afterwards
    ("rel_later", re.compile(
        rf"(?i:\b(?P<n>{_NUM})\s+(?P<unit>day|week|month|year)s?\s+(?:later|afterwards?|after\s+that)\b)")),
    # the next day / the following morning / the day after / on the next day
    ("rel_next", re.compile(
        r"(?i:\b(?:on\s+|by\s+|during\s+|in\s+)?the\s+(?:next|following|subsequent)\s+(?P<unit>day"
        r"|morning|night|"
        r"evening|afternoon|week)\b|\bthe\s+day\s+after\b(?!\s+(?:that|which)\b)|\bthe\s+morning\s+after\b"
        r"|\bnext\s+(?:day|morning)\b|\bthe\s+day\s+later\b)")),
    # the previous day / the day before / two days earlier
    ("rel_prev", re.compile(
        rf"(?i:\b(?:on\s+)?the\s+(?:previous|preceding|prior)\s+(?P<unit>day|night|evening|week)\b"
        rf"|\bthe\s+(?:day|night)\s+before\b(?!\s+(?:the|a|an|its|their|his)\b)"
        rf"|\b(?P<n>{_NUM})\s+(?P<unit2>day|week)s?\s+(?:earlier|before)\b(?!\s+(?:the|a|an)\b))")),
    # that day / later that day / later in the day / the same day / that evening
    ("rel_same", re.compile(
        r"(?i:\b(?:(?:later|earlier)\s+)?(?:on\s+|during\s+|in\s+)?(?:that|the\s+same)\s+(?:same\s+)?"
        r"(?:day|morning|evening|night|afternoon)\b"
        r"|\b(?:later|earlier)\s+(?:in|during)\s+the\s+(?:day|morning|evening|night|afternoon)\b"
        r"|\b(?:at|by|towards?)\s+the\s+end\s+of\s+the\s+day\b|\bby\s+(?:nightfall|dusk)\b"
        r"|\bthat\s+same\s+(?:day|night)\b)")),
    # Meanwhile / Subsequently / At the same time: the narrative date continues
    ("rel_cont", re.compile(r"^(?:(?:However|And|But),?\s+)?(?i:(?:meanwhile|subsequently|simultaneously|"
                            r"at\s+the\s+same\s+time|in\s+the\s+meantime|elsewhere|shortly\s+(?:after"
                            r"|afterwards?|"
                            r"thereafter)|soon\s+after(?:wards?)?|thereafter)\b)(?!\s+(?:the|a|an|its"
                            r"|their)\b)")),
]


@dataclass(frozen=True)
class Mention:
    """A date expression found in a text (offsets into that text); the year may be unknown."""

    start: int
    end: int
    text: str
    kind: str                    # pattern name: iso, dm, md, ..., rel_next, rel_same, ...
    day: int | None = None
    month: int | None = None
    year: int | None = None
    day2: int | None = None
    month2: int | None = None
    year2: int | None = None
    qualifier: str | None = None  # early / mid / late (month or year precision)
    offset: int = 0              # relative: signed amount of ``unit``
    unit: str = "day"            # relative: day / week / month / year

    @property
    def relative(self) -> bool:
        return self.kind.startswith("rel_")

    @property
    def explicit_year(self) -> bool:
        return self.year is not None or self.year2 is not None


@dataclass(frozen=True)
class Resolved:
    date: datetime.date
    precision: str = "day"
    end_date: datetime.date | None = None


def _month(token: str | None) -> int | None:
    if not token:
        return None
    return MONTHS.get(token.rstrip(".").lower())


def _day(token: str | None) -> int | None:
    if not token:
        return None
    return int(re.match(r"\d+", token).group())


def _number(token: str | None) -> int | None:
    if token is None:
        return 1
    token = token.lower()
    if token.isdigit():
        return int(token)
    return NUMBER_WORDS.get(token)


def _build(kind: str, m: re.Match) -> Mention | None:
    g = m.groupdict()
    common = {"start": m.start(), "end": m.end(), "text": m.group(), "kind": kind}
    if kind == "iso":
        y, mo, d = int(g["y"]), int(g["m"]), int(g["d"])
        if not (1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1]):
            return None
        return Mention(**common, day=d, month=mo, year=y)
    if kind in ("dm_dm", "md_md"):
        return Mention(**common, day=_day(g["d"]), month=_month(g["m"]), year=_int(g.get("y")),
                       day2=_day(g["d2"]), month2=_month(g["m2"]), year2=_int(g.get("y2")))
    if kind in ("dd_m", "m_dd"):
        return Mention(**common, day=_day(g["d"]), month=_month(g["m"]), day2=_day(g["d2"]),
                       month2=_month(g["m"]), year=_int(g.get("y")))
    if kind in ("dm", "md"):
        return Mention(**common, day=_day(g["d"]), month=_month(g["m"]), year=_int(g.get("y")))
    if kind == "mm_y":
        return Mention(**common, month=_month(g["m"]), month2=_month(g["m2"]), year=_int(g["y"]))
    if kind == "m":
        if not g.get("y") and not g.get("pre") and not g.get("q"):
            return None          # a bare "March" is too weak (the Long March, ...)
        start = m.start("q") if g.get("q") else m.start("m")
        return Mention(start=start, end=m.end(), text=m.string[start:m.end()], kind=kind,
                       month=_month(g["m"]), year=_int(g.get("y")), qualifier=_qual(g.get("q")))
    if kind == "y":
        start = m.start("q") if g.get("q") else m.start("y")
        return Mention(start=start, end=m.end(), text=m.string[start:m.end()], kind=kind,
                       year=int(g["y"]), qualifier=_qual(g.get("q")))
    if kind == "rel_start":
        n = _number(g["n"])
        if n is None:
            return None
        sign = -1 if g["dir"].lower().startswith(("before", "prior")) else 1
        return Mention(**common, offset=sign * n, unit=g["unit"].lower())
    if kind == "rel_later":
        n = _number(g["n"])
        if n is None:
            return None
        return Mention(**common, offset=n, unit=g["unit"].lower())
    if kind == "rel_next":
        unit = (g.get("unit") or "day").lower()
        return Mention(**common, offset=1, unit="week" if unit == "week" else "day")
    if kind == "rel_prev":
        if g.get("n"):
            n = _number(g["n"])
            if n is None:
                return None
            return Mention(**common, offset=-n, unit=g["unit2"].lower())
        unit = (g.get("unit") or "day").lower()
        return Mention(**common, offset=-1, unit="week" if unit == "week" else "day")
    return Mention(**common)     # rel_same, rel_cont


def _int(token: str | None) -> int | None:
    return int(token) if token else None


def _qual(token: str | None) -> str | None:
    if not token:
        return None
    word = token.lower()
    if word in ("mid", "middle") or "middle" in word:
        return "mid"
    if word.startswith("early") or "beginning" in word or "start" in word:
        return "early"
    return "late"


def _valid(m: Mention) -> bool:
    for day, month in ((m.day, m.month), (m.day2, m.month2)):
        if month is None and day is not None:
            return False
        if day is not None and not 1 <= day <= 31:
            return False
        if day is not None and month is not None and day > calendar.monthrange(2000, month)[1]:
            return False
    return True


def find_mentions(text: str) -> list[Mention]:
    """All date expressions in ``text``, in order, not overlapping (longest at each position)."""
    found: list[Mention] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            mention = _build(kind, match)
            if mention is not None and _valid(mention):
                found.append(mention)
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Mention] = []
    for mention in found:
        if out and mention.start < out[-1].end:
            continue
        out.append(mention)
    return out


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def infer_year(month: int, day: int, ref: datetime.date) -> int:
    """The year putting ``day month`` nearest to ``ref`` (December → January rolls over)."""
    best, best_gap = ref.year, None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        candidate = _safe_date(year, month, min(day, calendar.monthrange(year, month)[1]))
        gap = abs((candidate - ref).days)
        if best_gap is None or gap < best_gap or (gap == best_gap and year > best):
            best, best_gap = year, gap
    return best


def add_months(date: datetime.date, months: int) -> datetime.date:
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(date.day, calendar.monthrange(year, month + 1)[1]))


def _shift(date: datetime.date, amount: int, unit: str) -> tuple[datetime.date, str]:
    if unit == "day":
        return date + datetime.timedelta(days=amount), "day"
    if unit == "week":
        return date + datetime.timedelta(weeks=amount), "day"
    if unit == "month":
        return add_months(date, amount).replace(day=1), "month"
    return datetime.date(date.year + amount, 1, 1), "year"


def resolve(mention: Mention, *, ref: datetime.date | None = None, ref_end: datetime.date | None = None,
            ref_precision: str = "day", start: datetime.date | None = None) -> Resolved | None:
    """Calendar value of a mention.

    ``ref`` is the narrative's latest date (for relative expressions and missing years;
    ``ref_end`` its range end, used by "the next day" after a range); ``start`` the
    offensive's start (for "one month before the offensive"). None when it cannot be resolved.
    """
    kind = mention.kind
    if kind == "rel_start":
        if start is None:
            return None
        date, precision = _shift(start, mention.offset, mention.unit)
        return Resolved(date, precision)
    if kind in ("rel_same", "rel_cont"):
        if ref is None:
            return None
        return Resolved(ref, ref_precision, ref_end)
    if kind in ("rel_next", "rel_later"):
        if ref is None:
            return None
        base = ref_end or ref
        date, precision = _shift(base, mention.offset, mention.unit)
        if mention.unit == "day" or mention.unit == "week":
            precision = "day" if ref_precision == "day" else ref_precision
        return Resolved(date, precision)
    if kind == "rel_prev":
        if ref is None:
            return None
        date, precision = _shift(ref, mention.offset, mention.unit)
        return Resolved(date, precision)

    year = mention.year if mention.year is not None else mention.year2
    if kind == "y":
        return Resolved(datetime.date(mention.year, 1, 1), "year")
    if mention.day is None:                       # month precision (m, mm_y)
        if year is None:
            if ref is None:
                return None
            year = infer_year(mention.month, 1, ref)
        first = datetime.date(year, mention.month, 1)
        end = None
        if mention.month2 is not None:
            y2 = year if mention.month2 >= mention.month else year + 1
            end = datetime.date(y2, mention.month2, 1)
            if mention.month > mention.month2 and mention.year is not None:
                first = datetime.date(year - 1, mention.month, 1)
                end = datetime.date(year, mention.month2, 1)
        return Resolved(first, "month", end)

    # day precision, maybe a range
    if mention.day2 is not None:
        m2 = mention.month2 or mention.month
        y2 = mention.year2 if mention.year2 is not None else mention.year
        y1 = mention.year
        if y1 is None and y2 is not None:
            y1 = y2 if (mention.month, mention.day) <= (m2, mention.day2) else y2 - 1
        if y1 is None:
            if ref is None:
                return None
            y1 = infer_year(mention.month, mention.day, ref)
        if y2 is None:
            y2 = y1 if (m2, mention.day2) >= (mention.month, mention.day) else y1 + 1
        first = _safe_date(y1, mention.month, mention.day)
        end = _safe_date(y2, m2, mention.day2)
        if first is None or end is None:
            return None
        return Resolved(first, "day", end if end != first else None)
    if year is None:
        if ref is None:
            return None
        year = infer_year(mention.month, mention.day, ref)
    date = _safe_date(year, mention.month, mention.day)
    if date is None:
        return None
    return Resolved(date, "day")


def parse_date(text: str, *, ref: datetime.date | None = None, start: datetime.date | None = None,
               year: int | None = None) -> Resolved | None:
    """Resolve the first date expression in ``text`` (convenience for callers and tests).

    ``ref`` defaults to 1 January of ``year`` when only a year is given, else to ``start``.
    """
    if ref is None:
        ref = start if start is not None else (datetime.date(year, 7, 1) if year else None)
    for mention in find_mentions(text):
        resolved = resolve(mention, ref=ref, start=start)
        if resolved is not None:
            return resolved
    return None


def with_year(mention: Mention, year: int) -> Mention:
    return replace(mention, year=year)

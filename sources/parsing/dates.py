"""The date engine: finds date expressions in a sentence and resolves them to calendar dates.

Pure Python, no Django. Two steps:

``find_mentions(text)`` scans a sentence for date expressions (absolute, partial and relative) and
returns them in text order as ``Mention`` objects whose year may be missing; ``resolve(mention,
ref=..., start=...)`` turns one into a ``Resolved`` date (``date``, ``end_date``, ``precision``),
inferring a missing year from a reference date (the latest narrative date, the offensive's start
or a default year) and applying relative offsets ("the next day", "three days later", "one month
before the offensive").

``parse_date(text, ref=..., start=...)`` does both for the first expression of a string.

Impossible expressions are never turned into another date (issue 15): "31 February 2016", "0 October",
"32 December", "13/45/2015", a year outside ``YEAR_MIN``..``YEAR_MAX`` ("3 May 9999", "500 BC") are
``Mention``s with an ``error`` that take their place in the text (so that "February 2016" inside
"31 February 2016" is not read as a month) and resolve to nothing; ``resolve_checked`` also reports
a range whose end comes before its start ("Between 30 and 2 October": end dropped) and a day that
does not exist in the year inferred for it.
"""
from __future__ import annotations

import calendar
import datetime
import functools
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
_DIGITS = re.compile(r"\d+")
_INVISIBLE = dict.fromkeys((0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
                             0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF), " ")
# years a date may plausibly have; outside them a stated year is an error, not a date
YEAR_MIN = 1000
YEAR_MAX = datetime.date.today().year + 1
MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")

# day before the month: any one or two digits not glued to other digits ("45 March" is a bad date,
# not "5 March"); after the month: 0-39, as a larger number there is a count ("May 50 soldiers")
_DAY = r"(?<!\d)\d{1,2}(?:st|nd|rd|th)?(?!\d)"
_MDAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?(?![\d])"
_ERA = r"\s*(?:B\.\s?C\.(?:\s?E\.)?|BCE|BC|A\.\s?D\.|AD|CE)(?![\w.])"
_ERA_END = re.compile(_ERA + "$")
# a year after a month: four or more digits (any value: "9999" and "0000" are reported, not skipped), a
# number with an era ("500 BC"), a signed number ("-500"), or a short number closing a clause ("3 May
# 0,"); a short number followed by a word is a count ("12 October 300 rebels") and no year
_YEAR = (rf"(?:[-\u2212]?\d{{4,}}(?!\d)(?:{_ERA})?|\d{{1,4}}{_ERA}|[-\u2212]\d{{1,3}}(?!\d)"
         rf"|\d{{1,3}}(?=\s*(?:[.,;)]|$)))")
# a year on its own ("in 2016"): the years this engine always read, or a number with an era
_LONE_YEAR = rf"(?:(?:1[5-9]\d\d|20\d\d)(?!\d)(?!{_ERA})|\d{{1,4}}{_ERA})"
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
    # 15/03/2016, 3/15/2016, 2016/03/15 (only when one reading is possible), 31/31/31 (an error)
    ("num", re.compile(r"(?<![\d/.])(?:(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})"
                       r"|(?P<y0>\d{4})/(?P<b0>\d{1,2})/(?P<a0>\d{1,2}))(?![\d/])")),
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
        rf"(?:(?i:between|from)\s+)?{_g('m', _MON)}\s+{_g('d', _MDAY)}(?:,?\s+{_g('y', _YEAR)})?"
        rf"{_DASH}{_g('m2', _MON)}\s+{_g('d2', _MDAY)}(?:,?\s+{_g('y2', _YEAR)})?")),
    # March 3–5, 2016
    ("m_dd", re.compile(
        rf"(?:(?i:between|from)\s+)?{_g('m', _MON)}\s+{_g('d', _MDAY)}{_DASH}{_g('d2', _MDAY)}"
        rf"(?:,?\s+{_g('y', _YEAR)})?")),
    # 15 March 2016 / 15th of March / 15 Oct.
    # (not a name: "the 22 May Hospital", "the 6 October Bridge")
    ("dm", re.compile(rf"{_WEEKDAY}{_g('d', _DAY)}(?:\s+of)?\s+{_g('m', _MON)}(?:,?\s+{_g('y', _YEAR)})?"
                      r"(?!\s+(?:Hospital|Street|Square|Stadium|Bridge|University|Mosque|Avenue|Road|Movement"
                      r"|Brigade|Revolution|Camp|Airport|Dam|Hall|Park|Station)\b)")),
    # March 15, 2016 / Sept. 3 / March 3rd
    ("md", re.compile(rf"{_WEEKDAY}{_g('m', _MON)}\s+{_g('d', _MDAY)}(?!\s*(?:km|mi|m)\b)"
                      rf"(?:,?\s+{_g('y', _YEAR)})?")),
    # October–December 2015 / through June and July (no year: only after a preposition)
    # Between March and early May / from late November to mid-December 1950 / from December 1994 to
    # March 1995 (month precision, the end the first of the last month)
    ("mm_y", re.compile(rf"(?P<pre>(?i:between|from|in|during|through|throughout)\s+)?"
                        rf"(?:(?i:{_QUAL})[-\s]+)?{_g('m', _MON)}(?:,?\s+{_g('y1', _LONE_YEAR)})?{_DASH}"
                        rf"(?:(?i:{_QUAL})[-\s]+)?{_g('m2', _MON)}(?:,?\s+{_g('y', _YEAR)})?")),
    # mid-March 2016 / early March / the end of May 1940 / In March
    ("m", re.compile(
        rf"(?P<pre>\b(?i:in|during|by|since|until|till|through|throughout|from|before|after|of|on|around)\s+"
        rf"(?:the\s+month\s+of\s+)?)?"
        rf"(?:(?P<q>\b(?i:{_QUAL}))[-\s]+)?{_g('m', _MON)}(?:,?\s+(?:of\s+)?{_g('y', _YEAR)})?")),
    # In 2016 / in early 2016 / by late 1944
    ("y", re.compile(
        rf"(?P<pre>\b(?i:in|during|by|since|throughout|until|of)\s+)(?:(?P<q>(?i:{_QUAL}))[-\s]+)?"
        rf"{_g('y', _LONE_YEAR)}"
        rf"(?![-\u2013]\d)")),
    # On the 24th / By the 11th / early on the 28th / in the early morning of the 16th / ended on the
    # 18th: a day of the narrative's month (not "the 82nd Airborne": a name follows)
    ("rel_ord", re.compile(
        r"(?P<pre>\b(?i:on|by|of|until|till|after|before|since|from)\s+)the\s+"
        r"(?P<d>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)\b(?=\s*[,.;:)!?]|\s*$|\s+(?!of\s+[A-Z])[a-z])")),
    # Over the following three days / during the next two days: a range after the narrative's day
    ("rel_span", re.compile(
        rf"(?i:\b(?:over|during|in|for|within)\s+the\s+(?:following|next)\s+(?P<n>{_NUM})\s+days\b)")),
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
        rf"|\b(?P<n>{_NUM})\s+(?P<unit2>day|week|month|year)s?\s+(?:earlier|before)\b(?!\s+(?:the|a|an)\b))")),
    # that day / later that day / later in the day / the same day / that evening
    ("rel_same", re.compile(
        r"(?i:\b(?:(?:later|earlier)\s+)?(?:on\s+|during\s+|in\s+)?(?:that|the\s+same)\s+(?:same\s+)?"
        r"(?:day|morning|evening|night|afternoon)\b"
        r"|\b(?:later|earlier)\s+(?:in|during)\s+the\s+(?:day|morning|evening|night|afternoon)\b"
        r"|\b(?:at|by|towards?)\s+the\s+end\s+of\s+the\s+day\b|\bby\s+(?:nightfall|dusk)\b"
        r"|\bthat\s+same\s+(?:day|night)\b"
        # a part of the day without a date is the narrative's day ("In the late afternoon, ...")
        r"|\b(?:in|during)\s+the\s+(?:(?:late|early)\s+)?(?:morning|afternoon|evening)\b(?!\s+(?:of|hours\s+of)\b)"
        r"|\b(?:at|by|around|before|until)\s+(?:noon|midday)\b)")),
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
    error: str | None = None     # why this expression is not a date ("31 February 2016"); then it
                                 # resolves to nothing

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
    return int(_DIGITS.match(token).group())


def _number(token: str | None) -> int | None:
    if token is None:
        return 1
    token = token.lower()
    if token.isdigit():
        return int(token) if len(token) <= 7 else _HUGE
    return NUMBER_WORDS.get(token)


_HUGE = 10 ** 7          # a relative amount too large for any calendar ("99999999999 days later")


def _q(text: str) -> str:
    """An expression quoted in a message, cut short if it is long."""
    return repr(text if len(text) <= 60 else text[:57] + "...")


@functools.lru_cache(maxsize=4096)
def check_year(token: str | None) -> tuple[int | None, str | None]:
    """(year, None) for a plausible year; (None, why) for a stated year that is out of range."""
    if not token:
        return None, None
    era = _ERA_END.search(token)
    digits = _DIGITS.search(token).group()
    bc = bool(era) and era.group().strip().upper().startswith("B")
    negative = token.lstrip()[:1] in "-\u2212"
    if len(digits) > 6:
        return None, f"the year {digits[:12]}... ({len(digits)} digits) is out of range"
    value = int(digits)
    value = -value if negative else (1 - value if bc else value)
    if not YEAR_MIN <= value <= YEAR_MAX:
        return None, f"the year {token.strip()} is outside {YEAR_MIN}-{YEAR_MAX}"
    return value, None


def _day_error(day: int | None, month: int | None, year: int | None) -> str | None:
    """Why ``day month year`` is not a calendar day (the year may be unknown), or None."""
    if day is None or month is None:
        return None
    if day < 1:
        return "days start at 1"
    top = calendar.monthrange(year if year is not None else 2000, month)[1]
    if day > top:
        when = f"{MONTH_NAMES[month]} {year}" if year is not None else MONTH_NAMES[month]
        return f"{when} has {top} days"
    return None


def _numeric(g: dict, common: dict) -> Mention | None:
    """15/03/2016 or 3/15/2016 (whichever reading is a date), 2016/03/15; 13/45/2015 is an error,
    and so is 3/4/2015 (ambiguous: either reading is a date); a two-digit year is only read to say
    that "31/31/31" is no date ("3/4/15" is left alone: its century is not stated)."""
    if g.get("y0"):
        a, b, ytext = int(g["a0"]), int(g["b0"]), g["y0"]
        readings = [(a, b)]
    else:
        a, b, ytext = int(g["a"]), int(g["b"]), g["y"]
        readings = [(a, b), (b, a)]              # (day, month): day first, then month first
    text = common["text"]
    if len(ytext) == 2:
        if any(1 <= mo <= 12 and _day_error(d, mo, None) is None for d, mo in readings):
            return None
        return Mention(**common, error=f"{_q(text)} is not a date")
    year, why = check_year(ytext)
    valid = sorted({(d, mo) for d, mo in readings if 1 <= mo <= 12 and _day_error(d, mo, year or 2000) is None})
    if not valid:
        return Mention(**common, error=f"{_q(text)} is not a date (no such day and month)")
    if why:
        return Mention(**common, error=f"{_q(text)}: {why}")
    if len(valid) > 1:
        (d1, m1), (d2, m2) = valid
        return Mention(**common, error=f"{_q(text)} is ambiguous ({d1} {MONTH_NAMES[m1]} or "
                                       f"{d2} {MONTH_NAMES[m2]}): not read as a date")
    ((day, month),) = valid
    return Mention(**common, day=day, month=month, year=year)


def _checked(mention: Mention, *years: str | None) -> Mention | None:
    """``mention`` with its ``error`` set when a stated year is out of range or a day is not in its
    month; None for a number after a month that is a count, not a day ("in May 35 soldiers")."""
    for token in years:
        _, why = check_year(token)
        if why:
            return replace(mention, error=f"{_q(mention.text)}: {why}")
    second_year = mention.year2 if mention.year2 is not None else mention.year
    for day, month, year in ((mention.day, mention.month, mention.year),
                             (mention.day2, mention.month2, second_year)):
        why = _day_error(day, month, year)
        if why:
            if mention.kind in ("md", "md_md", "m_dd") and not any(years) and (day or 0) > 31:
                return None
            return replace(mention, error=f"{_q(mention.text)} is not a date ({why})")
    return mention


def _build(kind: str, m: re.Match) -> Mention | None:
    g = m.groupdict()
    common = {"start": m.start(), "end": m.end(), "text": m.group(), "kind": kind}
    if kind == "iso":
        month = int(g["m"])
        if not 1 <= month <= 12:
            return Mention(**common, error=f"{_q(m.group())} is not a date (there is no month {month})")
        return _checked(Mention(**common, day=int(g["d"]), month=month, year=check_year(g["y"])[0]), g["y"])
    if kind == "num":
        return _numeric(g, common)
    if kind in ("dm_dm", "md_md"):
        return _checked(Mention(**common, day=_day(g["d"]), month=_month(g["m"]), year=check_year(g.get("y"))[0],
                                day2=_day(g["d2"]), month2=_month(g["m2"]), year2=check_year(g.get("y2"))[0]),
                        g.get("y"), g.get("y2"))
    if kind in ("dd_m", "m_dd"):
        return _checked(Mention(**common, day=_day(g["d"]), month=_month(g["m"]), day2=_day(g["d2"]),
                                month2=_month(g["m"]), year=check_year(g.get("y"))[0]), g.get("y"))
    if kind in ("dm", "md"):
        return _checked(Mention(**common, day=_day(g["d"]), month=_month(g["m"]), year=check_year(g.get("y"))[0]),
                        g.get("y"))
    if kind == "mm_y":
        if not g.get("y") and not g.get("pre"):
            return None          # "May and June" alone is too weak, as a bare "March" is
        if g.get("y1"):          # "from December 1994 to March 1995"
            return _checked(Mention(**common, month=_month(g["m"]), month2=_month(g["m2"]),
                                    year=check_year(g["y1"])[0], year2=check_year(g["y"])[0]), g["y1"], g["y"])
        return _checked(Mention(**common, month=_month(g["m"]), month2=_month(g["m2"]), year=check_year(g["y"])[0]),
                        g["y"])
    if kind == "rel_ord":
        return Mention(**common, day=int(g["d"]))
    if kind == "rel_span":
        n = _number(g["n"])
        if n is None:
            return None
        return Mention(**common, offset=n)
    if kind == "m":
        if not g.get("y") and not g.get("pre") and not g.get("q"):
            return None          # a bare "March" is too weak (the Long March, ...)
        start = m.start("q") if g.get("q") else m.start("m")
        return _checked(Mention(start=start, end=m.end(), text=m.string[start:m.end()], kind=kind,
                                month=_month(g["m"]), year=check_year(g.get("y"))[0], qualifier=_qual(g.get("q"))),
                        g.get("y"))
    if kind == "y":
        start = m.start("q") if g.get("q") else m.start("y")
        return _checked(Mention(start=start, end=m.end(), text=m.string[start:m.end()], kind=kind,
                                year=check_year(g["y"])[0], qualifier=_qual(g.get("q"))), g["y"])
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


def _qual(token: str | None) -> str | None:
    if not token:
        return None
    word = token.lower()
    if word in ("mid", "middle") or "middle" in word:
        return "mid"
    if word.startswith("early") or "beginning" in word or "start" in word:
        return "early"
    return "late"


def find_mentions(text: str, *, errors: bool = False) -> list[Mention]:
    """All date expressions in ``text``, in order, not overlapping (longest at each position).

    An impossible expression ("31 February 2016", ``Mention.error`` set) keeps its place, so that no
    shorter reading of it ("February 2016") is returned; it is itself returned only if ``errors``.
    """
    found: list[Mention] = []
    # zero-width and direction marks read as spaces, offsets unchanged ("3\u200d May 2015" is 3 May,
    # not May 2015); each mention's text is then taken from ``text`` itself
    seen = text.translate(_INVISIBLE)
    changed = seen != text
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(seen):
            mention = _build(kind, match)
            if mention is not None:
                found.append(replace(mention, text=text[mention.start:mention.end]) if changed else mention)
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Mention] = []
    for mention in found:
        if out and mention.start < out[-1].end:
            continue
        out.append(mention)
    return out if errors else [m for m in out if m.error is None]


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def infer_year(month: int, day: int, ref: datetime.date) -> int:
    """The year of ``day month`` told after ``ref``: a narrative moves forward, so the date stays in
    the reference's year up to some 10 months after it ("On 6 September" after 27 February 2022 is
    2022, not the nearer 2021) and up to some 6½ months before it (a look back: "On 2 April" after
    10 September); further back it is the next year (December → January; "On 2 April" after "late
    December 2015" is 2016), further ahead the year before (28 December after 5 January)."""
    same = _safe_date(ref.year, month, min(day, calendar.monthrange(ref.year, month)[1]))
    if same is None:
        return ref.year
    gap = (same - ref).days
    if gap < -200 and ref.year < 9999:
        return ref.year + 1
    if gap > 300 and ref.year > 1:
        return ref.year - 1
    return ref.year


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
    ``resolve_checked`` also says why a mention gave no date or lost its end.
    """
    return resolve_checked(mention, ref=ref, ref_end=ref_end, ref_precision=ref_precision, start=start)[0]


def resolve_checked(mention: Mention, *, ref: datetime.date | None = None, ref_end: datetime.date | None = None,
                    ref_precision: str = "day", start: datetime.date | None = None
                    ) -> tuple[Resolved | None, str | None]:
    """``(resolve(...), warning)``: the warning says why an expression that reads as a date gave
    none (``Mention.error``, a day missing from the inferred year, a result beyond the calendar or
    outside ``YEAR_MIN``..``YEAR_MAX``) or why a range lost its end (it ends before it starts).
    A mention that merely lacks a reference (no year known yet) gives (None, None)."""
    if mention.error:
        return None, mention.error
    try:
        resolved, why = _resolve(mention, ref, ref_end, ref_precision, start)
    except (OverflowError, ValueError):
        return None, f"{_q(mention.text)} gives a date beyond the calendar"
    if resolved is not None and not YEAR_MIN <= resolved.date.year <= YEAR_MAX:
        return None, (f"{_q(mention.text)} gives {resolved.date.isoformat()}, out of range "
                      f"({YEAR_MIN}-{YEAR_MAX})")
    return resolved, why


def _resolve(mention: Mention, ref: datetime.date | None, ref_end: datetime.date | None, ref_precision: str,
             start: datetime.date | None) -> tuple[Resolved | None, str | None]:
    kind = mention.kind
    if kind == "rel_start":
        if start is None:
            return None, None
        date, precision = _shift(start, mention.offset, mention.unit)
        return Resolved(date, precision), None
    if kind in ("rel_same", "rel_cont"):
        if ref is None:
            return None, None
        return Resolved(ref, ref_precision, ref_end), None
    if kind in ("rel_next", "rel_later"):
        if ref is None:
            return None, None
        base = ref_end or ref
        date, precision = _shift(base, mention.offset, mention.unit)
        if mention.unit == "day" or mention.unit == "week":
            precision = "day" if ref_precision == "day" else ref_precision
        return Resolved(date, precision), None
    if kind == "rel_prev":
        if ref is None:
            return None, None
        date, precision = _shift(ref, mention.offset, mention.unit)
        return Resolved(date, precision), None
    if kind == "rel_span":
        if ref is None:
            return None, None
        base = ref_end or ref
        return Resolved(base + datetime.timedelta(days=1), "day", base + datetime.timedelta(days=mention.offset)), None
    if kind == "rel_ord":
        return _ordinal(mention.day, ref, ref_precision, start), None

    year = mention.year if mention.year is not None else mention.year2
    if kind == "y":
        return Resolved(datetime.date(mention.year, 1, 1), "year"), None
    if mention.day is None:                       # month precision (m, mm_y)
        if year is None:
            if ref is None:
                return None, None
            year = infer_year(mention.month, 1, ref)
        first = datetime.date(year, mention.month, 1)
        end = None
        if mention.month2 is not None and mention.year2 is not None and mention.year is not None:
            return Resolved(first, "month", datetime.date(mention.year2, mention.month2, 1)), None
        if mention.month2 is not None:
            y2 = year if mention.month2 >= mention.month else year + 1
            end = datetime.date(y2, mention.month2, 1)
            if mention.month > mention.month2 and mention.year is not None:
                # "December 1943 – January 1944" written "December–January 1944"
                first = datetime.date(year - 1, mention.month, 1)
                end = datetime.date(year, mention.month2, 1)
        return Resolved(first, "month", end), None

    # day precision, maybe a range
    if mention.day2 is not None:
        m2 = mention.month2 or mention.month
        y2 = mention.year2 if mention.year2 is not None else mention.year
        y1 = mention.year
        # a missing year may put the two ends in consecutive years ("29 December – 4 January"), but
        # only across months: "Between 30 and 2 October" is a reversed range, not a year long
        wraps = m2 < mention.month
        if y1 is None and y2 is not None:
            y1 = y2 - 1 if wraps else y2
        if y1 is None:
            if ref is None:
                return None, None
            y1 = infer_year(mention.month, mention.day, ref)
        if y2 is None:
            y2 = y1 + 1 if wraps else y1
        first = _safe_date(y1, mention.month, mention.day)
        end = _safe_date(y2, m2, mention.day2)
        if first is None or end is None:
            bad = f"{mention.day} {MONTH_NAMES[mention.month]} {y1}" if first is None else \
                f"{mention.day2} {MONTH_NAMES[m2]} {y2}"
            return None, f"{_q(mention.text)} is not a date ({bad} does not exist)"
        if end < first:
            return Resolved(first, "day", None), (f"the range {_q(mention.text)} ends before it starts: "
                                                  f"its end is dropped")
        return Resolved(first, "day", end if end != first else None), None
    if year is None:
        if ref is None:
            return None, None
        year = infer_year(mention.month, mention.day, ref)
    date = _safe_date(year, mention.month, mention.day)
    if date is None:
        return None, (f"{_q(mention.text)} is not a date in {year} "
                      f"({_day_error(mention.day, mention.month, year)})")
    return Resolved(date, "day"), None


def _ordinal(day: int, ref: datetime.date | None, ref_precision: str, start: datetime.date | None
             ) -> Resolved | None:
    """"On the 24th": that day of the narrative's month, the next month when the narrative's day is
    past it; before the offensive's start, the start's month ("On the 24th" after "At the end of
    January" in an offensive of 24-28 February is 24 February)."""
    if ref is None:
        return None
    year, month = ref.year, ref.month
    cand = _safe_date(year, month, day)
    if cand is None or (ref_precision == "day" and cand < ref):
        nxt = add_months(datetime.date(year, month, 1), 1)
        cand = _safe_date(nxt.year, nxt.month, day)
    if cand is not None and start is not None and cand < start and ref < start:
        cand = _safe_date(start.year, start.month, day)
        if cand is not None and cand < start:
            nxt = add_months(datetime.date(start.year, start.month, 1), 1)
            cand = _safe_date(nxt.year, nxt.month, day)
    return Resolved(cand, "day") if cand is not None else None


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

"""Dates of a whole offensive: the infobox ``Date`` value and launch dates stated in prose.

Only what the parsers need for the document's period; sentence-level event dates are the event
extractor's business (``events.py``).
"""
from __future__ import annotations

import contextlib
import datetime
import re

from .records import PartialDate

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December" \
         r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_OPEN_END = re.compile(r"^(?:present|ongoing|now|today)$", re.I)
_SEASON = re.compile(r"^(?:early|mid|mid-|late|spring|summer|autumn|fall|winter|c\.|circa|ca\.)\s*", re.I)
_RANGE_SEP = re.compile(r"\s*(?:[\u2013\u2014]|(?<=\d)-(?=\s*[A-Z\d])|\s-\s|\bto\b|\buntil\b)\s*")

# one end of a range: the parts it states (day, month, year), any of them missing
_PART = re.compile(
    rf"^(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})(?:,?\s+(?P<y1>\d{{3,4}}))?"
    rf"|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>\d{{3,4}}))?"
    rf"|(?P<m3>{_MONTH})(?:,?\s+(?P<y3>\d{{3,4}}))?"
    rf"|(?P<d6>\d{{1,2}}),?\s+(?P<y6>\d{{4}})"
    rf"|(?P<d4>\d{{1,2}})"
    rf"|(?P<y5>\d{{3,4}}))$",
    re.I,
)


class DateParts:
    __slots__ = ("day", "month", "year", "approx")

    def __init__(self, day=None, month=None, year=None, approx=False):
        self.day, self.month, self.year, self.approx = day, month, year, approx

    def to_partial(self) -> PartialDate | None:
        if self.year is None:
            return None
        try:
            if self.month is None:
                return PartialDate(datetime.date(self.year, 1, 1), "year")
            if self.day is None:
                return PartialDate(datetime.date(self.year, self.month, 1), "month")
            return PartialDate(datetime.date(self.year, self.month, self.day), "day")
        except ValueError:
            return None


def _part(text: str) -> DateParts | None:
    text = text.strip().strip(",;.").strip()
    approx = False
    m = _SEASON.match(text)
    if m and m.end() < len(text):
        approx = True
        text = text[m.end():]
    m = _PART.match(text)
    if not m:
        return None
    g = m.groupdict()
    day = g["d1"] or g["d2"] or g["d4"] or g["d6"]
    month = g["m1"] or g["m2"] or g["m3"]
    year = g["y1"] or g["y2"] or g["y3"] or g["y5"] or g["y6"]
    return DateParts(int(day) if day else None,
                     MONTHS[month.lower().rstrip(".")] if month else None,
                     int(year) if year else None, approx)


def clean_date_value(value: str) -> str:
    """Drop bracketed remarks, citation markers and trailing punctuation: "16 October, ()" -> "16 October"."""
    value = re.sub(r"\[\d+\]", "", value)
    value = re.sub(r"\([^)]*\)", "", value)
    value = re.sub(r"\s+", " ", value)
    return value.strip().strip(",;. ")


def is_approximate(value: str) -> bool:
    """"late 2015", "c. 1916": the period is only roughly stated."""
    return bool(_SEASON.match(clean_date_value(value)))


def parse_period(value: str) -> tuple[PartialDate | None, PartialDate | None, bool]:
    """Infobox ``Date`` value -> (start, end, understood).

    ``"16 October – 21 December 2015, ()"`` gives 2015-10-16 .. 2015-12-21; ``"24 February 2022 –
    present"`` an open end (None); a single date or period ("March 1943", "1916") is both start
    and end. ``understood`` is False when the value could not be read (start is then None).
    """
    text = clean_date_value(value)
    if not text:
        return None, None, False
    pieces = _RANGE_SEP.split(text, maxsplit=1)
    if len(pieces) == 1:
        one = _part(pieces[0])
        if one is None or one.year is None:
            return None, None, False
        p = one.to_partial()
        return p, p, p is not None
    left_text, right_text = pieces
    left = _part(left_text)
    if left is None:
        return None, None, False
    if _OPEN_END.match(right_text.strip()):
        if left.year is None:
            return None, None, False
        return left.to_partial(), None, left.to_partial() is not None
    right = _part(right_text)
    if right is None:
        return None, None, False
    if right.day is not None and right.month is None and left.month is not None:
        # "June 3 – 9, 1944": the bare number after the dash is the right-hand day
        right.month = left.month
    if left.year is None:
        left.year = right.year
    if left.month is None and left.day is not None:
        left.month = right.month
    if right.year is None:
        right.year = left.year
    start, end = left.to_partial(), right.to_partial()
    if start is None or end is None:
        return start, end, False
    if end.date < start.date and left.year == right.year and start.precision == "day":
        # "28 December – 3 January 1944": the start is in the previous year
        with contextlib.suppress(ValueError):
            start = PartialDate(start.date.replace(year=start.date.year - 1), start.precision)
    return start, end, True


# ---- dates in prose (plain documents) ------------------------------------------------------
_PROSE_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH})(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,\s*(?P<y2>\d{{4}}))?)"
)
_LAUNCH = re.compile(
    r"\b(?:launch(?:ed|es)?|beg[au]n|began|start(?:ed|s)?|open(?:ed|s)?|commenc(?:ed|es)|initiat(?:ed|es)|"
    r"kick(?:ed)? off)\b[^.]*?\b(?:the|its|their|a|an)\s+(?:\w+[\s-]+){0,3}?"
    r"(?:offensive|operation|attack|assault|counteroffensive|counter-offensive|invasion|campaign|"
    r"landings?|battle|siege)\b"
    r"|\b(?:offensive|operation|counteroffensive|invasion|campaign|battle|siege|attack|assault)\s+"
    r"(?:was\s+)?(?:launched|began|begun|started|opened|commenced)\b",
    re.I,
)
_ENDED = re.compile(
    r"\b(?:offensive|operation|counteroffensive|invasion|campaign|battle|siege|fighting)\s+"
    r"(?:officially\s+)?(?:ended|concluded|came to an end|was (?:declared )?over|was completed|finished)\b"
    r"|\bdeclared\s+(?:the\s+)?(?:end|liberation|completion)\b",
    re.I,
)
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def prose_dates(sentence: str, year: int | None) -> list[tuple[datetime.date, int]]:
    """Day-precise dates written in ``sentence`` (offset of each), years filled from ``year``."""
    out = []
    for m in _PROSE_DATE.finditer(sentence):
        g = m.groupdict()
        day = int(g["d1"] or g["d2"])
        month = MONTHS[(g["m1"] or g["m2"]).lower().rstrip(".")]
        y = g["y1"] or g["y2"]
        y = int(y) if y else year
        if y is None:
            continue
        try:
            out.append((datetime.date(y, month, day), m.start()))
        except ValueError:
            continue
    return out


def last_year(text: str) -> int | None:
    years = _YEAR.findall(text)
    return int(years[-1]) if years else None


def is_launch_sentence(sentence: str) -> bool:
    return bool(_LAUNCH.search(sentence))


def is_end_sentence(sentence: str) -> bool:
    return bool(_ENDED.search(sentence))

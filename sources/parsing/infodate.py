"""Dates of a whole offensive: the infobox ``Date`` value and launch dates stated in prose.

Only what the parsers need for the document's period; sentence-level event dates are the event
extractor's business (``events.py``).

A value that is no date ("31 February 2016", "3 May 9999", "500 BC") or a period that ends before it
starts is reported (``parse_period_report``), never turned into another date (issue 15).
"""
from __future__ import annotations

import contextlib
import datetime
import re

from .dates import MONTH_NAMES, YEAR_MAX, YEAR_MIN, check_year
from .records import PartialDate
from .text import quote

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December" \
         r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_BETWEEN = re.compile(r"^(?:between|from)\s+(.*)$", re.I)
_BETWEEN_SEP = re.compile(r"\s*(?:[\u2013\u2014]|(?<=\d)-(?=\s*[A-Z\d])|\s-\s|\band\b|\bto\b|\buntil\b)\s*")
_OPEN_END = re.compile(r"^(?:present|ongoing|now|today)$", re.I)
_SEASON = re.compile(r"^(?:early|mid|mid-|late|spring|summer|autumn|fall|winter|c\.|circa|ca\.)\s*", re.I)
_RANGE_SEP = re.compile(r"\s*(?:[\u2013\u2014]|(?<=\d)-(?=\s*[A-Z\d])|\s-\s|\bto\b|\buntil\b)\s*")

_ERA = r"\s*(?:B\.\s?C\.(?:\s?E\.)?|BCE|BC|A\.\s?D\.|AD|CE)"
# a year after a month: any number (an implausible one is reported), a sign or an era allowed
_Y = rf"[-\u2212]?\d{{1,6}}(?:{_ERA})?"
# one end of a range: the parts it states (day, month, year), any of them missing
_PART = re.compile(
    rf"^(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})(?:,?\s+(?P<y1>{_Y}))?"
    rf"|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>{_Y}))?"
    rf"|(?P<m3>{_MONTH})(?:,?\s+(?P<y3>{_Y}))?"
    rf"|(?P<d6>\d{{1,2}}),?\s+(?P<y6>\d{{4}})"
    rf"|(?P<d4>\d{{1,2}})"
    rf"|(?P<y5>\d{{3,4}}|[-\u2212]?\d{{1,6}}{_ERA}|[-\u2212]\d{{1,6}}|\d{{5,6}}))$",
    re.I,
)


class DateParts:
    __slots__ = ("day", "month", "year", "approx", "error", "text")

    def __init__(self, day=None, month=None, year=None, approx=False, error=None, text=""):
        self.day, self.month, self.year, self.approx = day, month, year, approx
        self.error = error            # why the stated year cannot be a date's ("9999", "500 BC")
        self.text = text

    def to_partial(self) -> PartialDate | None:
        return self.checked()[0]

    def checked(self) -> tuple[PartialDate | None, str | None]:
        """(the date, None), or (None, why it is no date) when the parts cannot make one."""
        if self.error:
            return None, self.error
        if self.year is None:
            return None, None
        try:
            if self.month is None:
                return PartialDate(datetime.date(self.year, 1, 1), "year"), None
            if self.day is None:
                return PartialDate(datetime.date(self.year, self.month, 1), "month"), None
            return PartialDate(datetime.date(self.year, self.month, self.day), "day"), None
        except ValueError:
            return None, f"{MONTH_NAMES[self.month]} {self.year} has no day {self.day}"


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
    value, why = check_year(year)
    return DateParts(int(day) if day else None,
                     MONTHS[month.lower().rstrip(".")] if month else None,
                     value, approx, why, text)


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
    ``parse_period_report`` also says what was wrong.
    """
    return parse_period_report(value)[:3]


def parse_period_report(value: str) -> tuple[PartialDate | None, PartialDate | None, bool, list[str]]:
    """``parse_period`` and its warnings: a part that is no date ("31 February 2016", a year out of
    range), and a period that ends before it starts, whose end is dropped. A missing year moves
    the start back (or the end on) a year only where the months show a year change ("28 December –
    3 January 1944", "December 1943 – January"); "30 – 2 October 2015" and "5 May 2016 – 2 June
    2015" are reversed."""
    text = clean_date_value(value)
    if not text:
        return None, None, False, []
    between = _BETWEEN.match(text)
    if between:
        text = between.group(1)
    pieces = (_BETWEEN_SEP if between else _RANGE_SEP).split(text, maxsplit=1)
    if len(pieces) == 1:
        one = _part(pieces[0])
        if one is None:
            return None, None, False, []
        p, why = one.checked()
        return p, p, p is not None, [f"the Date {quote(value)} is not a date ({why})"] if why else []
    left_text, right_text = pieces
    left = _part(left_text)
    if left is None:
        return None, None, False, []
    if _OPEN_END.match(right_text.strip()):
        start, why = left.checked()
        return start, None, start is not None, [_said(value, left, why)] if why else []
    right = _part(right_text)
    if right is None:
        return None, None, False, []
    if right.day is not None and right.month is None and left.month is not None:
        # "June 3 – 9, 1944": the bare number after the dash is the right-hand day
        right.month = left.month
    if left.year is None and right.year is None and not (left.error or right.error) and right.month and (
            left.month in (None, right.month) and (left.day or 1) > (right.day or 1)):
        return None, None, False, [f"the Date {quote(value)} states no year, and ends before it starts"]
    left_year_stated, right_year_stated = left.year is not None or left.error, right.year is not None or right.error
    if left.year is None and not left.error:
        left.year, left.error = right.year, right.error
    if left.month is None and left.day is not None:
        left.month = right.month
    if right.year is None and not right.error:
        right.year = left.year
    start, why = left.checked()
    if start is None:
        return None, None, False, [_said(value, left, why)] if why else []
    end, why = right.checked()
    if end is None:
        if why:
            return start, None, True, [_said(value, right, why) + ": the end is dropped"]
        return start, None, False, []
    if end.date < start.date:
        later_month = (left.month or 1) > (right.month or 12)
        if later_month and not left_year_stated:
            # "28 December – 3 January 1944": the start is in the previous year
            with contextlib.suppress(ValueError):
                start = PartialDate(start.date.replace(year=start.date.year - 1), start.precision)
        elif later_month and not right_year_stated:
            # "December 1943 – January": the end is in the next year
            with contextlib.suppress(ValueError):
                end = PartialDate(end.date.replace(year=end.date.year + 1), end.precision)
        if end.date < start.date:
            return start, None, True, [f"the Date {quote(value)} ends before it starts: the end is dropped"]
    return start, end, True, []


def _said(value: str, part: DateParts, why: str) -> str:
    return f"the Date {quote(value)}: {quote(part.text, 60)} is not a date ({why})"


# ---- dates in prose (plain documents) ------------------------------------------------------
_PROSE_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH})(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,\s*(?P<y2>\d{{4}}))?)"
)
# "launched ... the offensive" within a sentence, and within 1,000 characters: unbounded, a sentence
# of 10,000 "launched" without a stop was read to its end from each of them
_LAUNCH = re.compile(
    r"\b(?:launch(?:ed|es)?|beg[au]n|began|start(?:ed|s)?|open(?:ed|s)?|commenc(?:ed|es)|initiat(?:ed|es)|"
    r"kick(?:ed)? off)\b[^.]{0,1000}?\b(?:the|its|their|a|an)\s+(?:\w+[\s-]+){0,3}?"
    r"(?:offensive|operation|attack|assault|counteroffensive|counter-offensive|invasion|campaign|"
    r"landings?|battle|siege)\b"
    r"|\b(?:offensive|operation|counteroffensive|invasion|campaign|battle|siege|attack|assault)\s+"
    r"(?:was\s+)?(?:launched|began|begun|started|opened|commenced)\b"
    # "..., launched on 4 April 2019 by ...", "was launched by ISIL on 13 September 2014", "began its
    # advance on Palmyra in early March 2016", "announced the start of the battle"
    r"|,\s+launched\s+(?:on|in)\b|\bwas\s+launched\s+by\b"
    r"|\bbeg[au]n\s+(?:its|their|the)\s+advance\b"
    r"|\b(?:the\s+)?start\s+of\s+the\s+(?:battle|offensive|operation|assault|siege)\b",
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
    """Day-precise dates written in ``sentence`` (offset of each), years filled from ``year``.

    Stops at the first date that cannot be ("31 February 2016", "3 May 9999"): what the sentence
    says after it is not read in its place (the event extractor reports it)."""
    out = []
    for m in _PROSE_DATE.finditer(sentence):
        g = m.groupdict()
        day = int(g["d1"] or g["d2"])
        month = MONTHS[(g["m1"] or g["m2"]).lower().rstrip(".")]
        y = g["y1"] or g["y2"]
        y = int(y) if y else year
        if y is None:
            continue
        if not YEAR_MIN <= y <= YEAR_MAX:
            break
        try:
            out.append((datetime.date(y, month, day), m.start()))
        except ValueError:
            break
    return out


def last_year(text: str) -> int | None:
    """The last plausible year written in ``text`` (1500 to ``YEAR_MAX``)."""
    years = [int(y) for y in _YEAR.findall(text) if int(y) <= YEAR_MAX]
    return years[-1] if years else None


def is_launch_sentence(sentence: str) -> bool:
    return bool(_LAUNCH.search(sentence))


def is_end_sentence(sentence: str) -> bool:
    return bool(_ENDED.search(sentence))

"""Dates at their precision: the vocabulary (``Precision``) and how a date is written.

A month-precise date is stored as the first of the month and a year-precise one as 1 January, so
printing the stored date would claim a day the source never stated. Everything that shows a date
goes through :func:`format_date` / :func:`format_range` (templates: the ``precision`` tag library,
thin wrappers over these).
"""
from __future__ import annotations

import calendar
import datetime

from django.db import models

from .parsing.records import PRECISIONS

DAY, MONTH, YEAR = PRECISIONS
DASH = "\u2013"  # en dash, as in "21–22 October 2015"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def format_date(value: datetime.date | None, precision: str = DAY) -> str:
    """One date as far as it is known: "12 December 2016", "December 2016" or "2016"."""
    if value is None:
        return ""
    if precision == YEAR:
        return str(value.year)
    if precision == MONTH:
        return f"{MONTHS[value.month - 1]} {value.year}"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_range(start: datetime.date | None, end: datetime.date | None = None, precision: str = DAY,
                 end_precision: str | None = None) -> str:
    """A date or a range, sharing what the two ends share.

    "21–22 October 2015", "31 October – 2 November 2015", "30 December 2015 – 2 January 2016",
    "October–December 2015", "2015–2016"; ends of different precision are written out in full.
    """
    end_precision = end_precision or precision
    if start is None:
        return f"until {format_date(end, end_precision)}" if end else ""
    if end is None or (end == start and end_precision == precision):
        return format_date(start, precision)
    if precision != end_precision:
        return f"{format_date(start, precision)} {DASH} {format_date(end, end_precision)}"
    if precision == YEAR:
        return str(start.year) if start.year == end.year else f"{start.year}{DASH}{end.year}"
    if start.year != end.year:
        return f"{format_date(start, precision)} {DASH} {format_date(end, precision)}"
    if precision == MONTH:
        if start.month == end.month:
            return format_date(start, MONTH)
        return f"{MONTHS[start.month - 1]}{DASH}{MONTHS[end.month - 1]} {start.year}"
    if start.month == end.month:
        return f"{start.day}{DASH}{end.day} {MONTHS[start.month - 1]} {start.year}"
    return f"{start.day} {MONTHS[start.month - 1]} {DASH} {end.day} {MONTHS[end.month - 1]} {end.year}"


def iso_at_precision(value: datetime.date | None, precision: str = DAY) -> str:
    """A valid HTML ``datetime`` value that claims no more than is known: 2016-12-12, 2016-12, 2016."""
    if value is None:
        return ""
    if precision == YEAR:
        return f"{value.year:04d}"
    if precision == MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def period_end(value: datetime.date | None, precision: str = DAY,
               end: datetime.date | None = None) -> datetime.date | None:
    """The last day a date at ``precision`` (or a range ending at ``end``) may mean: the day itself,
    the month's last day, 31 December. A month-precise event overlaps a date filter that covers any
    part of its month (``Event.period_end``)."""
    value = end or value
    if value is None:
        return None
    if precision == YEAR:
        return datetime.date(value.year, 12, 31)
    if precision == MONTH:
        return datetime.date(value.year, value.month, calendar.monthrange(value.year, value.month)[1])
    return value


class Precision(models.TextChoices):
    """How much of a stored date the source stated."""

    DAY = DAY, "day"
    MONTH = MONTH, "month"
    YEAR = YEAR, "year"

"""Dates at their precision (sources/precision.py and the ``precision`` tag library)."""
import datetime

import pytest
from django.template import Context, Template

from sources.precision import format_date, format_range, iso_at_precision

D = datetime.date


@pytest.mark.parametrize(("value", "precision", "expected"), [
    (D(2016, 12, 12), "day", "12 December 2016"),
    (D(2016, 12, 1), "month", "December 2016"),
    (D(2016, 1, 1), "year", "2016"),
    (D(2015, 10, 6), "day", "6 October 2015"),
    (None, "day", ""),
])
def test_format_date(value, precision, expected):
    assert format_date(value, precision) == expected


@pytest.mark.parametrize(("start", "end", "precision", "end_precision", "expected"), [
    (D(2015, 10, 21), D(2015, 10, 22), "day", None, "21–22 October 2015"),
    (D(2015, 10, 31), D(2015, 11, 2), "day", None, "31 October – 2 November 2015"),
    (D(2015, 12, 30), D(2016, 1, 2), "day", None, "30 December 2015 – 2 January 2016"),
    (D(2015, 10, 16), D(2015, 12, 21), "day", "day", "16 October – 21 December 2015"),
    (D(2015, 10, 1), D(2015, 12, 1), "month", None, "October–December 2015"),
    (D(2015, 12, 1), D(2016, 1, 1), "month", None, "December 2015 – January 2016"),
    (D(2015, 1, 1), D(2016, 1, 1), "year", None, "2015–2016"),
    (D(2015, 12, 1), D(2016, 1, 5), "month", "day", "December 2015 – 5 January 2016"),
    (D(2016, 12, 12), None, "day", None, "12 December 2016"),
    (D(2016, 12, 12), D(2016, 12, 12), "day", None, "12 December 2016"),
    (D(2016, 12, 1), None, "month", None, "December 2016"),
    (None, D(2016, 12, 1), "day", None, "until 1 December 2016"),
    (None, None, "day", None, ""),
])
def test_format_range(start, end, precision, end_precision, expected):
    assert format_range(start, end, precision, end_precision) == expected


def test_iso_claims_no_more_than_is_known():
    assert iso_at_precision(D(2016, 12, 12), "day") == "2016-12-12"
    assert iso_at_precision(D(2016, 12, 1), "month") == "2016-12"
    assert iso_at_precision(D(2016, 1, 1), "year") == "2016"


def test_template_tags():
    class Event:
        date, end_date, precision = D(2015, 10, 21), D(2015, 10, 22), "day"

    html = Template(
        "{% load precision %}{{ event|when }}|{{ d|at_precision:'month' }}|{% daterange d None 'month' %}"
    ).render(Context({"event": Event(), "d": D(2016, 12, 1)}))
    assert html == '21–22 October 2015|December 2016|<time datetime="2016-12">December 2016</time>'


def test_date_partial():
    html = Template('{% include "includes/date.html" with start=d end=e precision="day" %}').render(
        Context({"d": D(2015, 10, 31), "e": D(2015, 11, 2)}))
    assert html.strip() == '<time datetime="2015-10-31">31 October – 2 November 2015</time>'

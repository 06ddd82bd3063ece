"""``{% load precision %}``: dates at their precision in templates (wrappers over ``sources.precision``
and ``reader.display``)."""
from __future__ import annotations

from django import template

from reader.display import time_range
from sources.precision import DAY, format_date, format_range

register = template.Library()


@register.filter
def at_precision(value, precision=DAY):
    """``{{ conflict.start_date|at_precision:conflict.start_precision }}``"""
    return format_date(value, precision or DAY)


@register.filter
def when(obj):
    """``{{ event|when }}``: an event's date or range at its precision (plain text)."""
    return format_range(obj.date, obj.end_date, obj.precision)


@register.simple_tag
def daterange(start, end=None, precision=DAY, end_precision=None):
    """``{% daterange start end precision end_precision %}`` as ``<time>`` elements (escaped)."""
    return time_range(start, end, precision, end_precision)

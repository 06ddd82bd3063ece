"""``{% load precision %}``: dates at their precision in templates (wrappers over ``sources.precision``)."""
from __future__ import annotations

from django import template
from django.utils.html import format_html

from sources.precision import DAY, format_date, format_range, iso_at_precision

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
    precision = precision or DAY
    label = format_range(start, end, precision, end_precision or precision)
    if start is None:
        return label
    return format_html('<time datetime="{}">{}</time>', iso_at_precision(start, precision), label)

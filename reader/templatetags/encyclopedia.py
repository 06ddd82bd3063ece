"""``{% load encyclopedia %}``: presentation helpers of the reader's pages (wrappers over ``reader.display``)."""
from __future__ import annotations

from django import template

from reader import display

register = template.Library()

register.filter("by_day", display.by_day)
register.filter("event_url", display.event_url)
register.filter("event_title", display.event_title)  # {{ event|event_title }}: "Capture, 16 October 2015"
register.filter("ancestors", display.ancestors)
register.filter("other_values", display.other_values)  # {% for other in object|other_values %}
register.filter("other_sources", display.other_sources)
register.filter("attribution", display.attribution)  # {% with a=document|attribution %}
register.filter("coordinates", display.coordinates)  # {{ conflict|coordinates }}: "48.333°N 38.4°E" or ""


@register.simple_tag(takes_context=True)
def absolute(context, url):
    """``{% absolute url %}``: the url made absolute for the page's request."""
    return display.absolute_url(context.get("request"), url)

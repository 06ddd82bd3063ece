"""Small presentation helpers shared by the reader's pages (``{% load encyclopedia %}``)."""
from __future__ import annotations

from dataclasses import dataclass, field

from django import template

register = template.Library()


@dataclass
class Day:
    date: object
    end_date: object
    precision: str
    events: list = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"day-{self.date:%Y-%m-%d}" + (f"-{self.end_date:%Y-%m-%d}" if self.end_date else "") + \
            ("" if self.precision == "day" else f"-{self.precision}")


@register.filter
def by_day(events) -> list[Day]:
    """Consecutive events grouped by their date as written (date, end date, precision).

    A month-precise event is not put under "1 December": it gets its own "December 2015" group.
    """
    days: list[Day] = []
    for event in events:
        key = (event.date, event.end_date, event.precision)
        if not days or (days[-1].date, days[-1].end_date, days[-1].precision) != key:
            days.append(Day(*key))
        days[-1].events.append(event)
    return days


@register.simple_tag(takes_context=True)
def absolute(context, url):
    request = context.get("request")
    return request.build_absolute_uri(url) if request and url else url


@register.filter
def event_url(event) -> str:
    """Where an event is shown (``Event.get_absolute_url``)."""
    return event.get_absolute_url()


@register.filter
def get_count(counts: dict, key) -> int:
    """``{{ row.counts|get_count:series.key }}``: a count, 0 when absent."""
    return counts.get(key, 0)


@register.filter
def ancestors(force) -> list:
    """The force's parents, nearest first, as far as they were loaded with ``select_related`` (no queries)."""
    chain, seen = [], {force.pk}
    descriptor = type(force).parent
    while descriptor.is_cached(force) and force.parent is not None and force.parent.pk not in seen:
        force = force.parent
        chain.append(force)
        seen.add(force.pk)
    return chain

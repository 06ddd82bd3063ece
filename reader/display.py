"""Presentation helpers of the reader's pages. The ``encyclopedia`` and ``precision`` template tag
libraries are thin wrappers over these (and over ``sources.precision``); Python code imports this
module, never a tag module."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import format_html

from sources.attribution import Attribution
from sources.attribution import attribution as attribution_of
from sources.models import SourceDocument
from sources.precision import DAY, format_range, iso_at_precision


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


def absolute_url(request, url):
    """``url`` made absolute for ``request`` (unchanged without a request or a url)."""
    return request.build_absolute_uri(url) if request and url else url


def event_url(event) -> str:
    """Where an event is shown (``Event.get_absolute_url``)."""
    return event.get_absolute_url()


def event_title(event) -> str:
    """A reader's title for an event (its page, its citation): "Capture, 16 October 2015"."""
    return f"{event.get_kind_display().capitalize()}, {format_range(event.date, event.end_date, event.precision)}"


def ancestors(force) -> list:
    """The force's parents, nearest first, as far as they were loaded with ``select_related`` (no queries)."""
    chain, seen = [], {force.pk}
    descriptor = type(force).parent
    while descriptor.is_cached(force) and force.parent is not None and force.parent.pk not in seen:
        force = force.parent
        chain.append(force)
        seen.add(force.pk)
    return chain


def time_range(start, end=None, precision=DAY, end_precision=None):
    """A date or range at its precision as a ``<time>`` element (escaped); plain text without a start."""
    precision = precision or DAY
    label = format_range(start, end, precision, end_precision or precision)
    if start is None:
        return label
    return format_html('<time datetime="{}">{}</time>', iso_at_precision(start, precision), label)


@dataclass(frozen=True)
class OtherValue:
    """What another source document states where it differs from the value shown."""

    label: str        # "period", "status", "place", "date"
    value: str        # as a reader reads it ("27 October 2015")
    document: object  # the SourceDocument


def _claimed_date(values: dict, date: str, precision: str, end: str | None = None, end_precision: str | None = None):
    start = datetime.date.fromisoformat(values[date]) if values.get(date) else None
    stop = datetime.date.fromisoformat(values[end]) if end and values.get(end) else None
    return format_range(start, stop, values.get(precision) or DAY, values.get(end_precision or precision) or DAY)


def other_values(record) -> list[OtherValue]:
    """Values other source documents give for an offensive's period, status and place, or an event's
    date, where they differ from the one shown (``claims`` prefetched, as the detail and timeline
    querysets do). The shown value is chosen by ``importer.claims``; these are the others, side by side."""
    if hasattr(record, "start_precision"):
        shown = {"period": format_range(record.start_date, record.end_date, record.start_precision,
                                        record.end_precision), "status": record.status, "place": record.place}

        def given(values):
            period = (_claimed_date(values, "start_date", "start_precision", "end_date", "end_precision")
                      if values.get("start_date") else "")
            return {"period": period, "status": values.get("status") or "", "place": values.get("place") or ""}
    else:
        shown = {"date": format_range(record.date, record.end_date, record.precision)}

        def given(values):
            return {"date": _claimed_date(values, "date", "precision", "end_date") if values.get("date") else ""}
    out = []
    for claim in record.claims.all():
        for label, value in given(claim.values).items():
            if value and value != shown[label]:
                out.append(OtherValue(label, value, claim.document))
    return out


def other_sources(record) -> list:
    """The other documents that state ``record`` (besides the one it is shown from)."""
    return [claim.document for claim in record.claims.all() if claim.document_id != record.source_id]


def attribution(document) -> Attribution:
    """Where a source document's text is from and its licence (``sources.attribution``)."""
    return attribution_of(document)


def attributed_sources(record) -> list:
    """The documents whose text ``record`` (an offensive) is told from and that state an attribution
    (a page or a licence): the one it is shown from, then the others that claim it, each once, only
    documents that loaded. No queries: the record's ``source`` and ``claims`` (with their documents) are
    loaded by ``ConflictQuerySet.for_detail``."""
    documents = ([record.source] if record.source_id else []) + other_sources(record)
    unique = {document.pk: document for document in documents}.values()
    return [document for document in unique
            if document.status == SourceDocument.Status.IMPORTED and attribution_of(document).stated]


def _degrees(value, positive: str, negative: str) -> str:
    value = Decimal(str(value))  # str: a float gives its shortest form, not its binary expansion
    number = format(abs(value).normalize(), "f")
    return f"{number}°{positive if value >= 0 else negative}"


def coordinates(record) -> str:
    """An offensive's coordinates as "48.333°N 38.4°E" (trailing zeros dropped), or "" unless both are stated."""
    latitude, longitude = getattr(record, "latitude", None), getattr(record, "longitude", None)
    if latitude is None or longitude is None:
        return ""
    return f"{_degrees(latitude, 'N', 'S')} {_degrees(longitude, 'E', 'W')}"

"""The timeline's filtered events as CSV or JSON, streamed.

Column names are part of the public interface: add columns at the end, never rename them.
Rows are read in chunks (``iterator(chunk_size=...)`` with the prefetches), so memory stays flat
whatever the number of events.

``source_url`` is the event's sentence on this site's source page; the ``source_*`` columns after it
attribute the text to where the source document is from (``sources.attribution``): its title, site,
canonical page URL, revision (id, permanent link, time), retrieval time and licence, and the attribution
as one sentence. They come with the event's row (the source is joined), so the query count stays flat.
"""
from __future__ import annotations

import csv
import json

from django.http import StreamingHttpResponse

from sources.attribution import attribution

COLUMNS = ("id", "offensive", "date", "end_date", "precision", "time_of_day", "kind", "section", "text",
           "places", "forces", "people", "source_url",
           "source_title", "source_site", "source_canonical_url", "source_revision", "source_revision_url",
           "source_revision_time", "source_retrieved_at", "source_licence", "source_licence_url",
           "source_attribution")
ATTRIBUTION_COLUMNS = COLUMNS[COLUMNS.index("source_title"):]
FORMATS = ("csv", "json")
CHUNK = 500


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def attribution_columns(document) -> dict:
    """The ``source_*`` attribution columns of an event told by ``document`` (all None without one)."""
    if document is None:
        return dict.fromkeys(ATTRIBUTION_COLUMNS)
    a = attribution(document)
    return {
        "source_title": a.title or None,
        "source_site": a.site or None,
        "source_canonical_url": a.url,
        "source_revision": a.revision_id,
        "source_revision_url": a.revision_url,
        "source_revision_time": _iso(a.revision_time),
        "source_retrieved_at": _iso(a.retrieved_at),
        "source_licence": a.licence or None,
        "source_licence_url": a.licence_url,
        "source_attribution": a.sentence() if a.stated else None,
    }


def event_row(event, request, attributions: dict | None = None) -> dict:
    """One event as an export row. ``attributions`` caches the ``source_*`` columns per document."""
    url = event.source_url()
    if attributions is None:
        attributions = {}
    if event.source_id not in attributions:
        attributions[event.source_id] = attribution_columns(event.source)
    return {
        "id": event.pk,
        "offensive": event.conflict.slug,
        "date": event.date.isoformat(),
        "end_date": event.end_date.isoformat() if event.end_date else None,
        "precision": event.precision,
        "time_of_day": event.time_of_day or None,
        "kind": event.kind,
        "section": event.section or None,
        "text": event.text,
        "places": [link.place.name for link in event.place_links.all()],
        "forces": [force.name for force in event.forces.all()],
        "people": [person.name for person in event.people.all()],
        "source_url": request.build_absolute_uri(url) if url else None,
        **attributions[event.source_id],
    }


def _rows(queryset, request):
    attributions: dict = {}
    # the source is joined for its attribution (no query per row), without its text or the bytes as read
    rows = queryset.select_related("source").defer("source__text", "source__original")
    for event in rows.iterator(chunk_size=CHUNK):
        yield event_row(event, request, attributions)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A CSV cell. Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice
    against CSV injection: sources are scraped web pages); the JSON export keeps text unchanged."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def _csv(queryset, request):
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that spreadsheet programs read UTF-8
    yield writer.writerow(COLUMNS)
    for row in _rows(queryset, request):
        yield writer.writerow([_cell(row[column]) for column in COLUMNS])


def _json(queryset, request):
    yield "["
    for i, row in enumerate(_rows(queryset, request)):
        yield ("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]\n"


def export_response(queryset, fmt: str, request) -> StreamingHttpResponse:
    if fmt == "csv":
        response = StreamingHttpResponse(_csv(queryset, request), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(_json(queryset, request), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="timeline.{fmt}"'
    return response

"""The timeline's filtered events as CSV or JSON, streamed.

Column names are part of the public interface: add columns at the end, never rename them.
Rows are read in chunks (``iterator(chunk_size=...)`` with the prefetches), so memory stays flat
whatever the number of events.
"""
from __future__ import annotations

import csv
import json

from django.http import StreamingHttpResponse

COLUMNS = ("id", "offensive", "date", "end_date", "precision", "time_of_day", "kind", "section", "text",
           "places", "forces", "people", "source_url")
FORMATS = ("csv", "json")
CHUNK = 500


def event_row(event, request) -> dict:
    url = event.source_url()
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
    }


def _rows(queryset, request):
    for event in queryset.iterator(chunk_size=CHUNK):
        yield event_row(event, request)


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

"""The timeline's filtered events as CSV or JSON, streamed in constant memory.

Column names are part of the public interface: add columns at the end, never rename them.

Rows are read as tuples (``values_list(...).iterator(chunk_size=CHUNK)``), never as model objects:
the rows come in chunks of :data:`CHUNK` (the offensive's slug and the source's attribution fields
joined), and each chunk costs one query per many-to-many column (places, forces, people: the links of
the chunk's events, by event id) and one per kind for names not seen before in the export
(:class:`_Names`), so the query count grows with the number of chunks, not of rows, and memory holds
one chunk and the names. ``bench/exports.py`` measures the rate.

``source_url`` is the event's sentence on this site's source page; the ``source_*`` columns after it
attribute the text to where the source document is from (``sources.attribution``): its title, site,
canonical page URL, revision (id, permanent link, time), retrieval time and licence, and the attribution
as one sentence, worked out once per source document.
"""
from __future__ import annotations

import csv
import json
from itertools import islice
from types import SimpleNamespace

from django.db import connections
from django.db.models import BooleanField, F, Func, Value
from django.http import StreamingHttpResponse
from django.urls import reverse

from conflicts.models import Force
from events.models import Event, EventPlace, Place
from people.models import Person
from sources.attribution import attribution

COLUMNS = ("id", "offensive", "date", "end_date", "precision", "time_of_day", "kind", "section", "text",
           "places", "forces", "people", "source_url",
           "source_title", "source_site", "source_canonical_url", "source_revision", "source_revision_url",
           "source_revision_time", "source_retrieved_at", "source_licence", "source_licence_url",
           "source_attribution")
ATTRIBUTION_COLUMNS = COLUMNS[COLUMNS.index("source_title"):]
FORMATS = ("csv", "json")
CHUNK = 2000

# what a row is read from, in this order (the event's own columns, then its source's attribution fields)
_EVENT_FIELDS = ("pk", "conflict__slug", "date", "end_date", "precision", "time_of_day", "kind", "section", "text",
                 "source_id", "span_start", "span_end", "in_source")
_SOURCE_FIELDS = ("title", "name", "url", "site", "revision_id", "revision_time", "retrieved_at", "licence")


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def attribution_columns(document) -> dict:
    """The ``source_*`` attribution columns of an event told by ``document`` (all None without one).
    ``document`` is a ``SourceDocument`` or any object with its attribution fields."""
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


class _AnyOf(Func):
    """``expression = ANY(array)``, the array one text parameter (PostgreSQL): the driver quotes one
    string, where a list would be dumped element by element in Python."""

    arg_joiner = " = ANY("
    template = "%(expressions)s::bigint[])"
    output_field = BooleanField()


def _any_of(queryset, field: str, ids: list[int]):
    """``queryset`` narrowed to ``field`` in ``ids``. On PostgreSQL the ids are one array parameter
    (``= ANY(%s::bigint[])``): an ``IN`` of 2,000 placeholders costs the driver more than the query does."""
    if connections[queryset.db].vendor == "postgresql":
        return queryset.filter(_AnyOf(F(field), Value("{" + ",".join(map(str, ids)) + "}")))
    return queryset.filter(**{f"{field}__in": ids})


class _Names:
    """The names of the places, forces and people of a chunk of events, in the order pages list them
    (places in sentence order, forces and people by name). Per chunk: one query per relation for the
    links (ids only, read from the link tables' indexes) and one per kind for the names not seen yet in
    this export (so the cache is bounded by the number of places, forces and people, not of events)."""

    RELATIONS = (("places", EventPlace, "place_id", ("event_id", "order", "pk"), Place),
                 ("forces", Event.forces.through, "force_id", ("event_id",), Force),
                 ("people", Event.people.through, "person_id", ("event_id",), Person))

    def __init__(self):
        self.names: dict[type, dict[int, str]] = {model: {} for *_, model in self.RELATIONS}

    def of_chunk(self, ids: list[int]) -> list[dict[int, list[str]]]:
        out = []
        for _, through, fk, order, model in self.RELATIONS:
            links = list(_any_of(through.objects.all(), "event_id", ids).order_by(*order).values_list("event_id", fk))
            known = self.names[model]
            missing = list({entity for _, entity in links if entity not in known})
            if missing:
                known.update(_any_of(model.objects.all(), "pk", missing).order_by().values_list("pk", "name"))
            found: dict[int, list[str]] = {}
            for event_id, entity in links:
                found.setdefault(event_id, []).append(known[entity])
            if model is not Place:
                for names in found.values():
                    names.sort()
            out.append(found)
        return out


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


class _Rows:
    """The export's rows: iterate for ``(head, source_id)`` pairs, ``head`` the columns up to
    ``source_url`` and :attr:`attributions` the ``source_*`` columns of each source id met so far
    (worked out once per document). ``for_csv``: list columns joined and every cell made safe by
    :func:`_cell` (only free text is looked at: ids, dates, slugs, choices and URLs cannot start a
    formula)."""

    def __init__(self, queryset, request, for_csv: bool = False):
        self.queryset, self.request, self.for_csv = queryset, request, for_csv
        self.attributions: dict[int | None, tuple] = {}

    def _attribution(self, source_id, fields) -> tuple:
        document = None if source_id is None else SimpleNamespace(**dict(zip(_SOURCE_FIELDS, fields, strict=True)))
        values = attribution_columns(document).values()
        return tuple(_cell(value) for value in values) if self.for_csv else tuple(values)

    def __iter__(self):
        fields = _EVENT_FIELDS + tuple(f"source__{name}" for name in _SOURCE_FIELDS)
        rows = (self.queryset.prefetch_related(None).select_related(None).values_list(*fields)
                .iterator(chunk_size=CHUNK))
        pages: dict[int, str] = {}         # source id -> absolute URL of its page
        attributions, names, n_event = self.attributions, _Names(), len(_EVENT_FIELDS)
        for_csv = self.for_csv
        empty = "" if for_csv else []
        while chunk := list(islice(rows, CHUNK)):
            places, forces, people = names.of_chunk([row[0] for row in chunk])
            for row in chunk:
                (pk, offensive, date, end_date, precision, time_of_day, kind, section, text,
                 source_id, span_start, span_end, in_source) = row[:n_event]
                if source_id not in attributions:
                    attributions[source_id] = self._attribution(source_id, row[n_event:])
                    if source_id is not None:
                        pages[source_id] = self.request.build_absolute_uri(
                            reverse("sources:detail", args=[source_id]))
                source_url = (f"{pages[source_id]}#span-{span_start}-{span_end}"
                              if source_id is not None and span_start is not None and in_source else None)
                place_names, force_names, person_names = places.get(pk), forces.get(pk), people.get(pk)
                if for_csv:
                    section, text = _cell(section), _cell(text)
                    place_names = _cell(place_names) if place_names else empty
                    force_names = _cell(force_names) if force_names else empty
                    person_names = _cell(person_names) if person_names else empty
                yield (pk, offensive, date.isoformat(), end_date.isoformat() if end_date else None, precision,
                       time_of_day or None, kind, section or None, text, place_names or empty, force_names or empty,
                       person_names or empty, source_url), source_id


def export_rows(queryset, request):
    """Each event of ``queryset`` (in its order) as a tuple in :data:`COLUMNS` order, list columns as lists."""
    rows = _Rows(queryset, request)
    for head, source_id in rows:
        yield head + rows.attributions[source_id]


def _batches(rows, size: int = 200):
    while batch := list(islice(rows, size)):
        yield batch


class _Echo:
    def write(self, value):
        return value


def _csv(queryset, request):
    # Each line is the CSV of the event's own columns and the CSV of its source's attribution columns,
    # encoded once per document (they are the same on every line of that document, and half the bytes).
    writer = csv.writer(_Echo(), lineterminator="")
    rows = _Rows(queryset, request, for_csv=True)
    suffixes: dict[int | None, str] = {}
    yield "\ufeff" + writer.writerow(COLUMNS) + "\r\n"  # the BOM, so that spreadsheet programs read UTF-8
    for batch in _batches(iter(rows)):  # one response chunk per batch of lines, not per line
        lines = []
        for head, source_id in batch:
            suffix = suffixes.get(source_id)
            if suffix is None:
                suffix = suffixes[source_id] = "," + writer.writerow(rows.attributions[source_id]) + "\r\n"
            lines.append(writer.writerow(head) + suffix)
        yield "".join(lines)


def _json(queryset, request):
    # As for CSV, the attribution members are encoded once per document and appended to each object.
    rows = _Rows(queryset, request)
    suffixes: dict[int | None, str] = {}
    head_columns = COLUMNS[:len(COLUMNS) - len(ATTRIBUTION_COLUMNS)]
    yield "["
    separator = "\n"
    for batch in _batches(iter(rows)):
        parts = []
        for head, source_id in batch:
            suffix = suffixes.get(source_id)
            if suffix is None:
                attribution_object = dict(zip(ATTRIBUTION_COLUMNS, rows.attributions[source_id], strict=True))
                suffix = suffixes[source_id] = ", " + json.dumps(attribution_object, ensure_ascii=False)[1:]
            parts.append(separator + json.dumps(dict(zip(head_columns, head, strict=True)), ensure_ascii=False)[:-1]
                         + suffix)
            separator = ",\n"
        yield "".join(parts)
    yield "\n]\n"


def export_response(queryset, fmt: str, request) -> StreamingHttpResponse:
    if fmt == "csv":
        response = StreamingHttpResponse(_csv(queryset, request), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(_json(queryset, request), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="timeline.{fmt}"'
    return response

"""The timeline's filtered events as CSV or JSON, streamed in constant memory.

Column names are part of the public interface: add columns at the end, never rename them.

Rows are read as tuples (``values_list(...).iterator(chunk_size=CHUNK)``), never as model objects:
the rows come in chunks of :data:`CHUNK` (the offensive's slug and the source's attribution fields
joined), and each chunk costs one query per many-to-many column (places, forces, people: the links of
the chunk's events, by event id) and one per kind for names not seen before in the export
(:class:`_Names`), so the query count grows with the number of chunks, not of rows, and memory holds
one chunk and the names. ``bench/exports.py`` measures the rate.

``url`` is the event's own page on this site (issue 17: a stable address to cite) and ``source_url`` the
event's sentence on this site's source page; the ``source_*`` columns after it
attribute the text to where the source document is from (``sources.attribution``): its title, site,
canonical page URL, revision (id, permanent link, time), retrieval time and licence, and the attribution
as one sentence, worked out once per source document.

After those, as ACLED gives them (issue 17): ``sides``, the sides of the event's offensive that list a
force the event names (as ``EventQuerySet.on_sides`` reads them; "1: Syrian Arab Republic, Russia"),
``actor1`` the forces named that the lowest-numbered of those sides lists, ``actor2`` those the other
sides list (a force listed on two sides counts for the first), ``fatalities`` the people killed where the
sentence states it (empty when it does not: not zero), and ``url``. The sides of an offensive are read once
per export (one query for the offensives a chunk meets first), so they too cost per chunk, not per row.
Last, ``latitude`` and ``longitude`` (issue 17, maps): those of the first place the sentence names that
has coordinates, read with the places' names (empty when none has).
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

from conflicts.models import Force, Participation
from events.models import Event, EventPlace, Place
from people.models import Person
from sources.attribution import attribution

COLUMNS = ("id", "offensive", "date", "end_date", "precision", "time_of_day", "kind", "section", "text",
           "places", "forces", "people", "source_url",
           "source_title", "source_site", "source_canonical_url", "source_revision", "source_revision_url",
           "source_revision_time", "source_retrieved_at", "source_licence", "source_licence_url",
           "source_attribution",
           "sides", "actor1", "actor2", "fatalities", "url", "latitude", "longitude")
ATTRIBUTION_COLUMNS = COLUMNS[COLUMNS.index("source_title"):COLUMNS.index("source_attribution") + 1]
TAIL_COLUMNS = COLUMNS[COLUMNS.index("source_attribution") + 1:]
FORMATS = ("csv", "json")
CHUNK = 2000

# what a row is read from, in this order (the event's own columns, then its source's attribution fields)
_EVENT_FIELDS = ("pk", "conflict__slug", "date", "end_date", "precision", "time_of_day", "kind", "section", "text",
                 "source_id", "span_start", "span_end", "in_source", "conflict_id", "casualties")
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
        self.force_ids: dict[int, list[int]] = {}  # of the last chunk: event id -> ids of the forces it names
        self.coordinates: dict[int, tuple[float, float]] = {}  # place id -> (latitude, longitude), where known
        self.located: dict[int, tuple[float, float]] = {}  # of the last chunk: event id -> its first located place's

    def of_chunk(self, ids: list[int]) -> list[dict[int, list[str]]]:
        out = []
        self.force_ids, self.located = {}, {}
        for _, through, fk, order, model in self.RELATIONS:
            links = list(_any_of(through.objects.all(), "event_id", ids).order_by(*order).values_list("event_id", fk))
            known = self.names[model]
            missing = list({entity for _, entity in links if entity not in known})
            if missing and model is Place:
                for pk, name, lat, lon in (_any_of(model.objects.all(), "pk", missing).order_by()
                                           .values_list("pk", "name", "latitude", "longitude")):
                    known[pk] = name
                    if lat is not None and lon is not None:
                        self.coordinates[pk] = (float(lat), float(lon))
            elif missing:
                known.update(_any_of(model.objects.all(), "pk", missing).order_by().values_list("pk", "name"))
            found: dict[int, list[str]] = {}
            for event_id, entity in links:
                found.setdefault(event_id, []).append(known[entity])
                if model is Place and entity in self.coordinates:
                    self.located.setdefault(event_id, self.coordinates[entity])
            if model is Force:
                ids_of: dict[int, list[int]] = {}
                for event_id, entity in links:
                    ids_of.setdefault(event_id, []).append(entity)
                self.force_ids = ids_of
            if model is not Place:
                for names in found.values():
                    names.sort()
            out.append(found)
        return out


class _Sides:
    """The sides of the offensives an export meets, read once per offensive: for each, its sides in
    number order with their names (``Side.display_name``: the label, else the first two belligerents)
    and the forces each lists (belligerents and units). One query per chunk that meets new offensives."""

    def __init__(self):
        self.sides: dict[int, list[tuple[int, str, set[int]]]] = {}  # conflict id -> [(number, name, force ids)]

    def read(self, conflict_ids) -> None:
        missing = sorted(set(conflict_ids) - self.sides.keys())
        if not missing:
            return
        for conflict_id in missing:
            self.sides[conflict_id] = []
        rows = (_any_of(Participation.objects.all(), "side__conflict_id", missing)
                .order_by("side__conflict_id", "side__number", "role", "order", "pk")
                .values_list("side__conflict_id", "side__number", "side__label", "role", "force_id", "force__name"))
        building: dict[tuple[int, int], tuple[str, list[str], set[int]]] = {}
        for conflict_id, number, label, role, force_id, force_name in rows:
            entry = building.setdefault((conflict_id, number), (label, [], set()))
            if role == Participation.Role.BELLIGERENT:
                entry[1].append(force_name)
            entry[2].add(force_id)
        for (conflict_id, number), (label, belligerents, forces) in building.items():
            self.sides[conflict_id].append((number, label or self.name(number, belligerents), forces))

    @staticmethod
    def name(number: int, belligerents: list[str]) -> str:
        # as Side.display_name
        if not belligerents:
            return f"side {number}"
        return ", ".join(belligerents[:2]) + (" and others" if len(belligerents) > 2 else "")

    def of_event(self, conflict_id: int, force_ids: list[int], force_names: dict[int, str]):
        """``(sides, actor1, actor2)`` of an event naming ``force_ids``: lists of names."""
        named, sides, actors = set(force_ids), [], []
        taken: set[int] = set()
        for number, name, forces in self.sides.get(conflict_id, ()):
            on_side = (named & forces) - taken
            if named & forces:
                sides.append(f"{number}: {name}")
            if on_side:
                actors.append(sorted(force_names[pk] for pk in on_side))
                taken |= on_side
        actor1 = actors[0] if actors else []
        actor2 = sorted(name for names in actors[1:] for name in names)
        return sides, actor1, actor2


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
    """The export's rows: iterate for ``(head, source_id, tail)``, ``head`` the columns up to
    ``source_url``, ``tail`` those after the ``source_*`` columns (:data:`TAIL_COLUMNS`) and
    :attr:`attributions` the ``source_*`` columns of each source id met so far
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
        attributions, names, sides, n_event = self.attributions, _Names(), _Sides(), len(_EVENT_FIELDS)
        force_names = names.names[Force]
        for_csv = self.for_csv
        empty = "" if for_csv else []
        # the event page's URL, made absolute once: the id goes where the placeholder is
        event_url = self.request.build_absolute_uri(reverse("events:detail", args=[987654321])).split("987654321")
        url_head, url_tail = event_url[0], event_url[-1]
        actors_of: dict[tuple, tuple] = {}  # (offensive, forces named) -> (sides, actor1, actor2)
        while chunk := list(islice(rows, CHUNK)):
            places, forces, people = names.of_chunk([row[0] for row in chunk])
            sides.read({row[n_event - 2] for row in chunk})
            for row in chunk:
                (pk, offensive, date, end_date, precision, time_of_day, kind, section, text,
                 source_id, span_start, span_end, in_source, conflict_id, casualties) = row[:n_event]
                if source_id not in attributions:
                    attributions[source_id] = self._attribution(source_id, row[n_event:])
                    if source_id is not None:
                        pages[source_id] = self.request.build_absolute_uri(
                            reverse("sources:detail", args=[source_id]))
                source_url = (f"{pages[source_id]}#span-{span_start}-{span_end}"
                              if source_id is not None and span_start is not None and in_source else None)
                place_names, event_forces, person_names = places.get(pk), forces.get(pk), people.get(pk)
                # events of an offensive name the same few sets of forces: their sides and actors once each
                key = (conflict_id, tuple(names.force_ids.get(pk, ())))
                actors = actors_of.get(key)
                if actors is None:
                    if len(actors_of) > 10_000:
                        actors_of.clear()
                    actors = sides.of_event(conflict_id, key[1], force_names)
                    if for_csv:
                        actors = tuple(_cell(value) if value else empty for value in actors)
                    actors_of[key] = actors
                side_names, actor1, actor2 = actors
                if for_csv:
                    section, text = _cell(section), _cell(text)
                    place_names = _cell(place_names) if place_names else empty
                    event_forces = _cell(event_forces) if event_forces else empty
                    person_names = _cell(person_names) if person_names else empty
                yield ((pk, offensive, date.isoformat(), end_date.isoformat() if end_date else None, precision,
                        time_of_day or None, kind, section or None, text, place_names or empty, event_forces or empty,
                        person_names or empty, source_url), source_id,
                       (side_names, actor1, actor2, casualties, f"{url_head}{pk}{url_tail}",
                        *names.located.get(pk, (None, None))))


def export_rows(queryset, request):
    """Each event of ``queryset`` (in its order) as a tuple in :data:`COLUMNS` order, list columns as lists."""
    rows = _Rows(queryset, request)
    for head, source_id, tail in rows:
        yield head + rows.attributions[source_id] + tail


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
        for head, source_id, tail in batch:
            suffix = suffixes.get(source_id)
            if suffix is None:
                suffix = suffixes[source_id] = "," + writer.writerow(rows.attributions[source_id]) + ","
            lines.append(writer.writerow(head) + suffix + writer.writerow(tail) + "\r\n")
        yield "".join(lines)


def _json(queryset, request):
    # As for CSV, the attribution members are encoded once per document and appended to each object.
    rows = _Rows(queryset, request)
    suffixes: dict[int | None, str] = {}
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder: json.dumps makes one per call
    head_columns = COLUMNS[:COLUMNS.index("source_title")]
    yield "["
    separator = "\n"
    for batch in _batches(iter(rows)):
        parts = []
        for head, source_id, tail in batch:
            suffix = suffixes.get(source_id)
            if suffix is None:
                attribution_object = dict(zip(ATTRIBUTION_COLUMNS, rows.attributions[source_id], strict=True))
                suffix = suffixes[source_id] = ", " + encode(attribution_object)[1:-1]
            parts.append(separator + encode(dict(zip(head_columns, head, strict=True)))[:-1]
                         + suffix + ", " + encode(dict(zip(TAIL_COLUMNS, tail, strict=True)))[1:])
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

"""The reader's queries that join several apps: counts of events and commanders per offensive, the
offensive with its commanders, offensives at a place, the sources naming a person, the sources a user
may read.

Domain querysets know only their own app and the apps below it (an offensive's queryset knows no
events or command roles); what a page needs from several apps is composed here.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, Substr

from conflicts.models import Conflict, Participation, Side
from events.models import Event, EventPlace
from people.models import CommandRole
from sources.models import SourceDocument


def count_of(model, fk: str):
    """A correlated ``COUNT`` of ``model`` rows pointing at the outer row through ``fk``.

    One subquery per count instead of joins, so several counts do not multiply each other's rows.
    """
    rows = (model.objects.filter(**{fk: OuterRef("pk")}).order_by().values(fk)
            .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_counts(conflicts):
    """``conflicts`` annotated with ``event_count``, ``commander_count`` and ``side_count``."""
    return conflicts.annotate(
        event_count=count_of(Event, "conflict"),
        commander_count=count_of(CommandRole, "conflict"),
        side_count=count_of(Side, "conflict"),
    )


def offensives_for_listing():
    """The home page: offensives with their counts and the conflicts they are part of, oldest first (the
    home page's filter may choose another order: ``reader.filters.OffensiveFilter``)."""
    return (with_counts(Conflict.objects.offensives())
            .prefetch_related(Prefetch("parents", queryset=Conflict.objects.order_by("start_date", "name")))
            .order_by("start_date", "name", "pk"))


def parts_of(conflict, limit: int = 100):
    """The conflicts part of ``conflict`` (a war's offensives), oldest first, with their counts and sides
    (each with its belligerents, for ``Side.display_name``); bounded."""
    return (with_counts(conflict.children.all())
            .prefetch_related(Prefetch("sides", queryset=Side.objects.order_by("number").prefetch_related(
                Prefetch("participations", queryset=Participation.objects.filter(
                    role=Participation.Role.BELLIGERENT).select_related("force").order_by("order", "pk")))))
            .order_by(F("start_date").asc(nulls_last=True), "name", "pk")[:limit])


def conflict_for_detail():
    """Everything the infobox shows, in a fixed number of queries: the offensive's own rows
    (``ConflictQuerySet.for_detail``) and its commanders, per side and without a side."""
    return Conflict.objects.for_detail().prefetch_related(
        Prefetch("sides__command_roles",
                 queryset=CommandRole.objects.select_related("person", "force").order_by("order", "pk")),
        Prefetch("command_roles", queryset=CommandRole.objects.filter(side__isnull=True)
                 .select_related("person", "force").order_by("order", "pk"), to_attr="roles_without_side"),
    )


def offensives_at(place, limit: int = 50):
    """Conflicts with an event at ``place``, oldest first (bounded)."""
    return Conflict.objects.filter(Exists(EventPlace.objects.filter(place=place, event__conflict=OuterRef("pk")))
                                   ).order_by("start_date", "name")[:limit]


def offensives_naming(force, limit: int = 50):
    """Offensives whose events name ``force`` (or a unit up to two levels below it, as its page's events
    do) but that do not list it on a side (bounded): where it fought as the sentences tell. One query: an
    ``EXISTS`` per offensive, which stops at its first such event."""
    return (Conflict.objects.offensives()
            .filter(Exists(Event.objects.filter(conflict=OuterRef("pk")).mentioning_forces([force])))
            .exclude(sides__participations__force=force)
            .order_by("start_date", "name")[:limit])


def visible_sources(user):
    """The source documents ``user`` may read: those that loaded (status ``imported``); staff see failed
    ones too. A failed document's text can be anything the importer was pointed at (issue 15). The bytes
    as read (``original``) are not loaded: only admin's download serves them."""
    documents = SourceDocument.objects.defer("original")
    return documents if user.is_staff else documents.filter(status=SourceDocument.Status.IMPORTED)


def sources_of(person, limit: int = 50):
    """Documents that loaded and name ``person``: as a record, in a command role or in an event (bounded)."""
    # ids from the person's roles and events (each read from its index), not an EXISTS per document:
    # at a million events the EXISTS over every document took half a second (issue 16)
    return SourceDocument.objects.defer("text", "original").filter(status=SourceDocument.Status.IMPORTED).filter(
        Q(pk=person.source_id)
        | Q(pk__in=CommandRole.objects.filter(person=person).exclude(source=None).values("source_id"))
        | Q(pk__in=Event.objects.filter(people=person).exclude(source=None).values("source_id"))
    ).order_by("name")[:limit]


# ------------------------------------------------------------------------------ an event's page

#: characters of the source read on each side of an event's sentence, for the passage shown around it
PASSAGE_CONTEXT = 400


def event_for_detail():
    """Events with everything their page shows besides the sides, neighbours and passage: the event-list
    row's relations (``EventQuerySet.for_timeline``)."""
    return Event.objects.for_timeline()


def sides_of_event(event):
    """The sides of the event's offensive that list a force the event names (belligerent or unit: as
    ``EventQuerySet.on_sides`` reads them), with their participations and forces (for ``display_name``
    and for telling which named forces are on which side). Two queries, whatever the event names."""
    named = Participation.objects.filter(side=OuterRef("pk"), force__events=event)
    return (Side.objects.filter(conflict_id=event.conflict_id).filter(Exists(named))
            .prefetch_related(Prefetch("participations", queryset=Participation.objects.select_related("force")
                                       .order_by("role", "order", "pk")))
            .order_by("number"))


@dataclass(frozen=True)
class EventSide:
    side: Side
    forces: list  # the forces the event names that the side lists, by name


def event_sides(event) -> list[EventSide]:
    """``sides_of_event`` with, for each side, the forces of ``event`` (prefetched) it lists."""
    named = {force.pk: force for force in event.forces.all()}
    out = []
    for side in sides_of_event(event):
        listed = {p.force_id for p in side.participations.all()}
        out.append(EventSide(side, sorted((named[pk] for pk in listed & named.keys()), key=lambda f: f.name)))
    return out


# the timeline's order (EventQuerySet.TIMELINE_ORDER) within one offensive: (field, descending, nulls first)
_NEIGHBOUR_KEY = (("date", False, False), ("precision", True, False), ("end_date", False, True),
                  ("order", False, False), ("pk", False, False))


def _past(field: str, value, descending: bool, nulls_first: bool, forward: bool) -> Q | None:
    """Rows strictly after (``forward``) or before ``value`` on one key column; None when there are none."""
    if nulls_first:  # only end_date: ascending, NULL first
        if value is None:
            return Q(**{f"{field}__isnull": False}) if forward else None
        if forward:
            return Q(**{f"{field}__gt": value})
        return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": value})
    later = forward != descending
    return Q(**{f"{field}__{'gt' if later else 'lt'}": value})


def _keyset(event, forward: bool) -> Q:
    """Rows after (or before) ``event`` in :data:`_NEIGHBOUR_KEY` order, as one condition."""
    condition = None
    for field, descending, nulls_first in reversed(_NEIGHBOUR_KEY):
        value = getattr(event, field)
        past = _past(field, value, descending, nulls_first, forward)
        same = Q(**{f"{field}__isnull": True}) if value is None else Q(**{field: value})
        if condition is None:
            condition = past if past is not None else Q(pk__in=[])
        else:
            tied = same & condition
            condition = tied if past is None else past | tied
    return condition


def _neighbour_order(forward: bool) -> list:
    out = []
    for field, descending, nulls_first in _NEIGHBOUR_KEY:
        ascending = forward != descending
        if nulls_first:
            out.append(F(field).asc(nulls_first=True) if ascending else F(field).desc(nulls_last=True))
        else:
            out.append(F(field).asc() if ascending else F(field).desc())
    return out


def event_neighbours(event) -> tuple:
    """The previous and next event of the same offensive in the timeline's order (either may be None):
    one query each, read from the ``(conflict, date, order)`` index."""
    events = Event.objects.filter(conflict_id=event.conflict_id).only("pk", "date", "end_date", "precision", "text")
    previous = events.filter(_keyset(event, forward=False)).order_by(*_neighbour_order(False)).first()
    following = events.filter(_keyset(event, forward=True)).order_by(*_neighbour_order(True)).first()
    return previous, following


@dataclass(frozen=True)
class Passage:
    text: str      # the lines of the source around the event's sentence
    offset: int    # where ``text`` starts in the document
    cut_before: bool
    cut_after: bool


def event_passage(event, context: int = PASSAGE_CONTEXT) -> Passage | None:
    """The lines of the event's source around its sentence (the whole lines within ``context`` characters
    on each side), read from the database as a substring: the document's text is never
    loaded whole. None without a span in a document that still states the event."""
    if event.source_id is None or event.span_start is None or event.span_end is None or not event.in_source:
        return None
    start = max(event.span_start - context, 0)
    length = event.span_end + context - start
    row = (SourceDocument.objects.filter(pk=event.source_id)
           .annotate(passage=Substr("text", start + 1, length)).values_list("passage", flat=True).first())
    if not row:
        return None
    inner_start, inner_end = event.span_start - start, min(event.span_end - start, len(row))
    # whole lines only: drop the partial first and last lines of the window (unless it begins or ends the
    # document); a sentence in a line longer than the window is cut at a word instead
    line_start = 0 if start == 0 else row.find("\n", 0, inner_start) + 1
    cut_before = line_start == 0 and start > 0
    if cut_before:
        space = row.find(" ", 0, inner_start)
        line_start = space + 1 if space >= 0 else 0
    at_end = len(row) < length
    line_end = len(row) if at_end else row.rfind("\n", inner_end)
    cut_after = line_end < 0
    if cut_after:
        space = row.rfind(" ", inner_end)
        line_end = space if space >= 0 else len(row)
    return Passage(row[line_start:line_end], start + line_start, cut_before, cut_after)

"""The reader's queries that join several apps: counts of events and commanders per offensive, the
offensive with its commanders, offensives at a place, the sources naming a person, the sources a user
may read.

Domain querysets know only their own app and the apps below it (an offensive's queryset knows no
events or command roles); what a page needs from several apps is composed here.
"""
from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from conflicts.models import Conflict, Side
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
    """The home page: offensives with their counts, oldest first."""
    return with_counts(Conflict.objects.offensives()).order_by("start_date", "name")


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

"""Suggestions for the filter forms' text boxes (``/autocomplete/?kind=force&q=hez``), as JSON.

Each kind answers at most :data:`LIMIT` suggestions in one or two queries, through the site's one
name search for forces, people and places (``AliasedQuerySet.search``: misspellings forgiven on
PostgreSQL), and by name for offensives and sides. A suggestion's ``value`` is what the box submits
(a slug; a side's id) and ``label`` what a reader reads. The boxes work without it: they take names.
"""
from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q

from conflicts.models import Conflict, Force, Participation, Side
from events.models import Place
from people.models import Person

LIMIT = 10
MAX_QUERY = 100


def _named(model, query: str) -> list[dict]:
    return [{"value": record.slug, "label": record.name} for record in model.objects.search(query)[:LIMIT]]


def _offensives(query: str) -> list[dict]:
    found = Conflict.objects.offensives().filter(Q(name__icontains=query) | Q(slug=query)).order_by("start_date",
                                                                                                  "name")
    return [{"value": c.slug, "label": c.name} for c in found[:LIMIT]]


def _wars(query: str) -> list[dict]:
    """Wars, campaigns and battles that offensives are part of."""
    found = Conflict.objects.with_parts().filter(Q(name__icontains=query) | Q(slug=query)).order_by("name")
    return [{"value": c.slug, "label": c.name} for c in found[:LIMIT]]


def _sides(query: str) -> list[dict]:
    """Sides whose offensive is named by ``query``, or that list a belligerent named by it."""
    belligerents = Participation.objects.filter(side=OuterRef("pk"), role=Participation.Role.BELLIGERENT,
                                                force__in=Force.objects.named_like(query))
    sides = (Side.objects.filter(Q(conflict__name__icontains=query) | Exists(belligerents))
             .select_related("conflict")
             .prefetch_related(Prefetch("participations", queryset=Participation.objects.filter(
                 role=Participation.Role.BELLIGERENT).select_related("force").order_by("order", "pk")))
             .order_by("conflict__start_date", "conflict__name", "number"))
    return [{"value": str(side.pk), "label": f"{side.conflict.name}: {side.display_name}"} for side in sides[:LIMIT]]


KINDS = {
    "offensive": _offensives,
    "side": _sides,
    "war": _wars,
    "force": lambda query: _named(Force, query),
    "person": lambda query: _named(Person, query),
    "place": lambda query: _named(Place, query),
}


def suggestions(kind: str, query: str) -> list[dict] | None:
    """Up to :data:`LIMIT` suggestions for ``query``; ``None`` for an unknown kind; none for fewer
    than two characters."""
    if kind not in KINDS:
        return None
    query = " ".join((query or "")[:MAX_QUERY].split())
    if len(query) < 2:
        return []
    return KINDS[kind](query)

"""Site search across offensives, events, people, forces and places.

PostgreSQL: full-text search (``SearchVector``/``SearchQuery``/``SearchRank``, English stemming,
web-search syntax) for offensives and events, and trigram similarity (``pg_trgm``, enabled by
``conflicts/migrations/0002_trigram.py``) on names and aliases, so "Suleimani" finds Soleimani.
Elsewhere (SQLite): every word must occur (case-insensitive) in a name, an alias or the text.

Each section is bounded (:data:`LIMIT`); :func:`search` makes a fixed number of queries.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramSimilarity
from django.db import connections
from django.db.models import Exists, FloatField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from conflicts.models import Conflict, Force, ForceAlias
from events.models import Event, Place, PlaceAlias
from events.querysets import EventQuerySet
from people.models import Person, PersonAlias

LIMIT = 20
EVENT_LIMIT = 50
SIMILARITY = 0.3  # pg_trgm's default threshold


@dataclass
class Results:
    query: str
    offensives: list = field(default_factory=list)
    events: list = field(default_factory=list)
    people: list = field(default_factory=list)
    forces: list = field(default_factory=list)
    places: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(getattr(self, name)) for name in ("offensives", "events", "people", "forces", "places"))


def _words(query: str) -> list[str]:
    return query.split()


def _all_words(fields: list[str], words: list[str], alias_model=None, alias_fk=None) -> Q:
    """Every word in one of ``fields`` (or in an alias)."""
    condition = Q()
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        if alias_model is not None:
            any_field |= Exists(alias_model.objects.filter(**{alias_fk: OuterRef("pk"), "name__icontains": word}))
        condition &= any_field
    return condition


def _named_pg(model, alias_model, alias_fk, query: str):
    """Records whose name or an alias is similar to ``query`` (trigrams) or contains it, best first."""
    alias_similarity = Subquery(
        alias_model.objects.filter(**{alias_fk: OuterRef("pk")})
        .annotate(sim=TrigramSimilarity("name", query)).order_by("-sim").values("sim")[:1],
        output_field=FloatField())
    return (model.objects
            .annotate(score=Greatest(TrigramSimilarity("name", query), Coalesce(alias_similarity, Value(0.0))))
            .filter(Q(score__gte=SIMILARITY) | Q(name__icontains=query)
                    | Exists(alias_model.objects.filter(**{alias_fk: OuterRef("pk"), "name__icontains": query})))
            .prefetch_related("aliases").order_by("-score", "name")[:LIMIT])


def _named_simple(model, alias_model, alias_fk, words):
    return (model.objects.filter(_all_words(["name"], words, alias_model, alias_fk))
            .prefetch_related("aliases").order_by("name")[:LIMIT])


def search(query: str, using: str = "default") -> Results:
    query = (query or "").strip()
    results = Results(query)
    words = _words(query)
    if not words:
        return results
    events = Event.objects.for_timeline()
    named = [("people", Person, PersonAlias, "person"), ("forces", Force, ForceAlias, "force"),
             ("places", Place, PlaceAlias, "place")]
    if connections[using].vendor == "postgresql":
        text_query = SearchQuery(query, config="english", search_type="websearch")
        offensive_vector = (SearchVector("name", weight="A", config="english")
                            + SearchVector("place", "status", weight="B", config="english")
                            + SearchVector("summary", weight="C", config="english"))
        results.offensives = list(
            Conflict.objects.offensives().annotate(found=offensive_vector,
                                                   rank=SearchRank(offensive_vector, text_query),
                                                   sim=TrigramSimilarity("name", query))
            .filter(Q(found=text_query) | Q(sim__gte=SIMILARITY)).order_by("-rank", "-sim", "name")[:LIMIT])
        event_vector = SearchVector("text", weight="A", config="english") + SearchVector(
            "section", weight="B", config="english")
        results.events = list(
            events.annotate(found=event_vector, rank=SearchRank(event_vector, text_query)).filter(found=text_query)
            .order_by("-rank", *EventQuerySet.TIMELINE_ORDER)[:EVENT_LIMIT])
        for name, model, alias_model, fk in named:
            setattr(results, name, list(_named_pg(model, alias_model, fk, query)))
    else:
        results.offensives = list(
            Conflict.objects.offensives().filter(_all_words(["name", "place", "status", "summary"], words))
            .order_by("start_date", "name")[:LIMIT])
        results.events = list(events.filter(_all_words(["text", "section"], words))[:EVENT_LIMIT])
        for name, model, alias_model, fk in named:
            setattr(results, name, list(_named_simple(model, alias_model, fk, words)))
    return results

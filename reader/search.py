"""Site search across offensives, events, people, forces and places.

One search code path (issue 16): events through ``EventQuerySet.matching`` (the timeline's words
filter and admin's event search use it too; full text with English stemming and web-search syntax,
read from the ``event_search_gin`` expression index; ``best_matches`` ranks a bounded pool), forces,
people and places through ``AliasedQuerySet.search`` (admin's search and autocomplete use
``named_like``, its unordered half; trigram similarity of the name or an alias from the
``UPPER(name) gin_trgm_ops`` indexes, so "Suleimani", "Hizbollah", "palmira" find Soleimani, Hezbollah,
Palmyra). Offensives, one per article and so few, are matched here with a weighted vector per row.
Elsewhere (SQLite): every word must occur (case-insensitive) in a name, an alias or the text.

Each section is bounded (:data:`LIMIT`); :func:`search` makes a fixed number of queries.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramSimilarity
from django.db import connections
from django.db.models import Q

from conflicts.models import Conflict, Force
from events.models import Event, Place
from people.models import Person

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


def _all_words(fields: list[str], words: list[str]) -> Q:
    """Every word in one of ``fields``."""
    condition = Q()
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return condition


def search(query: str, using: str = "default") -> Results:
    """Each kind of record for ``query``, bounded. Names go through the one name search
    (``AliasedQuerySet.search``), events through the one text search (``EventQuerySet.matching``,
    ranked by ``best_matches``): the timeline's filters and admin use the same two."""
    query = (query or "").strip()
    results = Results(query)
    words = _words(query)
    if not words:
        return results
    results.events = list(Event.objects.for_timeline().best_matches(query, EVENT_LIMIT))
    for name, model in (("people", Person), ("forces", Force), ("places", Place)):
        setattr(results, name, list(model.objects.search(query).prefetch_related("aliases")[:LIMIT]))
    if connections[using].vendor == "postgresql":
        # offensives are few (one per article): their vector is computed per row, the name's trigrams
        # come from conflict_name_upper_trgm
        text_query = SearchQuery(query, config="english", search_type="websearch")
        offensive_vector = (SearchVector("name", weight="A", config="english")
                            + SearchVector("place", "status", weight="B", config="english")
                            + SearchVector("summary", weight="C", config="english"))
        results.offensives = list(
            Conflict.objects.offensives().annotate(found=offensive_vector,
                                                   rank=SearchRank(offensive_vector, text_query),
                                                   sim=TrigramSimilarity("name", query))
            .filter(Q(found=text_query) | Q(sim__gte=SIMILARITY)).order_by("-rank", "-sim", "name")[:LIMIT])
    else:
        results.offensives = list(
            Conflict.objects.offensives().filter(_all_words(["name", "place", "status", "summary"], words))
            .order_by("start_date", "name")[:LIMIT])
    return results

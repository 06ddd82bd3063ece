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

The events are shown as the timeline shows them (``includes/event_list.html``), a section per date as
written; :func:`event_sections` caches each section under the data generation and its events, and loads
the events' links only for the sections it renders.

A search that finds nothing offers the closest name or alias of a force, person or place ("palmira":
"Did you mean Palmyra?"), on either database: :func:`suggestion` (never event text).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramSimilarity
from django.core.cache import cache
from django.db import connections
from django.db.models import Q, prefetch_related_objects
from django.template.loader import render_to_string
from rapidfuzz import fuzz, process

from conflicts.cache import DEFAULT_TIMEOUT, generation_of
from conflicts.models import Conflict, Force
from events.models import Event, Place
from people.models import Person
from sources.entities import entities
from sources.resolve import THRESHOLD, normalise, similarity

from .display import by_day
from .editing import may_edit

LIMIT = 20
EVENT_LIMIT = 50
SIMILARITY = 0.3  # pg_trgm's default threshold
SUGGESTION_POOL = 5000  # names and aliases of one kind a suggestion is chosen from, at most
SUGGESTION_SHORTLIST = 10  # of those, the closest by plain edit ratio, then scored by the name resolver


@dataclass
class Results:
    query: str
    offensives: list = field(default_factory=list)
    events: list = field(default_factory=list)  # with offensive and source; links: see event_sections
    people: list = field(default_factory=list)
    forces: list = field(default_factory=list)
    places: list = field(default_factory=list)
    suggestion: str | None = None  # a close name when nothing is found ("palmira": "Palmyra")

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
    results.events = list(Event.objects.for_timeline(links=False).best_matches(query, EVENT_LIMIT))
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
    if not results.count:
        results.suggestion = suggestion(query)
    return results


def event_sections(request, events, heading: str = "h3") -> list[str] | None:
    """``events`` rendered as ``includes/event_list.html`` renders them, one string per section (a run of
    events of one date as written: the include's own grouping, so the sections joined are its markup but
    for whitespace), each cached under the data generation and its events' ids. A section found in the
    cache costs no query and no rendering; the events' links (places, forces, people, claims) are loaded,
    one query each, for the events of the sections missed only. Rendering 50 events was about 40 ms of a
    search's 115 ms at a million events (issue 16); the same events in the same runs recur across
    searches.

    None for a reader who may edit: their rows carry edit links back to this page, so the caller renders
    the whole list itself (the links are loaded here for it)."""
    if may_edit(request):
        prefetch_related_objects(events, *Event.objects.row_links())
        return None
    days = by_day(events)
    if not days:
        return []
    generation = generation_of(request)
    keys = [f"search-events:{generation}:{heading}:" + hashlib.sha256(
        ",".join(str(event.pk) for event in day.events).encode()).hexdigest()[:32] for day in days]
    found = cache.get_many(keys)
    missed = [day for day, key in zip(days, keys, strict=True) if key not in found]
    prefetch_related_objects([event for day in missed for event in day.events], *Event.objects.row_links())
    rendered = {key: render_to_string("includes/event_list.html",
                                      {"events": day.events, "heading": heading, "show_offensive": True})
                for day, key in zip(days, keys, strict=True) if key not in found}
    if rendered:
        cache.set_many(rendered, DEFAULT_TIMEOUT)
    return [found.get(key) or rendered[key] for key in keys]


def _word_starts(field: str, letters: set[str]) -> Q:
    """``field`` has a word starting with one of ``letters`` (case-insensitive)."""
    condition = Q()
    for letter in letters:
        condition |= (Q(**{f"{field}__istartswith": letter}) | Q(**{f"{field}__icontains": f" {letter}"})
                      | Q(**{f"{field}__icontains": f"-{letter}"}))
    return condition


def suggestion(query: str) -> str | None:
    """The force's, person's or place's name or alias closest to ``query`` as the importer's name resolver
    scores names (``sources.resolve.similarity``: case, diacritics, the Arabic article and transliteration
    folded, so "palmira" scores 100 against "Palmyra"), if it reaches the resolver's ``THRESHOLD``; else None.

    One query per kind, bounded: the names and aliases with a word starting as one of the query's words
    does (at most :data:`SUGGESTION_POOL`), shortlisted by a plain edit ratio of their normal forms."""
    words = query.split()
    if not 1 <= len(words) <= 4 or len(query) < 4:
        return None
    best, best_score = None, THRESHOLD
    for found in entities():
        kind = found.kind
        asked = normalise(query, kind)
        letters = {word[0] for word in asked.split() if word[:1].isalnum()}
        if not letters:
            continue
        names = (found.model.objects.filter(_word_starts("name", letters)).order_by().values_list("name", flat=True)
                 .union(found.alias_model.objects.filter(_word_starts("name", letters)).order_by()
                        .values_list("name", flat=True)))[:SUGGESTION_POOL]
        forms = {}
        for name in names:
            forms.setdefault(normalise(name, kind), name)
        for form, _, _ in process.extract(asked, list(forms), scorer=fuzz.WRatio, limit=SUGGESTION_SHORTLIST):
            if form == asked:
                continue  # the query itself, spelt otherwise: the search would have found it
            score = similarity(query, forms[form], kind)
            if score > best_score or (score == best_score and best is None):
                best, best_score = forms[form], score
    return best

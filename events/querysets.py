"""Query logic for events and places: the timeline's filtering lives here.

Filters on many-to-many relations use ``EXISTS`` subqueries, so they combine without duplicating
rows and without ``DISTINCT``. Events may know the apps below them (``conflicts``, ``people``,
``sources``); ``models`` imports this module, so this app's own models are reached through their
relations (``_meta.get_field(...).related_model``), not imported.
"""
from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections, models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery

from conflicts.models import Participation
from sources.models import Claim
from sources.querysets import AliasedQuerySet


def words_of(text: str) -> list[str]:
    return [word for word in (text or "").split() if word]


def _ids(records):
    """``records`` (a queryset or a list of records or ids) as what ``pk__in`` takes."""
    if isinstance(records, models.QuerySet):
        return records.values("pk")
    return [getattr(record, "pk", record) for record in records]


class EventQuerySet(models.QuerySet):
    # Coarser dates first on a shared date ("2015", then "December 2015", then "1 December 2015"), so
    # that a page groups events by their date as written; then document order.
    TIMELINE_ORDER = ("date", F("precision").desc(), F("end_date").asc(nulls_first=True), "conflict_id", "order",
                      "pk")

    def _event_place(self):
        return self.model._meta.get_field("place_links").related_model

    def for_timeline(self, links: bool = True):
        """Events with everything an event-list row shows, in a fixed number of queries. ``links=False``:
        the rows with their offensive and source only, for a caller that loads :meth:`row_links` for the
        rows it renders (``prefetch_related_objects``; the search's cached sections)."""
        qs = (self.select_related("conflict", "source").defer("source__text", "source__original")
              .order_by(*self.TIMELINE_ORDER))
        return qs.prefetch_related(*self.row_links()) if links else qs

    def row_links(self) -> list:
        """The prefetches of an event-list row: its places, forces, people and claims (with documents)."""
        event_place = self._event_place()
        return [Prefetch("place_links", queryset=event_place.objects.select_related("place")), "forces", "people",
                Prefetch("claims", queryset=Claim.objects.select_related("document")
                         .defer("document__text", "document__original").order_by("document_id"))]

    # The columns of TIMELINE_ORDER: an event's place in the timeline (a page's seek key)
    TIMELINE_KEY = ("date", "precision", "end_date", "conflict_id", "order", "pk")

    def from_key(self, key):
        """Events at or after ``key`` (values of ``TIMELINE_KEY``) in ``TIMELINE_ORDER``: a seek (keyset)
        condition, which the timeline index (``event_timeline_order_idx``) reads from ``key``'s date on
        instead of skipping every earlier row (``reader.timeline``)."""
        date, precision, end_date, conflict_id, order, pk = key
        if end_date is None:  # NULLS FIRST: every stated end comes after no end
            end_after, end_same = Q(end_date__isnull=False), Q(end_date__isnull=True)
        else:
            end_after, end_same = Q(end_date__gt=end_date), Q(end_date=end_date)
        rest = Q(order__gt=order) | Q(order=order, pk__gte=pk)
        rest = Q(conflict_id__gt=conflict_id) | Q(conflict_id=conflict_id) & rest
        rest = end_after | end_same & rest
        rest = Q(precision__lt=precision) | Q(precision=precision) & rest  # precision DESC
        return self.filter(date__gte=date).filter(Q(date__gt=date) | Q(date=date) & rest)

    def between(self, after=None, before=None):
        """Events whose period overlaps the days ``after``..``before`` (either may be None): a range, a
        month- or year-precise event counts from its date to its ``period_end`` (``event_period_end_idx``)."""
        qs = self
        if after:
            qs = qs.filter(period_end__gte=after)
        if before:
            qs = qs.filter(date__lte=before)
        return qs

    def naming_no_side(self):
        """Events that name no force listed for a side of their own offensive."""
        through = self.model.forces.through
        return self.exclude(Exists(through.objects.filter(
            event=OuterRef("pk"), force__participations__side__conflict=OuterRef("conflict"))))

    def count_by_kind(self):
        """Rows ``{kind, n}``, most first."""
        return self.order_by().values("kind").annotate(n=Count("pk")).order_by("-n", "kind")

    def count_by_side(self, limit: int | None = None):
        """Rows ``{side, n}`` (a side's id, its events), most first, at most ``limit``: an event counts for
        each side of its own offensive whose listed forces it names (as ``on_sides`` filters)."""
        # from the events (their filters choose the plan), one join path for the filter and the grouping
        return (self.order_by().filter(forces__participations__side__conflict=F("conflict"))
                .values(side=F("forces__participations__side")).annotate(n=Count("pk", distinct=True))
                .order_by("-n", "side")[:limit])

    def mentioning_forces(self, forces):
        """Events naming any of ``forces`` (a queryset or list of Force) or a unit up to two levels below.

        The forces and their units are chosen first (a few rows of the force table), then their events
        read from the links' ``force_id`` index: asked the other way round (each link's force and its
        parents joined, then the condition), PostgreSQL read every link of a million events, 70-180 ms
        even for a force no event names (issue 16)."""
        force = self.model.forces.field.related_model
        # three branches, not one OR: each is estimated from its own index (a handful of rows), so the
        # links are read by force; an OR across the parents' join is guessed at most of the table
        units = force.objects.filter(pk__in=_ids(forces)).order_by().values("pk").union(
            force.objects.filter(parent__in=forces).order_by().values("pk"),
            force.objects.filter(parent__parent__in=forces).order_by().values("pk"), all=True)
        through = self.model.forces.through
        return self.filter(Exists(through.objects.filter(event=OuterRef("pk"), force__in=units)))

    def mentioning_people(self, people):
        through = self.model.people.through
        return self.filter(Exists(through.objects.filter(event=OuterRef("pk"), person__in=people)))

    def at_places(self, places):
        return self.filter(Exists(self._event_place().objects.filter(event=OuterRef("pk"), place__in=places)))

    def on_side(self, side):
        """Events of the side's offensive that name a force listed for that side."""
        through = self.model.forces.through
        return self.filter(conflict=side.conflict_id).filter(Exists(through.objects.filter(
            event=OuterRef("pk"), force__participations__side=side)))

    def on_sides(self, sides):
        """Events that name a force listed for one of ``sides`` (a queryset or list) of the event's own
        offensive."""
        through = self.model.forces.through
        return self.filter(Exists(through.objects.filter(
            event=OuterRef("pk"), force__participations__side__in=sides,
            force__participations__side__conflict=OuterRef("conflict"))))

    # The words filter's vector. events/migrations/0004_search_indexes.py indexes this very expression
    # (GIN): change one, change the other.
    @staticmethod
    def search_vector():
        return SearchVector("text", "section", config="english")

    def matching(self, text: str):
        """The one text search of events (the timeline's words filter, /search/, admin): PostgreSQL full
        text (English stemming, web-search syntax) read from the ``event_search_gin`` index; elsewhere
        every word must occur in the sentence or its section (case-insensitive)."""
        if not words_of(text):
            return self
        if connections[self.db].vendor == "postgresql":
            # alias(), not annotate(): the vector is only compared, never selected (no row recomputes it)
            return self.alias(_search=self.search_vector()).filter(
                _search=SearchQuery(text, config="english", search_type="websearch"))
        qs = self
        for word in words_of(text):
            qs = qs.filter(Q(text__icontains=word) | Q(section__icontains=word))
        return qs

    def best_matches(self, text: str, limit: int, pool: int = 1000):
        """Up to ``limit`` events matching ``text``, best first. PostgreSQL ranks (``ts_rank``) a pool of
        at most ``pool`` matches, so a word in a million sentences costs a bounded ranking, not a
        ranking of every match; elsewhere, and when there are fewer matches, the pool is every match."""
        found = self.matching(text)
        if not words_of(text) or connections[self.db].vendor != "postgresql":
            return found.order_by(*self.TIMELINE_ORDER)[:limit]
        query = SearchQuery(text, config="english", search_type="websearch")
        pool_ids = found.order_by().values("pk")[:pool]
        # the pool ranked by id alone, then only the best ``limit`` rows joined to what a list shows (the
        # offensive, the source): joined before ranking, every row of the pool was (issue 16)
        best_ids = (self.model._base_manager.filter(pk__in=pool_ids)
                    .annotate(rank=SearchRank(self.search_vector(), query))
                    .order_by("-rank", *self.TIMELINE_ORDER).values("pk")[:limit])
        return (self.filter(pk__in=best_ids).annotate(rank=SearchRank(self.search_vector(), query))
                .order_by("-rank", *self.TIMELINE_ORDER))

    def per_day_by_side(self, conflict):
        """Rows ``{date, lo, hi, n}``: day-precise events of ``conflict`` per day, by the lowest and
        highest side number among the forces each event names (``None`` when it names none)."""
        sides = Participation.objects.filter(side__conflict=conflict, force__events=OuterRef("pk")).order_by()
        return (self.filter(conflict=conflict, precision="day")
                .annotate(lo=Subquery(sides.order_by("side__number").values("side__number")[:1]),
                          hi=Subquery(sides.order_by("-side__number").values("side__number")[:1]))
                .order_by().values("date", "lo", "hi").annotate(n=Count("pk")).order_by("date"))


class PlaceQuerySet(AliasedQuerySet):
    def for_detail(self):
        return self.select_related("source").defer("source__text", "source__original").prefetch_related("aliases")


def names_written(place, limit: int = 50) -> list[str]:
    """How the sources wrote ``place`` where that differs from its name (bounded)."""
    event_place = type(place)._meta.get_field("event_links").related_model
    return list(event_place.objects.filter(place=place).exclude(name_as_written__in=["", place.name])
                .order_by("name_as_written").values_list("name_as_written", flat=True).distinct()[:limit])

"""Query logic for conflicts and forces: views and filters call these, never raw lookups.

Only what needs this app and ``sources``: queries that join events or command roles are the reader's
(``reader.queries``). ``models`` imports this module, so this app's other models are reached through
their relations (``_meta.get_field(...).related_model``), not imported.
"""
from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q

from sources.models import Claim
from sources.querysets import AliasedQuerySet


class ConflictQuerySet(models.QuerySet):
    def offensives(self):
        """Conflicts imported as offensives in their own right (with sides), not only named as a parent."""
        side = self.model._meta.get_field("sides").related_model
        return self.filter(Exists(side.objects.filter(conflict=OuterRef("pk"))))

    def with_parts(self):
        """Conflicts that others are part of: wars, campaigns, battles with offensives of their own."""
        through = self.model._meta.get_field("parents").remote_field.through
        return self.filter(Exists(through.objects.filter(to_conflict=OuterRef("pk"))))

    def within(self, conflict):
        """``conflict`` and the conflicts part of it, two levels down (a war's battles and their
        offensives): what a war's timeline shows."""
        return self.filter(pk__in=self.model.objects.filter(
            Q(pk=conflict.pk) | Q(parents=conflict) | Q(parents__parents=conflict)).values("pk"))

    def part_of(self, conflicts):
        """Conflicts part of any of ``conflicts`` (a queryset), directly or through a battle or campaign."""
        return self.filter(pk__in=self.model.objects.filter(
            Q(parents__in=conflicts) | Q(parents__parents__in=conflicts)).values("pk"))

    def in_year(self, year: int):
        """Conflicts whose period overlaps ``year``. Without a stated end, a conflict counts for the year it
        began only (not for every year since)."""
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return self.filter(start_date__lte=last).filter(
            Q(end_date__gte=first) | Q(end_date__isnull=True, start_date__gte=first))

    def with_outcome(self, words: str):
        """Conflicts whose result or status contains every word of ``words`` (case-insensitive)."""
        qs = self
        for word in (words or "").split():
            qs = qs.filter(status__icontains=word)
        return qs

    def countries(self):
        """The countries these conflicts' places name (at most the world's: a bounded list)."""
        return self.exclude(country="").order_by("country").values_list("country", flat=True).distinct()

    def by_key(self, value: str):
        """A slug, else conflicts whose name contains ``value`` (case-insensitive; on PostgreSQL from the
        ``conflict_name_upper_trgm`` index): what a reader types in a filter box."""
        value = (value or "").strip()
        exact = self.filter(slug=value)
        return exact if exact.exists() else self.filter(name__icontains=value)

    def for_detail(self):
        """The offensive with its parents, and its sides with their forces and strengths, in a fixed number of
        queries (the reader adds the commanders: ``reader.queries.conflict_for_detail``)."""
        side = self.model._meta.get_field("sides").related_model
        participation = side._meta.get_field("participations").related_model
        return self.select_related("source").defer("source__text", "source__original").prefetch_related(
            Prefetch("parents", queryset=self.model.objects.order_by("start_date", "name")),
            Prefetch("sides__participations",
                     queryset=participation.objects.select_related("force__parent").order_by("role", "order", "pk")),
            "sides__strengths",
            Prefetch("claims", queryset=Claim.objects.select_related("document")
                     .defer("document__text", "document__original").order_by("document_id")),
        )


class ForceQuerySet(AliasedQuerySet):
    def for_detail(self):
        """A force with its chain of parents (three levels, see the ``ancestors`` filter) and aliases."""
        return (self.select_related("parent__parent__parent", "source").defer("source__text", "source__original")
                .prefetch_related("aliases"))


def participations_of(force, limit: int = 100):
    """Where ``force`` fought: its participations with side and offensive, oldest offensive first; each
    side's participations and their forces prefetched (one query), so that ``Side.display_name`` names it."""
    participation = type(force)._meta.get_field("participations").related_model
    return (participation.objects.filter(force=force).select_related("side__conflict", "source")
            .defer("source__text", "source__original")
            .prefetch_related(Prefetch("side__participations", queryset=participation.objects.select_related("force")))
            .order_by("side__conflict__start_date", "side__conflict__name", "role")[:limit])

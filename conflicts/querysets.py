"""Query logic for conflicts and forces: views and filters call these, never raw lookups.

Models import this module, so related models are looked up lazily (``apps.get_model``) to avoid a
circular import.
"""
from __future__ import annotations

from django.apps import apps
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from sources.querysets import AliasedQuerySet


def count_of(model_label: str, fk: str):
    """A correlated ``COUNT`` of ``model_label`` rows pointing at the outer row through ``fk``.

    One subquery per count instead of joins, so several counts do not multiply each other's rows.
    """
    model = apps.get_model(model_label)
    rows = (model.objects.filter(**{fk: OuterRef("pk")}).order_by().values(fk)
            .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


class ConflictQuerySet(models.QuerySet):
    def offensives(self):
        """Conflicts imported as offensives in their own right (with sides), not only named as a parent."""
        return self.filter(Exists(apps.get_model("conflicts", "Side").objects.filter(conflict=OuterRef("pk"))))

    def with_counts(self):
        return self.annotate(
            event_count=count_of("events.Event", "conflict"),
            commander_count=count_of("people.CommandRole", "conflict"),
            side_count=count_of("conflicts.Side", "conflict"),
        )

    def for_listing(self):
        """The home page: offensives with their counts, oldest first."""
        return self.offensives().with_counts().order_by("start_date", "name")

    def for_detail(self):
        """Everything the infobox shows, in a fixed number of queries."""
        Participation = apps.get_model("conflicts", "Participation")
        CommandRole = apps.get_model("people", "CommandRole")
        return self.select_related("source").prefetch_related(
            Prefetch("parents", queryset=self.model.objects.order_by("start_date", "name")),
            Prefetch("sides__participations",
                     queryset=Participation.objects.select_related("force__parent").order_by("role", "order", "pk")),
            "sides__strengths",
            Prefetch("sides__command_roles",
                     queryset=CommandRole.objects.select_related("person", "force").order_by("order", "pk")),
            Prefetch("command_roles", queryset=CommandRole.objects.filter(side__isnull=True)
                     .select_related("person", "force").order_by("order", "pk"), to_attr="roles_without_side"),
        )

    def at_place(self, place, limit: int = 50):
        """Conflicts with an event at ``place``, oldest first (bounded)."""
        EventPlace = apps.get_model("events", "EventPlace")
        return self.filter(Exists(EventPlace.objects.filter(place=place, event__conflict=OuterRef("pk")))).order_by(
            "start_date", "name")[:limit]

    def matching(self, words: str):
        """Offensives whose name, place, status or lead contains ``words`` (case-insensitive)."""
        return self.filter(Q(name__icontains=words) | Q(place__icontains=words) | Q(status__icontains=words)
                           | Q(summary__icontains=words))


class ForceQuerySet(AliasedQuerySet):
    def for_detail(self):
        """A force with its chain of parents (three levels, see the ``ancestors`` filter) and aliases."""
        return self.select_related("parent__parent__parent", "source").prefetch_related("aliases")


def participations_of(force, limit: int = 100):
    """Where ``force`` fought: its participations with side and offensive, oldest offensive first."""
    Participation = apps.get_model("conflicts", "Participation")
    return (Participation.objects.filter(force=force).select_related("side__conflict", "source")
            .order_by("side__conflict__start_date", "side__conflict__name", "role")[:limit])

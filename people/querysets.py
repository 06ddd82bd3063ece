"""Query logic for people and command roles."""
from __future__ import annotations

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q

from sources.querysets import AliasedQuerySet


class PersonQuerySet(AliasedQuerySet):
    def _with_role(self, **lookups):
        CommandRole = apps.get_model("people", "CommandRole")
        return self.filter(Exists(CommandRole.objects.filter(person=OuterRef("pk"), **lookups)))

    def in_conflict(self, conflict):
        return self._with_role(conflict=conflict)

    def on_side(self, side):
        return self._with_role(side=side)

    def with_fate(self, fate: str):
        return self._with_role(fate=fate)

    def commanders(self):
        """People with at least one command role."""
        return self._with_role()

    def for_listing(self):
        CommandRole = apps.get_model("people", "CommandRole")
        return self.prefetch_related(
            Prefetch("roles", queryset=CommandRole.objects.for_listing().order_by("conflict__start_date", "pk")),
            "aliases",
        ).order_by("name", "pk")

    def for_detail(self):
        return self.select_related("source").prefetch_related("aliases")


class CommandRoleQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("person", "conflict", "side", "force", "source")


def sources_of(person, limit: int = 50):
    """Source documents that name ``person``: as a record, in a command role or in an event (bounded)."""
    SourceDocument = apps.get_model("sources", "SourceDocument")
    CommandRole = apps.get_model("people", "CommandRole")
    Event = apps.get_model("events", "Event")
    return SourceDocument.objects.filter(
        Q(pk=person.source_id)
        | Exists(CommandRole.objects.filter(person=person, source=OuterRef("pk")))
        | Exists(Event.people.through.objects.filter(person=person, event__source=OuterRef("pk")))
    ).order_by("name")[:limit]

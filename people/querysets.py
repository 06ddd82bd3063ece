"""Query logic for people and command roles.

Only what needs this app and the apps below it (``conflicts``, ``sources``); ``models`` imports this
module, so this app's own models are reached through their relations
(``_meta.get_field(...).related_model``), not imported.
"""
from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch

from sources.querysets import AliasedQuerySet


class PersonQuerySet(AliasedQuerySet):
    def _command_role(self):
        return self.model._meta.get_field("roles").related_model

    def _with_role(self, **lookups):
        return self.filter(Exists(self._command_role().objects.filter(person=OuterRef("pk"), **lookups)))

    def in_conflict(self, conflict):
        return self._with_role(conflict=conflict)

    def on_side(self, side):
        return self._with_role(side=side)

    def in_conflicts(self, conflicts):
        return self._with_role(conflict__in=conflicts)

    def on_sides(self, sides):
        return self._with_role(side__in=sides)

    def with_fate(self, fate: str):
        return self._with_role(fate=fate)

    def commanders(self):
        """People with at least one command role."""
        return self._with_role()

    def for_listing(self):
        return self.prefetch_related(
            Prefetch("roles",
                     queryset=self._command_role().objects.for_listing().order_by("conflict__start_date", "pk")),
            "aliases",
        ).order_by("name", "pk")

    def for_detail(self):
        return self.select_related("source").defer("source__text", "source__original").prefetch_related("aliases")


class CommandRoleQuerySet(models.QuerySet):
    def for_listing(self):
        return (self.select_related("person", "conflict", "side", "force", "source")
                .defer("source__text", "source__original"))

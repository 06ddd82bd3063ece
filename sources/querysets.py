"""Query logic every named record shares: a force, person or place by name, alias or slug."""
from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q

from .entities import entity_of


class AliasedQuerySet(models.QuerySet):
    """For models in the entity registry (they have ``name``, ``slug`` and an alias table)."""

    def matching(self, words: str):
        """Records whose name or any alias contains ``words`` (case-insensitive)."""
        found = entity_of(self.model)
        aliases = found.alias_model.objects.filter(**{found.fk: OuterRef("pk"), "name__icontains": words})
        return self.filter(Q(name__icontains=words) | Exists(aliases))

    def by_key(self, value: str):
        """A slug, else records whose name or alias contains it: what a reader types in a filter box."""
        value = (value or "").strip()
        exact = self.filter(slug=value)
        return exact if exact.exists() else self.matching(value)

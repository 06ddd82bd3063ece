"""Query logic for conflicts and forces: views and filters call these, never raw lookups."""
from __future__ import annotations

from django.db import models
from django.db.models import Count, Q


class ConflictQuerySet(models.QuerySet):
    def offensives(self):
        """Conflicts imported as offensives in their own right (not only named as a parent)."""
        return self.filter(sides__isnull=False).distinct()

    def with_counts(self):
        return self.annotate(
            event_count=Count("events", distinct=True),
            commander_count=Count("command_roles", distinct=True),
        )


class ForceQuerySet(models.QuerySet):
    def matching(self, words: str):
        """Forces whose name or any alias contains ``words`` (case-insensitive)."""
        return self.filter(Q(name__icontains=words) | Q(aliases__name__icontains=words)).distinct()

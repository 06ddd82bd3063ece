"""Query logic for events and places: the timeline's filtering lives here."""
from __future__ import annotations

from django.db import models
from django.db.models import Q


class EventQuerySet(models.QuerySet):
    def for_timeline(self):
        return self.select_related("conflict", "source").order_by("date", "conflict_id", "order")


class PlaceQuerySet(models.QuerySet):
    def matching(self, words: str):
        """Places whose name or any alias contains ``words`` (case-insensitive)."""
        return self.filter(Q(name__icontains=words) | Q(aliases__name__icontains=words)).distinct()

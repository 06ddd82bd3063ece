"""Query logic for people and command roles."""
from __future__ import annotations

from django.db import models
from django.db.models import Q


class PersonQuerySet(models.QuerySet):
    def matching(self, words: str):
        """People whose name or any alias contains ``words`` (case-insensitive)."""
        return self.filter(Q(name__icontains=words) | Q(aliases__name__icontains=words)).distinct()


class CommandRoleQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("person", "conflict", "side", "force")

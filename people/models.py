"""Commanders and the roles they held in offensives."""
from __future__ import annotations

from django.db import models
from django.urls import reverse

from sources.labels import related_label
from sources.models import Alias, NamedRecord, Sourced

from .querysets import CommandRoleQuerySet, PersonQuerySet


class Person(NamedRecord):
    CLAIMED_FIELDS = ("name",)

    notes = models.TextField(blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta(NamedRecord.Meta):
        verbose_name_plural = "people"

    def get_absolute_url(self):
        return reverse("people:detail", args=[self.slug])


class PersonAlias(Alias):
    KIND = "person"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")

    class Meta(Alias.Meta):
        verbose_name_plural = "person aliases"
        constraints = [models.UniqueConstraint(fields=["person", "name"], name="personalias_unique")]


class Fate(models.TextChoices):
    NONE = "", "not stated"
    KILLED = "killed", "killed in action"
    WOUNDED = "wounded", "wounded"
    CAPTURED = "captured", "captured"


class CommandRole(Sourced):
    """A person's command in one conflict, on one side, as the infobox states it."""

    NATURAL_KEY = ("conflict", "person")  # what the importer matches on

    CLAIMED_FIELDS = ("side", "rank", "role", "fate", "force", "name_as_written", "order")

    Fate = Fate

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    conflict = models.ForeignKey("conflicts.Conflict", on_delete=models.CASCADE, related_name="command_roles")
    side = models.ForeignKey("conflicts.Side", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="command_roles")
    rank = models.CharField(max_length=100, blank=True, help_text="Rank as written, e.g. “Maj. Gen.”.")
    role = models.CharField(max_length=300, blank=True, help_text="Role as written, e.g. “Supreme commander”.")
    force = models.ForeignKey("conflicts.Force", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="command_roles", help_text="The force the role names, if any.")
    fate = models.CharField(max_length=10, choices=Fate, blank=True, default=Fate.NONE)
    name_as_written = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = CommandRoleQuerySet.as_manager()

    class Meta(Sourced.Meta):
        ordering = ["conflict", "side", "order"]
        constraints = [
            *Sourced.Meta.constraints,
            models.UniqueConstraint(fields=["conflict", "person"], name="commandrole_unique"),
            models.CheckConstraint(condition=models.Q(fate__in=Fate.values), name="commandrole_fate_valid"),
        ]
        indexes = [models.Index(fields=["fate"], name="commandrole_fate_idx")]

    def __str__(self):
        role = f" ({self.role})" if self.role else ""
        return f"{related_label(self, 'person')}{role}, {related_label(self, 'conflict')}"

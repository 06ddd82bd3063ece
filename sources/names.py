"""Names of forces, people and places: their kinds and the one normal form stored as a matching key.

``name_key`` is what alias and decision keys store (the name resolver's normal form, so that keys
written by admin, by merges and by the importer agree).
"""
from __future__ import annotations

from django.db import models

from .resolve import normalise

KEY_LENGTH = 300


class EntityKind(models.TextChoices):
    FORCE = "force", "force"
    PERSON = "person", "person"
    PLACE = "place", "place"


def name_key(name: str, kind: str) -> str:
    """Normal form of ``name`` for ``Alias.key`` and ``ResolutionDecision.key``."""
    return (normalise(name, kind) or name.strip().lower())[:KEY_LENGTH]

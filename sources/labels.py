"""Pieces of ``__str__`` that hold on incomplete records.

An admin import builds a model instance row by row and prints it (its preview, its history entry)
before every field is set, so ``__str__`` must not fail on a record without its foreign keys or date
(issue 18: a new event row failed on ``f"{None:%Y-%m-%d}"``).
"""
from __future__ import annotations

from django.db import models

MISSING = "?"


def related_label(obj: models.Model, name: str, missing: str = MISSING) -> str:
    """``str()`` of the record ``obj.<name>`` points at, or ``missing`` when the key is not set yet
    (reading the field then would raise ``RelatedObjectDoesNotExist``)."""
    field = obj._meta.get_field(name)
    if getattr(obj, field.attname) is None:
        return missing
    return str(getattr(obj, name))


def date_label(value, missing: str = "undated") -> str:
    """An ISO date, or ``missing`` for a date not set yet (or a value that is not a date)."""
    return value.isoformat() if hasattr(value, "isoformat") else (str(value) if value else missing)

"""Editor locks: the one place that decides which hand-edited fields a sourced record keeps.

Admin forms, admin inlines, import-export imports and merges all call :func:`lock_changed_fields`
with the names of the fields they changed. The importer (``importer/load.py``) skips every field
named in ``locked_fields`` and never deletes a record that has one, so a lock is how an editor's
correction survives the next ``import_sources``.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import models

#: Provenance and lock bookkeeping: editors never "correct" these, so they are never locked.
NOT_LOCKABLE = frozenset({"id", "source", "span_start", "span_end", "locked_fields", "created_at"})


def lockable_fields(model: type[models.Model]) -> list[str]:
    """Names of the fields of ``model`` an editor's change can lock, in model order.

    Concrete editable fields (foreign keys by field name, not ``*_id``) and many-to-many fields,
    without the provenance fields of ``Sourced``.
    """
    names = []
    for field in model._meta.get_fields():
        if field.auto_created or not getattr(field, "editable", False):
            continue
        if not (field.concrete or field.many_to_many) or field.name in NOT_LOCKABLE:
            continue
        names.append(field.name)
    return names


def is_lockable_record(obj: models.Model) -> bool:
    """Only imported records (those with a source document) are locked: the importer never
    touches records an editor made by hand."""
    return hasattr(obj, "locked_fields") and getattr(obj, "source_id", None) is not None


def lock_changed_fields(obj: models.Model, field_names: Iterable[str]) -> list[str]:
    """Add the lockable names among ``field_names`` to ``obj.locked_fields``; return those added.

    Does not save: callers lock before they save (``ModelAdmin.save_model``, a formset save, an
    import's ``before_save_instance``), so the lock and the change are written together. Names
    that are not fields of the model (``*_id`` spellings are mapped to the field) are ignored.
    Existing locks keep their order; new ones are appended.
    """
    if not is_lockable_record(obj):
        return []
    allowed = set(lockable_fields(type(obj)))
    by_attname = {f.attname: f.name for f in obj._meta.concrete_fields}
    current = list(obj.locked_fields or [])
    added = []
    for name in field_names:
        name = by_attname.get(name, name)
        if name in allowed and name not in current and name not in added:
            added.append(name)
    if added:
        obj.locked_fields = current + added
    return added


def unlock_all(queryset: models.QuerySet) -> int:
    """Clear the locks of every record in ``queryset`` (the importer takes over again)."""
    return queryset.exclude(locked_fields=[]).update(locked_fields=[])

"""Values checked against their model's fields before they reach the database, the same on every database.

SQLite stores a 10,000-character title in a ``varchar(300)``, a strength of 10^26 in an ``integer``
and an end date before the start date; PostgreSQL refuses each, and one refused value would cost the
whole document (issue 15). ``check_values`` applies those limits from the model's own metadata
before any write, so that both databases keep the same data:

- a ``CharField`` (``SlugField``, ...) longer than its ``max_length`` is cut to it;
- an integer outside its field's range is dropped (``None`` where the field allows it, else the
  field's default). The ranges are ``BaseDatabaseOperations.integer_field_ranges``, PostgreSQL's,
  whatever the backend;
- a value outside the field's ``choices`` is dropped the same way;
- an ordered pair that a ``CheckConstraint`` states as ``end__gte=F("start")`` (event and conflict
  dates, spans) whose end is before its start loses its end.

Each change comes back as a message for the caller to report with the value's ``file:line``. Only a
required value that can be neither kept nor dropped raises ``Unstorable``: the caller skips that record.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import CheckConstraint, F, Field, Model, Q

INTEGER_RANGES: dict[str, tuple[int, int]] = BaseDatabaseOperations.integer_field_ranges


class Unstorable(ValueError):
    """A required value is out of its field's bounds and the field has no default to fall back on."""


def check_values(model: type[Model], values: Mapping, *, kept: Mapping | None = None) -> tuple[dict, list[str]]:
    """``(values within the field limits of model, one message per change)``.

    ``values`` maps field names (or attnames, such as ``force_id``) to what is about to be written;
    names that are not concrete fields of ``model``, and relations, pass unchanged. ``kept``: values
    the record keeps (on an update, the fields not written, such as those an editor locked); they are
    checked against the new ones for order. Raises ``Unstorable``.
    """
    fields = _fields(model)
    out, messages = dict(values), []
    for name, value in values.items():
        field = fields.get(name)
        if field is None or field.is_relation or value is None:
            continue
        label = f"{model._meta.verbose_name} {field.name}"
        max_length = getattr(field, "max_length", None)
        if isinstance(value, str) and max_length and len(value) > max_length:
            out[name] = value[:max_length]
            messages.append(f"{label} {_preview(value)} is {len(value):,} characters long, more than the "
                            f"{max_length} it can hold: cut")
            continue
        bounds = INTEGER_RANGES.get(field.get_internal_type())
        if bounds and isinstance(value, int) and not isinstance(value, bool) and not bounds[0] <= value <= bounds[1]:
            out[name] = _dropped(field, f"{label} {value} is out of range ({bounds[0]} to {bounds[1]})")
            messages.append(f"{label} {value} is out of range ({bounds[0]} to {bounds[1]}): dropped")
            continue
        if field.choices and not (field.blank and value in field.empty_values) and value not in _choices(field):
            out[name] = _dropped(field, f"{label} {value!r} is not one of its choices")
            messages.append(f"{label} {value!r} is not one of its choices: dropped")
    for start, end, strict in _ordered_pairs(model):
        messages += _check_order(model, out, kept or {}, start, end, strict)
    return out, messages


def _check_order(model: type[Model], out: dict, kept: Mapping, start: str, end: str, strict: bool) -> list[str]:
    """An end before its start loses the end (or, when the end is kept, the new start is not written)."""
    if start not in out and end not in out:
        return []
    first, last = out.get(start, kept.get(start)), out.get(end, kept.get(end))
    if first is None or last is None or not (last <= first if strict else last < first):
        return []
    what = model._meta.verbose_name
    if end in out:
        out[end] = _dropped(_fields(model)[end], f"{what} {end} {last} is before its {start} {first}")
        return [f"{what} {end} {last} is before its {start} {first}: {end} dropped"]
    del out[start]
    return [f"{what} {start} {first} is after its kept {end} {last}: {start} not changed"]


def _dropped(field: Field, why: str):
    if field.null:
        return None
    if field.has_default():
        return field.get_default()
    raise Unstorable(f"{why}, and it cannot be left out")


def _preview(value: str) -> str:
    return repr(value[:40] + "…") if len(value) > 40 else repr(value)


@cache
def _fields(model: type[Model]) -> dict[str, Field]:
    found = {}
    for field in model._meta.concrete_fields:
        found[field.name] = found[field.attname] = field
    return found


@cache
def _choices(field: Field) -> frozenset:
    return frozenset(value for value, _ in field.flatchoices)


@cache
def _ordered_pairs(model: type[Model]) -> tuple[tuple[str, str, bool], ...]:
    """``(start, end, strict)`` for every ``end__gte=F("start")`` (strict: ``__gt``) in the model's check
    constraints."""
    pairs: list[tuple[str, str, bool]] = []

    def walk(node) -> None:
        for child in node.children:
            if isinstance(child, Q):
                walk(child)
                continue
            if not isinstance(child, tuple):
                continue
            lookup, value = child
            end, _, op = lookup.rpartition("__")
            if op in ("gte", "gt") and isinstance(value, F) and end and "__" not in end:
                pairs.append((value.name, end, op == "gt"))

    for constraint in model._meta.constraints:
        if isinstance(constraint, CheckConstraint):
            walk(constraint.condition)
    return tuple(dict.fromkeys(pairs))

"""The entity registry: forces, people and places, the records that have names, aliases and slugs.

The foundation knows no domain app, so the registry is discovered, not written down: every concrete
subclass of ``sources.models.Alias`` declares its ``KIND`` and has a foreign key to the record it
names. ``entity(kind)`` and ``kind_of(model)`` answer from that, for the loader, merges and splits,
the editors' decisions and the search.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import models

from .models import Alias
from .names import EntityKind


@dataclass(frozen=True)
class Entity:
    kind: str                         # an EntityKind value
    model: type[models.Model]         # Force, Person, Place
    alias_model: type[models.Model]   # ForceAlias, ...
    fk: str                           # the alias model's field pointing at the record ("force")
    aliases: str                      # the record's reverse accessor to its aliases ("aliases")


@cache
def _registry() -> dict[str, Entity]:
    found: dict[str, Entity] = {}
    for alias_model in apps.get_models():
        if not issubclass(alias_model, Alias):
            continue
        owner = next(f for f in alias_model._meta.concrete_fields
                     if f.many_to_one and f.name != "source" and not issubclass(f.related_model, Alias))
        found[alias_model.KIND] = Entity(EntityKind(alias_model.KIND), owner.related_model, alias_model, owner.name,
                                         owner.remote_field.get_accessor_name())
    return found


def entities() -> list[Entity]:
    """Every registered entity, in ``EntityKind`` order."""
    registry = _registry()
    return [registry[kind] for kind in EntityKind.values if kind in registry]


def entity(kind: str) -> Entity:
    return _registry()[kind]


def entity_of(model: type[models.Model]) -> Entity | None:
    """The entity ``model`` is (a force, person or place model), else None."""
    return next((e for e in _registry().values() if e.model is model), None)


def kind_of(model: type[models.Model]) -> str:
    """The ``EntityKind`` of a force, person or place model; ``TypeError`` for any other model."""
    found = entity_of(model)
    if found is None:
        raise TypeError(f"{model._meta.label} is not a force, person or place")
    return found.kind

"""Merging duplicate forces, people and places, and splitting a wrongly joined name off again.

Both operations are editor decisions the importer must respect on later runs, so each records a
``ResolutionDecision``: a merge *joins* the merged names to the kept record, a split *forbids*
joining the split name to the record it came from.

``merge_records`` is generic: it walks ``_meta.related_objects`` (reverse foreign keys, reverse
many-to-many) and the model's own many-to-many fields, so a new relation to Person, Force or Place
is merged without touching this module. Where repointing a row would break a unique constraint
(``EventPlace(event, place)``, ``CommandRole(conflict, person)``, ``Participation(side, force,
role)``, an alias name) the duplicate row is folded into the surviving one (its blank fields
filled, its own relations repointed) and dropped.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db import models, transaction

from sources.entities import entities, entity_of, kind_of
from sources.locking import NOT_LOCKABLE, lock_changed_fields
from sources.models import Alias, ResolutionDecision
from sources.names import name_key
from sources.slugs import unique_slug

__all__ = ["MergeResult", "SplitResult", "merge_records", "split_alias"]


def _blank(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


@dataclass
class MergeResult:
    keep: models.Model
    removed: list[tuple[int, str]] = field(default_factory=list)
    aliases_added: list[str] = field(default_factory=list)
    moved: Counter = field(default_factory=Counter)
    dropped_duplicates: Counter = field(default_factory=Counter)
    filled: list[str] = field(default_factory=list)

    def message(self) -> str:
        parts = [f"Merged {', '.join(f'{r} (#{pk})' for pk, r in self.removed)} into this record."]
        if self.aliases_added:
            parts.append(f"Kept as aliases: {', '.join(self.aliases_added)}.")
        if self.moved:
            parts.append("Repointed: " + ", ".join(f"{n} {label}" for label, n in sorted(self.moved.items())) + ".")
        if self.dropped_duplicates:
            parts.append("Folded duplicates: "
                         + ", ".join(f"{n} {label}" for label, n in sorted(self.dropped_duplicates.items())) + ".")
        if self.filled:
            parts.append(f"Filled empty fields: {', '.join(self.filled)}.")
        return " ".join(parts)


def _unique_sets(model: type[models.Model], field_name: str) -> list[tuple[str, ...]]:
    """Unconditional unique field sets of ``model`` that contain ``field_name``."""
    sets = []
    meta = model._meta
    if meta.get_field(field_name).unique:
        sets.append((field_name,))
    for together in meta.unique_together:
        if field_name in together:
            sets.append(tuple(together))
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields and constraint.condition is None \
                and field_name in constraint.fields:
            sets.append(tuple(constraint.fields))
    return sets


def _duplicate_of(row: models.Model, field_name: str, target: models.Model) -> models.Model | None:
    """The row that ``row`` would collide with if its ``field_name`` pointed at ``target``."""
    model = type(row)
    for fields in _unique_sets(model, field_name):
        lookup = {field_name: target}
        for name in fields:
            if name != field_name:
                lookup[model._meta.get_field(name).attname] = getattr(row, model._meta.get_field(name).attname)
        dup = model._base_manager.filter(**lookup).exclude(pk=row.pk).first()
        if dup is not None:
            return dup
    return None


def _fill_blanks(target: models.Model, source: models.Model, skip: set[str] = frozenset()) -> list[str]:
    """Copy ``source``'s values into ``target``'s empty fields; return the field names filled.

    Provenance (source document and span) is copied as a whole, only when ``target`` has none;
    locks are united. Does not save.
    """
    filled = []
    for f in target._meta.concrete_fields:
        if f.primary_key or f.name in skip or f.name in NOT_LOCKABLE or not f.editable:
            continue
        value = getattr(source, f.attname)
        if f.is_relation and f.related_model is type(target) and value == target.pk:
            continue  # never make a record its own parent
        if _blank(getattr(target, f.attname)) and not _blank(value):
            setattr(target, f.attname, value)
            filled.append(f.name)
    if hasattr(target, "locked_fields"):
        if getattr(target, "source_id", None) is None and getattr(source, "source_id", None) is not None:
            target.source_id, target.span_start, target.span_end = source.source_id, source.span_start, source.span_end
        target.locked_fields = list(dict.fromkeys([*target.locked_fields, *source.locked_fields]))
    return filled


def _repoint_through(through, fk_name: str, other_fk_name: str, keep, other, result: MergeResult) -> None:
    """Repoint an auto-created many-to-many table's ``fk_name`` from ``other`` to ``keep``."""
    other_attname = through._meta.get_field(other_fk_name).attname
    attname = through._meta.get_field(fk_name).attname
    already = through.objects.filter(**{attname: keep.pk}).values(other_attname)
    label = f"{through._meta.get_field(other_fk_name).related_model._meta.verbose_name_plural} links"
    dup = through.objects.filter(**{attname: other.pk, f"{other_attname}__in": already})
    result.dropped_duplicates[label] += dup.delete()[0]
    moved = through.objects.filter(**{attname: other.pk}).exclude(**{other_attname: keep.pk}).update(
        **{attname: keep.pk})
    through.objects.filter(**{attname: other.pk}).delete()  # a link of other to keep itself
    if moved:
        result.moved[label] += moved


def _absorb(keep: models.Model, other: models.Model, result: MergeResult) -> None:
    """Repoint every relation of ``other`` to ``keep`` (``other`` is deleted by the caller)."""
    model = type(keep)
    for rel in model._meta.related_objects:
        if rel.many_to_many:
            if rel.through._meta.auto_created:  # a custom through model is handled by its foreign key
                _repoint_through(rel.through, rel.field.m2m_reverse_field_name(), rel.field.m2m_field_name(),
                                 keep, other, result)
            continue
        related, fk = rel.related_model, rel.field
        label = related._meta.verbose_name_plural
        rows = list(related._base_manager.filter(**{fk.name: other}))
        plain = []
        for row in rows:
            if related is model and row.pk == keep.pk:  # keep pointed at other (e.g. its parent force)
                setattr(keep, fk.attname, None)
                continue
            dup = _duplicate_of(row, fk.name, keep)
            if dup is None:
                plain.append(row.pk)
                continue
            filled = _fill_blanks(dup, row, skip={fk.name})
            lock_changed_fields(dup, filled)
            _absorb(dup, row, result)
            dup.save()
            row.delete()
            result.dropped_duplicates[label] += 1
        if plain:
            result.moved[label] += related._base_manager.filter(pk__in=plain).update(**{fk.name: keep})
    for m2m in model._meta.many_to_many:
        if m2m.remote_field.through._meta.auto_created:
            _repoint_through(m2m.remote_field.through, m2m.m2m_field_name(), m2m.m2m_reverse_field_name(),
                             keep, other, result)


def _add_alias(record, name: str, origin: str, source=None) -> bool:
    if name == record.name:
        return False
    found = entity_of(type(record))
    if found.alias_model.objects.filter(**{found.fk: record, "name": name}).exists():
        return False
    found.alias_model.objects.create(**{found.fk: record}, name=name, origin=origin, source=source)
    return True


def _decide(kind: str, name: str, record_id: int, decision: str) -> None:
    decision_row = ResolutionDecision.objects.filter(kind=kind, key=name_key(name, kind), record_id=record_id).first()
    decision_row = decision_row or ResolutionDecision(kind=kind, record_id=record_id)
    decision_row.name, decision_row.decision = name, decision
    decision_row.save()  # writes the key


def merge_records(keep: models.Model, others, user=None) -> MergeResult:
    """Merge ``others`` (forces, people or places of ``keep``'s model) into ``keep``, in one transaction.

    Every link to an other record is repointed to ``keep`` (duplicates under a unique constraint
    are folded), the other records' names and aliases become aliases of ``keep`` (the name with
    origin "merge"; existing aliases keep their origin), blank fields of ``keep`` are filled from
    the others (and locked, so the importer does not blank them again), a ``join`` decision is
    recorded for each merged name, and the others are deleted. With ``user``, the merge is
    written to the admin history (callers inside the admin log through ``ModelAdmin`` instead).
    """
    model = type(keep)
    kind = kind_of(model)
    others = [o for o in others if o.pk != keep.pk]
    if any(type(o) is not model for o in others):
        raise TypeError("merge_records: every record must be of the kept record's model")
    result = MergeResult(keep=keep)
    found = entity_of(model)
    with transaction.atomic():
        keep = model._base_manager.select_for_update().get(pk=keep.pk)
        result.keep = keep
        for other in others:
            other = model._base_manager.get(pk=other.pk)
            names = [other.name, *getattr(other, found.aliases).values_list("name", flat=True)]
            # an alias spelled like the kept name says nothing new
            found.alias_model.objects.filter(**{found.fk: other, "name": keep.name}).delete()
            if user is not None:
                LogEntry.objects.log_actions(user.pk, [other], DELETION, single_object=True,
                                             change_message=f"Merged into {keep} (#{keep.pk}).")
            _absorb(keep, other, result)
            filled = _fill_blanks(keep, other, skip={"name", "slug"})
            result.filled.extend(f for f in filled if f not in result.filled)
            lock_changed_fields(keep, filled)
            for decision in ResolutionDecision.objects.filter(kind=kind, record_id=other.pk):
                if ResolutionDecision.objects.filter(kind=kind, key=decision.key, record_id=keep.pk).exists():
                    decision.delete()
                else:
                    decision.record_id = keep.pk
                    decision.save(update_fields=["record_id"])
            result.removed.append((other.pk, str(other)))
            other_source = getattr(other, "source", None)
            other.delete()
            if _add_alias(keep, other.name, Alias.Origin.MERGE, source=other_source):
                result.aliases_added.append(other.name)
            for name in dict.fromkeys(names):
                if name != keep.name:
                    _decide(kind, name, keep.pk, ResolutionDecision.Decision.JOIN)
        removed = {pk for pk, _ in result.removed}
        for f in model._meta.concrete_fields:  # a self link (parent) to a record that is gone now
            if f.is_relation and f.related_model is model and getattr(keep, f.attname) in removed:
                setattr(keep, f.attname, None)
        keep.save()
        if user is not None:
            LogEntry.objects.log_actions(user.pk, [keep], CHANGE, change_message=result.message(), single_object=True)
    return result


@dataclass
class SplitResult:
    alias_name: str
    original: models.Model
    new: models.Model
    moved: Counter = field(default_factory=Counter)

    def message(self) -> str:
        moved = ", ".join(f"{n} {label}" for label, n in sorted(self.moved.items())) or "no links"
        return (f"Split “{self.alias_name}” off {self.original} (#{self.original.pk}) into a new record; "
                f"moved {moved}; the importer will not join this name to {self.original} again.")


def split_alias(alias: Alias, user=None) -> SplitResult:
    """Make a new record from ``alias`` (of a force, person or place) and move its links there.

    Links of the original record whose ``name_as_written`` is the alias name move to the new
    record (compared by normal form). The alias is removed from the original, a ``forbid``
    decision keeps the importer from joining the name to the original again, and a ``join``
    decision attaches it to the new record. Kind (forces and places) is copied; nothing else is
    guessed. With ``user``, both records' history gets an entry.
    """
    found = next(e for e in entities() if e.alias_model is type(alias))
    original = getattr(alias, found.fk)
    model = found.model
    kind = kind_of(model)
    key = name_key(alias.name, kind)
    with transaction.atomic():
        fields = {"name": alias.name, "slug": unique_slug(model, alias.name)}
        if hasattr(original, "kind"):
            fields["kind"] = original.kind
        new = model.objects.create(**fields)
        result = SplitResult(alias_name=alias.name, original=original, new=new)
        for rel in model._meta.related_objects:
            if rel.many_to_many or rel.related_model is type(alias):
                continue
            related, fk = rel.related_model, rel.field
            if "name_as_written" not in {f.name for f in related._meta.concrete_fields}:
                continue
            rows = related._base_manager.filter(**{fk.name: original}).exclude(name_as_written="")
            pks = [r.pk for r in rows.only("pk", "name_as_written") if name_key(r.name_as_written, kind) == key]
            if pks:
                result.moved[related._meta.verbose_name_plural] += related._base_manager.filter(pk__in=pks).update(
                    **{fk.name: new})
        needle, own = alias.name.lower(), original.name.lower()
        for rel in model._meta.related_objects:  # sentences that name the split name (and not the original)
            if not (rel.many_to_many and rel.through._meta.auto_created):
                continue
            if "text" not in {f.name for f in rel.related_model._meta.concrete_fields}:
                continue
            linked = rel.related_model._base_manager.filter(**{rel.field.name: original}).only("pk", "text")
            for row in linked:
                text = row.text.lower()
                if needle in text and own not in text:
                    getattr(row, rel.field.name).remove(original)
                    getattr(row, rel.field.name).add(new)
                    result.moved[rel.related_model._meta.verbose_name_plural] += 1
        alias.delete()
        _decide(kind, alias.name, original.pk, ResolutionDecision.Decision.FORBID)
        _decide(kind, alias.name, new.pk, ResolutionDecision.Decision.JOIN)
        if user is not None:
            LogEntry.objects.log_actions(user.pk, [new], ADDITION, single_object=True,
                                         change_message=f"Split off “{alias.name}” from {original} (#{original.pk}).")
            LogEntry.objects.log_actions(user.pk, [original], CHANGE, single_object=True,
                                         change_message=result.message())
    return result

"""A document's claims on the records it states, and the value a record takes from all its claims.

Every record the importer writes (offensive, side, participation, strength, command role, event,
place link, force, person, place) is stated by one or more documents; each document has one
``sources.models.Claim`` on it with the values it gives and the span it gives them at. Loading a
document renews its own claims and withdraws those it no longer makes; other documents' claims are
never touched.

Choosing a record's value when several documents state it (documented in docs/architecture.md):

1. a field an editor locked is never written (the loader keeps it);
2. a date with its precision (an offensive's start or end, an event's date and range) comes from the
   claim that states it most precisely (day before month before year), then from the most recently
   imported document;
3. any other field comes from the most recent document that states it.

"Most recent" is the document first imported last (the highest ``SourceDocument`` id): a rule that
does not depend on the order in which documents are re-imported, so that re-importing unchanged
documents, in any order, changes nothing.

A value is *stated* when it is not empty (None, "", [] or {}): a mirror's copy without an infobox
states no dates, so it never blanks the dates that another document gives.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import DateField, DecimalField, Model
from django.utils import timezone

from sources.models import Claim, SourceDocument

from .bulk import insert as insert_rows

PRECISION_RANK = {"day": 0, "month": 1, "year": 2}

#: fields chosen together: (date, precision, *dates that go with them), per model label
DATE_GROUPS: dict[str, tuple[tuple[str, ...], ...]] = {
    "conflicts.conflict": (("start_date", "start_precision"), ("end_date", "end_precision")),
    "events.event": (("date", "precision", "end_date"),),
}


def stated(value) -> bool:
    return value not in (None, "", [], {})


def to_json(model: type[Model], values: dict) -> dict:
    """Field values as a claim stores them: relations by primary key (under their attname), dates in ISO."""
    out = {}
    for name, value in values.items():
        field = model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
        if field.is_relation:
            out[field.attname] = value.pk if isinstance(value, Model) else value
        elif isinstance(value, datetime.date):
            out[name] = value.isoformat()
        elif isinstance(value, Decimal):
            out[name] = str(value)         # exact, as JSON numbers are not
        else:
            out[name] = value
    return out


def from_json(model: type[Model], values: dict) -> dict:
    out = {}
    for name, value in values.items():
        field = model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
        if isinstance(field, DateField) and isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        elif isinstance(field, DecimalField) and isinstance(value, str | int | float):
            value = Decimal(str(value))
        out[field.attname] = value
    return out


def choose(model: type[Model], claims: list[dict]) -> dict:
    """The value of each field from ``claims`` (their values, most recent document first)."""
    chosen: dict = {}
    grouped: set[str] = set()
    for group in DATE_GROUPS.get(model._meta.label_lower, ()):
        date, precision, *rest = group
        grouped.update(group)
        stating = [c for c in claims if stated(c.get(date))]
        if stating:
            best = min(stating, key=lambda c: PRECISION_RANK.get(c.get(precision), 0))  # min keeps the first
            chosen.update({name: best.get(name) for name in group if name in best})
        elif claims:
            chosen.update({name: claims[0][name] for name in group if name in claims[0]})
    for values in reversed(claims):          # the most recent document's value wins: write it last
        for name, value in values.items():
            if name not in grouped and stated(value):
                chosen[name] = value
    for name in {n for c in claims for n in c} - set(chosen):
        # stated by no document: empty, as the newest that gives the field has it (a document naming the
        # record only as a parent gives no territory: None there would break the column's NOT NULL)
        chosen[name] = next(c[name] for c in claims if name in c)
    return chosen


@dataclass
class Stated:
    key: str
    values: dict       # JSON, as ``to_json`` gives it
    start: int | None
    end: int | None


class DocumentClaims:
    """The claims one document makes in this load, against those it made before."""

    def __init__(self, document: SourceDocument):
        self.document = document
        self.old: dict[tuple[int, int], Claim] = {}
        self.new: dict[tuple[int, int], Stated] = {}
        self._others: dict[tuple[int, int], list[Claim]] = {}
        self._stating: dict[tuple[tuple[int, int], str], list[Claim]] = {}   # (ident, field): claims stating it
        if document.pk is not None:
            self.old = {(c.content_type_id, c.object_id): c for c in Claim.objects.filter(document=document)}
            self._prefetch_others(self.old)

    @staticmethod
    def content_type(model: type[Model]) -> ContentType:
        return ContentType.objects.get_for_model(model)   # cached by Django for the process

    def _prefetch_others(self, keys) -> None:
        by_type: dict[int, list[int]] = {}
        for ct, pk in keys:
            by_type.setdefault(ct, []).append(pk)
            self._others.setdefault((ct, pk), [])
        for ct, pks in by_type.items():
            for start in range(0, len(pks), 2000):
                rows = (Claim.objects.filter(content_type_id=ct, object_id__in=pks[start:start + 2000])
                        .exclude(document=self.document).order_by("-document_id"))
                for claim in rows:
                    self._others[ct, claim.object_id].append(claim)

    def prefetch_others(self, idents) -> None:
        """Read the other documents' claims on these records (``(content type, pk)``) at once."""
        self._prefetch_others([ident for ident in idents if ident not in self._others])

    def ident(self, obj: Model) -> tuple[int, int]:
        return self.content_type(type(obj)).pk, obj.pk

    def others(self, obj: Model) -> list[Claim]:
        """Other documents' claims on ``obj``, most recent document first."""
        ident = self.ident(obj)
        if ident not in self._others:
            self._prefetch_others([ident])
        return self._others[ident]

    def previous(self, obj: Model) -> Claim | None:
        """This document's claim on ``obj`` from its previous import."""
        return self.old.get(self.ident(obj))

    def state(self, obj: Model, key: str, values: dict, span) -> None:
        """This document states ``obj`` with ``values``: fields of the model's ``CLAIMED_FIELDS`` only."""
        unknown = {name.removesuffix("_id") for name in values} - set(type(obj).CLAIMED_FIELDS)
        if unknown:
            raise ValueError(f"{type(obj).__name__}: {sorted(unknown)} are not fields a source states (CLAIMED_FIELDS)")
        self.new[self.ident(obj)] = Stated(key[:500], to_json(type(obj), values),
                                           span.start if span else None, span.end if span else None)

    def chosen(self, obj: Model, *, field: str | None = None) -> dict:
        """``obj``'s field values (attnames) from this document's claim and every other one.

        ``field``: only that field (its attname, as claims store it) is wanted, from the claims that
        state it (``prefetch_stating``): a force named by a thousand documents is read with the few
        that give it a parent."""
        model = type(obj)
        ident = self.ident(obj)
        mine = (self.document.pk, self.new[ident].values)
        if field is None:
            others = self.others(obj)
        else:
            if (ident, field) not in self._stating:
                self.prefetch_stating([ident], field)
            others = self._stating[ident, field]
        ranked = sorted([mine, *((c.document_id, c.values) for c in others)], key=lambda c: -c[0])
        return from_json(model, choose(model, [values for _, values in ranked]))

    def prefetch_stating(self, idents, field: str) -> None:
        """Read the other documents' claims that state ``field`` of these records at once."""
        by_type: dict[int, list[int]] = {}
        for ct, pk in idents:
            if ((ct, pk), field) not in self._stating:
                by_type.setdefault(ct, []).append(pk)
                self._stating[(ct, pk), field] = []
        for ct, pks in by_type.items():
            for start in range(0, len(pks), 2000):
                rows = (Claim.objects.filter(content_type_id=ct, object_id__in=pks[start:start + 2000],
                                             values__has_key=field)
                        .exclude(document=self.document).order_by("-document_id"))
                for claim in rows:
                    self._stating[(ct, claim.object_id), field].append(claim)

    def withdrawn(self) -> list[tuple[int, int]]:
        """Records this document stated before and states no more."""
        return [ident for ident in self.old if ident not in self.new]

    def save(self, ids=None) -> int:
        """Write the claims: new ones created, changed ones updated, withdrawn ones deleted. Returns the
        number of claim rows written. ``ids``: the run's ``bulk.IdPool`` new claims take keys from."""
        create, update = [], []
        for (ct, pk), s in self.new.items():
            claim = self.old.get((ct, pk))
            if claim is None:
                create.append(Claim(document=self.document, content_type_id=ct, object_id=pk, key=s.key,
                                    values=s.values, span_start=s.start, span_end=s.end))
            elif (claim.key, claim.values, claim.span_start, claim.span_end) != (s.key, s.values, s.start, s.end):
                claim.key, claim.values, claim.span_start, claim.span_end = s.key, s.values, s.start, s.end
                claim.updated_at = timezone.now()
                update.append(claim)
        gone = [self.old[ident].pk for ident in self.withdrawn()]
        insert_rows(Claim, create, ids=ids)
        Claim.objects.bulk_update(update, ["key", "values", "span_start", "span_end", "updated_at"], batch_size=1000)
        Claim.objects.filter(pk__in=gone).delete()
        return len(create) + len(update) + len(gone)

    def remaining(self, ident: tuple[int, int]) -> list[Claim]:
        """Other documents' claims on a record this document withdraws from."""
        if ident not in self._others:
            self._prefetch_others([ident])
        return self._others[ident]

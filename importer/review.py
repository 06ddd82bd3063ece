"""The review queue: what the importer was unsure of, for editors to accept, fix or reject (issue 18, item 3).

At the end of each document's load (``importer.load``, inside the document's transaction) every
registered reason looks at what the document stated and returns ``Flag``s; ``write`` stores them as
``ReviewItem``s in bulk, one per stable key, so a re-import finds the item it raised before:

- a new key becomes an open item;
- an open item raised again takes the new evidence; an open item of this document that it no longer
  raises is dropped (the source changed, the doubt went away);
- a decided item (accepted, rejected, fixed) is never touched again: the editor's decision is remembered;
- an open item a load shows is settled (``Reason.settled``: another document parted the sides) is dropped.

Adding a reason is one class in this module (or any module imported with it)::

    @register
    class LowConfidencePlace(Reason):
        code = "gazetteer"                       # stored in ReviewItem.reason (no migration: not choices)
        label = "place matched to the gazetteer with low confidence"

        def find(self, load):                    # the loader at the end of a document (see ``Reason.find``)
            for place in ...:
                yield Flag(self.key("events.place", place.pk), place, load.conflict, f"{place}: ...",
                           {"sentence": ..., "candidates": [...], "scores": [...]})

``accept``/``reject`` may apply the decision through the project's own mechanisms (a resolver
decision, a lock, a remembered deletion); by default a decision is only remembered. ``backfill``
finds the reason's items in data imported before the queue existed (``manage.py fill_review_queue``).
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import ProtectedError, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from conflicts.models import Conflict, Participation, Side, Strength
from events.models import Event, EventPlace, Place
from people.models import CommandRole
from sources import classify, resolve
from sources.entities import entities
from sources.gazetteer import country_code, default_gazetteer
from sources.locking import lock_changed_fields
from sources.merge import split_alias
from sources.models import Claim, ResolutionDecision, SourceDocument
from sources.names import name_key
from sources.precision import format_date, format_range

from . import geocode
from .models import ReviewItem

#: a resolver join scoring less than this many points above its threshold is worth an editor's look
#: (sources/resolve.py: must-join pairs score 89.8 and up, must-stay-apart pairs 78 and below)
NEAR_THRESHOLD = 5.0
CHUNK = 500


@dataclass
class Flag:
    """One doubt of the importer, before it is stored (``ReviewItem`` fields)."""

    key: str
    record: models.Model | None
    conflict: Conflict | int | None
    summary: str
    evidence: dict = field(default_factory=dict)


class Reason:
    """A kind of doubt. Subclasses set ``code`` and ``label`` and implement ``find``; see the module doc."""

    code = ""
    label = ""     # the filter's words
    short = ""     # the queue's column
    accept_help = "The importer's result stands; later imports do not raise this again."
    reject_help = "The importer's result is wrong; the decision is remembered (use Fix to correct the record)."

    def key(self, *parts) -> str:
        return ":".join([self.code, *map(str, parts)])[:500]

    def find(self, load) -> Iterable[Flag]:
        """The flags of one document's load. ``load`` is the loader at the end of the document, inside its
        transaction: ``load.rec`` (the parsed ``DocumentRecord``), ``load.text``, ``load.source`` (the
        ``SourceDocument``), ``load.conflict`` and ``load.claims`` (``importer.claims.DocumentClaims``:
        ``new`` maps each record stated, ``(content type id, pk)``, to what the document states of it).
        A constant number of queries, whatever the number of flags."""
        return ()

    def backfill(self) -> Iterable[Flag]:
        """Flags in data already imported (``fill_review_queue``); none by default."""
        return ()

    def settled(self, load) -> Iterable[str]:
        """Keys of items this load shows are no longer in doubt, whichever document raised them (their
        open items leave the queue); none by default."""
        return ()

    def accept(self, item: ReviewItem, request, site) -> str:
        return ""

    def reject(self, item: ReviewItem, request, site) -> str:
        return ""

    def fix_url(self, item: ReviewItem) -> str | None:
        """The admin form where an editor corrects what the item is about."""
        return admin_change_url(item.record) if item.record is not None else None

    def stale(self, items: list[ReviewItem]) -> list[ReviewItem]:
        """Of the open items a document raised before and not this time, those to drop (the doubt went
        away with the source's change); by default all of them."""
        return items


REASONS: dict[str, Reason] = {}


def register(cls: type[Reason]) -> type[Reason]:
    """Add a reason to the queue (a class decorator)."""
    REASONS[cls.code] = cls()
    return cls


def reason_of(item: ReviewItem) -> Reason:
    return REASONS.get(item.reason) or Reason()


# ------------------------------------------------------------------------------------------- helpers

def admin_change_url(obj: models.Model | None) -> str | None:
    if obj is None or obj.pk is None:
        return None
    try:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return None


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")


def sentence_at(text: str, start: int | None, end: int | None = None, limit: int = 400) -> str:
    """The sentence (or line) of ``text`` around ``start:end``, at most ``limit`` characters."""
    if not text or start is None:
        return ""
    end = start if end is None else end
    begin = max(0, start - limit)
    before = [m.end() for m in _SENTENCE_END.finditer(text, begin, start)]
    left = before[-1] if before else begin
    after = _SENTENCE_END.search(text, end, end + limit)
    right = after.start() if after else min(len(text), end + limit)
    return text[left:right].strip()


def _ct(model) -> ContentType:
    return ContentType.objects.get_for_model(model)


def _label(obj: models.Model) -> str:
    return f"{obj._meta.verbose_name} “{str(obj)[:120]}”"


# ------------------------------------------------------------------------------------------- reasons

@register
class SidesUnresolved(Reason):
    code = "sides_unresolved"
    label = "sides the importer could not tell apart"
    short = "sides not told apart"
    accept_help = "The offensive's sides stay as imported (every party on one side)."
    reject_help = "The sides are wrong; remembered (use Fix to part them on the offensive's form)."

    def flag(self, conflict: Conflict, parties: list[str], sentence: str) -> Flag:
        return Flag(self.key("conflicts.conflict", conflict.pk), conflict, conflict,
                    f"{conflict.name}: {len(parties)} parties on one side, allies and enemies alike",
                    {"sentence": sentence, "candidates": parties})

    def find(self, load):
        if load.conflict is None or not load.conflict.sides_unresolved:
            return
        parties = [b.name for side in load.rec.sides for b in side.belligerents]
        first = next((b.span for side in load.rec.sides for b in side.belligerents), None)
        yield self.flag(load.conflict, parties,
                        sentence_at(load.text, first.start, first.end) if first else load.rec.lead[:400])

    def settled(self, load):
        if load.conflict is not None and not load.conflict.sides_unresolved:
            yield self.key("conflicts.conflict", load.conflict.pk)    # another document parted the sides

    def backfill(self):
        for conflict in Conflict.objects.filter(sides_unresolved=True).prefetch_related("sides__participations__force"):
            parties = [p.force.name for side in conflict.sides.all() for p in side.participations.all()]
            yield self.flag(conflict, parties, conflict.summary[:400])


@register
class DatedByContinuation(Reason):
    code = "continuation"
    label = "sentences dated by the sentence before"
    short = "dated by continuation"
    accept_help = "The date the narrative gave the sentence is right."
    reject_help = "The date is wrong; remembered (use Fix to set the event's date: the correction is kept)."

    def find(self, load):
        continued = [ev for ev in load.rec.events if ev.continued]
        if not continued:
            return
        ct = _ct(Event).pk
        by_span = {(s.start, s.end): pk for (c, pk), s in load.claims.new.items() if c == ct}
        wanted = {ev: by_span.get((ev.span.start, ev.span.end)) for ev in continued}
        events = Event.objects.in_bulk([pk for pk in wanted.values() if pk])
        dated_by = {}
        latest = None
        for ev in load.rec.events:
            if not ev.continued:
                latest = ev
            dated_by[ev.order] = latest
        for ev, pk in wanted.items():
            event = events.get(pk)
            if event is None or {"date", "precision", "end_date"} & set(event.locked_fields):
                continue   # an editor set the date already
            before = dated_by.get(ev.order)
            yield Flag(self.key("events.event", event.pk), event, load.conflict,
                       f"{format_range(event.date, event.end_date, event.precision)}: {ev.text[:200]}",
                       {"sentence": ev.text, "date": format_range(ev.date, ev.end_date, ev.precision),
                        "dated_by": before.text if before else "", "section": ev.section or "",
                        "document": str(load.source)})


@register
class CloseResolverJoin(Reason):
    code = "close_join"
    label = "names joined by the resolver with a score close to its threshold"
    short = "close resolver join"
    accept_help = "The two names are one record: the resolver will always join them (a resolver decision)."
    reject_help = ("They are two records: the name is split off into a record of its own, and the resolver "
                   "never joins them again (as “Split off” does).")

    def aliases(self, order: str = "pk", **filters) -> Iterator[tuple[str, models.Model]]:
        limit = resolve.THRESHOLD + NEAR_THRESHOLD
        for found in entities():
            rows = (found.alias_model.objects.filter(origin="resolver", score__lt=limit, **filters)
                    .select_related(found.fk, "source").order_by(order)
                    .defer("source__text", "source__original"))   # not a whole document per alias
            for alias in rows:
                yield found.kind, alias

    def flag(self, kind: str, alias, text: str = "") -> Flag:
        record = getattr(alias, next(e.fk for e in entities() if e.alias_model is type(alias)))
        at = text.find(alias.name) if text else -1
        return Flag(self.key(kind, record.pk, name_key(alias.name, kind)), record, None,
                    f"“{alias.name}” joined to the {kind} “{record.name}” (score {alias.score:.1f})",
                    {"sentence": sentence_at(text, at, at + len(alias.name)) if at >= 0 else "",
                     "name": alias.name, "joined_to": record.name, "kind": kind, "alias_id": alias.pk,
                     "candidates": [{"name": record.name, "score": round(alias.score, 1)}],
                     "threshold": resolve.THRESHOLD,
                     "document": str(alias.source) if alias.source_id else ""})

    def find(self, load):
        if load.new_source and not load.resolver_aliases:
            return    # a new document's aliases are those this load made: none from a fuzzy match
        for kind, alias in self.aliases(source=load.source):
            flag = self.flag(kind, alias, load.text)
            flag.conflict = load.conflict
            yield flag

    def backfill(self):
        text, of = "", None       # the aliases by document: each document's text read once, one at a time
        for kind, alias in self.aliases(order="source_id"):
            if alias.source_id != of:
                of = alias.source_id
                text = SourceDocument.objects.values_list("text", flat=True).get(pk=of) if of else ""
            yield self.flag(kind, alias, text)

    def _alias(self, item):
        found = next((e for e in entities() if e.kind == item.evidence.get("kind")), None)
        if found is None or item.object_id is None:
            return found, None
        alias = found.alias_model.objects.filter(**{f"{found.fk}_id": item.object_id},
                                                 name=item.evidence.get("name", "")).first()
        return found, alias

    def accept(self, item, request, site):
        found, _ = self._alias(item)
        if found is None or item.object_id is None:
            return ""
        name = item.evidence["name"]
        decision = ResolutionDecision.objects.filter(kind=found.kind, key=name_key(name, found.kind),
                                                     record_id=item.object_id).first()
        decision = decision or ResolutionDecision(kind=found.kind, record_id=item.object_id)
        decision.name, decision.decision = name, ResolutionDecision.Decision.JOIN
        decision.save()
        return f"The resolver will always join “{name}” to {item.evidence.get('joined_to')}."

    def reject(self, item, request, site):
        found, alias = self._alias(item)
        if alias is None:
            return "The name is no longer an alias of the record: nothing to split."
        owner = site._registry.get(found.model)
        if owner is None or not owner.has_add_permission(request):
            raise PermissionError("You may not create the record the name would be split into.")
        result = split_alias(alias, user=request.user)
        return result.message()


class _Compared:
    """A field (or a date with its precision) whose value documents may give differently."""

    def __init__(self, label: str, names: tuple[str, ...], date: bool = False):
        self.label, self.names, self.date = label, names, date

    def value(self, values: dict):
        if self.date:
            date, precision = values.get(self.names[0]), values.get(self.names[1]) or "day"
            return (date, precision) if date else None
        value = values.get(self.names[0])
        return value if value not in (None, "", [], {}) else None

    def same(self, a, b) -> bool:
        if not self.date:
            return a == b
        (da, pa), (db, pb) = a, b
        coarse = max(("day", "month", "year").index(pa), ("day", "month", "year").index(pb))
        return da[:(10, 7, 4)[coarse]] == db[:(10, 7, 4)[coarse]]

    def show(self, value) -> str:
        if self.date:
            date, precision = value
            return format_date(datetime.date.fromisoformat(date), precision)
        return str(value)


@register
class SourcesDisagree(Reason):
    code = "disagree"
    label = "sources that disagree"
    short = "sources disagree"
    accept_help = "The value shown stands: the field is locked, so later imports keep it."
    reject_help = "The value shown is wrong; remembered (use Fix to set the right one: the correction is locked)."

    #: what is compared, per model (fields documents state differently for a reason worth a look)
    COMPARED = {
        Conflict: (_Compared("start", ("start_date", "start_precision"), date=True),
                   _Compared("end", ("end_date", "end_precision"), date=True),
                   _Compared("status", ("status",)), _Compared("place", ("place",))),
        Event: (_Compared("date", ("date", "precision"), date=True),),
        CommandRole: (_Compared("rank", ("rank",)), _Compared("role", ("role",)), _Compared("fate", ("fate",))),
    }
    FIELDS = {"start": ("start_date", "start_precision"), "end": ("end_date", "end_precision"),
              "date": ("date", "precision", "end_date")}

    def compare(self, model, pk: int, claims: list[tuple[int, str, dict]]) -> Iterator[tuple[_Compared, list]]:
        """(field, [(document id, document, shown value)]) for each compared field the claims disagree on."""
        for compared in self.COMPARED[model]:
            given = [(doc, name, compared.value(values)) for doc, name, values in claims]
            given = [g for g in given if g[2] is not None]
            if len(given) > 1 and any(not compared.same(given[0][2], g[2]) for g in given[1:]):
                yield compared, given

    def flags(self, claims_of: dict[tuple[type, int], list]) -> Iterator[Flag]:
        by_model: dict[type, list[int]] = {}
        found = {}
        for (model, pk), claims in claims_of.items():
            fields = list(self.compare(model, pk, claims))
            if fields:
                found[model, pk] = fields
                by_model.setdefault(model, []).append(pk)
        records = {}
        for model, pks in by_model.items():
            for start in range(0, len(pks), CHUNK):
                records.update({(model, o.pk): o for o in model.objects.filter(pk__in=pks[start:start + CHUNK])})
        for (model, pk), fields in found.items():
            obj = records.get((model, pk))
            if obj is None:
                continue
            for compared, given in fields:
                if set(self.FIELDS.get(compared.label, compared.names)) & set(obj.locked_fields):
                    continue    # an editor chose the value
                values = [{"document": name, "document_id": doc, "value": compared.show(value)}
                          for doc, name, value in given]
                yield Flag(self.key(obj._meta.label_lower, pk, compared.label), obj,
                           getattr(obj, "conflict_id", None) if model is not Conflict else obj.pk,
                           f"{_label(obj)}: {compared.label} given as "
                           + " / ".join(dict.fromkeys(v["value"] for v in values)),
                           {"field": compared.label, "sentence": getattr(obj, "text", ""), "candidates": values})

    def find(self, load):
        wanted: dict[int, list[int]] = {}
        models_of = {}
        for model in self.COMPARED:
            models_of[_ct(model).pk] = model
        mine = {}
        for (ct, pk), stated in load.claims.new.items():
            if ct in models_of and stated.values:
                wanted.setdefault(ct, []).append(pk)
                mine[ct, pk] = stated.values
        if not wanted:
            return
        claims_of: dict[tuple[type, int], list] = {}
        others = Q()
        for ct, pks in wanted.items():
            for start in range(0, len(pks), CHUNK):
                others |= Q(content_type_id=ct, object_id__in=pks[start:start + CHUNK])
        rows = (Claim.objects.filter(others).exclude(document=load.source).order_by("-document_id")
                .values_list("content_type_id", "object_id", "document_id", "document__title", "document__name",
                             "values"))
        for ct, pk, doc, title, name, values in rows:
            claims_of.setdefault((models_of[ct], pk), []).append((doc, title or name, values))
        for (model, pk), claims in claims_of.items():
            claims.insert(0, (load.source.pk, str(load.source), mine[_ct(model).pk, pk]))
        yield from self.flags(claims_of)

    def backfill(self):
        for model in self.COMPARED:
            ct = _ct(model)
            several = (Claim.objects.filter(content_type=ct).values("object_id")
                       .annotate(n=models.Count("pk")).filter(n__gt=1).values_list("object_id", flat=True))
            claims_of: dict[tuple[type, int], list] = {}
            rows = (Claim.objects.filter(content_type=ct, object_id__in=several).order_by("-document_id")
                    .values_list("object_id", "document_id", "document__title", "document__name", "values"))
            for pk, doc, title, name, values in rows:
                claims_of.setdefault((model, pk), []).append((doc, title or name, values))
            yield from self.flags(claims_of)

    def accept(self, item, request, site):
        obj = item.record
        names = self.FIELDS.get(item.evidence.get("field"), (item.evidence.get("field"),))
        if obj is None:
            return ""
        locked = lock_changed_fields(obj, names)
        if locked:
            obj.save(update_fields=["locked_fields"])
            LogEntry.objects.log_actions(request.user.pk, [obj], CHANGE, single_object=True,
                                         change_message=f"Locked {', '.join(locked)} (review queue: accepted).")
        return f"Locked {', '.join(names)} of {obj}: later imports keep the value shown."


@register
class NotInSource(Reason):
    code = "not_in_source"
    label = "records no longer in their source"
    short = "no longer in source"
    accept_help = "Keep the record, though no source states it any more."
    reject_help = "Delete the record; later imports do not bring it back (a remembered deletion)."
    MODELS = (Conflict, Side, Participation, Strength, CommandRole, Event, EventPlace)

    def flag(self, obj, document: str = "") -> Flag:
        conflict = (obj.pk if isinstance(obj, Conflict) else getattr(obj, "conflict_id", None)
                    or getattr(getattr(obj, "side", None), "conflict_id", None))
        return Flag(self.key(obj._meta.label_lower, obj.pk), obj, conflict,
                    f"{_label(obj)} is no longer stated by any source",
                    {"sentence": getattr(obj, "text", ""), "locked": list(obj.locked_fields),
                     "document": document})

    def find(self, load):
        gone: dict[int, list[int]] = {}
        for ct, pk in load.claims.withdrawn():
            gone.setdefault(ct, []).append(pk)
        for model in self.MODELS:
            pks = gone.get(_ct(model).pk)
            if pks:
                for obj in model.objects.filter(pk__in=pks, in_source=False):
                    yield self.flag(obj, str(load.source))

    def stale(self, items):
        """Raised once, when the record left the source: dropped only when a source states it again (or
        it is gone)."""
        still = set()
        by_type: dict[int, list[int]] = {}
        for item in items:
            by_type.setdefault(item.content_type_id, []).append(item.object_id)
        for ct, pks in by_type.items():
            model = ContentType.objects.get_for_id(ct).model_class()
            still.update((ct, pk) for pk in model.objects.filter(pk__in=pks, in_source=False)
                         .values_list("pk", flat=True))
        return [item for item in items if (item.content_type_id, item.object_id) not in still]

    def backfill(self):
        for model in self.MODELS:
            for obj in model.objects.filter(in_source=False).select_related(
                    *(["side"] if model in (Participation, Strength) else [])):
                yield self.flag(obj)

    def reject(self, item, request, site):
        obj = item.record
        if obj is None:
            return "The record is gone already."
        admin = site._registry.get(type(obj))
        if admin is None or not admin.has_delete_permission(request, obj):
            raise PermissionError(f"You may not delete this {obj._meta.verbose_name}.")
        label = _label(obj)
        try:
            with transaction.atomic():
                admin.log_deletions(request, [obj])
                admin.delete_model(request, obj)     # remembers the deletion (DeletedRecord)
        except ProtectedError as exc:
            raise PermissionError(f"{label} cannot be deleted: other records depend on it ({exc.args[0]})") from None
        return f"Deleted {label}; later imports will not bring it back."


@register
class GazetteerMatch(Reason):
    """Places this document made that took the gazetteer's coordinates with less than full confidence: in a
    country the importer inferred (the place line names none: the belligerents' country where most of the
    document's place names are known, ``importer.geocode.offensive_country``), or by a close spelling
    rather than the same name (``sources.gazetteer``: a score under 100)."""

    code = "gazetteer"
    label = "places matched to the gazetteer with low confidence"
    short = "gazetteer match"
    accept_help = "The coordinates stand: latitude and longitude are locked, so no later match moves them."
    reject_help = ("The match is wrong: the coordinates are cleared and locked as the editor's (no later "
                   "import or geocode_places sets them again); use Fix to enter the right ones.")
    EXACT = 100.0

    def flag(self, place, conflict, link, inferred_country: str | None = None) -> Flag:
        why = (f"in {inferred_country}, a country inferred (the place line names none)" if inferred_country
               else f"score {place.coordinates_score:.1f}")
        return Flag(self.key("events.place", place.pk), place, conflict,
                    f"{place.name}: GeoNames {place.geonames_id} at {place.latitude}, {place.longitude} ({why})",
                    {"sentence": link.event.text if link else "",
                     "name_as_written": link.name_as_written if link else "",
                     "country": inferred_country or "", "country_inferred": bool(inferred_country),
                     "candidates": [f"{place.name} (GeoNames {place.geonames_id}: {place.latitude}, "
                                    f"{place.longitude})"],
                     "scores": [place.coordinates_score]})

    @staticmethod
    def _doubtful(places):
        return places.filter(coordinates_origin=Place.CoordinatesOrigin.GAZETTEER,
                             coordinates_score__lt=GazetteerMatch.EXACT)

    @staticmethod
    def _first_links(places, conflict_id=None) -> dict:
        links = EventPlace.objects.filter(place__in=places).select_related("event").order_by("place_id", "event__order")
        if conflict_id is not None:
            links = links.filter(event__conflict_id=conflict_id)
        first: dict = {}
        for link in links[:2000]:
            first.setdefault(link.place_id, link)
        return first

    def find(self, load):
        ct = _ct(Place).pk
        ids = [pk for (c, pk) in load.claims.new if c == ct]
        if not ids or load.conflict is None:
            return
        mine = Place.objects.filter(pk__in=ids, source=load.source)      # geocoded on this document's terms
        inferred = not country_code(classify.country_of(load.conflict.place))
        places = list(mine.filter(coordinates_origin=Place.CoordinatesOrigin.GAZETTEER) if inferred
                      else self._doubtful(mine))
        if not places:
            return
        links = self._first_links([p.pk for p in places], load.conflict.pk)
        country = load.place_country if inferred else None
        for place in places:
            yield self.flag(place, load.conflict, links.get(place.pk), inferred_country=country)

    def backfill(self):
        places = list(Place.objects.filter(coordinates_origin=Place.CoordinatesOrigin.GAZETTEER)
                      .exclude(source=None)[:5000])
        links = self._first_links([p.pk for p in places])
        conflicts = Conflict.objects.in_bulk({link.event.conflict_id for link in links.values()})
        inferred = {pk for pk, c in conflicts.items() if not country_code(classify.country_of(c.place))}
        countries = geocode.conflict_countries(default_gazetteer(), inferred) if inferred else {}
        for place in places:
            link = links.get(place.pk)
            conflict = conflicts.get(link.event.conflict_id) if link else None
            country = countries.get(conflict.pk) if conflict is not None and conflict.pk in inferred else None
            if country or (place.coordinates_score is not None and place.coordinates_score < self.EXACT):
                yield self.flag(place, conflict, link, inferred_country=country)

    def accept(self, item, request, site):
        place = item.record
        if place is None:
            return ""
        locked = lock_changed_fields(place, ["latitude", "longitude"])
        if locked:
            place.save(update_fields=["locked_fields"])
            LogEntry.objects.log_actions(request.user.pk, [place], CHANGE, single_object=True,
                                         change_message="Locked the gazetteer's coordinates (review queue: accepted).")
        return f"The coordinates of {place} are locked."

    def reject(self, item, request, site):
        place = item.record
        if place is None:
            return ""
        place.latitude = place.longitude = place.geonames_id = place.coordinates_score = None
        place.coordinates_origin = place.CoordinatesOrigin.EDITOR
        lock_changed_fields(place, ["latitude", "longitude"])
        place.save(update_fields=["latitude", "longitude", "geonames_id", "coordinates_score", "coordinates_origin",
                                  "locked_fields"])
        LogEntry.objects.log_actions(request.user.pk, [place], CHANGE, single_object=True,
                                     change_message="Cleared the gazetteer's coordinates (review queue: rejected).")
        return f"The gazetteer's coordinates of {place} are cleared; no later match sets them again."


# ------------------------------------------------------------------------------------------- writing

def write(flags: Iterable[Flag], *, document=None) -> dict[str, int]:
    """Store ``flags`` as review items, in bulk. With ``document``, its open items it no longer raises
    are dropped. Returns counts (``created``, ``updated``, ``dropped``, ``decided``: raised again but
    already decided, left as they are)."""
    flags = {f.key: f for f in flags}
    counts = {"created": 0, "updated": 0, "dropped": 0, "decided": 0}
    keys = list(flags)
    existing: dict[str, ReviewItem] = {}
    for start in range(0, len(keys), CHUNK):
        existing.update({i.key: i for i in ReviewItem.objects.filter(key__in=keys[start:start + CHUNK])})
    now = timezone.now()
    create, update = [], []
    for key, flag in flags.items():
        item = existing.get(key)
        record = flag.record
        conflict_id = flag.conflict.pk if isinstance(flag.conflict, Conflict) else flag.conflict
        if item is None:
            create.append(ReviewItem(
                key=key, reason=key.split(":", 1)[0], conflict_id=conflict_id, summary=flag.summary[:300],
                content_type=_ct(type(record)) if record is not None else None,
                object_id=record.pk if record is not None else None,
                document=document, evidence=flag.evidence, created_at=now))
        elif item.status != ReviewItem.Status.OPEN:
            counts["decided"] += 1
        elif (item.summary, item.evidence, item.conflict_id) != (flag.summary[:300], flag.evidence, conflict_id):
            item.summary, item.evidence, item.conflict_id = flag.summary[:300], flag.evidence, conflict_id
            update.append(item)
    # ignore_conflicts: another run raising the same key at the same time keeps its item
    ReviewItem.objects.bulk_create(create, batch_size=CHUNK, ignore_conflicts=True)
    ReviewItem.objects.bulk_update(update, ["summary", "evidence", "conflict"], batch_size=CHUNK)
    counts["created"], counts["updated"] = len(create), len(update)
    if document is not None and document.pk is not None:
        # this document's open items it did not raise again (compared in Python: no list of keys sent back)
        by_reason: dict[str, list[ReviewItem]] = {}
        for item in ReviewItem.objects.filter(document=document, status=ReviewItem.Status.OPEN).only(
                "pk", "key", "reason", "content_type_id", "object_id"):
            if item.key not in flags:
                by_reason.setdefault(item.reason, []).append(item)
        drop = [item.pk for reason, items in by_reason.items()
                for item in (REASONS.get(reason) or Reason()).stale(items)]
        if drop:
            counts["dropped"] = ReviewItem.objects.filter(pk__in=drop).delete()[0]
    return counts


def review_document(load) -> dict[str, int]:
    """Raise the review items of one document's load (called by ``importer.load`` at its end)."""
    flags = [flag for reason in REASONS.values() for flag in reason.find(load)]
    counts = write(flags, document=load.source)
    settled = [key for reason in REASONS.values() for key in reason.settled(load)]
    if settled:
        counts["dropped"] += ReviewItem.objects.filter(key__in=settled, status=ReviewItem.Status.OPEN).delete()[0]
    return counts


def backfill(codes: Iterable[str] | None = None) -> dict[str, int]:
    """Raise the items of already-imported data for the reasons that can find them without a re-import."""
    flags = [flag for code, reason in REASONS.items() if codes is None or code in codes
             for flag in reason.backfill()]
    return write(flags)


# ------------------------------------------------------------------------------------------- decisions

class DecisionRefused(Exception):
    """The decision could not be applied (permission, a record that other records depend on)."""


def decide(item: ReviewItem, status: str, request, site) -> str:
    """Apply and remember an editor's decision (``accepted``, ``rejected``, ``fixed``); the message says what
    it did. ``DecisionRefused`` leaves the item open."""
    reason = reason_of(item)
    with transaction.atomic():
        try:
            if status == ReviewItem.Status.ACCEPTED:
                note = reason.accept(item, request, site)
            elif status == ReviewItem.Status.REJECTED:
                note = reason.reject(item, request, site)
            else:
                note = "Corrected on the record's form."
        except PermissionError as exc:
            raise DecisionRefused(str(exc)) from None
        item.status, item.decided_by, item.decided_at = status, request.user, timezone.now()
        item.note = (note or "")[:300]
        # an update, not a save: the record the item names may be gone now (a rejected record is deleted)
        ReviewItem.objects.filter(pk=item.pk).update(status=item.status, decided_by=item.decided_by,
                                                     decided_at=item.decided_at, note=item.note)
    return note


def reopen(item: ReviewItem) -> None:
    item.status, item.decided_by, item.decided_at, item.note = ReviewItem.Status.OPEN, None, None, ""
    ReviewItem.objects.filter(pk=item.pk).update(status=item.status, decided_by=None, decided_at=None, note="")


__all__ = ["NEAR_THRESHOLD", "REASONS", "DecisionRefused", "Flag", "Reason", "backfill", "decide", "register",
           "reopen", "review_document", "sentence_at", "write"]

"""Load parsed documents into the database: one transaction per document, natural keys, editor locks.

``import_file(path)`` reads, parses and loads one file and returns a ``DocumentReport``; it never
raises for a bad document (the error is in the report) so the caller goes on with the others.
``importer.pipeline.import_paths`` runs it over many files (order, shared resolver).

Contracts:
- Re-importing a document whose bytes (sha256) and parser version are unchanged writes nothing and
  reports ``unchanged`` (``force=True`` reloads it anyway, still respecting locks).
- A field named in a record's ``locked_fields`` is never overwritten; a record with any locked field
  is never deleted. Each kept correction is listed in the report.
- Forces, people and places are matched by name and alias through ``sources.resolve.Resolver``, so
  the same entity named in two documents (or spelled two ways) is one record; an automatic join is
  recorded as an alias with origin ``resolver`` and its score.
- ``dry_run=True`` does all the work inside the transaction and rolls it back.
- Every value is checked against its model field before it is written (``importer.validation``): a
  value too long is cut, one out of range or contradicting another is dropped, each with a
  ``file:line`` warning in the report and on ``SourceDocument.problems``; one bad value never costs
  the document.
"""
from __future__ import annotations

import bisect
import hashlib
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from conflicts.models import Conflict, Force, ForceAlias, Participation, Side, Strength
from events.models import Event, EventPlace
from people.models import CommandRole, Person, PersonAlias
from sources import classify, resolve
from sources.entities import entities, entity
from sources.models import DeletedRecord, ResolutionDecision, SourceDocument, natural_key
from sources.parsing import PARSER_VERSION, ParseError, parse
from sources.parsing.records import DocumentRecord, Span
from sources.parsing.text import decode, norm
from sources.slugs import slugify, unique_slug

from .validation import Unstorable, check_values

log = logging.getLogger(__name__)


class Action(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DELETED = "deleted"


class Counts(Counter):
    """Records an import wrote, keyed by ``(model label, Action)``: ``counts["events.event", Action.CREATED]``."""

    def add(self, model: type[Model], action: Action, n: int = 1) -> None:
        self[model._meta.label_lower, action] += n

    def by_action(self) -> Counter:
        """Totals per ``Action`` over every model."""
        out: Counter = Counter()
        for (_, action), n in self.items():
            out[action] += n
        return out

    def changed(self) -> bool:
        """Whether anything was created, updated or deleted."""
        return any(n for (_, action), n in self.items() if action != Action.UNCHANGED)


@dataclass
class DocumentReport:
    path: str
    name: str
    status: str = "failed"          # created | updated | unchanged | parsed | failed
    title: str = ""
    error: str = ""                 # why the document failed: "file:line: message"
    counts: Counts = field(default_factory=Counts)
    kept: list[str] = field(default_factory=list)      # editor corrections the import kept
    problems: list[str] = field(default_factory=list)  # non-fatal: "file:line: message"
    record: DocumentRecord | None = None               # the parse, for --json

    @property
    def ok(self) -> bool:
        return self.status != "failed"


class _Rollback(Exception):
    """Raised inside the document transaction to undo a dry run."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_resolver() -> resolve.Resolver:
    """A resolver primed with every force, person and place and their aliases, and editors' decisions."""
    resolver = resolve.Resolver()
    for found in entities():
        kind = found.kind
        names: dict[int, list[str]] = {}
        for pk, name in found.model.objects.values_list("pk", "name"):
            names[pk] = [name]
        for pk, name in found.alias_model.objects.values_list(f"{found.fk}_id", "name"):
            names.setdefault(pk, []).append(name)
        contexts = _contexts(kind)
        for pk, all_names in names.items():
            resolver.add((kind, pk), kind, all_names, contexts.get(pk, ()))
    for d in ResolutionDecision.objects.all():
        key = (d.kind, d.record_id)
        (resolver.force if d.decision == ResolutionDecision.Decision.JOIN else resolver.forbid)(d.name, key)
    return resolver


def _contexts(kind: str) -> dict[int, set[str]]:
    """Conflict slugs each entity appears in: the resolver prefers candidates from the same offensive."""
    out: dict[int, set[str]] = {}
    if kind == "force":
        rows = Participation.objects.values_list("force_id", "side__conflict__slug")
    elif kind == "person":
        rows = CommandRole.objects.values_list("person_id", "conflict__slug")
    else:
        rows = EventPlace.objects.values_list("place_id", "event__conflict__slug")
    for pk, slug in rows:
        out.setdefault(pk, set()).add(slug)
    return out


def known_force_names() -> list[str]:
    return [*Force.objects.values_list("name", flat=True), *ForceAlias.objects.values_list("name", flat=True)]


def _parse(path: Path, data: bytes, fmt: str, known_forces: Iterable[str]) -> tuple[str, str, DocumentRecord]:
    """(text, encoding, record) of a file's bytes. Raises ``ParseError`` with a message that names the
    problem; a parser bug on odd input becomes a ``ParseError`` too, so one file never stops the others."""
    try:
        text, encoding = decode(data)
        return text, encoding, parse(text, name=path.name, format=fmt, known_forces=known_forces)
    except ParseError:
        raise
    except Exception as exc:
        log.debug("parsing %s failed", path, exc_info=True)
        raise ParseError(f"the parser failed on this document ({type(exc).__name__}: {exc})") from exc


def _error(path: Path, exc: ParseError) -> str:
    return f"{path}{f':{exc.line}' if exc.line else ''}: {exc.message}"


def parse_file(path: Path, *, fmt: str = "auto", known_forces: Iterable[str] = ()) -> DocumentReport:
    """Read and parse one document without touching the database (status ``parsed`` or ``failed``)."""
    report = DocumentReport(path=str(path), name=path.name)
    try:
        _, _, report.record = _parse(path, path.read_bytes(), fmt, known_forces)
    except OSError as exc:
        report.error = f"{path}: cannot read the file ({exc.strerror or exc})"
    except ParseError as exc:
        report.error = _error(path, exc)
    else:
        report.status, report.title = "parsed", report.record.title
        report.problems = [f"{path}:{p.line}: {p.message}" for p in report.record.problems]
    return report


def import_file(path: Path, *, fmt: str = "auto", dry_run: bool = False, force: bool = False,
                resolver: resolve.Resolver | None = None,
                known_forces: Iterable[str] | None = None) -> DocumentReport:
    """Read, parse and load one document in its own transaction; errors go into the report.

    ``resolver`` may be shared across documents; it learns the names a document adds, so after a
    dry run or a failed document (rolled back) the caller must not reuse it.
    """
    report = DocumentReport(path=str(path), name=path.name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.error = f"{path}: cannot read the file ({exc.strerror or exc})"
        return report
    digest = sha256(data)
    existing = SourceDocument.objects.filter(name=path.name).first()
    if (existing and not force and existing.sha256 == digest and existing.parser_version == PARSER_VERSION
            and existing.status == SourceDocument.Status.IMPORTED):
        report.status, report.title = "unchanged", existing.title
        return report
    try:
        text, encoding, record = _parse(path, data, fmt,
                                        known_force_names() if known_forces is None else known_forces)
    except ParseError as exc:
        report.error = _error(path, exc)
        _record_failure(path, digest, data, exc, dry_run)
        return report
    report.record, report.title = record, record.title
    report.problems = [f"{path}:{p.line}: {p.message}" for p in record.problems]
    try:
        with transaction.atomic():
            loader = _Loader(record, text, path, digest, encoding, report,
                             resolver if resolver is not None else build_resolver())
            loader.run(existing)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except Exception as exc:  # a database error must not stop the other documents
        log.debug("loading %s failed", path, exc_info=True)
        report.status = "failed"
        report.error = f"{path}: could not be loaded: {exc}"
        report.counts.clear()  # rolled back: nothing of it was written
        report.kept.clear()
    return report


def _record_failure(path: Path, digest: str, data: bytes, exc: ParseError, dry_run: bool) -> None:
    """Keep a failed document visible to editors (status failed, with the error); never touch a good one."""
    if dry_run or SourceDocument.objects.filter(name=path.name, status=SourceDocument.Status.IMPORTED).exists():
        return
    try:
        text, _ = decode(data)
    except ParseError:
        text = ""
    defaults, _ = check_values(SourceDocument, {
        "path": str(path), "sha256": digest, "text": text, "status": SourceDocument.Status.FAILED,
        "parser_version": PARSER_VERSION, "imported_at": timezone.now(),
        "problems": [{"line": exc.line, "message": exc.message}]})   # the error says what is wrong already
    SourceDocument.objects.update_or_create(name=path.name, defaults=defaults)


class _Loader:
    """Writes one parsed document. Created and run inside the document's transaction."""

    def __init__(self, record: DocumentRecord, text: str, path: Path, digest: str, encoding: str,
                 report: DocumentReport, resolver: resolve.Resolver):
        self.rec, self.text, self.path, self.digest, self.encoding = record, text, path, digest, encoding
        self.report, self.resolver = report, resolver
        self.source: SourceDocument | None = None
        self.conflict: Conflict | None = None
        self.new_forces: list[Force] = []
        self.deleted = set(DeletedRecord.objects.values_list("model", "key"))
        self.warnings: list[dict] = []    # {line, message}: stored on the source document with the parser's
        self._line_starts: list[int] | None = None

    # -- values checked before writes ------------------------------------------------------------
    def line(self, span: Span | None) -> int | None:
        """The line of the text a span starts on."""
        if span is None:
            return None
        if self._line_starts is None:
            self._line_starts = [m.start() for m in re.finditer("\n", self.text)]
        return bisect.bisect_left(self._line_starts, span.start) + 1

    def warn(self, span: Span | None, message: str) -> None:
        """A non-fatal problem: in the report as ``file:line: message`` and stored on the source document."""
        entry = {"line": self.line(span), "message": message}
        if entry in self.warnings:
            return
        self.warnings.append(entry)
        where = f"{self.path}:{entry['line']}" if entry["line"] else str(self.path)
        self.report.problems.append(f"{where}: {message}")

    def checked(self, model: type[Model], values: dict, span: Span | None, *, kept=None) -> dict:
        """``values`` within the limits of ``model``'s fields, each change reported at the span's line.
        Raises ``Unstorable`` (the caller skips the record)."""
        values, messages = check_values(model, values, kept=kept)
        for message in messages:
            self.warn(span, message)
        return values

    def create(self, model: type[Model], span: Span | None, **values) -> Model | None:
        """A new record of checked values; None (and a warning) when a required value cannot be stored."""
        try:
            values = self.checked(model, values, span)
        except Unstorable as exc:
            self.warn(span, f"{exc}: {model._meta.verbose_name} skipped")
            return None
        return model.objects.create(**values)

    def deleted_by_editor(self, model: type[Model], values: dict, label: str) -> bool:
        """True (and reported) when an editor deleted this record: the import must not bring it back."""
        key = natural_key(model, values)
        if key is None or (model._meta.label_lower, key) not in self.deleted:
            return False
        self.report.kept.append(f"{label}: not re-created (deleted by an editor)")
        return True

    # -- generic upsert with locks ---------------------------------------------------------------
    def upsert(self, model: type[Model], lookup: dict, fields: dict, *, span: Span | None = None,
               label: str | None = None) -> Model | None:
        """Create or update by natural key ``lookup``; fields an editor locked are kept and reported.

        Every value is checked against its field first (``importer.validation``): a value too long is cut,
        one out of range or contradicting another is dropped, each with a warning at the span's line.
        Returns None (and creates nothing) for a record an editor deleted, or one whose required
        value cannot be stored."""
        if span is not None:
            fields = {**fields, "span_start": span.start, "span_end": span.end}
        if self.source is not None and model is not SourceDocument:
            fields = {"source": self.source, **fields}
        try:
            lookup, fields = self.checked(model, lookup, span), self.checked(model, fields, span)
        except Unstorable as exc:
            self.warn(span, f"{exc}: {label or model._meta.verbose_name} skipped")
            return None
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            if self.deleted and self.deleted_by_editor(model, lookup, label or f"{model._meta.verbose_name} {lookup}"):
                return None
            obj = model.objects.create(**lookup, **fields)
            self.report.counts.add(model, Action.CREATED)
            return obj
        locked = set(getattr(obj, "locked_fields", ()) or ())
        changes = {}
        for key, value in fields.items():
            if not _differs(obj, key, value):
                continue
            if key in locked:
                self.report.kept.append(f"{label or obj}: kept the editor's {key} ({getattr(obj, key)!r})")
                continue
            changes[key] = value
        if changes:
            try:  # the new values against those the record keeps (an editor's locked date, say)
                changes = self.checked(model, changes, span, kept=vars(obj))
            except Unstorable as exc:
                self.warn(span, f"{exc}: {label or obj} not updated")
                changes = {}
            changes = {key: value for key, value in changes.items() if _differs(obj, key, value)}
        if changes:
            for key, value in changes.items():
                setattr(obj, key, value)
            obj.save(update_fields=list(changes))
            self.report.counts.add(model, Action.UPDATED)
        else:
            self.report.counts.add(model, Action.UNCHANGED)
        return obj

    def prune(self, queryset, label: str) -> None:
        """Delete records of this document that the new parse no longer has, except locked ones."""
        for obj in queryset:
            if obj.locked_fields:
                self.report.kept.append(f"{label} {obj}: kept (edited by an editor), though the source dropped it")
                continue
            obj.delete()
            self.report.counts.add(type(obj), Action.DELETED)

    # -- entities through the resolver --------------------------------------------------------------
    def entity(self, what: str, name: str, span: Span | None, **create_fields) -> Model | None:
        """The force, person or place called ``name``: an existing one (by name, alias or a close
        spelling) or a new one. A new spelling of a known record is kept as an alias. None when an
        editor deleted the record of that name."""
        kind = what  # "force" | "person" | "place" (``kind`` in create_fields is the record's own kind)
        model, alias_model, fk = entity(kind).model, entity(kind).alias_model, entity(kind).fk
        # cut to what the record can hold before matching, so that a re-import finds the same record
        name = self.checked(model, {"name": name}, span)["name"]
        context = {self.conflict.slug} if self.conflict else set()
        match = self.resolver.match(name, kind, context)
        if match is not None:
            obj = model.objects.get(pk=match.key[1])
            if norm(name) != norm(obj.name) and not alias_model.objects.filter(**{fk: obj, "name": name}).exists():
                origin = "import" if match.exact or match.forced else "resolver"
                if self.create(alias_model, span, **{fk: obj}, name=name, origin=origin, source=self.source,
                               score=None if match.exact else match.score) is not None:
                    self.resolver.add(match.key, kind, [name], context)
            return obj
        if self.deleted and self.deleted_by_editor(model, {"name": name}, f"{kind} {name}"):
            return None
        slug = unique_slug(model, name)
        fields = {"name": name, "slug": slug, **create_fields}
        if span is not None:
            fields.update(span_start=span.start, span_end=span.end)
        obj = self.create(model, span, source=self.source, **fields)
        if obj is None:
            return None
        self.report.counts.add(model, Action.CREATED)
        if model is Force:
            self.new_forces.append(obj)
        self.resolver.add((kind, obj.pk), kind, [name], context)
        return obj

    # -- the document ----------------------------------------------------------------------------
    def run(self, existing: SourceDocument | None) -> None:
        rec = self.rec
        fields = self.checked(SourceDocument, {  # checked here: a source document has no span of its own
            "path": str(self.path), "title": rec.title, "format": rec.format, "encoding": self.encoding,
            "sha256": self.digest, "text": self.text, "parser_version": PARSER_VERSION,
            "status": SourceDocument.Status.IMPORTED}, rec.spans().get("title"))
        self.source = self.upsert(SourceDocument, {"name": self.path.name}, fields)
        self.load_conflict()
        sides = self.load_sides()
        self.load_events(sides)
        self.link_new_forces_to_earlier_events()
        changed = self.report.counts.changed()
        if existing is None:
            self.report.status = "created"
        else:
            self.report.status = "updated" if changed else "unchanged"
        if changed or self.source.imported_at is None:
            SourceDocument.objects.filter(pk=self.source.pk).update(imported_at=timezone.now())
        # the parser's problems and the loader's warnings, for editors (not a change of the document)
        problems = [{"line": p.line, "message": p.message} for p in rec.problems] + self.warnings
        if self.source.problems != problems:
            SourceDocument.objects.filter(pk=self.source.pk).update(problems=problems)

    def load_conflict(self) -> None:
        rec = self.rec
        spans = rec.spans()
        fields = {
            "name": rec.title, "kind": classify.conflict_kind(rec.title) if "offensive" not in rec.title.lower()
            else Conflict.Kind.OFFENSIVE,
            "start_date": rec.start.date if rec.start else None,
            "start_precision": rec.start.precision if rec.start else "day",
            "end_date": rec.end.date if rec.end else None,
            "end_precision": rec.end.precision if rec.end else "day",
            "place": rec.place or "", "status": rec.status or "", "territory": list(rec.territory),
            "summary": rec.lead, "extra": dict(rec.extra),
        }
        # natural key: the conflict this document was loaded into before, else its title's slug
        conflict = Conflict.objects.filter(source=self.source).order_by("pk").first()
        lookup = {"pk": conflict.pk} if conflict else {"slug": slugify(rec.title)}
        self.conflict = self.upsert(Conflict, lookup, fields, span=spans.get("title"), label=rec.title)
        if "parents" not in self.conflict.locked_fields:
            parents = []
            for name in rec.part_of:
                slug = slugify(name)
                span = spans.get("part_of")
                parent = Conflict.objects.filter(slug=slug).first() or self.create(
                    Conflict, span, name=name, slug=slug, kind=classify.conflict_kind(name), source=self.source,
                    span_start=span.start if span else None, span_end=span.end if span else None)
                if parent is not None and parent.pk != self.conflict.pk:
                    parents.append(parent)
            self.conflict.parents.set(parents)

    def load_sides(self) -> dict[int, Side]:
        sides: dict[int, Side] = {}
        for side_rec in self.rec.sides:
            first = next(iter(side_rec.belligerents), None)
            side = self.upsert(Side, {"conflict": self.conflict, "number": side_rec.number}, {},
                               span=first.span if first else None, label=f"{self.rec.title}, {side_rec.label}")
            if side is None:
                continue
            sides[side_rec.number] = side
            self.load_participants(side, side_rec)
            self.load_strength(side, side_rec)
        self.prune(self.conflict.sides.exclude(number__in=[s.number for s in self.rec.sides]), "side")
        self.load_commanders(sides)
        return sides

    def load_participants(self, side: Side, side_rec) -> None:
        keep: list[int] = []
        for order, b in enumerate(side_rec.belligerents):
            force = self.entity("force", b.name, b.span,
                                kind=classify.force_kind(b.name, listed_as_unit=False, has_parent=False))
            part = force and self.upsert(Participation, {"side": side, "force": force, "role": "belligerent"},
                                         {"note": b.note or "", "name_as_written": b.name, "order": order},
                                         span=b.span)
            if part is not None:
                keep.append(part.pk)
        units: dict[str, Force] = {}
        for order, u in enumerate(side_rec.units):
            parent = units.get(u.parent) if u.parent else None
            force = self.entity("force", u.name, u.span, parent=parent,
                                kind=classify.force_kind(u.name, listed_as_unit=True, has_parent=parent is not None))
            if force is None:
                continue
            units[u.name] = force
            if parent is not None and force.parent_id != parent.pk and force.pk != parent.pk:
                self.upsert(Force, {"pk": force.pk}, {"parent": parent}, label=force.name)
            part = self.upsert(Participation, {"side": side, "force": force, "role": "unit"},
                               {"name_as_written": u.name, "order": order}, span=u.span)
            if part is not None:
                keep.append(part.pk)
        self.prune(side.participations.exclude(pk__in=keep), "participation")

    def load_strength(self, side: Side, side_rec) -> None:
        for order, s in enumerate(side_rec.strength):
            self.upsert(Strength, {"side": side, "order": order},
                        {"text": s.text, "number": s.number, "qualifier": s.qualifier or ""}, span=s.span)
        self.prune(side.strengths.filter(order__gte=len(side_rec.strength)), "strength")

    def load_commanders(self, sides: dict[int, Side]) -> None:
        keep: list[int] = []
        forces = self.conflict_forces()
        for side_rec in self.rec.sides:
            for order, c in enumerate(side_rec.commanders):
                if not resolve.is_plausible_person(c.name):
                    self.warn(c.span, f"{c.name!r} does not look like a person's name: skipped")
                    continue
                person = self.entity("person", c.name, c.span)
                if person is None:
                    continue
                alias = c.alias and self.checked(PersonAlias, {"name": c.alias}, c.span)["name"]
                if alias and not person.aliases.filter(name=alias).exists():
                    self.create(PersonAlias, c.span, person=person, name=alias, source=self.source, origin="import")
                named = resolve.find_mentions(c.role or "", forces)
                role = self.upsert(CommandRole, {"conflict": self.conflict, "person": person}, {
                    "side": sides.get(side_rec.number), "rank": c.rank or "", "role": c.role or "",
                    "fate": CommandRole.Fate.KILLED if c.kia else CommandRole.Fate.NONE,
                    "force_id": named[0][0] if named else None, "name_as_written": c.name,
                    "order": order}, span=c.span, label=f"{c.name} in {self.rec.title}")
                if role is not None:
                    keep.append(role.pk)
        self.prune(self.conflict.command_roles.exclude(pk__in=keep), "command role")

    def conflict_forces(self) -> list[tuple[int, str, list[str]]]:
        """(pk, "force", names and aliases) of the forces on this conflict's sides, for finding mentions."""
        forces = Force.objects.filter(participations__side__conflict=self.conflict).distinct()
        return [(f.pk, "force", [f.name, *(a.name for a in f.aliases.all())])
                for f in forces.prefetch_related("aliases")]

    def load_events(self, sides: dict[int, Side]) -> None:
        forces, people = self.mentions()
        seen: Counter = Counter()
        keep: list[int] = []
        for ev in self.rec.events:
            base = f"{self.conflict.slug[:150]}-{hashlib.sha1(norm(ev.text).encode()).hexdigest()[:10]}"
            seen[base] += 1
            key = base if seen[base] == 1 else f"{base}-{seen[base]}"
            event = self.upsert(Event, {"source_key": key}, {
                "conflict": self.conflict, "date": ev.date, "end_date": ev.end_date, "precision": ev.precision,
                "time_of_day": ev.time_of_day or "", "text": ev.text, "kind": ev.kind, "section": ev.section or "",
                "order": ev.order, "citations": list(ev.citations), "background": ev.background,
                "casualties": classify.casualties(ev.text)}, span=ev.span, label=f"event {ev.date}: {ev.text[:60]}")
            if event is None:
                continue
            keep.append(event.pk)
            self.link_places(event, ev)
            inside = range(ev.span.start, ev.span.end)
            if "forces" not in event.locked_fields:
                event.forces.set({pk for pk, start in forces if start in inside})
            if "people" not in event.locked_fields:
                event.people.set({pk for pk, start in people if start in inside})
        self.prune(Event.objects.filter(source=self.source).exclude(pk__in=keep), "event")

    def mentions(self) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """(pk, offset) of every force and person named in the document's prose, found in one pass.

        Any known force may be named (Hezbollah fights in Aleppo's prose, not its infobox); people
        are this offensive's commanders, so that a lone surname is not matched across wars.
        """
        forces = [(f.pk, "force", [f.name, *(a.name for a in f.aliases.all())])
                  for f in Force.objects.prefetch_related("aliases")]
        people = [(p.pk, "person", [p.name, *(a.name for a in p.aliases.all())])
                  for p in Person.objects.filter(roles__conflict=self.conflict).distinct().prefetch_related("aliases")]
        return ([(pk, start) for pk, start, _ in resolve.find_mentions(self.text, forces)],
                [(pk, start) for pk, start, _ in resolve.find_mentions(self.text, people)])

    def link_new_forces_to_earlier_events(self) -> None:
        """A force this document introduced may be named in documents loaded before it: link those events.

        The database narrows the candidates (the exact name in the text); the resolver confirms the mention.
        """
        everyone = None
        for force in self.new_forces:
            candidates = (Event.objects.exclude(source=self.source).filter(text__icontains=force.name)
                          .exclude(forces=force).only("pk", "text", "locked_fields"))
            for event in candidates:
                if "forces" in event.locked_fields:
                    continue
                # all forces compete, so "Hezbollah" inside "Kata'ib Hezbollah" is not a mention of Hezbollah
                everyone = everyone or [(f.pk, "force", [f.name, *(a.name for a in f.aliases.all())])
                                        for f in Force.objects.prefetch_related("aliases")]
                if any(pk == force.pk for pk, _, _ in resolve.find_mentions(event.text, everyone)):
                    event.forces.add(force)
                    self.report.counts.add(Event.forces.through, Action.CREATED)

    def link_places(self, event: Event, ev) -> None:
        if "places" in event.locked_fields:
            return
        keep: list[int] = []
        for order, mention in enumerate(ev.places):
            place = self.entity("place", mention.name, mention.span, kind=classify.place_kind(mention.name))
            if place is None:
                continue
            if any(link_place == place.pk for link_place in keep):
                continue  # two spellings of one place in a sentence: one link
            self.upsert(EventPlace, {"event": event, "place": place},
                        {"name_as_written": mention.name, "order": order}, span=mention.span)
            keep.append(place.pk)
        self.prune(event.place_links.exclude(place_id__in=keep), "place link")


def _differs(obj: Model, key: str, value) -> bool:
    """Whether writing ``value`` to ``obj.key`` changes it (the source document compared by primary key)."""
    if key == "source":
        return obj.source_id != (value.pk if value is not None else None)
    return getattr(obj, key) != value

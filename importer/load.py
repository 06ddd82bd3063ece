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
import datetime
import hashlib
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Model, Q, Value
from django.utils import timezone
from rapidfuzz import fuzz, process

from conflicts.cache import bump_generation
from conflicts.models import Conflict, Force, ForceAlias, Participation, Side, Strength
from events.models import Event, EventPlace
from people.models import CommandRole, Person, PersonAlias
from sources import classify, resolve
from sources.entities import entities, entity
from sources.gazetteer import default_gazetteer
from sources.models import DeletedRecord, KnownName, ResolutionDecision, SourceDocument, natural_key
from sources.parsing import PARSER_VERSION, NotAnArticle, Parsed, ParseError, from_worker, read
from sources.parsing.records import DocumentRecord, SourceMeta, Span
from sources.parsing.sides import KnownForces, KnownSides
from sources.parsing.text import decode, norm
from sources.slugs import base_slug, slugify, unique_slug

from . import geocode
from .bulk import IdPool
from .bulk import insert as insert_rows
from .claims import DocumentClaims, choose, from_json
from .locks import document_lock, names_lock
from .review import review_document
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
    status: str = "failed"          # created | updated | unchanged | parsed | skipped | busy | failed
    title: str = ""
    error: str = ""                 # why the document failed: "file:line: message"
    counts: Counts = field(default_factory=Counts)
    kept: list[str] = field(default_factory=list)      # editor corrections the import kept
    problems: list[str] = field(default_factory=list)  # non-fatal: "file:line: message"
    changes: list[dict] = field(default_factory=list)  # {action, model, record, fields: {name: [old, new]}}
    identity: str = ""
    record: DocumentRecord | None = None               # the parse, for --json
    skipped: NotAnArticle | None = None                # status "skipped": why (a redirect, not an offensive)
    retry: bool = False                                # failed on a conflict with another run: load it again
    resolver_stale: bool = False                       # the run's resolver learned keys that are not records

    def change(self, action: str, obj: Model, fields: dict | None = None) -> None:
        """What the import did to one record: ``added``, ``changed`` (field: old → new) or ``withdrawn``."""
        entry = {"action": action, "model": obj._meta.label_lower, "id": obj.pk, "record": str(obj)[:200]}
        if fields:
            entry["fields"] = {name: [_plain(old), _plain(new)] for name, (old, new) in fields.items()}
        self.changes.append(entry)

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def _plain(value):
    """A value as JSON can hold it, short enough to read in a report."""
    if isinstance(value, Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str) and len(value) > 120:
        return value[:117] + "..."
    return value


@dataclass(frozen=True)
class Page:
    """A document that is one page of a file holding many (an XML export)."""

    name: str                 # "Page_title.wiki": reports name the document EXPORT_FILE/Page_title.wiki
    title: str
    meta: SourceMeta


class _Rollback(Exception):
    """Raised inside the document transaction to undo a dry run."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class KnownNames:
    """Families of names that are one entity (``sources.KnownName``: shipped, learned, edited)."""

    # "the Islamic State of Iraq and the Levant (ISIL)", "Hay'at Tahrir al-Sham (HTS)"
    _WORD = r"(?:[A-Z][\w'’-]*|of|the|and|for|al-\w+)"
    INTRODUCED = re.compile(rf"\b({_WORD}(?:\s+{_WORD}){{1,9}})\s+\(([A-Z]{{2,6}})\)")

    def __init__(self, rows=()):
        self._family: dict[tuple[str, str], str] = {}       # (kind, normal form of a name) -> family name
        self._members: dict[tuple[str, str], list[str]] = {}  # (kind, family name) -> its names
        for kind, name, same_as in rows:
            self.add(kind, name, same_as)

    @classmethod
    def load(cls) -> KnownNames:
        return cls(KnownName.objects.values_list("kind", "name", "same_as"))

    def add(self, kind: str, name: str, same_as: str) -> None:
        family = self._family.get((kind, norm(same_as)), same_as)
        self._family[kind, norm(name)] = self._family[kind, norm(same_as)] = family
        members = self._members.setdefault((kind, family), [family])
        members.extend(n for n in (same_as, name) if n not in members)

    def names_of(self, kind: str, name: str) -> list[str]:
        """Every name of ``name``'s family (``name`` alone when it has none)."""
        family = self._family.get((kind, norm(name)))
        return list(self._members[kind, family]) if family else [name]

    @staticmethod
    def initials_match(words: str, acronym: str) -> bool:
        initials = "".join(w.removeprefix("al-")[:1] for w in words.split() if w not in ("of", "the", "and", "for"))
        return initials.upper() == acronym

    def introduced_in(self, text: str) -> list[tuple[str, str]]:
        """(acronym, full name) pairs a text introduces, whose acronym spells the full name's initials."""
        found = []
        for m in self.INTRODUCED.finditer(text):
            words = m.group(1).split()
            for start in range(len(words) - 1):   # the longest tail of the run that the acronym spells
                tail = " ".join(words[start:])
                if words[start][:1].isupper() and self.initials_match(tail, m.group(2)):
                    found.append((m.group(2), tail))
                    break
        return found


def build_resolver() -> resolve.Resolver:
    """A resolver primed with every force, person and place and their aliases (and the other names of
    their known families), and editors' decisions."""
    resolver = resolve.Resolver()
    known = KnownNames.load()
    for found in entities():
        kind = found.kind
        names: dict[int, list[str]] = {}
        for pk, name in found.model.objects.values_list("pk", "name"):
            names[pk] = [name]
        for pk, name in found.alias_model.objects.values_list(f"{found.fk}_id", "name"):
            names.setdefault(pk, []).append(name)
        contexts = _contexts(kind)
        for pk, all_names in names.items():
            family = [n for name in all_names for n in known.names_of(kind, name)]
            resolver.add((kind, pk), kind, list(dict.fromkeys(all_names + family)), contexts.get(pk, ()))
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
    for pk, slug in rows.order_by().distinct().iterator(chunk_size=10000):   # one row per pair, not per link
        out.setdefault(pk, set()).add(slug)
    return out


def known_force_names() -> KnownForces:
    """The force names and aliases the database knows, with the sides of its offensives
    (``known_sides``): what the plain parser reads a document with."""
    names = [*Force.objects.values_list("name", flat=True), *ForceAlias.objects.values_list("name", flat=True)]
    return KnownForces(names, known_sides())


def known_sides() -> KnownSides:
    """Which forces (names and aliases) and commanders (names and aliases) were on which side of each
    offensive whose sides are told apart: the evidence that splits a plain infobox run that does not
    part its sides (``sources.parsing.sides``). One query per kind, whatever the number of offensives."""
    known = KnownSides()
    resolved = Side.objects.filter(conflict__sides_unresolved=False)
    numbers = dict(resolved.values_list("pk", "number"))
    conflicts = dict(resolved.values_list("pk", "conflict_id"))
    if not numbers:
        return known
    force_names: dict[int, list[str]] = {}
    for pk, name in Force.objects.values_list("pk", "name").iterator(chunk_size=10000):
        force_names.setdefault(pk, []).append(name)
    for pk, name in ForceAlias.objects.values_list("force_id", "name").iterator(chunk_size=10000):
        force_names.setdefault(pk, []).append(name)
    for side, force in Participation.objects.filter(side_id__in=resolved).values_list("side_id", "force_id").distinct():
        known.add(conflicts[side], numbers[side], forces=force_names.get(force, ()))
    people = dict(Person.objects.values_list("pk", "name"))
    aliases: dict[int, list[str]] = {}
    for pk, name in PersonAlias.objects.values_list("person_id", "name").iterator(chunk_size=10000):
        aliases.setdefault(pk, []).append(name)
    for side, person in CommandRole.objects.filter(side_id__in=resolved).values_list("side_id", "person_id").distinct():
        if person in people:
            known.add(conflicts[side], numbers[side], people=[people[person], *aliases.get(person, ())])
    return known


def _parse(path: Path, data: bytes, fmt: str, known_forces: Iterable[str], *, title: str | None = None,
           meta: SourceMeta | None = None, parsed: Parsed | None = None) -> tuple[str, str, DocumentRecord]:
    """(text, encoding, record) of a file's bytes (``parsing.read``; ``parsed``: read already, by a worker
    process); ``text`` is what spans point into (for a wiki page, its readable rendering). Raises
    ``ParseError`` and ``NotAnArticle``."""
    if parsed is None:
        try:
            parsed = read(data, name=path.name, format=fmt, known_forces=known_forces, title=title, meta=meta)
        except ParseError as exc:
            log.debug("parsing %s failed", path, exc_info=exc.__cause__ is not None)
            raise
    return parsed.text, parsed.encoding, parsed.record


def _error(path: Path, exc: ParseError) -> str:
    return f"{path}{f':{exc.line}' if exc.line else ''}: {exc.message}"


def parse_file(path: Path, *, fmt: str = "auto", known_forces: Iterable[str] = (),
               data: bytes | None = None, page: Page | None = None) -> DocumentReport:
    """Read (unless ``data``: its bytes, read by the caller) and parse one document without touching
    the database (status ``parsed``, ``skipped`` or ``failed``). ``page``: the document is a page of
    the export at ``path`` (see ``import_file``)."""
    where = path if page is None else path / page.name
    report = DocumentReport(path=str(where), name=path.name if page is None else f"{path.name}/{page.name}")
    try:
        _, _, report.record = _parse(where, path.read_bytes() if data is None else data,
                                     "wikitext" if page is not None else fmt, known_forces,
                                     title=page and page.title, meta=page and page.meta)
    except NotAnArticle as exc:
        report.status, report.skipped = "skipped", exc
        return report
    except OSError as exc:
        report.error = f"{where}: cannot read the file ({exc.strerror or exc})"
    except ParseError as exc:
        report.error = _error(where, exc)
    else:
        report.status, report.title = "parsed", report.record.title
        report.problems = [f"{where}:{p.line}: {p.message}" for p in report.record.problems]
    return report


def import_file(path: Path, *, identity: str | None = None, url: str = "", fmt: str = "auto",
                dry_run: bool = False, force: bool = False,
                resolver: resolve.Resolver | Callable[[], resolve.Resolver] | None = None,
                known_forces: Iterable[str] | Callable[[], Iterable[str]] | None = None, data: bytes | None = None,
                page: Page | None = None,
                title: str | None = None, retrieved_at: datetime.datetime | None = None,
                parsed: Parsed | tuple | None = None) -> DocumentReport:
    """Read (unless ``data``: its bytes, read by the caller), parse (unless ``parsed``: what
    ``parsing.read_in_worker`` returned for these bytes) and load one document in its own
    transaction; errors go into the report.

    ``identity``: what makes the document itself (``SourceDocument.identity``): its canonical URL or
    page name, else its path relative to the import root (the pipeline computes it; by default the
    path as given). A wiki page that names its canonical URL (a saved HTML page) is known by it,
    unless ``url`` (``--source-url``) says otherwise. A document stored under another identity with
    the same bytes, whose file is gone, is the same document moved. ``resolver`` may be shared across
    documents (or a function that returns it, called only when the document is loaded: a run of
    unchanged documents never builds one); it learns the names a document adds, so after a dry run
    or a failed document (rolled back) the caller must not reuse it.
    ``page``: the document is one page of the export at ``path`` (reports name it
    ``EXPORT/Page_title.wiki``); ``title``: the page title of a wikitext file; ``retrieved_at``: when
    the page was retrieved (the file's time). A wiki page whose stored revision is newer than this
    one is left as it is (status ``unchanged``, with a warning); a page that is not an offensive's
    article is ``skipped``.
    """
    where = path if page is None else path / page.name
    identity = identity or str(where)
    report = DocumentReport(path=str(where), name=where.name if page is None else f"{path.name}/{page.name}",
                            identity=identity)
    try:
        data = path.read_bytes() if data is None else data
    except OSError as exc:
        report.error = f"{where}: cannot read the file ({exc.strerror or exc})"
        return report
    with document_lock(identity) as held:
        if not held:
            report.status = "busy"     # another run holds it: the pipeline says so, not a failure
            return report
        return _load_document(report, path, where, data, identity=identity, url=url, fmt=fmt, dry_run=dry_run,
                              force=force, resolver=resolver, known_forces=known_forces, page=page, title=title,
                              retrieved_at=retrieved_at, parsed=parsed)


def _load_document(report: DocumentReport, path: Path, where: Path, data: bytes, *, identity: str, url: str,
                   fmt: str, dry_run: bool, force: bool,
                   resolver: resolve.Resolver | Callable[[], resolve.Resolver] | None,
                   known_forces: Iterable[str] | Callable[[], Iterable[str]] | None,
                   page: Page | None, title: str | None,
                   retrieved_at: datetime.datetime | None, parsed: Parsed | tuple | None) -> DocumentReport:
    """``import_file`` once the document is read and held by this run."""
    digest = sha256(data)
    mine, existing = _stored(identity, digest, where)
    if (existing and not force and existing.sha256 == digest and existing.parser_version == PARSER_VERSION
            and existing.status == SourceDocument.Status.IMPORTED):
        report.status, report.title, report.identity = "unchanged", existing.title, existing.identity
        if existing.identity != identity and not dry_run and not _is_url(existing.identity):
            # the same document, moved: known by its new place
            SourceDocument.objects.filter(pk=existing.pk).update(identity=identity, path=str(where.absolute()),
                                                                 name=report.name[:255])
        return report
    try:
        if parsed is not None:
            text, encoding, record = _parse(where, data, fmt, (), parsed=from_worker(parsed))
        else:
            text, encoding, record = _parse(where, data, fmt,
                                            known_force_names() if known_forces is None else
                                            known_forces() if callable(known_forces) else known_forces,
                                            title=title or (page and page.title), meta=page and page.meta)
    except NotAnArticle as exc:
        report.status, report.skipped = "skipped", exc
        return report
    except ParseError as exc:
        report.error = _error(where, exc)
        _record_failure(where, identity, digest, data, exc, dry_run, stored=(mine,))
        return report
    canonical = record.meta.canonical_url if record.meta else None
    if canonical and not url and identity != canonical:
        identity = report.identity = canonical[:1024]
        existing = SourceDocument.objects.filter(identity=identity).first() or existing
    report.record, report.title = record, record.title
    report.problems = [f"{where}:{p.line}: {p.message}" for p in record.problems]
    newer = existing.revision_id if existing is not None else None
    stated = record.meta.revision_id if record.meta else None
    if newer and stated and stated < newer and existing.status == SourceDocument.Status.IMPORTED:
        report.status = "unchanged"
        report.problems.append(f"{where}: revision {stated} is older than the stored revision {newer} of this page: "
                               "the stored one is kept")
        return report
    try:
        with transaction.atomic():
            if callable(resolver):
                resolver = resolver()
            loader = _Loader(record, text, where, digest, encoding, report,
                             resolver if resolver is not None else build_resolver(),   # (an empty one is falsy)
                             identity=identity, url=url,
                             original=data, retrieved_at=retrieved_at)
            loader.run(existing)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except Exception as exc:  # a database error must not stop the other documents
        log.debug("loading %s failed", path, exc_info=True)
        report.status = "failed"
        # a record another run inserted meanwhile, or a deadlock with it: worth one more try
        report.retry = isinstance(exc, IntegrityError | OperationalError)
        report.error = f"{where}: could not be loaded: {exc}"
        report.counts.clear()  # rolled back: nothing of it was written
        report.kept.clear()
        report.changes.clear()
    return report


def stored_documents(identities: list[str]) -> list[tuple[str, str, str]]:
    """(identity, sha256, title) of the documents of these identities stored as imported by this parser:
    those ``import_file`` finds unchanged when given the same bytes (the pipeline reads them at once)."""
    return list(SourceDocument.objects.filter(identity__in=identities, parser_version=PARSER_VERSION,
                                              status=SourceDocument.Status.IMPORTED)
                .values_list("identity", "sha256", "title"))


def stored_unchanged(data: bytes, path: Path) -> bool:
    """Whether these bytes were imported from ``path`` with this parser and loaded: ``import_file`` will
    find the document unchanged (it decides; this only spares ``--jobs`` workers reading it)."""
    return SourceDocument.objects.filter(sha256=sha256(data), path=str(path.absolute()), parser_version=PARSER_VERSION,
                                         status=SourceDocument.Status.IMPORTED).exists()


def _degrees(value: float) -> Decimal:
    """A coordinate as the model stores it (6 decimal places)."""
    return Decimal(f"{value:.6f}")


def _is_url(identity: str) -> bool:
    return identity.startswith(("https://", "http://"))


def _stored(identity: str, digest: str, where: Path) -> tuple[SourceDocument | None, SourceDocument | None]:
    """(the stored document of this identity, the stored document these bytes are), in one query: the
    second is the one of this identity, else one imported from this path with these bytes, else one
    with these bytes whose file is no longer where it was imported from (a page is known by its URL)."""
    path = str(where.absolute())
    found = sorted(SourceDocument.objects.filter(
        Q(identity=identity) | Q(sha256=digest, path=path) | Q(sha256=digest, status=SourceDocument.Status.IMPORTED)),
        key=lambda doc: (doc.name, doc.pk))     # the model's order, as ``first()`` took them
    mine = next((doc for doc in found if doc.identity == identity), None)
    return mine, (mine or next((doc for doc in found if doc.sha256 == digest and doc.path == path), None)
                  or next((doc for doc in found if doc.sha256 == digest and doc.status == SourceDocument.Status.IMPORTED
                           and doc.path and not Path(doc.path).exists() and not _is_url(doc.identity)), None))


def _record_failure(path: Path, identity: str, digest: str, data: bytes, exc: ParseError, dry_run: bool,
                    stored: tuple[SourceDocument | None] | None = None) -> None:
    """Keep a failed document visible to editors (status failed, with the error); never touch a good one,
    nor one stored as failed with these bytes by this parser (a run over the same bad file writes nothing).
    ``stored``: ``(the document of this identity or None,)`` when the caller read it already (under the
    document's lock), else it is read here."""
    if dry_run:
        return
    doc = stored[0] if stored is not None else SourceDocument.objects.filter(identity=identity).first()
    Status = SourceDocument.Status
    if doc is not None and (doc.status == Status.IMPORTED or (
            doc.status == Status.FAILED and (doc.sha256, doc.parser_version) == (digest, PARSER_VERSION))):
        return
    try:
        text, _ = decode(data)
    except ParseError:
        text = ""
    defaults, _ = check_values(SourceDocument, {
        "path": str(path.absolute()), "sha256": digest, "text": text, "status": SourceDocument.Status.FAILED,
        "parser_version": PARSER_VERSION, "imported_at": timezone.now(),
        "problems": [{"line": exc.line, "message": exc.message}]})   # the error says what is wrong already
    if stored is not None and doc is None:    # none of this identity, and the lock keeps other runs off it
        SourceDocument.objects.create(identity=identity, name=path.name[:255], **defaults)
        return
    SourceDocument.objects.update_or_create(identity=identity, defaults={"name": path.name[:255], **defaults})


class _Loader:
    """Writes one parsed document. Created and run inside the document's transaction.

    Every record the document states is matched to an existing one (by natural key, by the
    document's claim from its previous import, or for a sentence by its wording), the document's
    claim on it is renewed, and its fields take the value chosen from all its claims
    (``importer.claims``). Records the document stated before and no longer states are withdrawn
    at the end (``withdraw``).
    """

    #: withdrawn records are handled children first, so that a parent is only removed once it is empty
    WITHDRAW_ORDER = (EventPlace, Event, CommandRole, Strength, Participation, Side, Conflict)
    EVENT_REWORDED = 80   # rapidfuzz ratio over normalised sentences: the same sentence, reworded
    EVENT_RETOLD = 92     # ... the same sentence in another document about the same offensive

    def __init__(self, record: DocumentRecord, text: str, path: Path, digest: str, encoding: str,
                 report: DocumentReport, resolver: resolve.Resolver, *, identity: str, url: str = "",
                 original: bytes = b"", retrieved_at: datetime.datetime | None = None):
        self.rec, self.text, self.path, self.digest, self.encoding = record, text, path, digest, encoding
        self.report, self.resolver, self.identity, self.url = report, resolver, identity, url
        self.original, self.retrieved_at = original, retrieved_at
        self.source: SourceDocument | None = None
        self.claims: DocumentClaims | None = None
        self.conflict: Conflict | None = None
        self.new_names: list[tuple[Force, str]] = []   # forces, and new names of known forces, to link
        self._indexed = 0                                # how many of them the run's forces index has
        deleted = list(DeletedRecord.objects.values_list("model", "key", "source_id"))
        self.deleted = {(model, key) for model, key, _ in deleted}
        self.deleted_sources = {(model, source) for model, _, source in deleted}   # read by ``_EventMatcher``
        # read per document, not per run: families another run learned meanwhile join this run's records
        self.known = KnownNames.load()
        if getattr(resolver, "id_pool", None) is None:    # new rows' keys, taken ahead for the run's documents
            resolver.id_pool = IdPool()
        self.ids: IdPool = resolver.id_pool
        self._place_countries: dict[int, set[str]] = {}
        self._records: dict[tuple, Model] = {}           # forces, people and places matched in this document
        self._aliases: dict[str, set[tuple[int, str]]] = {}   # (pk, alias) of the records in ``_records``
        self._alias_read: set[tuple[str, int]] = set()         # records whose aliases ``_aliases`` holds
        self._slugs: dict[str, dict[str, Model | None]] = {}  # slug -> the record that has it (None: free)
        self._rows: dict[type[Model], dict[tuple, Model]] = {}  # this offensive's sides, participations...
        self._pending: dict[type[Model], list[tuple]] = {}    # new rows written together (``flush``)
        self._ids: dict[type[Model], list[int]] = {}           # primary keys reserved for new records
        self._named: set[tuple] = set()                  # (record key, name) known to be its name or alias
        self._new_names: list[tuple[str, str, tuple]] = []   # (kind, name, record key): new records and aliases
        self.resolver_aliases = 0    # aliases this load made from a fuzzy match (``review.CloseResolverJoin``)
        self._unit_parents: dict[int, tuple[Force, Span | None]] = {}   # units whose parent the document states
        self.new_source = False      # the document is new: no record of an earlier import names it
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
        """A new record of checked values; None (and a warning) when a required value cannot be stored.

        A model with primary keys reserved for this document (``reserve_ids``) gets the next one and
        is written later with the others (``flush``); until then only its key may be used."""
        try:
            values = self.checked(model, values, span)
        except Unstorable as exc:
            self.warn(span, f"{exc}: {model._meta.verbose_name} skipped")
            return None
        ids = self._ids.get(model)
        if ids:
            obj = model(pk=ids.pop(), **values)
            self._pending.setdefault(model, []).append((obj, None, None, None))
            return obj
        return model.objects.create(**values)

    def reserve_ids(self, model: type[Model], n: int) -> None:
        """Take ``n`` primary keys of ``model`` from its sequence at once (PostgreSQL), so that its new
        records can be written together; elsewhere they are written one by one."""
        if n > 0 and connection.vendor == "postgresql":
            self._ids[model] = self.ids.take(model, n)[::-1]     # popped from the end: ascending

    def deleted_by_editor(self, model: type[Model], values: dict, label: str) -> bool:
        """True (and reported) when an editor deleted this record: the import must not bring it back."""
        key = natural_key(model, values)
        if key is None or (model._meta.label_lower, key) not in self.deleted:
            return False
        self.report.kept.append(f"{label}: not re-created (deleted by an editor)")
        return True

    # -- claims: create or match, state, choose --------------------------------------------------
    def upsert(self, model: type[Model], lookup: dict, fields: dict, *, span: Span | None = None,
               label: str | None = None, key: str | None = None, found: Model | None = None,
               deletion_key: dict | None = None, bulk: bool = False) -> Model | None:
        """The record ``lookup`` names (or ``found``, matched by the caller), created or updated with
        the values this document states, as this document's claim on it.

        Records of the models in ``ROW_KEYS`` are found among this offensive's rows, read once
        (``read_rows``), not one query each. ``bulk``: a new record is written with the others of its
        model by ``flush`` (one statement); it has no primary key until then.

        Every value is checked against its field first (``importer.validation``): a value too long is
        cut, one out of range or contradicting another is dropped, each with a warning at the span's
        line. An existing record takes the value chosen from all its claims for each field an editor
        did not lock (a locked one is kept and reported). Returns None (and creates nothing) for a
        record an editor deleted, or one whose required value cannot be stored."""
        try:
            lookup, fields = self.checked(model, lookup, span), self.checked(model, fields, span)
        except Unstorable as exc:
            self.warn(span, f"{exc}: {label or model._meta.verbose_name} skipped")
            return None
        key = key or natural_key(model, lookup) or str(sorted(lookup.items()))
        rows = self._rows.get(model) if model in self.ROW_KEYS else None
        if found is not None:
            obj = found
        elif rows is not None:
            obj = rows.get(self.row_key(model, lookup))
        else:
            obj = model.objects.filter(**lookup).first()
        if obj is None:
            if self.deleted and self.deleted_by_editor(model, deletion_key or lookup,
                                                      label or f"{model._meta.verbose_name} {lookup}"):
                return None
            provenance = {"source": self.source, "span_start": span.start if span else None,
                          "span_end": span.end if span else None}
            if bulk:
                obj = model(**lookup, **fields, **provenance)
                self._pending.setdefault(model, []).append((obj, key, fields, span))
            else:
                obj = model.objects.create(**lookup, **fields, **provenance)
                self.stated_new(obj, key, fields, span)
            if rows is not None:
                rows[self.row_key(model, lookup)] = obj
            return obj
        if obj.pk is None or self.claims.ident(obj) in self.claims.new:
            # stated twice by this document: the first statement holds
            self.warn(span, f"{label or obj} is stated twice in this document: the first statement is kept")
            return obj
        self.claims.state(obj, key, fields, span)
        wanted = self.claims.chosen(obj) if fields else {}
        if obj.source_id in (None, self.source.pk) or not self.claims.others(obj) or not obj.in_source:
            wanted.update(source_id=self.source.pk, span_start=span.start if span else None,
                          span_end=span.end if span else None)  # the record is shown at this document's words
        wanted["in_source"] = True
        self.apply(obj, wanted, span, label)
        return obj

    def stated_new(self, obj: Model, key: str, fields: dict, span: Span | None) -> None:
        """A record this document created: its claim, counted and reported."""
        self.claims.state(obj, key, fields, span)
        self.report.counts.add(type(obj), Action.CREATED)
        self.report.change("added", obj)

    def flush(self, model: type[Model]) -> None:
        """Write the new records of ``model`` that ``upsert(..., bulk=True)`` or ``create`` (with keys
        reserved) collected, in one statement."""
        pending = self._pending.pop(model, [])
        insert_rows(model, [obj for obj, _, _, _ in pending], ids=self.ids)
        for obj, key, fields, span in pending:
            if key is not None:       # an upsert: its claim (``create``'s caller states its own)
                self.stated_new(obj, key, fields, span)

    #: records found among the offensive's own rows (read once per document): the fields of their
    #: lookup besides the offensive, as attnames
    ROW_KEYS: dict[type[Model], tuple[str, ...]] = {
        Side: ("number",), Participation: ("side_id", "force_id", "role"), Strength: ("side_id", "order"),
        CommandRole: ("person_id",)}

    def row_key(self, model: type[Model], lookup: dict) -> tuple:
        def value(attname):
            if attname in lookup:
                return lookup[attname]
            value = lookup[attname.removesuffix("_id")]
            return value.pk if isinstance(value, Model) else value
        return tuple(value(attname) for attname in self.ROW_KEYS[model])

    def read_rows(self, created: bool) -> None:
        """This offensive's sides, participations, strengths and command roles, with the other
        documents' claims on them: read once, so that ``upsert`` needs no query to find them. A
        newly created offensive has none."""
        querysets = {Side: Side.objects.filter(conflict=self.conflict),
                     Participation: Participation.objects.filter(side__conflict=self.conflict),
                     Strength: Strength.objects.filter(side__conflict=self.conflict),
                     CommandRole: CommandRole.objects.filter(conflict=self.conflict)}
        idents = []
        for model, queryset in querysets.items():
            rows = self._rows[model] = {}
            for obj in (() if created else queryset):
                rows[tuple(getattr(obj, attname) for attname in self.ROW_KEYS[model])] = obj
                idents.append(self.claims.ident(obj))
        self.claims.prefetch_others(idents)

    def apply(self, obj: Model, wanted: dict, span: Span | None, label: str | None) -> None:
        """Write ``wanted`` (attnames) to ``obj``, except fields an editor locked (kept and reported)."""
        changed = self.change(obj, wanted, span, label)
        if changed and not obj._state.adding:    # a new record not written yet (``flush``) is written as it is
            obj.save(update_fields=changed)

    def change(self, obj: Model, wanted: dict, span: Span | None, label: str | None) -> list[str]:
        """Set ``wanted`` (attnames) on ``obj`` in memory, except fields an editor locked (kept and
        reported); count and report it. Returns the attnames to save (the caller saves, one by one or in bulk)."""
        model = type(obj)
        locked = set(obj.locked_fields or ())
        changes = {}
        for attname, value in wanted.items():
            name = attname.removesuffix("_id") if attname.endswith("_id") and attname != "object_id" else attname
            if getattr(obj, attname) == value:
                continue
            if name in locked:
                self.report.kept.append(f"{label or obj}: kept the editor's {name} ({getattr(obj, name)!r})")
                continue
            changes[attname] = value
        if changes:
            try:  # the new values against those the record keeps (an editor's locked date, say)
                changes = self.checked(model, changes, span, kept=vars(obj))
            except Unstorable as exc:
                self.warn(span, f"{exc}: {label or obj} not updated")
                changes = {}
            changes = {k: v for k, v in changes.items() if getattr(obj, k) != v}
        if changes:
            before = {attname: getattr(obj, attname) for attname in changes}
            for attname, value in changes.items():
                setattr(obj, attname, value)
            provenance_only = set(changes) <= {"source_id", "span_start", "span_end", "in_source"}
            self.report.counts.add(model, Action.UNCHANGED if provenance_only else Action.UPDATED)
            if not provenance_only:
                self.report.change("changed", obj, {k: (before[k], v) for k, v in changes.items()
                                                    if k not in ("span_start", "span_end")})
        else:
            self.report.counts.add(model, Action.UNCHANGED)
        return list(changes)

    def withdraw(self) -> None:
        """Records this document stated before and no longer states: its claims go; a record no other
        document claims is deleted, unless an editor locked it (then it is kept, marked no longer in
        the source, and reported) or it still has records below it. Forces, people and places are
        never deleted here: they only lose this document's claim."""
        by_model: dict[type[Model], list[int]] = {}
        for ct, pk in self.claims.withdrawn():
            model = ContentType.objects.get_for_id(ct).model_class()
            by_model.setdefault(model, []).append(pk)
        for model in self.WITHDRAW_ORDER:
            for obj in model.objects.filter(pk__in=by_model.get(model, ())):
                others = self.claims.remaining(self.claims.ident(obj))
                if others:
                    newest = others[0]
                    wanted = from_json(model, choose(model, [c.values for c in others]))
                    if obj.source_id == self.source.pk:
                        wanted.update(source_id=newest.document_id, span_start=newest.span_start,
                                      span_end=newest.span_end)
                    self.apply(obj, wanted, None, None)
                elif obj.locked_fields or self.has_dependents(obj):
                    if obj.in_source:
                        obj.in_source = False
                        obj.save(update_fields=["in_source"])
                    if obj.locked_fields:
                        self.report.kept.append(f"{model._meta.verbose_name} {obj}: kept (edited by an editor), "
                                                "though no source states it any more")
                else:
                    self.report.change("withdrawn", obj)
                    obj.delete()
                    self.report.counts.add(model, Action.DELETED)

    @staticmethod
    def has_dependents(obj: Model) -> bool:
        if isinstance(obj, Side):
            return obj.participations.exists() or obj.strengths.exists() or obj.command_roles.exists()
        if isinstance(obj, Conflict):
            return obj.sides.exists() or obj.events.exists()
        return False

    # -- entities through the resolver --------------------------------------------------------------
    def entity(self, what: str, name: str, span: Span | None, **create_fields) -> Model | None:
        """The force, person or place called ``name``: an existing one (by name, alias or a close
        spelling) or a new one. A new spelling of a known record is kept as an alias. None when an
        editor deleted the record of that name. The document claims the record (it names it)."""
        kind = what  # "force" | "person" | "place" (``kind`` in create_fields is the record's own kind)
        model, alias_model, fk = entity(kind).model, entity(kind).alias_model, entity(kind).fk
        # cut to what the record can hold before matching, so that a re-import finds the same record
        name = self.checked(model, {"name": name}, span)["name"]
        context = {self.conflict.slug} if self.conflict else set()
        match = self.resolver.match(name, kind, context)
        if match is not None and kind == "place" and not match.forced and not self.same_country(match.key[1]):
            match = None   # a place of the same name elsewhere (al-Sirt in Iraq is not Sirte in Libya)
        if match is not None:
            if match.key not in self._records:
                self._records[match.key] = model.objects.get(pk=match.key[1])
            obj = self._records[match.key]
            if norm(name) != norm(obj.name) and (match.key, name) not in self._named and \
                    not self.has_alias(kind, obj, name):
                origin = "import" if match.exact or match.forced else "resolver"
                if self.create(alias_model, span, **{fk: obj}, name=name, origin=origin, source=self.source,
                               score=None if match.exact else match.score) is not None:
                    self._aliases.setdefault(kind, set()).add((obj.pk, name))
                    self._new_names.append((kind, name, match.key))
                    self.resolver_aliases += origin == "resolver"
                    self.resolver.add(match.key, kind, [name], context)
                    if kind == "force":
                        self.new_names.append((obj, name))
            self._named.add((match.key, name))
            if self.claims.ident(obj) not in self.claims.new:   # a later mention adds nothing to the claim
                self.claims.state(obj, f"{kind}:{norm(name)}", {}, span)
            return obj
        if self.deleted and self.deleted_by_editor(model, {"name": name}, f"{kind} {name}"):
            return None
        slug = base_slug(name)
        slugs = self._slugs.setdefault(kind, {})
        if slug not in slugs:
            slugs[slug] = model._base_manager.filter(slug=slug).only("pk", "name").first()
        other = slugs[slug]
        if other is not None and not self.resolver.knows((kind, other.pk)):
            # another import run made it since this run's resolver was built: one record, not two,
            # known by all its names as a resolver built now would know it
            self.learn_record(kind, other, context, also=name)
            return self.entity(what, name, span, **create_fields)
        if other is not None:      # a record of another name has the slug (the same name elsewhere)
            slug = self.unique_slug(kind, model, name)
        fields = {"name": name, "slug": slug, **create_fields}
        if kind == "place":   # the gazetteer's coordinates, in the offensive's country (a lookup in memory)
            fields.update(geocode.coordinates_for(default_gazetteer(), name, self.place_country))
        if span is not None:
            fields.update(span_start=span.start, span_end=span.end)
        obj = self.create(model, span, source=self.source, **fields)
        if obj is None:
            return None
        if slugs.get(obj.slug) is None:
            slugs[obj.slug] = obj
        if kind == "place":
            self._place_countries[obj.pk] = set()   # no event of any offensive names it yet
        self._records[kind, obj.pk] = obj
        self._new_names.append((kind, name, (kind, obj.pk)))
        self.claims.state(obj, f"{kind}:{norm(name)}", {}, span)
        self.report.counts.add(model, Action.CREATED)
        self.report.change("added", obj)
        if model is Force:
            self.new_names.append((obj, name))
        self.resolver.add((kind, obj.pk), kind, self.known.names_of(kind, name), context)
        return obj

    def learn_record(self, kind: str, obj: Model, context: set[str], also: str = "") -> None:
        """Teach the run's resolver a record another run made since it was built: by its name, its aliases
        and their known families (as ``build_resolver`` would), and ``also``."""
        e = entity(kind)
        names = [obj.name, *e.alias_model.objects.filter(**{e.fk: obj}).values_list("name", flat=True)]
        family = [n for name in names for n in self.known.names_of(kind, name)]
        self.resolver.add((kind, obj.pk), kind, list(dict.fromkeys([*names, *family, *filter(None, [also])])),
                          context)

    def check_other_runs(self) -> None:
        """Before the document commits: no other run has meanwhile given a name this document made a new
        record or alias of to another record that this run did not know by that name (PostgreSQL; one
        writer on SQLite). Raises ``IntegrityError`` when one has: the pipeline loads the document again
        with a resolver that knows it, so that two runs keep one record where one run would.

        Checked under a transaction lock that every run takes here: a run that commits after this one
        checks after this one's commit, and so sees its records; the lock is held only from here to the
        commit. A name is compared as it is spelt (a spelling that only normalises the same, as "the X"
        and "X", is not seen here: the unique slug catches most of those)."""
        if connection.vendor != "postgresql" or not self._new_names:
            return
        names_lock()
        wanted: dict[str, dict[str, tuple]] = {}
        for kind, name, key in self._new_names:
            wanted.setdefault(kind, {})[name] = key
        queries = []    # every record and alias of those names, in one statement
        for kind, named in wanted.items():
            e = entity(kind)
            queries += [e.model._base_manager.filter(name__in=list(named)).values_list(Value(kind), "pk", "name"),
                        e.alias_model.objects.filter(name__in=list(named))
                        .values_list(Value(kind), f"{e.fk}_id", "name")]
        for kind, pk, name in queries[0].union(*queries[1:], all=True):
            if (kind, pk) != wanted[kind][name] and not self.resolver.has_name((kind, pk), kind, name):
                raise IntegrityError(f"another import run gave the {kind} name {name!r} to record {pk} "
                                     "meanwhile: loaded again knowing it")

    def unique_slug(self, kind: str, model: type[Model], name: str) -> str:
        """``sources.slugs.unique_slug``, also free of the slugs of this document's new records (written
        together later, so not in the table yet)."""
        taken = self._slugs.get(kind, {})
        slug = unique_slug(model, name)
        if taken.get(slug) is None:
            return slug
        base, n = base_slug(name), 2
        while taken.get(slug) is not None or model._base_manager.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def read_entities(self) -> None:
        """The forces, people and places this document names that the resolver already knows, with
        their aliases and the slugs its new names would take: read in one query per kind and table,
        before ``entity`` goes through the names one by one (which then needs no query for them)."""
        context = {self.conflict.slug}
        names: dict[str, set[str]] = {"force": set(), "person": set(), "place": set()}
        matched: dict[tuple[str, str], int] = {}    # (kind, name) -> the key of the record it names
        for side in self.rec.sides:
            names["force"].update(b.name for b in side.belligerents)
            names["force"].update(u.name for u in side.units)
            names["person"].update(c.name for c in side.commanders if resolve.is_plausible_person(c.name))
        for ev in self.rec.events:
            names["place"].update(m.name for m in ev.places)
        for kind, wanted in names.items():
            model, alias_model, fk = entity(kind).model, entity(kind).alias_model, entity(kind).fk
            limit = model._meta.get_field("name").max_length
            known, free = set(), set()
            for name in wanted:
                match = self.resolver.match(name[:limit].strip(), kind, context)
                if match is not None:
                    known.add(match.key[1])
                    matched[kind, name] = match.key[1]
                else:
                    free.add(base_slug(name[:limit].strip()))
            found = model.objects.in_bulk([pk for pk in known if (kind, pk) not in self._records])
            for pk, obj in found.items():
                self._records[kind, pk] = obj
            aliases = self._aliases.setdefault(kind, set())
            aliases.update(alias_model.objects.filter(**{f"{fk}_id__in": list(found)})
                           .values_list(f"{fk}_id", "name"))
            self._alias_read.update((kind, pk) for pk in found)
            slugs = self._slugs.setdefault(kind, {})
            self.reserve_ids(model, len(free))     # new records written together (``flush``, ``write_new_places``)
            free -= set(slugs)
            slugs.update(dict.fromkeys(free))
            for obj in model._base_manager.filter(slug__in=free).only("pk", "name", "slug"):
                slugs[obj.slug] = obj
            if kind == "place":
                self.read_place_countries(list(found))
        # the parents other documents give the units of this one (``load_participants``)
        ct = DocumentClaims.content_type(Force).pk
        self.claims.prefetch_stating([(ct, matched["force", u.name]) for side in self.rec.sides for u in side.units
                                      if u.parent and ("force", u.name) in matched], "parent_id")

    def has_alias(self, kind: str, obj: Model, name: str) -> bool:
        """Whether ``name`` is already an alias of ``obj``."""
        if (kind, obj.pk) in self._alias_read:
            return (obj.pk, name) in self._aliases.get(kind, ())
        alias_model, fk = entity(kind).alias_model, entity(kind).fk
        return alias_model.objects.filter(**{fk: obj, "name": name}).exists()

    def read_place_countries(self, place_pks: list[int]) -> None:
        """The countries of the offensives whose events name these places (``same_country``), in one query."""
        if not place_pks or not self.conflict or classify.country_of(self.conflict.place) is None:
            return
        pairs = (Conflict.objects.filter(events__place_links__place_id__in=place_pks).exclude(place="")
                 .values_list("events__place_links__place_id", "place").distinct())
        places: dict[int, set[str]] = {pk: set() for pk in place_pks}
        for pk, place in pairs:
            places[pk].add(place)
        for pk, named in places.items():
            self._place_countries[pk] = {c for c in map(classify.country_of, named) if c}

    @cached_property
    def place_country(self) -> str | None:
        """ISO code of the country this document's new places are looked up in (``importer.geocode``)."""
        return geocode.offensive_country(
            default_gazetteer(), self.conflict.place if self.conflict else "",
            [b.name for side in self.rec.sides for b in side.belligerents],
            [m.name for ev in self.rec.events for m in ev.places], self.conflict.name if self.conflict else "")

    def same_country(self, place_pk: int) -> bool:
        """Whether a known place may be the one this offensive names: it is in the offensive's country, or
        either country is unknown (a place line that names none)."""
        here = classify.country_of(self.conflict.place) if self.conflict else None
        if here is None:
            return True
        if place_pk not in self._place_countries:
            places = (Conflict.objects.filter(events__place_links__place_id=place_pk).exclude(place="")
                      .values_list("place", flat=True).distinct()[:20])
            self._place_countries[place_pk] = {c for c in map(classify.country_of, places) if c}
        countries = self._place_countries[place_pk]
        return not countries or here in countries

    # -- the document ----------------------------------------------------------------------------
    def run(self, existing: SourceDocument | None) -> None:
        rec = self.rec
        meta = rec.meta or SourceMeta()
        fields = self.checked(SourceDocument, {  # checked here: a source document has no span of its own
            "identity": self.identity, "name": self.report.name, "path": str(self.path.absolute()),
            "url": self.url or meta.canonical_url or "", "title": rec.title, "format": rec.format,
            "encoding": self.encoding, "sha256": self.digest, "text": self.text, "parser_version": PARSER_VERSION,
            "status": SourceDocument.Status.IMPORTED, "revision_id": meta.revision_id,
            "revision_time": meta.revision_time, "licence": meta.licence or "", "site": meta.site or "",
            "retrieved_at": self.retrieved_at}, rec.spans().get("title"))
        fields["original"] = self.original
        if existing is None:
            self.source = SourceDocument.objects.create(**fields)
            self.new_source = True
            self.report.counts.add(SourceDocument, Action.CREATED)
        else:
            self.source = existing
            changes = {k: v for k, v in fields.items() if getattr(existing, k) != v}
            for k, v in changes.items():
                setattr(existing, k, v)
            if changes:
                existing.save(update_fields=list(changes))
            self.report.counts.add(SourceDocument, Action.UPDATED if changes else Action.UNCHANGED)
        self.claims = DocumentClaims(self.source)
        self.learn_acronyms()
        self.load_conflict()
        self.read_rows(created=self.conflict_created)
        self.read_entities()
        sides = self.load_sides()
        self.load_events(sides)
        for model in list(self._pending):   # nothing is left unwritten
            self.flush(model)
        self.withdraw()
        self.claims.save(ids=self.ids)
        review_document(self)   # what the importer doubts, for editors (admin: the review queue)
        self.link_new_names_to_earlier_events()
        self.check_other_runs()
        changed = self.report.counts.changed()
        if changed:   # rows written with COPY and bulk updates send no signal: cached page parts made before are stale
            bump_generation()
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

    def learn_acronyms(self) -> None:
        """Acronyms the document introduces become known names of forces (editors see and correct them)."""
        for acronym, full in self.known.introduced_in(self.text):
            if norm(acronym) in {norm(n) for n in self.known.names_of("force", full)}:
                continue
            KnownName.objects.get_or_create(kind="force", name=acronym[:300], defaults={
                "same_as": full[:300], "origin": KnownName.Origin.LEARNED, "source": self.source})
            self.known.add("force", acronym, full)
            matched = [self.resolver.match(n, "force") for n in (full, acronym)]
            for match in filter(None, matched):   # a record known under one of the two names learns the other
                self.resolver.add(match.key, "force", [full, acronym])

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
            "summary": rec.lead, "extra": dict(rec.extra), "sides_unresolved": rec.sides_unresolved,
            "latitude": _degrees(rec.coordinates[0]) if rec.coordinates else None,
            "longitude": _degrees(rec.coordinates[1]) if rec.coordinates else None,
        }
        # each value checked at its own line (a 10,000-character place is reported on the Place line)
        where = {"start_date": "date", "end_date": "date", "place": "place", "status": "status",
                 "territory": "territory", "latitude": "coordinates", "longitude": "coordinates"}
        for name, value in list(fields.items()):
            fields.update(self.checked(Conflict, {name: value}, spans.get(where.get(name, "title"))))
        # the conflict this document stated before, else the one of its title (several documents may
        # tell one offensive: each claims it, and the fields are chosen from their claims)
        before = [c for (ct, _), c in self.claims.old.items() if ct == DocumentClaims.content_type(Conflict).pk
                  and c.key == "conflict:main"]
        conflict = Conflict.objects.filter(pk=before[0].object_id).first() if before else None
        lookup = {"pk": conflict.pk} if conflict else {"slug": slugify(rec.title)}
        created = self.report.counts["conflicts.conflict", Action.CREATED]
        self.conflict = self.upsert(Conflict, lookup, fields, span=spans.get("title"), label=rec.title,
                                    key="conflict:main", deletion_key={"slug": slugify(rec.title)})
        self.conflict_created = self.report.counts["conflicts.conflict", Action.CREATED] > created
        if self.conflict is None:
            raise Unstorable(f"the offensive {rec.title!r} cannot be stored")
        span = spans.get("part_of")
        parents = []
        for name in rec.part_of:
            parent = self.upsert(Conflict, {"slug": slugify(name)},
                                 {"name": name, "kind": classify.conflict_kind(name)},
                                 span=span, label=name, key=f"conflict:part-of:{slugify(name)}")
            if parent is not None and parent.pk != self.conflict.pk:
                parents.append(parent)
        if "parents" not in self.conflict.locked_fields and parents:
            self.conflict.parents.add(*parents)   # other documents may name other parents: add, never replace

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
        for force, span in self._unit_parents.values():
            # once per unit, from the document's last statement of it: a unit the document lists twice under
            # two parents is not changed twice (an unchanged re-import would count it updated, twice)
            wanted = self.claims.chosen(force, field="parent_id")
            self.apply(force, {"parent_id": wanted["parent_id"]}, span, force.name)
        self.flush(Force)    # new forces first: the commanders' roles read this offensive's forces
        self.flush(Participation)
        self.flush(Strength)
        self.load_commanders(sides)
        self.flush(Person)   # new people before the events: their mentions are read from this offensive's roles
        self.flush(CommandRole)
        return sides

    def load_participants(self, side: Side, side_rec) -> None:
        for order, b in enumerate(side_rec.belligerents):
            force = self.entity("force", b.name, b.span,
                                kind=classify.force_kind(b.name, listed_as_unit=False, has_parent=False))
            if force is not None:
                self.upsert(Participation, {"side": side, "force": force, "role": "belligerent"},
                            {"note": b.note or "", "name_as_written": b.name, "order": order}, span=b.span,
                            bulk=True)
        units: dict[str, Force] = {}
        for order, u in enumerate(side_rec.units):
            parent = units.get(u.parent) if u.parent else None
            force = self.entity("force", u.name, u.span, parent=parent,
                                kind=classify.force_kind(u.name, listed_as_unit=True, has_parent=parent is not None))
            if force is None:
                continue
            units[u.name] = force
            if parent is not None and force.pk != parent.pk:
                # the unit's parent is this document's claim; documents that disagree: the most recent wins
                self.claims.state(force, f"force:{norm(u.name)}", {"parent": parent}, u.span)
                self._unit_parents[force.pk] = (force, u.span)     # set once all sides are read
            self.upsert(Participation, {"side": side, "force": force, "role": "unit"},
                        {"name_as_written": u.name, "order": order}, span=u.span, bulk=True)

    def load_strength(self, side: Side, side_rec) -> None:
        for order, s in enumerate(side_rec.strength):
            self.upsert(Strength, {"side": side, "order": order},
                        {"text": s.text, "number": s.number, "qualifier": s.qualifier or ""}, span=s.span,
                        bulk=True)

    def load_commanders(self, sides: dict[int, Side]) -> None:
        forces = None     # compiled for the first commander with a role that may name a force
        for side_rec in self.rec.sides:
            for order, c in enumerate(side_rec.commanders):
                if not resolve.is_plausible_person(c.name):
                    self.warn(c.span, f"{c.name!r} does not look like a person's name: skipped")
                    continue
                person = self.entity("person", c.name, c.span)
                if person is None:
                    continue
                alias = c.alias and self.checked(PersonAlias, {"name": c.alias}, c.span)["name"]
                if alias and not self.has_alias("person", person, alias) and self.create(
                        PersonAlias, c.span, person=person, name=alias, source=self.source, origin="import"):
                    self._aliases.setdefault("person", set()).add((person.pk, alias))
                if c.role and forces is None:
                    forces = resolve.MentionIndex(self.conflict_forces())
                named = forces.find(c.role) if c.role else []
                self.upsert(CommandRole, {"conflict": self.conflict, "person": person}, {
                    "side": sides.get(side_rec.number), "rank": c.rank or "", "role": c.role or "",
                    "fate": CommandRole.Fate.KILLED if c.kia else CommandRole.Fate.NONE,
                    "force_id": named[0][0] if named else None, "name_as_written": c.name,
                    "order": order}, span=c.span, label=f"{c.name} in {self.rec.title}", bulk=True)

    def conflict_forces(self) -> list[tuple[int, str, list[str]]]:
        """(pk, "force", names and aliases) of the forces on this conflict's sides, for finding mentions."""
        forces = Force.objects.filter(participations__side__conflict=self.conflict).distinct()
        return [(f.pk, "force", [f.name, *(a.name for a in f.aliases.all())])
                for f in forces.prefetch_related("aliases")]

    # -- events: matched by wording, across versions and documents --------------------------------
    def load_events(self, sides: dict[int, Side]) -> None:
        """The document's events, written in bulk: matched (``_EventMatcher``), new ones created in one
        statement, changed ones updated in one, their places and the forces and people they name set
        from one read of the existing links."""
        forces, people = self.mentions()
        matcher = _EventMatcher(self)
        planned: list[tuple] = []     # (parsed event, Event, values, fingerprint, new)
        for ev in self.rec.events:
            fingerprint = _fingerprint(ev.text)
            label = f"event {ev.date}: {ev.text[:60]}"
            found = matcher.match(ev.text, fingerprint)
            if found is None and matcher.deleted(ev.text, fingerprint):
                self.report.kept.append(f"{label}: not re-created (deleted by an editor)")
                continue
            try:
                values = self.checked(Event, {
                    "conflict": self.conflict, "date": ev.date, "end_date": ev.end_date, "precision": ev.precision,
                    "time_of_day": ev.time_of_day or "", "text": ev.text, "kind": ev.kind,
                    "section": ev.section or "", "order": ev.order, "citations": list(ev.citations),
                    "background": ev.background, "casualties": classify.casualties(ev.text)}, ev.span)
            except Unstorable as exc:
                self.warn(ev.span, f"{exc}: {label} skipped")
                continue
            if found is None:
                key = matcher.new_key(fingerprint)
                if self.deleted and self.deleted_by_editor(Event, {"source_key": key}, label):
                    continue
                event = Event(source_key=key, source=self.source, span_start=ev.span.start, span_end=ev.span.end,
                              **values)
            else:
                event = found
            planned.append((ev, event, values, fingerprint, found is None))
        for _, event, _, _, new in planned:
            if new:
                event.set_period_end()
        insert_rows(Event, [event for _, event, _, _, new in planned if new], ids=self.ids)
        changed_events, changed_fields = [], set()
        for ev, event, values, fingerprint, new in planned:
            self.claims.state(event, f"event:{fingerprint}", values, ev.span)
            if new:
                self.report.counts.add(Event, Action.CREATED)
                self.report.change("added", event)
                continue
            wanted = self.claims.chosen(event)
            if event.source_id == self.source.pk or not self.claims.others(event) or not event.in_source:
                wanted.update(source_id=self.source.pk, span_start=ev.span.start, span_end=ev.span.end)
            wanted["in_source"] = True
            fields = self.change(event, wanted, ev.span, f"event {ev.date}: {ev.text[:60]}")
            if fields and event.set_period_end():
                fields = [*fields, "period_end"]
            if fields:
                changed_events.append(event)
                changed_fields.update(fields)
        if changed_events:
            Event.objects.bulk_update(changed_events, sorted(changed_fields), batch_size=500)
        events = [(ev, event) for ev, event, _, _, _ in planned]
        self.link_places(events)
        for relation, mentioned in (("forces", forces), ("people", people)):
            mentioned = sorted(mentioned, key=lambda m: m[1])
            starts = [start for _, start in mentioned]
            wanted = {}
            for ev, event in events:
                if relation not in event.locked_fields:   # the mentions inside the sentence, found by bisection
                    first, last = bisect.bisect_left(starts, ev.span.start), bisect.bisect_left(starts, ev.span.end)
                    wanted[event.pk] = {pk for pk, _ in mentioned[first:last]}
            _set_links(relation, wanted, self.report, self.ids)

    def mentions(self) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """(pk, offset) of every force and person named in the document's prose, found in one pass.

        Any known force may be named (Hezbollah fights in Aleppo's prose, not its infobox); people
        are this offensive's commanders, so that a lone surname is not matched across wars.
        """
        people = [(p.pk, "person", [p.name, *(a.name for a in p.aliases.all())])
                  for p in Person.objects.filter(roles__conflict=self.conflict).distinct().prefetch_related("aliases")]
        return ([(pk, start) for pk, start, _ in self.forces_index().find(self.text)],
                [(pk, start) for pk, start, _ in resolve.find_mentions(self.text, people)])

    def forces_index(self) -> resolve.MentionIndex:
        """Every force's names, compiled once per run (kept with the resolver) and extended with the
        forces and names this document added. Ties go to the older force (the lower key), so the
        result is the one a fresh index over the database would give."""
        index = self.resolver.forces_index
        if index is None:
            index = self.resolver.forces_index = resolve.MentionIndex(
                [(f.pk, "force", [f.name, *(a.name for a in f.aliases.all())])
                 for f in Force.objects.prefetch_related("aliases")], rank=lambda pk: pk)
            self._indexed = len(self.new_names)     # already in the database it was built from
        for force, name in self.new_names[self._indexed:]:
            index.add(force.pk, "force", [name])
        self._indexed = len(self.new_names)
        return index

    def link_new_names_to_earlier_events(self) -> None:
        """A force this document introduced, or a new name of a known force (an alias, a spelling), may be
        named in documents loaded before it: those events' forces are read again from their sentences
        with every force known now, as if they had been loaded after it. All forces compete, so a
        sentence that linked "Feshthukia" inside "the Feshthukian Arab Army" before that army was known
        links the army instead (the links a re-import of that document gives: the run's order does not
        change them).

        The database narrows the candidates, in one query for all the new names (on PostgreSQL, the
        full-text index of the events' words: every word of a name as a prefix of a word of the
        sentence; elsewhere, or for a name without such words, the name in the text); the forces'
        mention index decides.
        """
        if not self.new_names:
            return
        wanted: dict[int, set[int]] = {}
        events = Event.objects.exclude(source=self.source).filter(_naming_any([name for _, name in self.new_names]))
        for event in events.order_by().only("pk", "text", "locked_fields").iterator(chunk_size=2000):
            if "forces" not in event.locked_fields:
                wanted[event.pk] = {pk for pk, _, _ in self.forces_index().find(event.text)}
        _set_links("forces", wanted, self.report, self.ids)

    def link_places(self, events: list[tuple]) -> None:
        """The places each event's sentence names, as ``EventPlace`` links, from one read of the existing ones."""
        existing = {(link.event_id, link.place_id): link
                    for link in EventPlace.objects.filter(event__in=[event for _, event in events])}
        create, update = [], []
        for ev, event in events:
            if "places" in event.locked_fields:
                for (event_id, _), link in existing.items():   # the editor's links stand: still stated here
                    previous = self.claims.previous(link) if event_id == event.pk else None
                    if previous is not None:
                        self.claims.state(link, previous.key, {}, Span(previous.span_start, previous.span_end)
                                          if previous.span_start is not None else None)
                continue
            seen: set[int] = set()
            for order, mention in enumerate(ev.places):
                place = self.entity("place", mention.name, mention.span, kind=classify.place_kind(mention.name))
                if place is None or place.pk in seen:
                    continue  # two spellings of one place in a sentence: one link
                seen.add(place.pk)
                values = self.checked(EventPlace, {"name_as_written": mention.name, "order": order}, mention.span)
                link = existing.get((event.pk, place.pk))
                if link is None:
                    link = EventPlace(event=event, place_id=place.pk, source=self.source,
                                      span_start=mention.span.start, span_end=mention.span.end, **values)
                    create.append((link, values, mention))
                    continue
                self.claims.state(link, natural_key(EventPlace, {"event": event, "place": place.pk}), values,
                                  mention.span)
                wanted = self.claims.chosen(link)
                if link.source_id == self.source.pk or not self.claims.others(link) or not link.in_source:
                    wanted.update(source_id=self.source.pk, span_start=mention.span.start,
                                  span_end=mention.span.end)
                wanted["in_source"] = True
                if self.change(link, wanted, mention.span, None):
                    update.append(link)
        taken = self.write_new_places()       # new places first: the links name them
        if taken:    # another run made some of this document's new places: link its records instead
            for link, _, _ in create:
                link.place_id = taken.get(link.place_id, link.place_id)
            unique: dict[tuple[int, int], tuple] = {}
            for item in create:        # a sentence naming both: one link, the first mention's
                unique.setdefault((item[0].event_id, item[0].place_id), item)
            create = list(unique.values())
        insert_rows(EventPlace, [link for link, _, _ in create], ids=self.ids)
        for link, values, mention in create:
            self.claims.state(link, natural_key(EventPlace, {"event": link.event, "place": link.place_id}), values,
                              mention.span)
            self.report.counts.add(EventPlace, Action.CREATED)
        if update:
            EventPlace.objects.bulk_update(update, ["name_as_written", "order", "source_id", "span_start", "span_end",
                                                    "in_source"], batch_size=500)


    def write_new_places(self) -> dict[int, int]:
        """Write this document's new places in one statement that skips those whose slug another run
        sharing the database wrote since the document was read (``INSERT ... ON CONFLICT DO NOTHING``,
        which waits for that run's transaction): they are that run's records, not new ones. Returns
        {reserved key: the record's key} for those, with this document's claims and aliases moved to
        them; the run's resolver is rebuilt after this document, as it knows the reserved keys."""
        model = entity("place").model
        pending = [obj for obj, *_ in self._pending.pop(model, [])]
        if not pending:
            return {}
        model.objects.bulk_create(pending, ignore_conflicts=True, batch_size=1000)
        written = set(model._base_manager.filter(pk__in=[obj.pk for obj in pending]).values_list("pk", flat=True))
        lost = [obj for obj in pending if obj.pk not in written]
        if not lost:
            return {}
        held = dict(model._base_manager.filter(slug__in=[obj.slug for obj in lost]).values_list("slug", "pk"))
        missing = [obj.slug for obj in lost if obj.slug not in held]
        if missing:    # not a slug another run holds: a conflict this run cannot resolve (the document is retried)
            raise IntegrityError(f"new places not written: {', '.join(missing)}")
        taken = {obj.pk: held[obj.slug] for obj in lost}
        ct = DocumentClaims.content_type(model).pk
        for reserved, pk in taken.items():
            stated = self.claims.new.pop((ct, reserved), None)
            if stated is not None and (ct, pk) not in self.claims.new:
                self.claims.new[ct, pk] = stated
            self.report.counts.add(model, Action.CREATED, -1)
            self.report.changes = [c for c in self.report.changes
                                   if not (c["model"] == model._meta.label_lower and c["id"] == reserved)]
            found = entity("place")
            found.alias_model.objects.filter(**{f"{found.fk}_id": reserved}).update(**{f"{found.fk}_id": pk})
        self._new_names = [(kind, name, (key[0], taken.get(key[1], key[1])) if kind == "place" else key)
                           for kind, name, key in self._new_names]      # (``check_other_runs``)
        self.report.resolver_stale = True
        return taken


_WORD = re.compile(r"[^\W_]+")
#: Words that many force names share: a prefix search for them reads a large part of the events' index
#: (every "army", every "brigade"), so a name is searched by its other words when it has some.
_COMMON_WORDS = frozenset({
    "army", "armies", "armed", "force", "forces", "brigade", "brigades", "battalion", "battalions",
    "division", "divisions", "regiment", "corps", "front", "guard", "guards", "company", "group", "unit",
    "units", "militia", "militias", "movement", "national", "defence", "defense", "revolutionary",
    "islamic", "popular", "people", "liberation", "special", "ground", "air", "navy", "naval", "infantry",
    "mechanized", "mechanised", "armoured", "armored", "airborne", "rifle", "tank", "the", "and", "for",
})


def _naming_any(names: list[str]) -> Q:
    """Events whose sentence may name one of ``names`` (a superset: the mention index decides)."""
    condition, terms = Q(), []
    for name in dict.fromkeys(names):
        words = [w for w in _WORD.findall(name) if len(w) >= 3]   # "al", "35": not worth a prefix search
        # every word must be in the sentence: the rarer ones alone give a superset too, read much faster
        words = [w for w in words if w.lower() not in _COMMON_WORDS] or words
        if connection.vendor == "postgresql" and words:
            terms.append("(" + " & ".join(f"'{w.lower()}':*" for w in words) + ")")
        else:
            condition |= Q(text__icontains=name) if len(name) >= 4 else Q(text__contains=name)
    if terms:  # the expression of the events' full-text index (events migration 0004), so that it is used
        vector = SearchVector("text", "section", config="english")
        condition |= Q(pk__in=Event.objects.annotate(words=vector).filter(
            words=SearchQuery(" | ".join(terms), search_type="raw", config="english")).values("pk"))
    return condition


def _fingerprint(sentence: str) -> str:
    return hashlib.sha1(norm(sentence).encode()).hexdigest()[:16]


def _set_links(relation: str, wanted: dict[int, set[int]], report: DocumentReport, ids: IdPool | None = None) -> None:
    """Set a many-to-many of several events (``wanted``: event pk -> linked pks) from one read and at most
    one delete and one insert, counting each event whose links changed."""
    if not wanted:
        return
    field = Event._meta.get_field(relation)
    through = field.remote_field.through
    other = field.m2m_reverse_field_name() + "_id"
    current: dict[int, set[int]] = {pk: set() for pk in wanted}
    for event_id, pk in through.objects.filter(event_id__in=list(wanted)).values_list("event_id", other):
        current[event_id].add(pk)
    add, remove = [], Q()
    for event_id, pks in wanted.items():
        if pks == current[event_id]:
            continue
        report.counts.add(through, Action.UPDATED if current[event_id] else Action.CREATED)
        add += [through(event_id=event_id, **{other: pk}) for pk in pks - current[event_id]]
        if current[event_id] - pks:
            remove |= Q(event_id=event_id, **{f"{other}__in": current[event_id] - pks})
    if remove:
        through.objects.filter(remove).delete()
    insert_rows(through, add, ids=ids)


class _EventMatcher:
    """Which event a sentence of this document is: the document's own event from its previous import
    (same wording, else reworded), else the same sentence told by another document about the same
    offensive; a sentence an editor deleted stays deleted, reworded or not."""

    def __init__(self, loader: _Loader):
        self.loader = loader
        ct = DocumentClaims.content_type(Event).pk
        mine = {pk: c for (kind, pk), c in loader.claims.old.items() if kind == ct}
        events = Event.objects.in_bulk(list(mine))
        self.mine = [(events[pk], c.key.removeprefix("event:"), norm(events[pk].text))
                     for pk, c in sorted(mine.items(), key=lambda kv: (kv[1].span_start or 0, kv[0])) if pk in events]
        # searched in C (rapidfuzz), not a Python loop per sentence: a taken event's text is None (skipped)
        self._mine_texts: list[str | None] = [t for _, _, t in self.mine]
        self._mine_by_fingerprint: dict[str, list[int]] = {}
        for i, (_, fp, _) in enumerate(self.mine):
            self._mine_by_fingerprint.setdefault(fp, []).append(i)
        self._others: list[tuple[int, str, str]] | None = None
        self._other_texts: list[str | None] = []
        self._others_by_fingerprint: dict[str, list[int]] = {}
        source_key_prefix = loader.conflict.slug[:150]
        self.used_keys = set(Event.objects.filter(source_key__startswith=source_key_prefix)
                             .values_list("source_key", flat=True))
        self.prefix = source_key_prefix
        self.deleted_events = [(d.key, norm(d.text)) for d in DeletedRecord.objects.filter(
            model=Event._meta.label_lower, source=loader.source)] \
            if loader.source.pk and (Event._meta.label_lower, loader.source.pk) in loader.deleted_sources else []

    def match(self, text: str, fingerprint: str) -> Event | None:
        """The first of this document's earlier events with the same wording, else the most alike at
        ``EVENT_REWORDED`` or more (the first of equals), else the first other document's event of this
        offensive with the same wording or alike at ``EVENT_RETOLD``; each taken once."""
        words = norm(text)
        for i in self._mine_by_fingerprint.get(fingerprint, ()):
            if self._mine_texts[i] is not None:
                return self._take_mine(i)
        best = process.extractOne(words, self._mine_texts, scorer=fuzz.ratio,
                                  score_cutoff=self.loader.EVENT_REWORDED)
        if best is not None:
            return self._take_mine(best[2])
        if self._others is None:
            self._others = [(pk, _fingerprint(t), norm(t)) for pk, t in Event.objects.filter(
                conflict=self.loader.conflict).exclude(pk__in=[e.pk for e, _, _ in self.mine])
                .order_by("date", "order", "pk").values_list("pk", "text")]
            self._other_texts = [t for _, _, t in self._others]
            for i, (_, fp, _) in enumerate(self._others):
                self._others_by_fingerprint.setdefault(fp, []).append(i)
        same = next((i for i in self._others_by_fingerprint.get(fingerprint, ()) if self._other_texts[i] is not None),
                    None)
        alike = process.extract(words, self._other_texts, scorer=fuzz.ratio, score_cutoff=self.loader.EVENT_RETOLD,
                                limit=None)
        first = min([i for i in (same, *(hit[2] for hit in alike)) if i is not None], default=None)
        if first is None:
            return None
        self._other_texts[first] = None
        return Event.objects.get(pk=self._others[first][0])

    def _take_mine(self, i: int) -> Event:
        self._mine_texts[i] = None
        return self.mine[i][0]

    def deleted(self, text: str, fingerprint: str) -> bool:
        words = norm(text)
        return any(fingerprint[:10] in key or (old and fuzz.ratio(words, old) >= self.loader.EVENT_REWORDED)
                   for key, old in self.deleted_events)

    def new_key(self, fingerprint: str) -> str:
        base = f"{self.prefix}-{fingerprint[:10]}"
        key, n = base, 1
        while key in self.used_keys:
            n += 1
            key = f"{base}-{n}"
        self.used_keys.add(key)
        return key

"""The import pipeline: paths in, one ``RunReport`` out. The command and the benchmark both call it.

``import_paths(paths, options=ImportOptions(...))`` owns everything between the arguments and the
report, so that there is one pipeline to test and to measure:

- files: each path is a file or a folder (walked recursively, hidden files skipped, sorted); a missing
  file is kept and fails in its report;
- load order: structured documents first, so that plain documents can split runs of names against
  the forces the structured ones taught (the names learned during the run are passed on);
- the resolver: built once from the database and shared by the documents, rebuilt after a document
  that was rolled back (dry run or failure), whose names it must forget;
- an unmigrated database: ``NotMigrated`` for a real import; a dry run only parses (status ``parsed``);
- ``records=True`` (``--json``): unchanged documents, which the loader skips, are parsed for the report.

It never raises for a bad document: each failure is in that document's report.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from sources.parsing import ParseError, detect_format
from sources.parsing.text import decode

from . import load
from .load import Counts, DocumentReport
from .runlog import record_run

#: ``progress(count, total, path)``, called before each document is read (``count`` from 1).
Progress = Callable[[int, int, Path], None]


class NoDocuments(Exception):
    """The paths name no file."""


class NotMigrated(Exception):
    """The database has unapplied migrations and the run is not a dry run."""


@dataclass(frozen=True)
class ImportOptions:
    fmt: str = "auto"        # "auto" (detected per file), "structured" or "plain"
    dry_run: bool = False    # load each document, then roll it back
    force: bool = False      # reload documents whose bytes and parser are unchanged
    records: bool = False    # keep every document's parse in its report, unchanged ones included
    root: Path | None = None  # identities are file paths relative to this folder (default: the current one)
    source_url: str = ""     # the canonical URL of a single document given alone (its identity)


@dataclass
class RunReport:
    documents: list[DocumentReport] = field(default_factory=list)  # in the order of the paths given
    dry_run: bool = False
    parse_only: bool = False  # the database is not migrated: documents were parsed, not loaded

    @property
    def failed(self) -> list[DocumentReport]:
        return [d for d in self.documents if not d.ok]

    @property
    def statuses(self) -> Counter:
        """Documents per status (``created``, ``updated``, ``unchanged``, ``parsed``, ``failed``)."""
        return Counter(d.status for d in self.documents)

    @property
    def counts(self) -> Counts:
        """Records per (model label, action), over every document."""
        total = Counts()
        for d in self.documents:
            total.update(d.counts)
        return total


def unapplied_migrations() -> list:
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def collect(paths: Iterable[Path]) -> list[Path]:
    """The files of ``paths``: files as given, folders walked (sorted, hidden files skipped), no repeats."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            files.append(path)   # a missing file is reported as a failure by the loader
    return list(dict.fromkeys(files))


def identity_of(path: Path, options: ImportOptions, *, single: bool = False) -> str:
    """A document's identity: the URL given for a single document, else its path relative to the
    root (``import_sources docs/`` and ``import_sources docs/sub/x.txt`` name ``docs/sub/x.txt``
    alike), else, for a file outside the root, its absolute path. Never the bare file name."""
    if options.source_url and single:
        return options.source_url
    root = (options.root or Path.cwd()).resolve()
    absolute = path.resolve()
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return absolute.as_posix()


def load_order(files: list[Path], fmt: str) -> list[Path]:
    """Structured documents first: their infoboxes name forces that help split plain documents' runs."""
    if fmt != "auto":
        return files

    def rank(path: Path) -> int:
        try:
            return 0 if detect_format(decode(path.read_bytes())[0]) == "structured" else 1
        except (OSError, ParseError):
            return 2
    return sorted(files, key=rank)


def import_paths(paths: Iterable[Path], *, options: ImportOptions = ImportOptions(),
                 progress: Progress | None = None) -> RunReport:
    """Import (or, on an unmigrated database with ``dry_run``, parse) every document under ``paths``.

    Raises ``NoDocuments`` when ``paths`` hold no file and ``NotMigrated`` for a real import into an
    unmigrated database; a bad document is never raised, it fails in its own report.
    """
    started_at = timezone.now()
    paths = [Path(p) for p in paths]
    files = collect(paths)
    if not files:
        raise NoDocuments(", ".join(map(str, paths)))
    migrated = not unapplied_migrations()
    if not migrated and not options.dry_run:
        raise NotMigrated("the database has unapplied migrations")
    resolver = load.build_resolver() if migrated else None
    learned: list[str] = []       # force names from this run's documents, for splitting plain runs
    reports: dict[Path, DocumentReport] = {}
    ordered = load_order(files, options.fmt)
    for count, path in enumerate(ordered, 1):
        if progress is not None:
            progress(count, len(ordered), path)
        if not migrated:
            report = load.parse_file(path, fmt=options.fmt, known_forces=learned)
        else:
            known = None if not learned else [*load.known_force_names(), *learned]
            report = load.import_file(path, identity=identity_of(path, options, single=len(files) == 1),
                                      url=options.source_url, fmt=options.fmt, dry_run=options.dry_run,
                                      force=options.force, resolver=resolver, known_forces=known)
            if options.dry_run or not report.ok:
                resolver = load.build_resolver()  # it learned names that were rolled back
        reports[path] = report
        if report.record is not None:
            learned += [x.name for side in report.record.sides for x in (*side.belligerents, *side.units)]
    documents = [reports[p] for p in files]
    if options.records:
        for r in documents:
            if r.record is None and r.ok:  # unchanged: not re-parsed for loading, parse it for the caller
                r.record = load.parse_file(Path(r.path), fmt=options.fmt, known_forces=load.known_force_names()).record
    report = RunReport(documents, dry_run=options.dry_run, parse_only=not migrated)
    if migrated and not options.dry_run:
        record_run(report, paths, options, started_at)
    return report

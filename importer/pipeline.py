"""The import pipeline: paths in, one ``RunReport`` out. The command and the benchmark both call it.

``import_paths(paths, options=ImportOptions(...))`` owns everything between the arguments and the
report, so that there is one pipeline to test and to measure:

- intake (``collect``, ``read_document``): sources are read only from regular files inside the paths
  given. Folders are walked (sorted, hidden files and folders skipped) without following symbolic
  links; a link, in a folder or given, is skipped with its reason unless ``follow_symlinks``, and even
  then never leads outside the paths given. FIFOs, devices and sockets are never opened (refused when
  given, skipped in folders); every file is opened ``O_NONBLOCK | O_NOFOLLOW`` and checked again on
  the open descriptor, so that a file swapped for a FIFO or a link meanwhile never blocks or leaks. A
  document larger than ``max_bytes`` is refused from its size, unread. Files in folders are
  recognised by the first ``SNIFF_BYTES``: text that decodes and is not JSON or markup is a document;
  anything else (gold ``.json`` files kept beside the documents, images, archives) is skipped and
  counted, unless its name says it is a document (``*.txt``): a file named as a document, or given
  on the command line, is tried, and fails with the reason when it is not one. Files in folders whose
  name says they are something else (``OTHER_SUFFIXES``: ``README.md``, ``*.py``, ...) are skipped
  unread. A missing file fails in its report. The loader gets the bytes read here, never the path to open again;
- a MediaWiki XML export (plain, bzip2 or gzip; recognised by its content) is streamed page by page:
  each page is a document (``EXPORT/Page_title.wiki``, known by its canonical URL), ``max_bytes``
  applies to each page, redirects and pages that are not offensives are skipped with their reason;
- load order: structured documents first, so that plain documents can split runs of names against
  the forces the structured ones taught (the names learned during the run are passed on);
- ``jobs`` > 1: worker processes read (decode and parse) structured documents and wiki pages ahead
  of the loading process (``_Readers``); plain ones are read in order; the result is the same;
- several runs over one PostgreSQL database: a document another run holds is skipped as "being
  imported by another run"; one that lost a race with it is loaded again (``RETRIES``);
- the resolver: built once from the database and shared by the documents, rebuilt after a document
  that was rolled back (dry run or failure), whose names it must forget;
- an unmigrated database: ``NotMigrated`` for a real import; a dry run only parses (status ``parsed``);
- ``records=True`` (``--json``): unchanged documents, which the loader skips, are parsed for the report.

It never raises for a bad document: each failure is in that document's report.
"""
from __future__ import annotations

import datetime
import errno
import logging
import multiprocessing
import os
import re
import stat
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from sources.parsing import ParseError, detect_format, read_in_worker
from sources.parsing.dump import SiteInfo, is_export, is_export_file, open_export, read_export
from sources.parsing.html import looks_like_article
from sources.parsing.sides import KnownForces, KnownSides
from sources.parsing.text import decode

from . import load
from .load import Counts, DocumentReport
from .runlog import RunLog

log = logging.getLogger(__name__)

#: ``progress(count, total, path)``, called before each document is read (``count`` from 1).
Progress = Callable[[int, int, Path], None]


#: The size limit of one document (``--max-bytes``): far above any article, well below what a run can
#: hold in memory (a document is read whole).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: Names a MediaWiki export may have (``pages.xml``, ``dump.xml.bz2``): the only files over the size
#: limit whose first bytes are read (an export's limit applies to each of its pages).
EXPORT_SUFFIXES = frozenset({".xml", ".bz2", ".gz"})
#: How much of a file in a folder is read to recognise a document.
SNIFF_BYTES = 4096
#: How much of a document is read to tell its format when ordering the documents of a run.
PREFIX_FOR_FORMAT = 65536
#: A file in a folder with one of these suffixes is a document by its name: tried even when its content
#: is not text, so that a broken document fails (and editors see it) instead of disappearing.
DOCUMENT_SUFFIXES = frozenset({".txt", ".wiki", ".wikitext", ".mediawiki"})
#: Names that say a file in a folder is something else (a project's README, scripts, data, settings):
#: skipped unread, as the text they hold would decode as a plain document. Given on the command line,
#: such a file is still tried.
OTHER_SUFFIXES = frozenset({".md", ".markdown", ".rst", ".py", ".pyc", ".sh", ".js", ".css", ".csv",
                            ".tsv", ".yml", ".yaml", ".toml", ".ini", ".cfg", ".conf", ".log", ".sql", ".lock"})


#: How many times a document that failed on a conflict with another run (a record it inserted at the
#: same time, a deadlock) is loaded again.
RETRIES = 2
#: What the summary calls a document another run is importing.
BUSY = "being imported by another run"


class NoDocuments(Exception):
    """The paths name no file (and no file was skipped)."""


class NotMigrated(Exception):
    """The database has unapplied migrations and the run is not a dry run."""


@dataclass(frozen=True)
class ImportOptions:
    fmt: str = "auto"        # "auto" (detected per file), "structured", "plain", "wikitext" or "html"
    dry_run: bool = False    # load each document, then roll it back
    force: bool = False      # reload documents whose bytes and parser are unchanged
    records: bool = False    # keep every document's parse in its report, unchanged ones included
    root: Path | None = None  # identities are file paths relative to this folder (default: the current one)
    source_url: str = ""     # the canonical URL of a single document given alone (its identity)
    max_bytes: int = DEFAULT_MAX_BYTES  # a larger document is refused from its size, unread
    follow_symlinks: bool = False  # follow symbolic links that stay inside the paths given
    title: str = ""          # the page title of a single wikitext document given alone (it carries none)
    jobs: int = 1            # processes reading documents ahead of the loading one (``--jobs``)


@dataclass(frozen=True)
class Skipped:
    """A file the intake left alone: not a failure. ``kind`` is what the summary counts (``not a
    document``, ``symbolic link``, ``not a regular file``); ``detail`` says why, for this file."""

    path: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.path}: skipped: {self.kind} ({self.detail})"


@dataclass
class Intake:
    """What ``collect`` found under the paths given, in their order (each folder's files sorted).

    ``documents``: (path, error) pairs; ``error`` is empty for a file to read, else the one-line
    message (``path: why``) that fails it unread. ``skipped``: files that are not documents."""

    documents: list[tuple[Path, str]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        """The files to read."""
        return [path for path, error in self.documents if not error]


@dataclass
class RunReport:
    documents: list[DocumentReport] = field(default_factory=list)  # in the order of the paths given
    dry_run: bool = False
    parse_only: bool = False  # the database is not migrated: documents were parsed, not loaded
    skipped: list[Skipped] = field(default_factory=list)  # files that are not documents: not failures

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


class Unreadable(Exception):
    """A file the intake does not read (or stops reading); ``str()`` is the one-line message naming it."""


# The open that never blocks (a FIFO swapped in after the check), never follows a final symbolic link
# (a link swapped in), and never makes a terminal the controlling one. O_NONBLOCK changes nothing for
# a regular file.
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
               | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))

_FILE_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link"))

# Formats that are not documents, known from their first bytes. Some would decode as text (PDF, RTF).
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"), (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
    (b"RIFF", "a RIFF file (WebP, WAV or AVI)"), (b"OggS", "an Ogg file"), (b"%PDF-", "a PDF document"),
    (b"%!PS", "a PostScript document"), (b"#!", "a script"), (b"{\\rtf", "an RTF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office document (OLE)"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"), (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"), (b"\xfd7zXZ\x00", "an xz archive"), (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"), (b"Rar!\x1a\x07", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database"), (b"\x7fELF", "an executable (ELF)"),
    (b"\x00asm", "a WebAssembly module"), (b"\xca\xfe\xba\xbe", "a Java class or Mach-O binary"),
)
# Text that is not an article: JSON (the gold files kept beside documents) and markup.
_JSON = re.compile(r'\A(?:\{\s*(?:"|\}|\Z)|\[\s*(?:[\[{"\]]|\Z))')
_MARKUP = re.compile(r"\A<(?:\?xml|!doctype|!--|html|head|body|svg|rss|feed|mediawiki)\b", re.IGNORECASE)


def _kind(mode: int) -> str:
    return next((what for test, what in _FILE_KINDS if test(mode)), "not a regular file")


def _cannot_read(path: Path, exc: OSError) -> str:
    return f"{path}: cannot read the file ({exc.strerror or exc})"


def _too_large(path: Path, size: int | None, limit: int) -> str:
    """``size``: None for a file found larger than its ``fstat`` said (it grew while it was read)."""
    if size is None:
        return (f"{path}: refused: the file grew past the limit of {limit:,} bytes per document (--max-bytes) "
                "while it was read")
    return (f"{path}: refused: the file is {size:,} bytes, more than the limit of {limit:,} bytes per document "
            "(--max-bytes); it was not read")


def _open_regular(path: Path) -> tuple[int, os.stat_result]:
    """A descriptor on ``path`` and its ``fstat``, checked on the descriptor: a regular file, reached
    without a final symbolic link. Raises ``Unreadable``."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Unreadable(f"{path}: refused: a symbolic link (it was not one when the folder was read); "
                             "it was not followed") from None
        raise Unreadable(_cannot_read(path, exc)) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise Unreadable(f"{path}: refused: {_kind(info.st_mode)}, not a regular file; nothing was read")
    return fd, info


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of the document at ``path``: a regular file (checked on the open descriptor, so that
    nothing swapped in since ``collect`` is read) of at most ``max_bytes`` (refused from its size
    without reading it; a file that grows meanwhile is not read past the limit). Raises ``Unreadable``."""
    fd, info = _open_regular(path)
    with open(fd, "rb") as file:
        if info.st_size > max_bytes:
            raise Unreadable(_too_large(path, info.st_size, max_bytes))
        try:
            data = file.read(max_bytes + 1)
        except OSError as exc:
            raise Unreadable(_cannot_read(path, exc)) from None
    if len(data) > max_bytes:
        raise Unreadable(_too_large(path, None, max_bytes))
    return data


def _prefix(path: Path, size: int = SNIFF_BYTES) -> tuple[bytes, os.stat_result]:
    """The first ``size`` bytes of the regular file at ``path``, and its ``fstat``. Raises ``Unreadable``."""
    fd, info = _open_regular(path)
    with open(fd, "rb") as file:
        try:
            return file.read(size), info
        except OSError as exc:
            raise Unreadable(_cannot_read(path, exc)) from None


def _as_text(prefix: bytes, whole: bool) -> str | None:
    """The prefix decoded as a document would be, or None. A prefix cut inside a character (UTF-16
    or UTF-32, a surrogate pair) is tried again a few bytes shorter."""
    for cut in (0,) if whole else (0, 1, 2, 3):
        try:
            return decode(prefix[:len(prefix) - cut])[0]
        except ParseError:
            continue
    return None


def sniff(prefix: bytes, *, whole: bool = False) -> tuple[str, bool]:
    """What a file's first bytes say it is: ``("", True)`` for a document (text that decodes, not
    JSON or markup), else ``(what it is, whether it decodes as text)``. ``whole``: ``prefix`` is the
    whole file (else it may end inside a character)."""
    if not prefix.strip():
        return "an empty file", False
    if is_export(prefix):
        return "", True       # a MediaWiki export (compressed or not): a file of documents
    text = _as_text(prefix, whole)
    known = next((what for magic, what in _SIGNATURES if prefix.startswith(magic)), "")
    if known:
        return known, text is not None
    if text is None:
        return "binary data or text in no known encoding", False
    body = text.lstrip()
    if _JSON.match(body):
        return "JSON data", True
    if looks_like_article(body):
        return "", True       # a saved article page
    if _MARKUP.match(body):
        return "HTML or XML markup that is not a wiki article or export", True
    return "", True


def collect(paths: Iterable[Path], options: ImportOptions = ImportOptions()) -> Intake:
    """The documents of ``paths`` (files as given, folders walked), each once, and the files skipped.

    Reads nothing but the first ``SNIFF_BYTES`` of regular files; see the module docstring for the
    rules. A path given that cannot be a document (missing, a FIFO, a device, too large) is in
    ``documents`` with its error; a symbolic link (given or found) is skipped unless followed.
    """
    walk = _Walk([Path(p) for p in paths], options)
    for path in walk.paths:
        walk.given(path)
    return walk.intake


class _Walk:
    """One ``collect``: the paths given, the roots links must stay in, what was seen (by device and
    inode: a file reached twice is taken once; a folder reached again through a link is a loop)."""

    def __init__(self, paths: list[Path], options: ImportOptions):
        self.paths, self.options, self.intake = paths, options, Intake()
        self.files: set[tuple[int, int]] = set()
        self.folders: set[tuple[int, int]] = set()
        self.roots = [self.root(p) for p in paths]

    @staticmethod
    def root(path: Path) -> Path:
        """A folder given, or the folder of a file given (a link given is not its own root)."""
        if path.is_dir() and not path.is_symlink():
            return Path(os.path.realpath(path))
        return Path(os.path.realpath(Path(os.path.abspath(path)).parent))

    def fail(self, path: Path, error: str) -> None:
        self.intake.documents.append((path, error))

    def skip(self, path: Path, kind: str, detail: str) -> None:
        self.intake.skipped.append(Skipped(str(path), kind, detail))

    def given(self, path: Path) -> None:
        try:
            info = os.lstat(path)
        except OSError as exc:
            self.fail(path, _cannot_read(path, exc))   # a missing file fails in its report
            return
        documents, skipped = len(self.intake.documents), len(self.intake.skipped)
        self.visit(path, info, given=True)
        # a folder's files in sorted order, as ``sorted(folder.rglob("*"))`` gave them
        self.intake.documents[documents:] = sorted(self.intake.documents[documents:], key=lambda d: d[0])
        self.intake.skipped[skipped:] = sorted(self.intake.skipped[skipped:], key=lambda s: Path(s.path))

    def visit(self, path: Path, info: os.stat_result, *, given: bool = False) -> None:
        if stat.S_ISLNK(info.st_mode):
            followed = self.follow(path)
            if followed is None:
                return
            path, info = followed
        if stat.S_ISDIR(info.st_mode):
            self.walk(path, info)
        elif stat.S_ISREG(info.st_mode):
            if not given and path.suffix.lower() in OTHER_SUFFIXES:
                self.skip(path, "not a document", f"a {path.suffix.lower()} file, by its name; not opened")
                return
            self.file(path, info, named=given or path.suffix.lower() in DOCUMENT_SUFFIXES)
        elif given:
            self.fail(path, f"{path}: refused: {_kind(info.st_mode)}, not a regular file; it was not opened")
        else:
            self.skip(path, "not a regular file", f"{_kind(info.st_mode)}; not opened")

    def follow(self, path: Path) -> tuple[Path, os.stat_result] | None:
        """The target of the link at ``path`` and its ``stat``, when links are followed and it stays
        inside the paths given; else None (skipped with the reason)."""
        try:
            target = os.readlink(path)
        except OSError as exc:
            self.skip(path, "symbolic link", f"unreadable: {exc.strerror or exc}")
            return None
        if not self.options.follow_symlinks:
            self.skip(path, "symbolic link", f"to {target}; not followed: --follow-symlinks follows links "
                                             "that stay inside the paths given")
            return None
        real = Path(os.path.realpath(path))
        if not any(real.is_relative_to(root) for root in self.roots):
            self.skip(path, "symbolic link", f"to {target}, outside the paths given; never followed")
            return None
        try:
            return real, os.stat(real)
        except OSError as exc:
            self.skip(path, "symbolic link", f"to {target}, which cannot be read: {exc.strerror or exc}")
            return None

    def walk(self, folder: Path, info: os.stat_result) -> None:
        """Every file under ``folder`` (hidden files and folders left out), without recursion: a deep
        tree costs no stack."""
        pending = [(folder, info)]
        while pending:
            folder, info = pending.pop()
            if (info.st_dev, info.st_ino) in self.folders:
                continue     # reached again through a followed link
            self.folders.add((info.st_dev, info.st_ino))
            try:
                with os.scandir(folder) as found:
                    entries = sorted(found, key=lambda e: e.name)
            except OSError as exc:
                self.fail(folder, f"{folder}: cannot read the folder ({exc.strerror or exc})")
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                path = Path(entry.path)
                try:
                    entry_info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue   # gone since the folder was listed
                if stat.S_ISLNK(entry_info.st_mode):
                    followed = self.follow(path)
                    if followed is None:
                        continue
                    path, entry_info = followed
                if stat.S_ISDIR(entry_info.st_mode):
                    pending.append((path, entry_info))
                else:
                    self.visit(path, entry_info)

    def file(self, path: Path, info: os.stat_result, *, named: bool) -> None:
        """A regular file: a document to read, one that fails unread, or one skipped. ``named``: given
        on the command line, or named as a document (``DOCUMENT_SUFFIXES``)."""
        if (info.st_dev, info.st_ino) in self.files:
            return
        self.files.add((info.st_dev, info.st_ino))
        limit = self.options.max_bytes
        if named and info.st_size > limit and not _maybe_export(path):
            self.fail(path, _too_large(path, info.st_size, limit))
            return
        try:
            prefix, info = _prefix(path)
        except Unreadable as exc:
            self.fail(path, str(exc))
            return
        if is_export_file(path, prefix):    # streamed page by page: the limit applies to each page, not to the file
            self.intake.documents.append((path, ""))
            return
        if named and info.st_size > limit:
            self.fail(path, _too_large(path, info.st_size, limit))
            return
        what, text = sniff(prefix, whole=info.st_size <= len(prefix))
        if what and not named:
            self.skip(path, "not a document", what)
        elif what and text:   # the decoder would take it for text: say what it is
            self.fail(path, f"{path}: not a document: {what}, not the text of an article")
        elif info.st_size > limit:
            self.fail(path, _too_large(path, info.st_size, limit))
        else:
            self.intake.documents.append((path, ""))   # a document, or a broken one the loader reports


def _maybe_export(path: Path) -> bool:
    """Whether a file's name allows it to be a MediaWiki export (read page by page, so a file larger
    than the limit per document is looked into before it is refused)."""
    return any(suffix in EXPORT_SUFFIXES for suffix in (s.lower() for s in path.suffixes))


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


def _rank(path: Path, fmt: str) -> int:
    """0 for a structured document, 1 for another one (or an export), 2 for one that cannot be read."""
    if fmt != "auto":
        return 0 if fmt == "structured" else 1
    try:
        prefix, _ = _prefix(path, PREFIX_FOR_FORMAT)
        if is_export_file(path, prefix[:SNIFF_BYTES]):
            return 1
        return 0 if detect_format(_as_text(prefix, False) or "") == "structured" else 1
    except (Unreadable, ParseError):
        return 2


def _is_wiki_page(path: Path) -> bool:
    """Whether the file is a wikitext or HTML page (from its first ``PREFIX_FOR_FORMAT`` bytes)."""
    try:
        prefix, _ = _prefix(path, PREFIX_FOR_FORMAT)
    except Unreadable:
        return False
    return detect_format(_as_text(prefix, False) or "") in ("wikitext", "html")


def load_order(files: list[Path], fmt: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Path]:
    """Structured documents first: their infoboxes name forces that help split plain documents' runs.
    The format is told from each file's first ``PREFIX_FOR_FORMAT`` bytes (``max_bytes`` is kept for
    callers of the older signature)."""
    if fmt != "auto":
        return files
    return sorted(files, key=lambda path: _rank(path, fmt))


def _refused(path: Path, error: str, identity: str) -> DocumentReport:
    """The report of a file that fails unread (missing, not a regular file, too large, not a document)."""
    return DocumentReport(path=str(path), name=path.name, identity=identity, error=error)


@dataclass
class _Run:
    """One ``import_paths``: the options, the shared resolver, the names learned, the reports."""

    options: ImportOptions
    migrated: bool
    single: bool
    resolver: object = None
    known_in_database: list[str] | None = None           # force names in the database when first needed
    learned: dict[str, None] = field(default_factory=dict)   # force names from this run's documents (in order, once)
    known: KnownForces | None = None    # the two above, one list kept for the run (``known_forces``)
    # the sides of the database's offensives (read with its names) and of this run's documents
    known_sides: KnownSides = field(default_factory=KnownSides)
    reports: dict[Path, list[DocumentReport]] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)   # pages skipped inside files (exports)
    # identity -> (sha256, title) of the documents stored as imported by this parser, read at the start
    stored: dict[str, tuple[str, str]] = field(default_factory=dict)
    log: RunLog | None = None     # a real import's log, written as it goes

    def read_stored(self, identities: list[str]) -> None:
        """What the database holds of these documents, in one query per thousand (``unchanged``)."""
        if not self.migrated or self.options.force:
            return
        for start in range(0, len(identities), 1000):
            for identity, digest, title in load.stored_documents(identities[start:start + 1000]):
                self.stored[identity] = (digest, title)

    def unchanged(self, path: Path, data: bytes, identity: str) -> DocumentReport | None:
        """The report of a document stored with these bytes by this parser at the run's start: unchanged,
        found without its lock or a query (what ``load.import_file`` would find; a run that imports it
        meanwhile finds the same bytes and writes nothing)."""
        stored = self.stored.get(identity)
        if stored is None or stored[0] != load.sha256(data):
            return None
        return DocumentReport(path=str(path), name=path.name, status="unchanged", title=stored[1], identity=identity)

    def known_forces(self) -> KnownForces:
        """The force names a document is read with: those of the database, read once per run (and
        again after another run wrote some), and those of this run's documents; with the sides both
        told apart (``sources.parsing.sides``: evidence for a plain run that does not part its sides)."""
        if self.known_in_database is None:
            self.known_in_database = load.known_force_names()
            self.known_in_database.sides.update(self.known_sides)    # and what this run's documents said
            self.known_sides = self.known_in_database.sides
            # one list for the run, only ever extended (``learn``): the plain parser keeps the lexicon it
            # makes of it and adds the new names, instead of reading every name again for each document
            self.known = KnownForces([*self.known_in_database, *self.learned], self.known_sides)
        return self.known

    def learn(self, names: Iterable[str]) -> None:
        """Force names a loaded document taught, for the plain documents after it."""
        new = [name for name in dict.fromkeys(names) if name not in self.learned]
        self.learned.update(dict.fromkeys(new))
        if self.known is not None and self.known_in_database is not None:
            self.known.extend(new)

    def get_resolver(self):
        """The run's resolver, built from the database when a document is first loaded (a run of
        unchanged documents never builds it)."""
        if self.resolver is None:
            self.resolver = load.build_resolver()
        return self.resolver

    def one(self, path: Path, data: bytes, *, page: load.Page | None = None, identity: str = "",
            retrieved_at=None, parsed=None) -> DocumentReport:
        """Parse (unmigrated database) or import one document: a file, or a page of an export.
        ``parsed``: what a worker process read from ``data`` (``--jobs``), used on the first attempt.
        The document's entry in the run's log is stored as the run goes (``runlog.RunLog``)."""
        report = self._one(path, data, page=page, identity=identity, retrieved_at=retrieved_at, parsed=parsed)
        if self.log is not None and report.status not in ("skipped", "busy"):
            self.log.add(report)
        return report

    def _one(self, path: Path, data: bytes, *, page: load.Page | None = None, identity: str = "",
             retrieved_at=None, parsed=None) -> DocumentReport:
        options = self.options
        title = options.title if self.single and page is None else None
        if page is None and (report := self.unchanged(path, data, identity)) is not None:
            return report
        if not self.migrated:
            report = load.parse_file(path, fmt=options.fmt, data=data, page=page,
                                     known_forces=KnownForces(list(self.learned), self.known_sides))
        else:
            for attempt in range(RETRIES + 1):
                if attempt:
                    self.known_in_database = None   # another run wrote names meanwhile: read them again
                report = load.import_file(path, identity=identity, url=options.source_url if self.single else "",
                                          fmt="wikitext" if page is not None else options.fmt,
                                          dry_run=options.dry_run, force=options.force,
                                          resolver=self.get_resolver,
                                          known_forces=self.known_forces, data=data, page=page, title=title,
                                          retrieved_at=retrieved_at, parsed=parsed)
                parsed = None   # a second attempt reads the document again, knowing what the first one learned
                loaded = report.record is not None    # a file that failed to parse taught the resolver nothing
                rolled_back = report.status == "failed" or (options.dry_run and report.status in ("created", "updated"))
                if loaded and (rolled_back or report.resolver_stale):
                    self.resolver = None    # it learned names that were rolled back: built again when needed
                if not report.retry:
                    break   # else another run wrote a record this one wanted: again, knowing it
        if report.record is not None:
            self.learn(x.name for side in report.record.sides for x in (*side.belligerents, *side.units))
            if not report.record.sides_unresolved:      # its sides are evidence for the plain documents after it
                self.known_sides.add_record(("document", str(path), report.title), report.record.sides)
            if not options.records:
                report.record = None    # memory grows with the largest document, not with the run
        return report

    def export(self, path: Path, identity: str, progress: Progress | None, counter: _Counter,
               retrieved_at) -> list[DocumentReport]:
        """Every page of the export at ``path``, streamed: each article a document, the others skipped."""
        out: list[DocumentReport] = []
        site = SiteInfo()
        try:
            stream = open_export(path)
        except OSError as exc:
            return [_refused(path, _cannot_read(path, exc), identity)]
        with stream:
            for item in read_export(stream, max_bytes=self.options.max_bytes):
                if isinstance(item, SiteInfo):
                    site = item
                    continue
                where = path / item.file_name
                if progress is not None:
                    progress(counter.next(), counter.total, where)
                if item.error:
                    out.append(DocumentReport(path=str(where), name=f"{path.name}/{item.file_name}",
                                              identity=identity, error=f"{where}:{item.line}: {item.error}"))
                    continue
                if item.ns != 0:
                    self.skipped.append(Skipped(str(where), "not an article", f"namespace {item.ns}"))
                    continue
                if item.redirect is not None:
                    self.skipped.append(Skipped(str(where), "redirect", f"to {item.redirect or '(no title)'}"))
                    continue
                meta = item.meta(site)
                page = load.Page(name=item.file_name, title=item.title, meta=meta)
                out.append(self.one(path, item.text.encode(), page=page,
                                    identity=meta.canonical_url or f"{identity}/{item.file_name}",
                                    retrieved_at=retrieved_at))
        return out


def import_paths(paths: Iterable[Path], *, options: ImportOptions = ImportOptions(),
                 progress: Progress | None = None) -> RunReport:
    """Import (or, on an unmigrated database with ``dry_run``, parse) every document under ``paths``.

    A MediaWiki export is read page by page: each page is a document (reported as
    ``EXPORT/Page_title.wiki``), pages that are not articles of offensives are skipped and counted.
    Raises ``NoDocuments`` when ``paths`` hold no file and ``NotMigrated`` for a real import into an
    unmigrated database; a bad document is never raised, it fails in its own report. Files that are
    not documents are in ``RunReport.skipped`` (a run that only skipped files is not an error).
    """
    started_at = timezone.now()
    paths = [Path(p) for p in paths]
    intake = collect(paths, options)
    if not intake.documents and not intake.skipped:
        raise NoDocuments(", ".join(map(str, paths)))
    migrated = not unapplied_migrations()
    if not migrated and not options.dry_run:
        raise NotMigrated("the database has unapplied migrations")
    single = len(intake.documents) == 1
    files = intake.files
    run = _Run(options, migrated, single)
    if migrated and not options.dry_run:
        run.log = RunLog(paths, options, started_at, keep_changes=options.records)
    ordered = load_order(files, options.fmt, max_bytes=options.max_bytes)
    run.read_stored([identity_of(path, options, single=single) for path in ordered])
    with _Readers(ordered, options, enabled=migrated, run=run) as readers:
        _load_files(run, ordered, readers, progress)
    documents: list[DocumentReport] = []
    for p, error in intake.documents:
        for r in run.reports.get(p, []) if not error else [_refused(p, error, identity_of(p, options, single=single))]:
            if r.status == "skipped":
                run.skipped.append(Skipped(r.path, r.skipped.kind, r.skipped.detail))
            elif r.status == "busy":
                run.skipped.append(Skipped(r.path, BUSY, "another import run holds it; it will find it imported"))
            else:
                documents.append(r)
    if options.records:
        for r in documents:
            if r.record is None and r.ok and Path(r.path).is_file():
                # unchanged: not re-parsed for loading, parse it for the caller (export pages: see below)
                try:
                    data = read_document(Path(r.path), options.max_bytes)
                except Unreadable:
                    continue
                r.record = load.parse_file(Path(r.path), fmt=options.fmt, known_forces=run.known_forces(),
                                           data=data).record
        _parse_unchanged_pages(documents, options)
    report = RunReport(documents, dry_run=options.dry_run, parse_only=not migrated,
                       skipped=[*intake.skipped, *run.skipped])
    if run.log is not None:
        run.log.finish(report)
    return report


def _load_files(run: _Run, ordered: list[Path], readers: _Readers, progress: Progress | None) -> None:
    """Each file in load order: an export page by page, any other file as one document (read ahead by
    ``readers`` with ``--jobs``)."""
    counter = _Counter(ordered, progress is not None)
    for path in ordered:
        identity = identity_of(path, run.options, single=run.single)
        try:
            prefix, info = _prefix(path)
        except Unreadable as exc:   # changed since it was collected
            run.reports[path] = [_refused(path, str(exc), identity)]
            continue
        retrieved_at = datetime.datetime.fromtimestamp(info.st_mtime, tz=datetime.UTC)
        if is_export_file(path, prefix):
            run.reports[path] = run.export(path, identity, progress, counter, retrieved_at)
            continue
        if progress is not None:
            progress(counter.next(), counter.total, path)
        data, parsed = readers.take(path)
        try:
            data = data if data is not None else read_document(path, run.options.max_bytes)
        except Unreadable as exc:   # changed since it was collected
            run.reports[path] = [_refused(path, str(exc), identity)]
            continue
        run.reports[path] = [run.one(path, data, identity=identity, retrieved_at=retrieved_at, parsed=parsed)]
        del data, parsed


class _Counter:
    """The progress bar's count: one per file, and for an export one per page (its pages counted first,
    by a quick scan of its text for ``<page>``, only when a bar is shown)."""

    def __init__(self, ordered: list[Path], shown: bool):
        self.done = 0
        self.total = sum(_pages_in(path) for path in ordered) if shown else len(ordered)

    def next(self) -> int:
        self.done += 1
        self.total = max(self.total, self.done)
        return self.done


def _pages_in(path: Path) -> int:
    """1 for a document; for an export, how many ``<page>`` tags it holds."""
    try:
        prefix, _ = _prefix(path)
        if not is_export_file(path, prefix):
            return 1
        pages, tail = 0, b""
        with open_export(path) as stream:
            while chunk := stream.read(1 << 20):
                pages += (tail + chunk).count(b"<page>")
                tail = chunk[-5:]
        return max(pages, 1)
    except (Unreadable, OSError, EOFError):
        return 1


class _Readers:
    """``--jobs N``: documents read (decoded and parsed) by N worker processes ahead of the loading one.

    Parallelism changes the schedule, never the result: a worker reads only documents whose reading
    does not depend on the documents loaded before them (``parsing.read_in_worker`` gives a plain
    document back, to be read in order with the forces the run has learned), and the loading process
    takes the results in load order. At most ``2 * N`` documents are read ahead (memory stays bounded).
    Exports are read page by page in the loading process. With one job, or fewer than two documents
    that workers can read (structured documents and wiki pages), no process is started."""

    def __init__(self, ordered: list[Path], options: ImportOptions, *, enabled: bool, run: _Run | None = None):
        self.options, self.run = options, run
        self.jobs = max(1, options.jobs)
        self.pending = iter(ordered)
        self.ahead: dict[Path, tuple[bytes, Future]] = {}
        self.pool = None
        if (enabled and self.jobs > 1 and options.fmt != "plain"
                and sum(_rank(path, options.fmt) == 0 or _is_wiki_page(path) for path in ordered) >= 2):
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("forkserver"))

    def __enter__(self) -> _Readers:
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def fill(self) -> None:
        while self.pool is not None and len(self.ahead) < 2 * self.jobs:
            path = next(self.pending, None)
            if path is None:
                return
            try:
                prefix, _ = _prefix(path)
                if is_export_file(path, prefix):
                    continue
                data = read_document(path, self.options.max_bytes)
            except Unreadable:
                continue      # the loading process reads it again and reports why
            if self.run is not None and self.run.unchanged(path, data, identity_of(path, self.options,
                                                                                   single=self.run.single)):
                continue      # the loader will not read it again: nor will a worker
            if not self.options.force and load.stored_unchanged(data, path):
                continue
            self.ahead[path] = (data, self.pool.submit(read_in_worker, data, self.options.fmt, None, None))

    def take(self, path: Path) -> tuple[bytes | None, object]:
        """The bytes of ``path`` and what a worker read from them, or (None, None) to read it here."""
        self.fill()
        data, future = self.ahead.pop(path, (None, None))
        if future is None:
            return None, None
        try:
            return data, future.result()
        except Exception:     # noqa: BLE001 - a worker that died: read it here, as without --jobs
            log.warning("a worker failed on %s: reading it in the loading process", path, exc_info=True)
            return data, None


def _parse_unchanged_pages(documents: list[DocumentReport], options: ImportOptions) -> None:
    """``--json`` wants every document's extraction: the unchanged pages of exports are parsed again
    (each export read once more, streamed)."""
    wanted: dict[Path, dict[str, DocumentReport]] = {}
    for r in documents:
        if r.record is None and r.ok and not Path(r.path).is_file() and Path(r.path).parent.is_file():
            wanted.setdefault(Path(r.path).parent, {})[Path(r.path).name] = r
    for export, pages in wanted.items():
        site = SiteInfo()
        with open_export(export) as stream:
            for item in read_export(stream, max_bytes=options.max_bytes):
                if isinstance(item, SiteInfo):
                    site = item
                elif item.file_name in pages and not item.error:
                    page = load.Page(name=item.file_name, title=item.title, meta=item.meta(site))
                    pages[item.file_name].record = load.parse_file(
                        export, data=item.text.encode(), page=page, fmt="wikitext",
                        known_forces=()).record     # a wiki page's infobox parts its sides itself

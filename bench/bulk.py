#!/usr/bin/env python
"""Bulk import on PostgreSQL (issue 12): every figure of the issue in one run, each with its target.

    .venv/bin/python bench/bulk.py                 # full size: 1,000 documents x 100 events, ...
    .venv/bin/python bench/bulk.py --quick         # everything scaled down (a few minutes)
    .venv/bin/python bench/bulk.py --docs 300 --json /tmp/bulk.json

A benchmark, not a test: it prints a table (figure, target, measured, measured/target, pass/FAIL)
and, with ``--json OUT``, the raw figures. PostgreSQL only: the server is ``--server`` (default: the
server of ``DATABASE_URL`` when that is a postgres:// URL, else postgres://postgres@127.0.0.1:5432);
it refuses SQLite. Its databases (``--db``, default ``bench_bulk``, and ``<db>_serial``,
``<db>_serial_again``, ``<db>_concurrent``) are dropped and created again by every run; a database of
one of those names that this script did not create (it marks its own with a ``COMMENT ON
DATABASE``) is never touched: it refuses. They are left in place after the run, for inspection. The
corpora are generated with ``bench/corpus.py`` (``generate``) into sub-folders of one temporary
folder, removed at the end.

Every import is ``manage.py import_sources --no-progress --root TMP ...`` in a subprocess, with
``DATABASE_URL`` set to the bench database, as a maintainer runs it (``DJANGO_DEBUG`` removed from its
environment). ``--root`` is the temporary folder, so each corpus's documents have identities of their
own (``corpus/doc00000.txt``, ``huge/doc00000.txt``, ``small/doc00000.txt``). Its wall time is measured
around the subprocess. Its peak memory (MB = 10^6 bytes) is the larger of: the sum of the resident
memory of the process and its descendants (``--jobs`` worker processes), sampled from ``/proc``
every 0.2 s (pages they share counted in each), and the largest single process's ``ru_maxrss``
(``os.wait4``), which catches a peak between two samples. ``--import-option`` passes an option to
every run (``--import-option=--jobs=1``); by default the command runs with its own defaults.

The importer's code (the ``.py`` files of ``importer``, ``sources``, ``conflicts``, ``people``,
``events``) is hashed before the run and after each stage: a change under a running benchmark
(someone's edits, a pull) is noted with the figures, since a changed parser also makes every
unchanged document count as changed. To measure one state of a checkout that is being worked on,
run the script from a copy: ``git archive HEAD | tar -x -C /tmp/snap`` (plus this file when it is
not committed), then ``.venv/bin/python /tmp/snap/bench/bulk.py``: it imports with the copy's
``manage.py``.

1. **Import** of ``--docs`` documents x ``--events`` events (``--plain-share`` plain, ``--bad-share``
   bad files) into a fresh, migrated database, in three runs: the first tenth of the files (by name),
   the middle eight tenths, the last tenth, each one ``import_sources`` process given its files on the
   command line. The import's wall time is the sum of the three. Per tenth: files/s, good
   documents/s and events/s (events: the manifest's count of the good documents in that tenth);
   "flat" is the last tenth's time per file over the first tenth's. Each run pays the process start
   (Django setup, printed as "process start"); the importer orders each run's structured documents
   before its plain ones, so a run over the whole folder would load them in another order.
2. **COPY floor**: the rows the import wrote in the event, claim and link tables (``events.Event``,
   the many-to-many tables of ``Event``, ``events.EventPlace``, ``sources.Claim``,
   ``conflicts.Participation``, ``people.CommandRole``; names read from the models) are copied out
   (``COPY t TO STDOUT``, into files) and written with ``COPY ... FROM STDIN`` (psycopg 3, one
   transaction, commit included) into scratch tables made ``LIKE t INCLUDING ALL`` (same columns,
   defaults, checks and indexes; no foreign keys) in the same database, then dropped. The loader's
   write time is the import's wall time minus its parse time, the parse time being
   ``sources.parsing.parse`` timed in this process over the same files (plain documents parsed
   without the known forces the importer passes). So the loader's "write phase" holds everything
   that is not parsing: process starts, name resolution, queries, writes of every table (source
   documents, forces, places, ... too: the share of the import's rows the COPY tables hold is
   printed). The ratio is loader rows/s over COPY rows/s = COPY time / loader write time. With
   ``import_sources --jobs`` reading documents in worker processes, parsing overlaps loading, so
   wall − parse is shorter than the loader's real write phase and the ratio flatters the loader.
3. **Re-imports** of the whole corpus folder: unchanged, then ``--force``. Before and after each, a
   checksum of every table of the project's apps (``sources``, ``conflicts``, ``people``,
   ``events``, ``importer`` and their many-to-many tables): per table, the row count and
   ``md5(string_agg(md5(ROW(columns)::text), '' ORDER BY pk))``. Left out: the run log
   (``importer_importrun``, ``importer_documentimport``) and the timestamps that move on a re-import
   by design: every ``auto_now`` field (``sources_claim.updated_at``) and
   ``sources_sourcedocument.imported_at``; whether those moved is printed apart. Also printed: how
   many rows each re-import rewrote (a newer ``xmin`` than the transaction id taken before it),
   changed or not.
4. **Huge document**: ``corpus.py --huge 20000`` (one document, 20,000 events) imported into the
   loaded database: wall time and peak memory.
5. **50 MB file**: the huge document's text, its sections repeated up to 50 MB (only its size
   matters: the default ``--max-bytes`` refuses it unread), given to ``import_sources``: outcome,
   time and peak memory.
6. **Small files**: ``corpus.py --small-files 10000 --bad-share 0.5`` imported as one folder into the
   loaded database: files/s.
7. **Two concurrent runs**: a fresh corpus (``--concurrent-docs``, another seed) imported into
   ``<db>_serial`` by one run (the reference) and into ``<db>_serial_again`` by another (the control:
   one run must give the same rows and names twice, or a difference is not the concurrency's), then
   into ``<db>_concurrent`` by two ``import_sources`` processes started together over the same
   folder, then once more by one run (which must find every good document unchanged). Checked:
   source documents imported == good files, records per table and groups of forces, people and
   places sharing a name key (``sources.names.name_key``) compared with the serial database, and the
   names of forces, people and places in one database and not the other; each process's summary
   (created / unchanged / failed / "being imported by another run") and any error line that is not a
   bad file's. The three databases are copies (``CREATE DATABASE ... TEMPLATE``) of the main one made
   right after its migration, before anything was imported.

Targets are the issue's for its sizes; at other sizes the time targets are scaled linearly and say
so (import: 300 s per 1,000 files x 100 events, bad files included; unchanged re-import: 10 s per
1,000 files; huge document: 60 s per 20,000 events). Memory and rate targets are not scaled.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402  (bench/corpus.py: the synthetic corpus generator)

MARKER = "scratch database of bench/bulk.py: dropped and created again by every run"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
PROJECT_APPS = ("sources", "conflicts", "people", "events", "importer")
RUN_LOG = ("importer.ImportRun", "importer.DocumentImport")
MOVING = {"sources.SourceDocument": ("imported_at",)}  # besides every auto_now field
COPY_MODELS = ("events.Event", "events.EventPlace", "sources.Claim", "conflicts.Participation", "people.CommandRole")
MB = 1e6
IMPORT_OPTIONS: list[str] = []   # --import-option: given to every import_sources run
CODE = ("importer", "sources", "conflicts", "people", "events")   # what an import runs (their .py files)


# ---------------------------------------------------------------------------------------------- output
def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Row:
    figure: str
    target: str = ""
    measured: str = ""
    ratio: float | None = None
    ok: bool | None = None   # None: information, no target

    def cells(self) -> list[str]:
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}"
        mark = "" if self.ok is None else ("pass" if self.ok else "FAIL")
        return [self.figure, self.target, self.measured, ratio, mark]


def print_table(rows: list[Row], out=sys.stdout) -> None:
    out.write("| figure | target | measured | measured / target | |\n| --- | --- | --- | --- | --- |\n")
    for row in rows:
        out.write("| " + " | ".join(c.replace("|", "/") for c in row.cells()) + " |\n")


def at_most(value: float, target: float) -> tuple[float, bool]:
    return value / target, value <= target


def at_least(value: float, target: float) -> tuple[float, bool]:
    return value / target, value >= target


# ---------------------------------------------------------------------------------------------- databases
def server_url(given: str | None) -> str:
    url = given or os.environ.get("DATABASE_URL", "")
    scheme = urlsplit(url).scheme
    if scheme.startswith("sqlite"):
        raise SystemExit("bench/bulk.py runs on PostgreSQL only, not SQLite: give --server postgres://...")
    if scheme not in ("postgres", "postgresql", "pgsql"):
        if given:
            raise SystemExit(f"--server: not a postgres:// URL: {given!r}")
        url = DEFAULT_SERVER
    return url


def db_url(server: str, name: str) -> str:
    parts = urlsplit(server)
    scheme = "postgres" if parts.scheme == "pgsql" else parts.scheme
    return urlunsplit((scheme, parts.netloc, "/" + name, parts.query, ""))


def recreate_database(server: str, name: str, template: str | None = None) -> str:
    """Drop and create ``name`` (only if this script created it; a copy of ``template`` if given) and
    mark it as ours; its URL."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,50}", name):
        raise SystemExit(f"database name {name!r}: use lower-case letters, digits and _ (at most 51)")
    with psycopg.connect(db_url(server, "postgres"), autocommit=True) as conn:
        row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                           [name]).fetchone()
        if row is not None and row[0] != MARKER:
            raise SystemExit(f"refusing: database {name!r} exists and was not created by bench/bulk.py")
        if row is not None:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                      sql.Identifier(template or "template1")))
        conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(MARKER)))
    return db_url(server, name)


# ---------------------------------------------------------------------------------------------- subprocesses
@dataclass
class Result:
    wall: float
    process_mb: float    # ru_maxrss: the largest single process (the command, or one it waited for)
    rc: int
    out: str
    tree_mb: float = 0.0  # the largest sum of the RSS of the process and its descendants, sampled

    @property
    def rss_mb(self) -> float:
        """Peak memory: the sampled sum over the process tree (worker processes included; pages they
        share are counted in each), or the largest single process where that is larger (a peak
        between two samples)."""
        return max(self.process_mb, self.tree_mb)

    @property
    def summary(self) -> dict[str, int]:
        """The run's document statuses, from its "Documents: N created, ..." line."""
        match = re.search(r"^Documents: ([^.]*)\.", self.out, re.MULTILINE)
        if not match:
            return {}
        return {status: int(n) for n, status in re.findall(r"(\d+) ([a-z]+)", match[1])}

    @property
    def skipped(self) -> dict[str, int]:
        match = re.search(r"^Skipped, not failures \(\d+\): (.*)\.$", self.out, re.MULTILINE)
        return {kind: int(n) for n, kind in re.findall(r"(\d+) ([^,]+)", match[1])} if match else {}

    @property
    def errors(self) -> list[str]:
        match = re.search(r"^Errors \(\d+\):\n((?:  .*\n?)*)", self.out, re.MULTILINE)
        return [line.strip() for line in match[1].splitlines()] if match else []

    def crashed(self) -> bool:
        return self.rc not in (0, 1) or not self.summary

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.out.rstrip().splitlines()[-lines:])


def start(cmd: list[str], env: dict) -> tuple[subprocess.Popen, object, float]:
    out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finish(), once the process has ended
    # its own process group, so that stopping the benchmark stops the command's worker processes too
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT, start_new_session=True)
    return proc, out, time.perf_counter()


PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
SAMPLE_EVERY = 0.2   # seconds between two samples of a process tree's memory


def tree_rss(roots: list[int]) -> dict[int, int]:
    """Bytes resident in each root process and its descendants, from ``/proc`` (Linux; else {})."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    try:
        entries = [e.name for e in os.scandir("/proc") if e.name.isdigit()]
    except OSError:
        return {}
    for name in entries:
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
            fields = stat[stat.rindex(b")") + 2:].split()   # from field 3 (state) on: ppid, ..., rss (24)
            children.setdefault(int(fields[1]), []).append(int(name))
            rss[int(name)] = int(fields[21]) * PAGE
        except (OSError, ValueError, IndexError):
            continue   # a process that ended meanwhile
    out = {}
    for root in roots:
        total, stack = 0, [root]
        while stack:
            pid = stack.pop()
            total += rss.get(pid, 0)
            stack += children.get(pid, [])
        out[root] = total
    return out


def finish(started: list[tuple[subprocess.Popen, object, float]]) -> list[Result]:
    """Wait for every process: each one's wall time, its largest process (``os.wait4``: the child's
    own ``ru_maxrss``, or that of a descendant it waited for) and its tree's sampled peak memory."""
    done: dict[int, tuple[float, int, float]] = {}
    peaks = {proc.pid: 0 for proc, _, _ in started}
    try:
        _wait_all(started, done, peaks)
    except BaseException:   # interrupted (Ctrl-C, SIGTERM): stop the commands and their workers
        for proc, out, _ in started:
            if proc.pid not in done:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                proc.wait()
            out.close()
        raise
    results = []
    for proc, out, began in started:
        ended, rc, rss = done[proc.pid]
        out.seek(0)
        results.append(Result(ended - began, rss, rc, out.read().decode("utf-8", "replace"), peaks[proc.pid] / MB))
        out.close()
    return results


def _wait_all(started: list, done: dict, peaks: dict) -> None:
    """Poll the processes until all ended, filling ``done`` (pid: end time, exit code, ru_maxrss MB)
    and ``peaks`` (pid: largest sampled tree RSS in bytes)."""
    sampled = 0.0
    while len(done) < len(started):
        if time.perf_counter() - sampled >= SAMPLE_EVERY:
            sampled = time.perf_counter()
            for pid, size in tree_rss([p.pid for p, _, _ in started if p.pid not in done]).items():
                peaks[pid] = max(peaks[pid], size)
        for proc, _, _ in started:
            if proc.pid in done:
                continue
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                done[pid] = (time.perf_counter(), proc.returncode, usage.ru_maxrss * 1024 / MB)
        if len(done) < len(started):
            time.sleep(0.02)


def run(cmd: list[str], env: dict) -> Result:
    return finish([start(cmd, env)])[0]


def manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


def environment(url: str) -> dict:
    env = dict(os.environ, DATABASE_URL=url, PYTHONUNBUFFERED="1")
    env.pop("DJANGO_DEBUG", None)
    return env


def migrate(url: str) -> float:
    result = run(manage("migrate", "--verbosity", "0"), environment(url))
    if result.rc:
        raise RuntimeError(f"migrate failed:\n{result.tail()}")
    return result.wall


def import_sources(url: str, root: Path, paths: list[Path], *extra: str) -> Result:
    return run(import_command(root, paths, *extra), environment(url))


def import_command(root: Path, paths: list[Path], *extra: str) -> list[str]:
    return manage("import_sources", "--no-progress", "--root", str(root), *IMPORT_OPTIONS, *extra, *map(str, paths))


def check_run(label: str, result: Result, bad_files: set[str] = frozenset(), notes: list[str] | None = None) -> None:
    """Log a run; note a crash and any error line that is not a bad file's."""
    log(f"  {label}: {result.wall:.1f} s, peak {result.rss_mb:.0f} MB, rc {result.rc}, {result.summary}"
        + (f", skipped {result.skipped}" if result.skipped else ""))
    if result.crashed():
        log(result.tail())
        raise RuntimeError(f"{label}: import_sources ended without its summary (rc {result.rc}): "
                           f"{result.tail(1).strip()}")
    unexpected = [e for e in result.errors if Path(e.split(":", 1)[0]).name not in bad_files]
    if unexpected and notes is not None:
        notes.append(f"{label}: {len(unexpected)} error(s) on good files, e.g. {unexpected[0]}")
        log(f"  {label}: unexpected errors: {unexpected[:5]}")


# ---------------------------------------------------------------------------------------------- Django metadata
def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url   # no query is made through Django: metadata and name keys only
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


@dataclass
class Table:
    name: str
    pk: str
    columns: list[str]
    moving: list[str] = field(default_factory=list)   # timestamps left out of the checksum


def table_of(model) -> Table:
    moving = [f.column for f in model._meta.concrete_fields
              if getattr(f, "auto_now", False) or f.name in MOVING.get(model._meta.label, ())]
    columns = [f.column for f in model._meta.concrete_fields if f.column not in moving]
    return Table(model._meta.db_table, model._meta.pk.column, columns, moving)


def project_tables() -> list[Table]:
    from django.apps import apps

    tables = []
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.label not in RUN_LOG and model._meta.managed and not model._meta.proxy:
                tables.append(table_of(model))
    return sorted(tables, key=lambda t: t.name)


def copy_tables() -> list[str]:
    """The event, claim and link tables, from the models (with ``Event``'s many-to-many tables)."""
    from django.apps import apps

    names = [apps.get_model(label)._meta.db_table for label in COPY_MODELS]
    event = apps.get_model("events.Event")
    names += [f.remote_field.through._meta.db_table for f in event._meta.many_to_many
              if f.remote_field.through._meta.auto_created]
    return names


# ---------------------------------------------------------------------------------------------- measures
def row_counts(url: str, tables: list[str]) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {t: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()[0]
                for t in tables}


def copy_floor(url: str, tables: list[str], folder: Path) -> tuple[int, float]:
    """Rows in ``tables`` and the time to ``COPY ... FROM STDIN`` them into ``LIKE`` copies."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = 0
    with psycopg.connect(url, autocommit=True) as conn:
        scratch = {t: ("bench_copy_" + t)[:63] for t in tables}
        for t in tables:
            rows += conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()[0]
            with open(folder / t, "wb") as f, conn.cursor().copy(
                    sql.SQL("COPY {} TO STDOUT").format(sql.Identifier(t))) as copy:
                for data in copy:
                    f.write(data)
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(scratch[t])))
            conn.execute(sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(
                sql.Identifier(scratch[t]), sql.Identifier(t)))
        started = time.perf_counter()
        with conn.transaction():
            for t in tables:
                with open(folder / t, "rb") as f, conn.cursor().copy(
                        sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(scratch[t]))) as copy:
                    while data := f.read(1 << 20):
                        copy.write(data)
        took = time.perf_counter() - started
        for t in tables:
            conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(scratch[t])))
            (folder / t).unlink()
    return rows, took


def checksums(url: str, tables: list[Table]) -> dict[str, tuple[int, str, str]]:
    """Per table: rows, md5 of the rows (without the moving timestamps), md5 of those timestamps."""
    def digest(columns: list[str], pk: str):
        if not columns:
            return sql.SQL("''")
        row = sql.SQL("ROW({})::text").format(sql.SQL(", ").join(map(sql.Identifier, columns)))
        return sql.SQL("md5(coalesce(string_agg(md5({}), '' ORDER BY {}), ''))").format(row, sql.Identifier(pk))

    out = {}
    with psycopg.connect(url) as conn:
        for t in tables:
            query = sql.SQL("SELECT count(*), {}, {} FROM {}").format(
                digest(t.columns, t.pk), digest(t.moving, t.pk), sql.Identifier(t.name))
            out[t.name] = tuple(conn.execute(query).fetchone())
    return out


def current_xid(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT pg_current_xact_id()::text::bigint").fetchone()[0] & 0xFFFFFFFF


def rewritten(url: str, tables: list[Table], since: int) -> dict[str, int]:
    """Rows per table written (inserted or updated) by a transaction after ``since``."""
    out = {}
    with psycopg.connect(url) as conn:
        for t in tables:
            n = conn.execute(sql.SQL("SELECT count(*) FROM {} WHERE xmin::text::bigint > %s").format(
                sql.Identifier(t.name)), [since]).fetchone()[0]
            if n:
                out[t.name] = n
    return out


def compare(before: dict, after: dict) -> tuple[list[str], list[str]]:
    """Tables whose rows changed, and tables whose moving timestamps only moved."""
    changed = [t for t in before if before[t][:2] != after[t][:2]]
    moved = [t for t in before if before[t][2] != after[t][2] and t not in changed]
    return changed, moved


def parse_time(paths: list[Path]) -> tuple[float, int]:
    from sources.parsing import parse

    started, failed = time.perf_counter(), 0
    for path in paths:
        try:
            parse(path.read_bytes(), name=path.name)
        except Exception:  # noqa: BLE001 - bad files fail here as in the importer
            failed += 1
    return time.perf_counter() - started, failed


def name_key_duplicates(url: str) -> dict[str, int]:
    """Per force / person / place table: groups of records sharing a name key (more than one record)."""
    from django.apps import apps

    from sources.names import name_key

    out = {}
    with psycopg.connect(url) as conn:
        for label, kind in (("conflicts.Force", "force"), ("people.Person", "person"), ("events.Place", "place")):
            table = apps.get_model(label)._meta.db_table
            names = conn.execute(sql.SQL("SELECT name FROM {}").format(sql.Identifier(table))).fetchall()
            keys = Counter(name_key(n, kind) for (n,) in names)
            out[table] = sum(1 for c in keys.values() if c > 1)
    return out


def entity_names(url: str) -> dict[str, set[str]]:
    from django.apps import apps

    out = {}
    with psycopg.connect(url) as conn:
        for label in ("conflicts.Force", "people.Person", "events.Place"):
            table = apps.get_model(label)._meta.db_table
            out[table] = {n for (n,) in conn.execute(sql.SQL("SELECT name FROM {}").format(sql.Identifier(table)))}
    return out


def documents_by_status(url: str) -> dict[str, int]:
    from django.apps import apps

    table = apps.get_model("sources.SourceDocument")._meta.db_table
    with psycopg.connect(url) as conn:
        return dict(conn.execute(sql.SQL("SELECT status, count(*) FROM {} GROUP BY status").format(
            sql.Identifier(table))).fetchall())


# ---------------------------------------------------------------------------------------------- the bench
@dataclass
class Sizes:
    docs: int
    events: int
    huge: int
    small: int
    concurrent: int
    big_mb: int


class Bench:
    def __init__(self, args, sizes: Sizes, tmp: Path):
        self.args, self.sizes, self.tmp = args, sizes, tmp
        self.server = server_url(args.server)
        self.rows: list[Row] = []
        self.figures: dict = {"sizes": vars(sizes)}
        self.notes: list[str] = []
        self.url = ""
        self.tables: list[Table] = []
        self.code = code_version()
        self.figures["code_version"] = self.code
        with psycopg.connect(db_url(self.server, "postgres")) as conn:
            self.figures["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]

    def add(self, figure: str, target: str = "", measured: str = "",
            check: tuple[float | None, bool] | None = None) -> None:
        self.rows.append(Row(figure, target, measured, *(check or (None, None))))

    def stage(self, name: str, fn) -> None:
        log(f"{name} ...")
        started = time.perf_counter()
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - one failed stage must not lose the others' figures
            traceback.print_exc(file=sys.stderr)
            self.add(f"{name}: not measured", measured=f"error: {str(exc).splitlines()[0][:200]}")
            self.notes.append(f"{name}: {exc}")
            self.figures.setdefault("errors", {})[name] = str(exc)
        log(f"{name}: {time.perf_counter() - started:.0f} s")
        now = code_version()
        if now != self.code:
            self.notes.append(f"the importer's code changed during stage {name!r} ({self.code} → {now}): figures "
                              "from then on measure another importer (and unchanged documents count as changed)")
            log(f"  the importer's code changed: {self.code} → {now}")
            self.code = now

    # -- 1. import -----------------------------------------------------------------------------------
    def databases(self) -> None:
        self.url = recreate_database(self.server, self.args.db)
        log(f"  database {self.args.db}: migrate {migrate(self.url):.1f} s")
        # the concurrent runs' databases: copies of the migrated, still empty one (fresher than migrating)
        self.serial_url = recreate_database(self.server, f"{self.args.db}_serial", template=self.args.db)
        self.again_url = recreate_database(self.server, f"{self.args.db}_serial_again", template=self.args.db)
        self.both_url = recreate_database(self.server, f"{self.args.db}_concurrent", template=self.args.db)

    def main_import(self) -> None:
        s = self.sizes
        self.databases()
        folder = self.tmp / "corpus"
        paths, manifest = corpus.generate(folder, docs=s.docs, events=s.events, plain_share=self.args.plain_share,
                                          bad_share=self.args.bad_share, seed=self.args.seed)
        self.corpus, self.paths, self.manifest = folder, paths, manifest
        self.bad = {e["file"] for e in manifest["entries"] if "bad" in e}
        events = {e["file"]: e.get("events", 0) for e in manifest["entries"]}
        log(f"  corpus: {manifest['documents']} files ({manifest['good']} good, {manifest['bad']} bad), "
            f"{manifest['events']} events")
        startup = run(manage("import_sources", "--help"), environment(self.url)).wall
        tenth = max(1, len(paths) // 10)
        slices = {"first tenth": paths[:tenth], "middle": paths[tenth:len(paths) - tenth],
                  "last tenth": paths[len(paths) - tenth:]}
        parts = {}
        for label, part in slices.items():
            if not part:
                continue
            result = import_sources(self.url, self.tmp, part)
            check_run(f"import, {label} ({len(part)} files)", result, self.bad, self.notes)
            good = sum(p.name not in self.bad for p in part)
            n_events = sum(events[p.name] for p in part)
            parts[label] = {"files": len(part), "good": good, "events": n_events, "wall": result.wall,
                            "rss_mb": result.rss_mb, "statuses": result.summary,
                            "unexpected_failures": result.summary.get("failed", 0) - (len(part) - good)}
        wall = sum(p["wall"] for p in parts.values())
        self.import_wall = wall
        self.figures["import"] = {"files": len(paths), "good": manifest["good"], "events": manifest["events"],
                                  "wall": wall, "process_start": startup, "parts": parts}
        nominal = len(paths) * s.events   # the "1,000 documents x 100 events", bad files included
        target = 300 * nominal / 100_000
        scaled = "" if nominal == 100_000 else f" (300 s x {len(paths):,} x {s.events} / 1,000 x 100)"
        self.add(f"import {len(paths):,} files x {s.events} events ({manifest['good']} good, {manifest['bad']} bad)",
                 f"≤ {target:.0f} s{scaled}", f"{wall:.1f} s ({manifest['events'] / wall:.0f} events/s)",
                 at_most(wall, target))
        for label in ("first tenth", "last tenth"):
            p = parts.get(label)
            if p:
                self.add(f"{label}: {p['files']} files ({p['good']} good)", "",
                         f"{p['wall']:.1f} s: {p['files'] / p['wall']:.2f} files/s, {p['good'] / p['wall']:.2f} "
                         f"documents/s, {p['events'] / p['wall']:.0f} events/s")
        if "first tenth" in parts and "last tenth" in parts:
            first, last = parts["first tenth"], parts["last tenth"]
            flat = (last["wall"] / last["files"]) / (first["wall"] / first["files"])
            self.figures["import"]["flat"] = flat
            self.add("flat: time per file, last tenth / first tenth", "≤ 1.2",
                     f"{last['wall'] / last['files'] * 1000:.0f} / {first['wall'] / first['files'] * 1000:.0f} ms"
                     f" = {flat:.2f}", at_most(flat, 1.2))
        self.add("process start (`import_sources --help`), in each run above", "", f"{startup:.1f} s")
        bad_runs = {k: v["unexpected_failures"] for k, v in parts.items() if v["unexpected_failures"]}
        if bad_runs:
            self.notes.append(f"import: good documents failed: {bad_runs}")

    # -- 2. COPY floor -------------------------------------------------------------------------------
    def copy(self) -> None:
        names = copy_tables()
        parse_took, parse_failed = parse_time(self.paths)
        counts = row_counts(self.url, names)
        all_rows = sum(row_counts(self.url, [t.name for t in self.tables]).values())
        rows, took = copy_floor(self.url, names, self.tmp / "copy")
        write = self.import_wall - parse_took
        loader_rate, copy_rate = rows / write, rows / took
        ratio = loader_rate / copy_rate
        self.figures["copy"] = {"tables": counts, "rows": rows, "all_project_rows": all_rows, "copy_s": took,
                                "parse_s": parse_took, "parse_failed": parse_failed, "loader_write_s": write,
                                "loader_rows_per_s": loader_rate, "copy_rows_per_s": copy_rate, "ratio": ratio}
        self.add(f"parse ({len(self.paths):,} files in this process, {parse_failed} bad)", "",
                 f"{parse_took:.1f} s ({len(self.paths) / parse_took:.1f} files/s)")
        self.add(f"COPY floor: {rows:,} rows of {len(names)} tables ({rows / all_rows:.0%} of the import's rows)",
                 "", f"{took:.2f} s ({copy_rate:,.0f} rows/s)")
        self.add("loader write rate / COPY rate (write time = import − parse)", "≥ 0.25",
                 f"{loader_rate:,.0f} rows/s in {write:.1f} s = {ratio:.3f}", at_least(ratio, 0.25))

    # -- 3. re-imports -------------------------------------------------------------------------------
    def reimports(self) -> None:
        before = checksums(self.url, self.tables)
        xid = current_xid(self.url)
        unchanged = import_sources(self.url, self.tmp, [self.corpus])
        check_run("unchanged re-import", unchanged, self.bad, self.notes)
        written_unchanged = rewritten(self.url, self.tables, xid)
        middle = checksums(self.url, self.tables)
        changed_unchanged, moved_unchanged = compare(before, middle)
        xid = current_xid(self.url)
        forced = import_sources(self.url, self.tmp, [self.corpus], "--force")
        check_run("--force re-import", forced, self.bad, self.notes)
        written_forced = rewritten(self.url, self.tables, xid)
        after = checksums(self.url, self.tables)
        changed, moved = compare(middle, after)
        n = len(self.paths)
        self.figures["reimport"] = {
            "unchanged": {"wall": unchanged.wall, "statuses": unchanged.summary, "changed_tables": changed_unchanged,
                          "timestamps_moved": moved_unchanged, "rows_rewritten": written_unchanged},
            "force": {"wall": forced.wall, "statuses": forced.summary, "changed_tables": changed,
                      "timestamps_moved": moved, "rows_rewritten": written_forced,
                      "rows_before": {t: v[0] for t, v in middle.items()},
                      "rows_after": {t: v[0] for t, v in after.items()}},
        }
        target = 10 * n / 1000
        scaled = "" if n == 1000 else f" (10 s x {n:,} / 1,000)"
        self.add(f"unchanged re-import of the {n:,} files", f"≤ {target:.1f} s{scaled}",
                 f"{unchanged.wall:.1f} s ({unchanged.summary.get('unchanged', 0)} unchanged; "
                 f"{sum(written_unchanged.values())} rows written; tables changed: "
                 f"{', '.join(changed_unchanged) or 'none'})",
                 at_most(unchanged.wall, target))
        self.add(f"`--force` re-import of the {n:,} files: time", "",
                 f"{forced.wall:.1f} s ({forced.summary.get('updated', 0)} updated, "
                 f"{forced.summary.get('unchanged', 0)} unchanged; {sum(written_forced.values()):,} rows rewritten)")
        detail = ", ".join(f"{t} {middle[t][0]}→{after[t][0]} rows" if middle[t][0] != after[t][0] else t
                           for t in changed)
        self.add("`--force` re-import: tables whose rows changed", "none",
                 (detail or "none") + (f" (timestamps moved: {', '.join(moved)})" if moved else ""),
                 (None, not changed))

    # -- 4. huge document ----------------------------------------------------------------------------
    def huge(self) -> None:
        n = self.sizes.huge
        folder = self.tmp / "huge"
        paths, _ = corpus.generate(folder, huge=n, plain_share=0.0, seed=self.args.seed)
        self.huge_path = paths[0]
        result = import_sources(self.url, self.tmp, paths)
        check_run(f"huge document ({n:,} events)", result, set(), self.notes)
        ok = result.summary.get("created", 0) == 1
        self.figures["huge"] = {"events": n, "bytes": paths[0].stat().st_size, "wall": result.wall,
                                "rss_mb": result.rss_mb, "tree_mb": result.tree_mb,
                                "largest_process_mb": result.process_mb, "statuses": result.summary}
        target = 60 * n / 20_000
        scaled = "" if n == 20_000 else f" (60 s x {n:,} / 20,000)"
        self.add(f"one document of {n:,} events ({paths[0].stat().st_size / MB:.1f} MB), into the loaded database: "
                 "time", f"≤ {target:.0f} s{scaled}",
                 f"{result.wall:.1f} s ({n / result.wall:.0f} events/s)" + ("" if ok else " (NOT imported)"),
                 at_most(result.wall, target) if ok else (result.wall / target, False))
        self.add("the same: peak memory of the import", "≤ 300 MB",
                 f"{result.rss_mb:.0f} MB (process tree, sampled: {result.tree_mb:.0f} MB; largest single process: "
                 f"{result.process_mb:.0f} MB)", at_most(result.rss_mb, 300))

    # -- 5. 50 MB file -------------------------------------------------------------------------------
    def big(self) -> None:
        size = self.sizes.big_mb * 1_000_000
        folder = self.tmp / "big"
        folder.mkdir()
        text = self.huge_path.read_text(encoding="utf-8")
        head, sep, body = text.partition("\n==")
        body = sep + body
        path = folder / "big.txt"
        with open(path, "w", encoding="utf-8") as f:
            f.write(head)
            written = len(head.encode())
            chunk = body.encode()
            while written < size:
                f.write(body)
                written += len(chunk)
        result = import_sources(self.url, self.tmp, [path])
        check_run(f"{self.sizes.big_mb} MB file", result, {path.name}, None)
        refused = result.summary.get("failed") == 1
        outcome = (result.errors[0].split(": ", 1)[-1] if refused and result.errors
                   else "imported" if result.summary.get("created") else f"{result.summary}")
        self.figures["big"] = {"bytes": path.stat().st_size, "wall": result.wall, "rss_mb": result.rss_mb,
                               "tree_mb": result.tree_mb, "largest_process_mb": result.process_mb,
                               "outcome": outcome, "statuses": result.summary}
        self.add(f"a {path.stat().st_size / MB:.0f} MB file (default `--max-bytes`)", "refused or imported, ≤ 1,000 MB",
                 f"{outcome}; {result.wall:.1f} s, {result.rss_mb:.0f} MB", at_most(result.rss_mb, 1000))

    # -- 6. small files ------------------------------------------------------------------------------
    def small(self) -> None:
        n = self.sizes.small
        folder = self.tmp / "small"
        _, manifest = corpus.generate(folder, small_files=n, bad_share=0.5, seed=self.args.seed)
        bad = {e["file"] for e in manifest["entries"] if "bad" in e}
        result = import_sources(self.url, self.tmp, [folder])
        check_run(f"{n:,} small files", result, bad, self.notes)
        rate = n / result.wall
        self.figures["small"] = {"files": n, "bad": len(bad), "wall": result.wall, "rss_mb": result.rss_mb,
                                 "files_per_s": rate, "statuses": result.summary}
        self.add(f"{n:,} small files, {len(bad):,} bad, into the loaded database", "≥ 100 files/s",
                 f"{result.wall:.1f} s = {rate:.1f} files/s ({result.summary.get('created', 0)} created, "
                 f"{result.summary.get('failed', 0)} failed)", at_least(rate, 100))

    # -- 7. two concurrent runs ----------------------------------------------------------------------
    def concurrent(self) -> None:
        folder = self.tmp / "concurrent"
        _, manifest = corpus.generate(folder, docs=self.sizes.concurrent, events=self.sizes.events,
                                      plain_share=self.args.plain_share, bad_share=self.args.bad_share,
                                      seed=self.args.seed + 1)
        bad = {e["file"] for e in manifest["entries"] if "bad" in e}
        good = manifest["good"]
        serial_url, both_url = self.serial_url, self.both_url
        serial = import_sources(serial_url, self.tmp, [folder])
        check_run("concurrent corpus, one run (reference)", serial, bad, self.notes)
        # the control: is one run itself reproducible? (else a difference below is not the concurrency's)
        serial_again = import_sources(self.again_url, self.tmp, [folder])
        check_run("concurrent corpus, one run again (control)", serial_again, bad, self.notes)
        cmd = import_command(self.tmp, [folder])
        runs = finish([start(cmd, environment(both_url)), start(cmd, environment(both_url))])
        wall = max(r.wall for r in runs)
        for i, r in enumerate(runs, 1):
            try:
                check_run(f"concurrent run {i}", r, bad, self.notes)
            except RuntimeError as exc:
                self.notes.append(str(exc))
        again = import_sources(both_url, self.tmp, [folder])
        check_run("after the concurrent runs, one more run", again, bad, self.notes)
        entity_tables = [t.name for t in self.tables if t.name in (
            "conflicts_force", "people_person", "events_place", "events_event", "sources_claim",
            "conflicts_conflict", "conflicts_participation", "events_eventplace")]
        counts_serial, counts_both = row_counts(serial_url, entity_tables), row_counts(both_url, entity_tables)
        counts_again = row_counts(self.again_url, entity_tables)
        same_again = counts_again == counts_serial and entity_names(self.again_url) == entity_names(serial_url)
        dup_serial, dup_both = name_key_duplicates(serial_url), name_key_duplicates(both_url)
        docs = documents_by_status(both_url)
        names_serial, names_both = entity_names(serial_url), entity_names(both_url)
        names_differ = {t: {"only_concurrent": sorted(names_both[t] - names_serial[t]),
                            "only_serial": sorted(names_serial[t] - names_both[t])}
                        for t in names_both if names_both[t] != names_serial[t]}
        processes = [{"wall": r.wall, "rc": r.rc, "rss_mb": r.rss_mb, "statuses": r.summary, "skipped": r.skipped,
                      "errors_on_good_files": [e for e in r.errors if Path(e.split(":", 1)[0]).name not in bad],
                      "tail": r.tail(5) if r.crashed() else ""} for r in runs]
        self.figures["concurrent"] = {
            "files": manifest["documents"], "good": good, "bad": len(bad), "serial_wall": serial.wall,
            "wall": wall, "processes": processes, "again": again.summary, "documents_by_status": docs,
            "rows_serial": counts_serial, "rows_serial_again": counts_again, "serial_reproducible": same_again,
            "rows_concurrent": counts_both,
            "name_key_duplicates_serial": dup_serial, "name_key_duplicates_concurrent": dup_both,
            "names_differ": names_differ}
        self.add(f"two concurrent runs over one corpus of {manifest['documents']} files ({good} good): wall",
                 "", f"{wall:.1f} s (one run alone: {serial.wall:.1f} s, again: {serial_again.wall:.1f} s)")
        self.add("control: one run, twice, into two fresh databases: rows per table and names", "equal",
                 "equal" if same_again else ", ".join(f"{t} {counts_serial[t]}→{counts_again[t]}" for t in entity_tables
                                                      if counts_serial[t] != counts_again[t]) or "names differ",
                 (None, same_again))
        for i, p in enumerate(processes, 1):
            busy = p["skipped"].get(next((k for k in p["skipped"] if "another run" in k), ""), 0)
            self.add(f"concurrent run {i} reported", "",
                     ", ".join(f"{v} {k}" for k, v in p["statuses"].items()) + f"; {busy} being imported by another "
                     f"run; rc {p['rc']}; {len(p['errors_on_good_files'])} errors on good files"
                     + (f"; crashed: {p['tail']}" if p["tail"] else ""))
        imported = docs.get("imported", 0)
        self.add("concurrent: documents imported", f"= {good} good files", f"{imported}",
                 (None, imported == good))
        extra = {t: dup_both[t] - dup_serial[t] for t in dup_both if dup_both[t] != dup_serial[t]}
        self.add("concurrent: forces, people, places sharing a name key, beyond one run's",
                 "0", ", ".join(f"{t} {v:+d}" for t, v in extra.items()) or
                 f"0 ({', '.join(f'{t} {v}' for t, v in dup_both.items())}, as one run)",
                 (None, not extra))
        differ = {t: (counts_serial[t], counts_both[t]) for t in entity_tables if counts_serial[t] != counts_both[t]}
        self.add("concurrent: rows per table as one run's", "equal",
                 ", ".join(f"{t} {a}→{b}" for t, (a, b) in differ.items()) or f"equal ({len(entity_tables)} tables)",
                 (None, not differ))
        if names_differ:
            listed = "; ".join(f"{t}: " + ", ".join([f"+{n}" for n in d["only_concurrent"][:5]]
                                                    + [f"−{n}" for n in d["only_serial"][:5]])
                               for t, d in names_differ.items())
            self.add("concurrent: names not in one run's database (+) or missing (−)", "none", listed, (None, False))
        self.add("after them, one more run", f"{good} unchanged",
                 ", ".join(f"{v} {k}" for k, v in again.summary.items()),
                 (None, again.summary.get("unchanged", 0) == good))

    def run(self) -> None:
        started = time.perf_counter()
        setup_django(db_url(self.server, self.args.db))
        self.tables = project_tables()
        if self.args.only == "concurrent":      # the one stage that needs no loaded database
            self.databases()
            self.stage("7. two concurrent runs", self.concurrent)
            self.figures["total_s"] = time.perf_counter() - started
            return
        self.stage("1. import", self.main_import)
        if not self.url or not hasattr(self, "import_wall"):
            raise SystemExit("the import failed: nothing else to measure")
        self.stage("2. COPY floor", self.copy)
        self.stage("3. re-imports", self.reimports)
        self.stage("4. huge document", self.huge)
        if hasattr(self, "huge_path"):
            self.stage(f"5. {self.sizes.big_mb} MB file", self.big)
        self.stage("6. small files", self.small)
        self.stage("7. two concurrent runs", self.concurrent)
        self.figures["total_s"] = time.perf_counter() - started


def code_version() -> str:
    """12 hex digits of the sha256 of the importer's code (``CODE``): it must not change during a run."""
    digest = hashlib.sha256()
    for app in CODE:
        for path in sorted((ROOT / app).rglob("*.py")):
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--", "importer", "sources", "conflicts", "people", "events")
    return {"date": dt.datetime.now().isoformat(timespec="minutes"), "cpus": os.cpu_count(), "cpu": cpu,
            "python": platform.python_version(), "commit": git("rev-parse", "--short", "HEAD"),
            "importer_uncommitted_changes": bool(dirty)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="scaled down: 40 documents x 20 events, a 2,000-event document, 100 small files, "
                         "20 documents for the concurrent runs")
    ap.add_argument("--docs", type=int, help="documents of the main corpus (default 1000; --quick 40)")
    ap.add_argument("--events", type=int, help="events per document (default 100; --quick 20)")
    ap.add_argument("--huge", type=int, help="events of the huge document (default 20000; --quick 2000)")
    ap.add_argument("--small-files", type=int, help="small files, half bad (default 10000; --quick 100)")
    ap.add_argument("--concurrent-docs", type=int, help="documents for the concurrent runs (default 100; --quick 20)")
    ap.add_argument("--big-mb", type=int, default=50, help="size of the big file in MB (default 50)")
    ap.add_argument("--plain-share", type=float, default=0.5, help="share of plain documents (default 0.5)")
    ap.add_argument("--bad-share", type=float, default=0.02, help="share of bad files (default 0.02)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", choices=["concurrent"], help="run only this stage (the two concurrent runs)")
    ap.add_argument("--db", default="bench_bulk", help="database name (default bench_bulk; also <db>_serial, "
                                                      "<db>_serial_again, <db>_concurrent); dropped and created again")
    ap.add_argument("--server", help=f"PostgreSQL server URL (default: DATABASE_URL's server, else {DEFAULT_SERVER})")
    ap.add_argument("--json", type=Path, metavar="OUT", help="also write the raw figures as JSON to OUT")
    ap.add_argument("--import-option", action="append", default=[], metavar="OPTION",
                    help="an option for every import_sources run, e.g. --import-option=--jobs=1 (repeatable)")
    args = ap.parse_args(argv)
    IMPORT_OPTIONS[:] = args.import_option
    # SIGTERM (kill, nohup runs) unwinds like Ctrl-C: the running command is stopped, the folder removed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    q = args.quick
    sizes = Sizes(docs=args.docs or (40 if q else 1000), events=args.events or (20 if q else 100),
                  huge=args.huge or (2000 if q else 20000), small=args.small_files or (100 if q else 10000),
                  concurrent=args.concurrent_docs or (20 if q else 100), big_mb=args.big_mb)
    with tempfile.TemporaryDirectory(prefix="bench_bulk_") as tmp:
        bench = Bench(args, sizes, Path(tmp))
        bench.figures["machine"] = machine()
        bench.figures["command"] = " ".join(["bench/bulk.py", *(argv if argv is not None else sys.argv[1:])])
        bench.run()
    m = bench.figures["machine"]
    print(f"\nbench/bulk.py, {m['date']}: {m['cpus']} CPUs ({m['cpu']}), Python {m['python']}, "
          + (f"commit {m['commit']}" if m["commit"] else "not a git checkout")
          + (" + uncommitted changes to the importer" if m["importer_uncommitted_changes"] else "")
          + f", importer code {bench.figures['code_version']}; PostgreSQL {bench.figures['postgresql']}"
          + f"; total {bench.figures['total_s'] / 60:.1f} min\n")
    print_table(bench.rows)
    if bench.notes:
        print("\nNotes:")
        for note in bench.notes:
            print(f"- {note}")
    if args.json:
        args.json.write_text(json.dumps(bench.figures, indent=1, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

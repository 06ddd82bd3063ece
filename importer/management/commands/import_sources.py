"""``python manage.py import_sources [PATH ...]``: load source documents, idempotently.

Only argument handling and printing live here; collecting, ordering, parsing and loading are
``importer.pipeline.import_paths``.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from importer.load import Action
from importer.pipeline import DEFAULT_MAX_BYTES, ImportOptions, NoDocuments, NotMigrated, RunReport, import_paths
from sources.parsing import FORMATS
from sources.parsing.export import to_json

#: The cores this process may run on: the default of ``--jobs``.
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
SUMMARY_COLUMNS = ("created", "updated", "unchanged", "kept", "failed")
# What would break a message's line or reorder it on a terminal: control characters (a file name may
# hold a newline), line and paragraph separators, bidirectional overrides. Printed escaped.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class Command(BaseCommand):
    help = ("Import source documents (files or folders; default: the sample sources in fixtures/sources). "
            "Re-importing an unchanged document changes nothing; editors' corrections are kept.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="Files or folders of documents.")
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="auto",
                            help="Document format (default: detected per file from its content; a MediaWiki XML "
                                 "export, plain or compressed, is always detected and read page by page).")
        parser.add_argument("--dry-run", action="store_true", help="Parse and load, then roll back: write nothing.")
        parser.add_argument("--json", action="store_true",
                            help="Print the extraction as JSON (one object per document) on standard output.")
        parser.add_argument("--force", action="store_true", help="Reload documents even when unchanged.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar, even on a terminal.")
        parser.add_argument("--root", type=Path, default=None,
                            help="Documents are known by their path relative to this folder (default: the current "
                                 "folder; the project's folder for the samples).")
        parser.add_argument("--source-url", default="",
                            help="The canonical URL of the page, for a single document: it becomes its identity.")
        parser.add_argument("--max-bytes", type=_size, default=DEFAULT_MAX_BYTES, metavar="SIZE",
                            help="Refuse a document larger than this, unread (bytes, or with K, M or G; "
                                 f"default: {DEFAULT_MAX_BYTES // 2**20}M).")
        parser.add_argument("--jobs", type=_jobs, default=CORES, metavar="N",
                            help="Processes reading documents ahead of the one loading them, in order "
                                 f"(default: the number of cores, {CORES}); the result is the same with any N.")
        parser.add_argument("--title", default="",
                            help="The page title of a single wikitext document (a .wiki file carries none).")
        parser.add_argument("--follow-symlinks", action="store_true",
                            help="Follow symbolic links (given or in folders) whose target stays inside the paths "
                                 "given; by default they are skipped.")

    def handle(self, *args, paths, fmt, dry_run, json: bool, force, no_progress, root, source_url, max_bytes,
               follow_symlinks, title, jobs, **options):
        # Messages go to stderr when stdout carries JSON.
        out = self.stderr if json else self.stdout
        if source_url and (len(paths) != 1 or paths[0].is_dir()):
            raise CommandError("--source-url names one document: give exactly one file.")
        if title and (len(paths) != 1 or paths[0].is_dir()):
            raise CommandError("--title names one document: give exactly one file.")
        if not paths:
            root = root or Path(settings.BASE_DIR)
        progress = _Progress(self.stderr, enabled=not no_progress and sys.stderr.isatty())
        try:
            run = import_paths(paths or [Path(settings.SAMPLE_SOURCES_DIR)],
                               options=ImportOptions(fmt=fmt, dry_run=dry_run, force=force, records=json,
                                                     root=root, source_url=source_url, max_bytes=max_bytes,
                                                     follow_symlinks=follow_symlinks, title=title,
                                                     jobs=jobs),
                               progress=progress)
        except NoDocuments:
            where = ", ".join(str(p) for p in paths or ["fixtures/sources"])
            raise CommandError(f"No documents found in {where}") from None
        except NotMigrated:
            raise CommandError("The database has unapplied migrations: run `python manage.py migrate` first.") from None
        finally:
            progress.done()
        if run.parse_only:
            out.write(self.style.WARNING("The database is not migrated: documents are parsed only, not loaded."))
        if json:
            payload = [{**to_json(r.record, r.path), "import": _import_report(r)}
                       for r in run.documents if r.record is not None]
            self.stdout.write(_json_dumps(payload))
        self.print_summary(run, out)
        if run.failed:
            raise CommandError(f"{len(run.failed)} of {len(run.documents)} documents failed (listed above).")

    def print_summary(self, run: RunReport, out) -> None:
        style, reports = self.style, run.documents
        if not reports:
            self.print_skipped(run, out)
            out.write("\nNo documents to import: every file was skipped.")
            return
        names = [_one_line(r.name) for r in reports]
        width = max(map(len, names))
        out.write(f"\n{'document':{width}}  {'result':9}  " + "  ".join(f"{c:>9}" for c in SUMMARY_COLUMNS[:4]))
        for r, name in zip(reports, names, strict=True):
            records = r.counts.by_action()
            row = [records[Action.CREATED], records[Action.UPDATED], records[Action.UNCHANGED], len(r.kept)]
            status = {"failed": style.ERROR, "unchanged": style.NOTICE}.get(r.status, style.SUCCESS)(f"{r.status:9}")
            out.write(f"{name:{width}}  {status}  " + "  ".join(f"{n:>9}" for n in row))
        docs, totals = run.statuses, run.counts.by_action()
        kept = [k for r in reports for k in r.kept]
        statuses = ("created", "updated", "unchanged", "failed") if "parsed" not in docs else ("parsed", "failed")
        out.write("\nDocuments: " + ", ".join(f"{docs[s]} {s}" for s in statuses)
                  + f". Records: {totals[Action.CREATED]} created, {totals[Action.UPDATED]} updated, "
                    f"{totals[Action.UNCHANGED]} unchanged, {len(kept)} editor's changes kept."
                  + (" Dry run: nothing was written." if run.dry_run else ""))
        if kept:
            out.write("\nKept editors' corrections:")
            for line in kept:
                out.write(f"  {_one_line(line)}")
        self.print_skipped(run, out)
        problems = [p for r in reports for p in r.problems]
        if problems:
            out.write(f"\nWarnings ({len(problems)}):")
            for line in problems[:50]:
                out.write(f"  {_one_line(line)}")
            if len(problems) > 50:
                out.write(f"  ... and {len(problems) - 50} more (stored on each source document).")
        errors = [r.error for r in reports if r.error]
        if errors:
            out.write(style.ERROR(f"\nErrors ({len(errors)}):"))
            for line in errors:
                out.write(style.ERROR(f"  {_one_line(line)}"))

    def print_skipped(self, run: RunReport, out) -> None:
        """Files that are not documents, with their reasons: not failures."""
        if not run.skipped:
            return
        kinds = Counter(s.kind for s in run.skipped)
        out.write(self.style.NOTICE(f"\nSkipped, not failures ({len(run.skipped)}): ")
                  + ", ".join(f"{n} {kind}" for kind, n in kinds.most_common()) + ".")
        for skipped in run.skipped[:50]:
            out.write(f"  {_one_line(str(skipped))}")
        if len(run.skipped) > 50:
            out.write(f"  ... and {len(run.skipped) - 50} more.")


def _one_line(text: str) -> str:
    """A message on one line, as it reads: the characters of ``_UNPRINTABLE`` escaped (``\\n``)."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _jobs(value: str) -> int:
    """``--jobs``: a number of processes, 1 to 64."""
    if not value.strip().isdigit() or not 1 <= int(value) <= 64:
        raise argparse.ArgumentTypeError(f"not a number of processes from 1 to 64: {value!r}")
    return int(value)


def _size(value: str) -> int:
    """``--max-bytes``: a number of bytes, or with a K, M or G suffix (powers of 1024)."""
    match = re.fullmatch(r"\s*(\d+)\s*([kmg]?)i?b?\s*", value, re.IGNORECASE)
    if not match or int(match[1]) == 0:
        raise argparse.ArgumentTypeError(f"not a size in bytes: {value!r} (for example 20000000, 500K or 20M)")
    return int(match[1]) * 1024 ** " kmg".index(match[2].lower() or " ")


def _import_report(report) -> dict:
    """What the import did with one document, beside its extraction in ``--json``."""
    return {"identity": report.identity, "status": report.status, "changes": report.changes,
            "kept": report.kept, "warnings": report.problems}


def _json_dumps(payload) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2)


class _Progress:
    """A one-line progress bar on a terminal; silent otherwise (logs, CI, pipes)."""

    def __init__(self, stream, enabled: bool):
        self.stream, self.enabled, self.started = stream, enabled, False

    def __call__(self, count: int, total: int, path: Path) -> None:
        if not self.enabled:
            return
        self.started = True
        filled = int(30 * count / total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {count}/{total} {path.name[:40]:40}",
                          style_func=str, ending="")  # stderr's default style is the error colour
        self.stream.flush()

    def done(self) -> None:
        if self.started:
            self.stream.write("", style_func=str)

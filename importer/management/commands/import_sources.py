"""``python manage.py import_sources [PATH ...]``: load source documents, idempotently.

Only argument handling, ordering and printing live here; reading, parsing and loading are
``importer.load``.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from importer import load
from sources.parsing import ParseError, detect_format
from sources.parsing.export import to_json
from sources.parsing.text import decode

SUMMARY_COLUMNS = ("created", "updated", "unchanged", "kept", "failed")


class Command(BaseCommand):
    help = ("Import source documents (files or folders; default: the sample sources in fixtures/sources). "
            "Re-importing an unchanged document changes nothing; editors' corrections are kept.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="Files or folders of documents.")
        parser.add_argument("--format", dest="fmt", choices=["auto", "structured", "plain"], default="auto",
                            help="Document format (default: detected per file).")
        parser.add_argument("--dry-run", action="store_true", help="Parse and load, then roll back: write nothing.")
        parser.add_argument("--json", action="store_true",
                            help="Print the extraction as JSON (one object per document) on standard output.")
        parser.add_argument("--force", action="store_true", help="Reload documents even when unchanged.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar, even on a terminal.")

    def handle(self, *args, paths, fmt, dry_run, json: bool, force, no_progress, **options):
        files = self.collect(paths or [Path(settings.SAMPLE_SOURCES_DIR)])
        if not files:
            raise CommandError("No documents found in " + ", ".join(str(p) for p in paths or ["fixtures/sources"]))
        # Messages go to stderr when stdout carries JSON.
        out = self.stderr if json else self.stdout
        migrated = not self.unapplied_migrations()
        if not migrated and not dry_run:
            raise CommandError("The database has unapplied migrations: run `python manage.py migrate` first.")
        if not migrated:
            out.write(self.style.WARNING("The database is not migrated: documents are parsed only, not loaded."))
        progress = _Progress(len(files), self.stderr, enabled=not no_progress and sys.stderr.isatty())
        resolver = load.build_resolver() if migrated else None
        learned: list[str] = []       # force names from this run's documents, for splitting plain runs
        reports: dict[Path, load.DocumentReport] = {}
        for path in self.load_order(files, fmt):
            progress.step(path.name)
            if not migrated:
                report = load.parse_file(path, fmt=fmt, known_forces=learned)
            else:
                known = None if not learned else [*load.known_force_names(), *learned]
                report = load.import_file(path, fmt=fmt, dry_run=dry_run, force=force, resolver=resolver,
                                          known_forces=known)
                if dry_run or not report.ok:
                    resolver = load.build_resolver()  # it learned names that were rolled back
            reports[path] = report
            if report.record is not None:
                learned += [x.name for side in report.record.sides for x in (*side.belligerents, *side.units)]
        progress.done()
        ordered = [reports[p] for p in files]
        if json:
            for r in ordered:
                if r.record is None and r.ok:  # unchanged: not re-parsed for loading, parse for the output
                    r.record = load.parse_file(Path(r.path), fmt=fmt, known_forces=load.known_force_names()).record
            payload = [to_json(r.record, r.path) for r in ordered if r.record is not None]
            self.stdout.write(_json_dumps(payload))
        self.print_summary(ordered, out, dry_run)
        failed = [r for r in ordered if not r.ok]
        if failed:
            raise CommandError(f"{len(failed)} of {len(ordered)} documents failed (listed above).")

    @staticmethod
    def unapplied_migrations() -> list:
        executor = MigrationExecutor(connection)
        return executor.migration_plan(executor.loader.graph.leaf_nodes())

    @staticmethod
    def collect(paths: list[Path]) -> list[Path]:
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            else:
                files.append(path)   # a missing file is reported as a failure by the loader
        return list(dict.fromkeys(files))

    @staticmethod
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

    def print_summary(self, reports: list[load.DocumentReport], out, dry_run: bool) -> None:
        style = self.style
        width = max(len(r.name) for r in reports)
        out.write(f"\n{'document':{width}}  {'result':9}  " + "  ".join(f"{c:>9}" for c in SUMMARY_COLUMNS[:4]))
        totals: Counter = Counter()
        for r in reports:
            records = Counter()
            for key, n in r.counts.items():
                records[key.rsplit(":", 1)[1]] += n
            row = [records["created"], records["updated"], records["unchanged"], len(r.kept)]
            totals.update({"created": row[0], "updated": row[1], "unchanged": row[2], "kept": row[3]})
            status = {"failed": style.ERROR, "unchanged": style.NOTICE}.get(r.status, style.SUCCESS)(f"{r.status:9}")
            out.write(f"{r.name:{width}}  {status}  " + "  ".join(f"{n:>9}" for n in row))
        docs = Counter(r.status for r in reports)
        statuses = ("created", "updated", "unchanged", "failed") if "parsed" not in docs else ("parsed", "failed")
        out.write("\nDocuments: " + ", ".join(f"{docs[s]} {s}" for s in statuses)
                  + f". Records: {totals['created']} created, {totals['updated']} updated, "
                    f"{totals['unchanged']} unchanged, {totals['kept']} editor's changes kept."
                  + (" Dry run: nothing was written." if dry_run else ""))
        kept = [k for r in reports for k in r.kept]
        if kept:
            out.write("\nKept editors' corrections:")
            for line in kept:
                out.write(f"  {line}")
        problems = [p for r in reports for p in r.problems]
        if problems:
            out.write(f"\nWarnings ({len(problems)}):")
            for line in problems[:50]:
                out.write(f"  {line}")
            if len(problems) > 50:
                out.write(f"  ... and {len(problems) - 50} more (stored on each source document).")
        errors = [r.error for r in reports if r.error]
        if errors:
            out.write(style.ERROR(f"\nErrors ({len(errors)}):"))
            for line in errors:
                out.write(style.ERROR(f"  {line}"))


def _json_dumps(payload) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2)


class _Progress:
    """A one-line progress bar on a terminal; silent otherwise (logs, CI, pipes)."""

    def __init__(self, total: int, stream, enabled: bool):
        self.total, self.stream, self.enabled, self.count = total, stream, enabled, 0

    def step(self, label: str) -> None:
        if not self.enabled:
            return
        self.count += 1
        filled = int(30 * self.count / self.total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.count}/{self.total} {label[:40]:40}",
                          style_func=str, ending="")  # stderr's default style is the error colour
        self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("", style_func=str)

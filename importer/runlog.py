"""Keep a log of each import run (``ImportRun``, one ``DocumentImport`` per document) for editors.

The log is written as the run goes (``RunLog``): a document's entry, with the changes it made, is
stored a few hundred documents at a time, and the run's memory then lets go of those changes (unless
the caller asked for them, ``--json``), so that a run of many documents does not hold every change of
every document until its end.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import Path

from django.utils import timezone

from sources.models import SourceDocument

from .models import DocumentImport, ImportRun


class RunLog:
    """The log of one run: ``add`` each document's report as it is done, ``finish`` with the run's."""

    BATCH = 200

    def __init__(self, paths: Iterable[Path], options, started_at: datetime.datetime, *, keep_changes: bool):
        self.run = ImportRun.objects.create(
            started_at=started_at, finished_at=started_at, paths=[str(p) for p in paths],
            options={"format": options.fmt, "force": options.force})
        self.keep_changes = keep_changes
        self._pending: list = []
        self._written: set[int] = set()     # id() of the reports stored

    def add(self, report) -> None:
        self._pending.append(report)
        if len(self._pending) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        if not pending:
            return
        ids = dict(SourceDocument.objects.filter(identity__in=[d.identity for d in pending])
                   .values_list("identity", "pk"))
        DocumentImport.objects.bulk_create([
            DocumentImport(run=self.run, document_id=ids.get(d.identity), identity=d.identity[:1024], status=d.status,
                           error=d.error, counts=dict(d.counts.by_action()), changes=d.changes, kept=d.kept,
                           warnings=d.problems)
            for d in pending], batch_size=500)
        for d in pending:
            self._written.add(id(d))
            if not self.keep_changes:
                d.changes = []      # stored: the run need not hold them

    def finish(self, report) -> ImportRun:
        """Store the documents not stored yet (files refused unread) and the run's totals."""
        for d in report.documents:
            if id(d) not in self._written and all(d is not p for p in self._pending):
                self._pending.append(d)
        self.flush()
        run = self.run
        run.finished_at, run.documents, run.failed = timezone.now(), len(report.documents), len(report.failed)
        run.counts = dict(report.counts.by_action())
        run.save(update_fields=["finished_at", "documents", "failed", "counts"])
        return run


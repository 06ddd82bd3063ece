"""Keep a log of each import run (``ImportRun``, one ``DocumentImport`` per document) for editors."""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import Path

from django.utils import timezone

from sources.models import SourceDocument

from .models import DocumentImport, ImportRun


def record_run(report, paths: Iterable[Path], options, started_at: datetime.datetime) -> ImportRun:
    """Store ``report`` (a ``pipeline.RunReport`` of a real run) as an import run with its documents."""
    documents = report.documents
    run = ImportRun.objects.create(
        started_at=started_at, finished_at=timezone.now(), paths=[str(p) for p in paths],
        options={"format": options.fmt, "force": options.force}, documents=len(documents),
        failed=len(report.failed), counts=dict(report.counts.by_action()))
    ids = dict(SourceDocument.objects.filter(identity__in=[d.identity for d in documents])
               .values_list("identity", "pk"))
    DocumentImport.objects.bulk_create([
        DocumentImport(run=run, document_id=ids.get(d.identity), identity=d.identity[:1024], status=d.status,
                       error=d.error, counts=dict(d.counts.by_action()), changes=d.changes, kept=d.kept,
                       warnings=d.problems)
        for d in documents], batch_size=500)
    return run

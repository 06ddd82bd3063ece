"""The log of import runs: what each run did to each document, for editors (admin, "Import runs")."""
from __future__ import annotations

from django.db import models

from sources.models import SourceDocument


class ImportRun(models.Model):
    """One ``import_sources`` run (dry runs are not logged: they change nothing)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    paths = models.JSONField(default=list, help_text="The files and folders the run was given.")
    options = models.JSONField(default=dict, blank=True)
    documents = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True, help_text="Records per action, over every document.")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        started = f"{self.started_at:%Y-%m-%d %H:%M}" if self.started_at else "(not started)"
        return f"Import of {started} ({self.documents} documents, {self.failed} failed)"


class DocumentImport(models.Model):
    """What one run did with one document: its result, and each record added, changed or withdrawn."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="imports")
    document = models.ForeignKey(SourceDocument, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="imports")
    identity = models.CharField(max_length=1024)
    status = models.CharField(max_length=12)
    error = models.TextField(blank=True)
    counts = models.JSONField(default=dict, blank=True)
    changes = models.JSONField(default=list, blank=True,
                               help_text="Each record added, changed (field: old → new) or withdrawn.")
    kept = models.JSONField(default=list, blank=True,
                            help_text="Editors' corrections and deletions the import kept.")
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["run", "pk"]

    def __str__(self):
        return f"{self.identity}: {self.status}"

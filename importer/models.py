"""The log of import runs: what each run did to each document, for editors (admin, "Import runs")."""
from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
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


class ReviewItem(models.Model):
    """Something the importer was unsure of, for an editor to accept, fix or reject (admin, "Review queue").

    Items are written at the end of each document's load (``importer.review``), one per stable ``key``
    (the reason and the record it is about), so a re-import finds the item it raised before instead of
    adding another. An item an editor decided keeps its status: later imports never reopen it. The
    reasons are a registry (``importer.review.REASONS``), not choices, so that adding one needs no migration.
    """

    class Status(models.TextChoices):
        OPEN = "open", "open"
        ACCEPTED = "accepted", "accepted"
        REJECTED = "rejected", "rejected"
        FIXED = "fixed", "fixed by an editor"

    key = models.CharField(max_length=500, unique=True,
                           help_text="The reason and the record it is about: what a later import recognises.")
    reason = models.CharField(max_length=40, db_index=True)
    conflict = models.ForeignKey("conflicts.Conflict", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", help_text="The offensive the item is about.")
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    record = GenericForeignKey("content_type", "object_id")
    document = models.ForeignKey(SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 help_text="The document whose import raised the item.")
    summary = models.CharField(max_length=300)
    evidence = models.JSONField(default=dict, blank=True,
                                help_text="What the importer saw: the sentence, the candidates, the scores.")
    status = models.CharField(max_length=8, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField("raised", help_text="When an import first raised it.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True, help_text="What the decision did.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "review item"
        verbose_name_plural = "review queue"
        indexes = [models.Index(fields=["status", "-created_at"], name="reviewitem_queue_idx"),
                   models.Index(fields=["document", "status"], name="reviewitem_document_idx")]
        constraints = [models.CheckConstraint(condition=models.Q(status__in=["open", "accepted", "rejected", "fixed"]),
                                              name="reviewitem_status_valid")]

    def __str__(self):
        return self.summary

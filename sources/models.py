"""Source documents and the building blocks every sourced record shares.

``Sourced`` gives a record its provenance (document and character span) and ``locked_fields``,
the fields an editor corrected by hand, which re-imports never overwrite.
"""
from __future__ import annotations

import json

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from .labels import MISSING, related_label
from .names import EntityKind, name_key


class SourceStatus(models.TextChoices):
    IMPORTED = "imported", "imported"
    FAILED = "failed", "failed"


class SourceFormat(models.TextChoices):
    STRUCTURED = "structured", "structured"
    PLAIN = "plain", "plain"
    WIKITEXT = "wikitext", "MediaWiki wikitext"
    HTML = "html", "saved HTML page"


class SourceDocument(models.Model):
    Format = SourceFormat

    Status = SourceStatus

    identity = models.CharField(
        max_length=1024, unique=True,
        help_text="What makes this document itself: its canonical URL or wiki page name where the source gives "
                  "one, else its file path relative to the import root. Re-imports match on it (and on the "
                  "content hash, for a file that moved).")
    name = models.CharField(max_length=255, help_text="File name of the source, for readers and editors.")
    path = models.CharField(max_length=1024, blank=True, help_text="Path it was last imported from.")
    url = models.URLField(max_length=1024, blank=True, help_text="The page's canonical URL, where known.")
    title = models.CharField(max_length=300, blank=True)
    format = models.CharField(max_length=12, choices=Format, blank=True)
    encoding = models.CharField(max_length=32, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    text = models.TextField(help_text="The document as imported (BOM removed, line endings normalised); for a "
                                      "wiki page (wikitext, HTML) its readable text. Every span points into it.")
    original = models.BinaryField(blank=True, editable=False,
                                  help_text="The bytes as read (of a wiki page: its wikitext or HTML), whose sha256 "
                                            "is stored beside them; editors download them in admin.")
    revision_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The wiki's revision of the page, where the source gives it.")
    revision_time = models.DateTimeField(null=True, blank=True, help_text="When that revision was made.")
    retrieved_at = models.DateTimeField(null=True, blank=True,
                                        help_text="When the page was retrieved: the export's or saved file's time.")
    licence = models.CharField(max_length=100, blank=True, help_text="The licence of the text, e.g. CC BY-SA 4.0.")
    site = models.CharField(max_length=100, blank=True, help_text="The wiki or site the text is from.")
    parser_version = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.IMPORTED)
    problems = models.JSONField(default=list, blank=True,
                                help_text="What the parser could not read: [{line, message}].")
    imported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=SourceStatus.values),
                                   name="sourcedocument_status_valid"),
        ]

    def __str__(self):
        return self.title or self.name or ""

    def get_absolute_url(self):
        return reverse("sources:detail", args=[self.pk])


class Claim(models.Model):
    """A document's statement of one record: the values it gives, and where in its text it says so.

    A record (offensive, side, force, event, ...) may be stated by several documents; each has one
    claim on it. Re-importing a document adds, changes and withdraws only its own claims; the record
    takes the chosen value of each field from its claims (see ``importer.claims``) and disappears
    when no document claims it any more, unless an editor locked it.
    """

    document = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="claims")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    key = models.CharField(max_length=500, help_text="The record's key within this document (its natural key, "
                                                     "or for a sentence its fingerprint).")
    values = models.JSONField(default=dict, blank=True, help_text="The fields as this document states them.")
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "content_type", "object_id"], name="claim_one_per_document"),
            models.CheckConstraint(
                condition=models.Q(span_start__isnull=True) | models.Q(span_end__gte=models.F("span_start")),
                name="claim_span_order"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="claim_record_idx")]

    def __str__(self):
        model = self.content_type.model if self.content_type_id else MISSING
        return f"{related_label(self, 'document')} states {model} #{self.object_id}"


class Sourced(models.Model):
    """Provenance and editor locks for an extracted record.

    ``span_start``/``span_end`` are offsets into ``source.text``. ``locked_fields`` lists the fields
    an editor changed by hand: the importer never overwrites them, and never deletes a record that
    has any.
    """

    source = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_records",
        help_text="The document this record was extracted from (empty for records made by hand).")
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    locked_fields = models.JSONField(
        default=list, blank=True,
        help_text="Hand-edited fields; re-import keeps them. Remove a name to let the importer take over again.")
    in_source = models.BooleanField(
        default=True, help_text="Unticked when no source states this record any more; it is kept because an "
                                "editor corrected it.")
    claims = GenericRelation(Claim)

    #: the fields a source document states (the importer writes them; an editor's lock keeps them)
    CLAIMED_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(span_start__isnull=True) | models.Q(span_end__gte=models.F("span_start")),
                name="%(app_label)s_%(class)s_span_order"),
        ]

    @property
    def has_locks(self) -> bool:
        return bool(self.locked_fields)

    def source_url(self) -> str | None:
        """Link to the highlighted sentence on the source page, or None for hand-made records and
        records no source states any more (their old span would point at the wrong text)."""
        if self.source_id is None or self.span_start is None or not self.in_source:
            return None
        return f"{reverse('sources:detail', args=[self.source_id])}#span-{self.span_start}-{self.span_end}"


class NamedRecord(Sourced):
    """A force, person or place: a named record with a unique slug and alias table (``Alias``).

    The importer matches it by name (and through its aliases, by the name resolver).
    """

    NATURAL_KEY = ("name",)

    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=300, unique=True)

    class Meta(Sourced.Meta):
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name or ""


class Alias(models.Model):
    """Another name of a force, person or place (spelling variant, nickname, merged duplicate)."""

    class Origin(models.TextChoices):
        IMPORT = "import", "named so in a source"
        RESOLVER = "resolver", "joined automatically by the name resolver"
        MERGE = "merge", "kept from a merged record"
        EDITOR = "editor", "added by an editor"

    name = models.CharField(max_length=300)
    key = models.CharField(max_length=300, db_index=True, editable=False,
                           help_text="Normalised form used for matching.")
    origin = models.CharField(max_length=10, choices=Origin, default=Origin.EDITOR)
    score = models.FloatField(null=True, blank=True,
                              help_text="Similarity score (0-100) when the resolver joined this name.")
    source = models.ForeignKey(SourceDocument, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    KIND = ""  # "force" | "person" | "place": how the name is normalised

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name or ""

    def save(self, *args, **kwargs):
        _write_key(self, self.KIND, kwargs)
        super().save(*args, **kwargs)


class KnownName(models.Model):
    """A name that is another name of a well-known entity: an acronym (ISIL), a former name (Jabhat
    al-Nusra), another spelling (Hizbollah). All names with the same ``same_as`` are one record.

    Shipped as data (``sources/data/known_names.json``, loaded by migration), learned from documents
    that introduce an acronym ("the Islamic State of Iraq and the Levant (ISIL)"), and edited here.
    """

    class Origin(models.TextChoices):
        SHIPPED = "shipped", "shipped with the encyclopedia"
        LEARNED = "learned", "introduced by a source document"
        EDITOR = "editor", "added by an editor"

    kind = models.CharField(max_length=6, choices=EntityKind)
    name = models.CharField(max_length=300)
    same_as = models.CharField(max_length=300, help_text="The name of the family: a new record takes it.")
    origin = models.CharField(max_length=8, choices=Origin, default=Origin.EDITOR)
    source = models.ForeignKey(SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               help_text="The document that introduced the name (learned names).")

    class Meta:
        ordering = ["same_as", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="knownname_unique")]

    def __str__(self):
        return f"{self.name} = {self.same_as}"


class ResolutionDecision(models.Model):
    """An editor's decision the name resolver must respect on later imports.

    ``forbid``: never join ``name`` to the record (a split). ``join``: always join it (a merge).
    """

    Kind = EntityKind

    class Decision(models.TextChoices):
        JOIN = "join", "always join"
        FORBID = "forbid", "never join"

    kind = models.CharField(max_length=6, choices=Kind)
    name = models.CharField(max_length=300)
    key = models.CharField(max_length=300, db_index=True, editable=False)
    record_id = models.PositiveBigIntegerField(help_text="Primary key of the force, person or place.")
    decision = models.CharField(max_length=6, choices=Decision)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "record_id"], name="resolutiondecision_unique"),
        ]

    def __str__(self):
        return f"{self.get_decision_display()}: {self.name} → {self.kind} #{self.record_id}"

    def save(self, *args, **kwargs):
        _write_key(self, self.kind, kwargs)
        super().save(*args, **kwargs)


def _write_key(obj, kind: str, save_kwargs: dict) -> None:
    """The one place a name's matching key is written (aliases and decisions)."""
    obj.key = name_key(obj.name, kind)
    if save_kwargs.get("update_fields") is not None and "name" in save_kwargs["update_fields"]:
        save_kwargs["update_fields"] = {*save_kwargs["update_fields"], "key"}


def natural_key(model: type[models.Model], values: dict) -> str | None:
    """The JSON natural key of a record of ``model`` (``model.NATURAL_KEY`` fields), from a lookup
    dict or a record's values; related records become their primary keys. None when the model has
    no natural key or a key field is missing from ``values``."""
    fields = getattr(model, "NATURAL_KEY", None)
    if not fields or any(f not in values for f in fields):
        return None
    return json.dumps({f: getattr(values[f], "pk", values[f]) for f in fields}, sort_keys=True, default=str)


class DeletedRecord(models.Model):
    """An imported record an editor deleted: re-imports must not bring it back.

    Removing this row (in admin) lets the next import create the record again.
    """

    model = models.CharField(max_length=100, help_text="app_label.model of the deleted record.")
    key = models.CharField(max_length=500, help_text="Its natural key, as the importer builds it.")
    name = models.CharField(max_length=300, help_text="What the record was, for editors.")
    text = models.TextField(blank=True, help_text="The deleted event's sentence: the importer recognises it after "
                                                  "the source rewords it.")
    source = models.ForeignKey(SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    deleted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-deleted_at"]
        constraints = [models.UniqueConstraint(fields=["model", "key"], name="deletedrecord_unique")]

    def __str__(self):
        return f"{self.model}: {self.name}"

    @classmethod
    def remember(cls, obj: models.Model, user=None) -> DeletedRecord | None:
        """Record that an editor deleted ``obj`` (an imported record with a natural key)."""
        if getattr(obj, "source_id", None) is None:
            return None   # made by hand: no import would bring it back
        key = natural_key(type(obj), {f: getattr(obj, f) for f in getattr(obj, "NATURAL_KEY", ())})
        if key is None:
            return None
        record, _ = cls.objects.update_or_create(
            model=obj._meta.label_lower, key=key,
            defaults={"name": str(obj)[:300], "text": getattr(obj, "text", ""), "source_id": obj.source_id,
                      "deleted_by": user if getattr(user, "pk", None) else None})
        return record

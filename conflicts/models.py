"""Offensives (and the wars they are part of), their sides, and the forces that fought them."""
from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import reverse
from django.utils.timezone import now

from sources.classify import country_of
from sources.labels import MISSING, related_label
from sources.models import Alias, NamedRecord, Sourced
from sources.precision import Precision

from .querysets import ConflictQuerySet, ForceQuerySet


class ConflictKind(models.TextChoices):
    OFFENSIVE = "offensive", "offensive"
    BATTLE = "battle", "battle"
    OPERATION = "operation", "operation"
    CAMPAIGN = "campaign", "campaign"
    INTERVENTION = "intervention", "intervention"
    WAR = "war", "war"
    OTHER = "other", "other"


class Conflict(Sourced):
    """An offensive, or a larger battle, campaign or war that offensives are part of."""

    CLAIMED_FIELDS = ("name", "kind", "start_date", "start_precision", "end_date", "end_precision", "place", "status",
                      "territory", "summary", "extra", "latitude", "longitude", "sides_unresolved")

    Kind = ConflictKind

    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=300, unique=True)
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.OFFENSIVE)
    start_date = models.DateField(null=True, blank=True)
    start_precision = models.CharField(max_length=5, choices=Precision, default=Precision.DAY)
    end_date = models.DateField(null=True, blank=True, help_text="Empty when the sources do not state it.")
    end_precision = models.CharField(max_length=5, choices=Precision, default=Precision.DAY)
    place = models.CharField(max_length=300, blank=True)
    country = models.CharField(
        max_length=100, blank=True, default="", db_default="", editable=False,
        help_text="The country the place names (GeoNames' country names), derived from the place on save: "
                  "the home page filters by it.")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True,
                                   help_text="Where the source's coordinates put it (decimal degrees).")
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(max_length=300, blank=True, help_text="Result or status as the source states it.")
    territory = models.JSONField(default=list, blank=True, help_text="Territorial outcomes, one claim each.")
    summary = models.TextField(blank=True, help_text="The lead of the source article.")
    extra = models.JSONField(default=dict, blank=True,
                             help_text="Infobox lines the importer has no field for, by key.")
    sides_unresolved = models.BooleanField(
        "sides unresolved", default=False,
        help_text="The source lists the parties without telling the sides apart: they are all kept on one side.")
    parents = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="children",
                                     help_text="Larger conflicts this one is part of.")

    objects = ConflictQuerySet.as_manager()

    class Meta(Sourced.Meta):
        ordering = ["start_date", "name"]
        constraints = [
            *Sourced.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="conflict_end_not_before_start"),
            models.CheckConstraint(condition=models.Q(start_precision__in=Precision.values),
                                   name="conflict_start_precision_valid"),
            models.CheckConstraint(condition=models.Q(end_precision__in=Precision.values),
                                   name="conflict_end_precision_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=ConflictKind.values), name="conflict_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="conflict_latitude_range"),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="conflict_longitude_range"),
        ]
        indexes = [models.Index(fields=["start_date"], name="conflict_start_idx"),
                   models.Index(fields=["country", "start_date"], name="conflict_country_idx")]

    def __str__(self):
        return self.name or ""

    def set_country(self) -> bool:
        """Derive ``country`` from ``place`` (``sources.classify.country_of``); True when it changed."""
        value = country_of(self.place) or ""
        changed = value != self.country
        self.country = value
        return changed

    def save(self, *args, **kwargs):
        if self.set_country() and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "country"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("conflicts:detail", args=[self.slug])


class Side(Sourced):
    """One side of a conflict, numbered in infobox order."""

    NATURAL_KEY = ("conflict", "number")  # what the importer matches on

    CLAIMED_FIELDS = ()

    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="sides")
    number = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=200, blank=True,
                             help_text="A reader's name for the side, e.g. “Syrian government and allies”. "
                                       "Empty: named after its first belligerents.")

    class Meta(Sourced.Meta):
        ordering = ["conflict", "number"]
        constraints = [
            *Sourced.Meta.constraints,
            models.UniqueConstraint(fields=["conflict", "number"], name="side_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="side_number_positive"),
        ]

    def __str__(self):
        return f"{related_label(self, 'conflict')}: {self.label or f'side {self.number or MISSING}'}"

    @property
    def display_name(self) -> str:
        """A reader's name for the side: its label, else its first two belligerents, else "side N".

        Reads ``participations`` (belligerents first, in order): querysets that list sides prefetch
        ``participations`` with their forces, so this costs no query there.
        """
        if self.label:
            return self.label
        names = [p.force.name for p in self.participations.all() if p.role == ParticipationRole.BELLIGERENT]
        if not names:
            return f"side {self.number}"
        return ", ".join(names[:2]) + (" and others" if len(names) > 2 else "")


class ForceKind(models.TextChoices):
    STATE = "state", "state"
    ARMED_FORCE = "armed_force", "armed force"
    GROUP = "group", "armed group or militia"
    UNIT = "unit", "unit"
    COALITION = "coalition", "coalition"
    OTHER = "other", "other"


class Force(NamedRecord):
    """A state, armed force, militia, group or unit. Units hang under their parent force."""

    CLAIMED_FIELDS = ("name", "kind", "parent")

    Kind = ForceKind

    kind = models.CharField(max_length=12, choices=Kind, default=Kind.GROUP)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="children", help_text="The force this unit belongs to.")
    description = models.TextField(blank=True)

    objects = ForceQuerySet.as_manager()

    class Meta(NamedRecord.Meta):
        constraints = [
            *Sourced.Meta.constraints,
            models.CheckConstraint(condition=models.Q(kind__in=ForceKind.values), name="force_kind_valid"),
            models.CheckConstraint(condition=~models.Q(parent=models.F("pk")), name="force_not_own_parent"),
        ]

    def get_absolute_url(self):
        return reverse("conflicts:force", args=[self.slug])


class ForceAlias(Alias):
    KIND = "force"

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="aliases")

    class Meta(Alias.Meta):
        verbose_name_plural = "force aliases"
        constraints = [models.UniqueConstraint(fields=["force", "name"], name="forcealias_unique")]


class ParticipationRole(models.TextChoices):
    BELLIGERENT = "belligerent", "belligerent"
    UNIT = "unit", "unit"


class Participation(Sourced):
    """A force on a side: as a belligerent, or as a unit listed for that side."""

    NATURAL_KEY = ("side", "force", "role")  # what the importer matches on

    CLAIMED_FIELDS = ("note", "name_as_written", "order")

    Role = ParticipationRole

    side = models.ForeignKey(Side, on_delete=models.CASCADE, related_name="participations")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=12, choices=Role, default=Role.BELLIGERENT)
    note = models.CharField(max_length=300, blank=True, help_text="Qualifier as written, e.g. “since 23 Oct.”.")
    name_as_written = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta(Sourced.Meta):
        ordering = ["side", "role", "order"]
        constraints = [
            *Sourced.Meta.constraints,
            models.UniqueConstraint(fields=["side", "force", "role"], name="participation_unique"),
            models.CheckConstraint(condition=models.Q(role__in=ParticipationRole.values),
                                   name="participation_role_valid"),
        ]

    def __str__(self):
        return f"{related_label(self, 'force')} ({self.role}, {related_label(self, 'side')})"


class Strength(Sourced):
    """A strength entry of a side as written, with the figure parsed from it where there is one."""

    NATURAL_KEY = ("side", "order")  # what the importer matches on

    CLAIMED_FIELDS = ("text", "number", "qualifier")

    side = models.ForeignKey(Side, on_delete=models.CASCADE, related_name="strengths")
    text = models.CharField(max_length=500)
    number = models.PositiveIntegerField(null=True, blank=True)
    qualifier = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta(Sourced.Meta):
        ordering = ["side", "order"]
        constraints = [
            *Sourced.Meta.constraints,
            models.UniqueConstraint(fields=["side", "order"], name="strength_unique_order"),
        ]

    def __str__(self):
        return self.text or ""


# ------------------------------------------------------------------------------ the data generation

class DataGeneration(models.Model):
    """One row: a number that every import and every editor's change advances. Cached page parts carry
    it in their keys (``conflicts.cache``), so a change makes every cached part unused at once, in every
    process: the number lives in the database, where every process reads the same one."""

    value = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"data generation {self.value}"


GENERATION_ROW = 1
WATCHED_APPS = frozenset({"sources", "conflicts", "people", "events"})  # the records pages are made of


def current_generation() -> int:
    """The data generation now (one query)."""
    return DataGeneration.objects.filter(pk=GENERATION_ROW).values_list("value", flat=True).first() or 0


def _advance() -> None:
    if not DataGeneration.objects.filter(pk=GENERATION_ROW).update(value=models.F("value") + 1, updated_at=now()):
        DataGeneration.objects.get_or_create(pk=GENERATION_ROW, defaults={"value": 1, "updated_at": now()})


def bump_generation(using: str = DEFAULT_DB_ALIAS) -> None:
    """Advance the data generation, so that no cached page part made before this change is used again.

    Inside a transaction the generation advances once, after the outermost transaction commits (never
    for a rollback, such as a dry run): a page computed before the commit is then stored under the old
    generation, which no page reads any more, and the single row is never locked for the length of an
    import's transaction (concurrent imports would queue on it). Outside a transaction, at once. Every
    save and delete of a record of the four data apps calls it (signals below); writes that send no
    signal (``bulk_create``, ``QuerySet.update``, raw SQL) must call it themselves.
    """
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        _advance()
        return
    # once per transaction (and savepoint: a callback of a savepoint that rolls back is dropped with it)
    savepoints = set(connection.savepoint_ids)
    if any(entry[1] is _advance and entry[0] == savepoints for entry in connection.run_on_commit):
        return
    transaction.on_commit(_advance, using=using)


def _data_changed(sender, **kwargs) -> None:
    # not for a migration's historical models (module "__fake__"): their database may predate this table
    watched = (sender._meta.app_label in WATCHED_APPS and sender is not DataGeneration
               and sender.__module__ != "__fake__")
    if kwargs.get("action") in ("post_add", "post_remove") and not kwargs.get("pk_set"):
        return   # an add of links that were all there already (Django signals it all the same): no change
    if watched and kwargs.get("action", "post_").startswith("post_"):  # m2m_changed: after the change, not before
        bump_generation(kwargs.get("using") or DEFAULT_DB_ALIAS)


post_save.connect(_data_changed, dispatch_uid="conflicts.data_changed.save")
post_delete.connect(_data_changed, dispatch_uid="conflicts.data_changed.delete")
m2m_changed.connect(_data_changed, dispatch_uid="conflicts.data_changed.m2m")

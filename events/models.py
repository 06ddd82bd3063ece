"""Dated events of an offensive and the places they happened at."""
from __future__ import annotations

from django.db import models
from django.urls import reverse

from sources.labels import date_label, related_label
from sources.models import Alias, NamedRecord, Sourced
from sources.precision import Precision, period_end

from .querysets import EventQuerySet, PlaceQuerySet


class PlaceKind(models.TextChoices):
    SETTLEMENT = "settlement", "city, town or village"
    DISTRICT = "district", "district or neighbourhood"
    HILL = "hill", "hill or mountain"
    BASE = "base", "base or airbase"
    ROAD = "road", "road, highway or crossroads"
    FARM = "farm", "farm or field"
    BUILDING = "building", "building or complex"
    OTHER = "other", "other"


class CoordinatesOrigin(models.TextChoices):
    NONE = "", "not known"
    SOURCE = "source", "source document"
    GAZETTEER = "gazetteer", "gazetteer (GeoNames)"
    EDITOR = "editor", "editor"


class Place(NamedRecord):
    CLAIMED_FIELDS = ("name", "kind")

    Kind = PlaceKind
    CoordinatesOrigin = CoordinatesOrigin

    kind = models.CharField(max_length=12, choices=Kind, default=Kind.OTHER)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    coordinates_origin = models.CharField(
        "coordinates from", max_length=9, choices=CoordinatesOrigin, blank=True, default=CoordinatesOrigin.NONE,
        help_text="Where the coordinates come from. Coordinates an editor sets are never replaced by the "
                  "gazetteer or a re-import.")
    geonames_id = models.PositiveIntegerField(
        "GeoNames id", null=True, blank=True,
        help_text="The gazetteer entry the coordinates were taken from (geonames.org/<id>).")
    coordinates_score = models.FloatField(
        "match score", null=True, blank=True,
        help_text="How closely the gazetteer's name matched (0-100; 100 is the same name or one of its "
                  "alternate names).")

    objects = PlaceQuerySet.as_manager()

    class Meta(NamedRecord.Meta):
        constraints = [
            *Sourced.Meta.constraints,
            models.CheckConstraint(condition=models.Q(kind__in=PlaceKind.values), name="place_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="place_latitude_range"),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="place_longitude_range"),
            models.CheckConstraint(condition=models.Q(coordinates_origin__in=CoordinatesOrigin.values),
                                   name="place_coordinates_origin_valid"),
        ]

    def get_absolute_url(self):
        return reverse("events:place", args=[self.slug])


class PlaceAlias(Alias):
    KIND = "place"

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="aliases")

    class Meta(Alias.Meta):
        verbose_name_plural = "place aliases"
        constraints = [models.UniqueConstraint(fields=["place", "name"], name="placealias_unique")]


class EventKind(models.TextChoices):
    CAPTURE = "capture", "capture"
    RECAPTURE = "recapture", "recapture"
    ATTACK = "attack", "attack"
    COUNTERATTACK = "counterattack", "counterattack"
    AIRSTRIKE = "airstrike", "airstrike"
    WITHDRAWAL = "withdrawal", "withdrawal"
    REINFORCEMENT = "reinforcement", "reinforcement"
    CASUALTIES = "casualties", "casualties"
    ANNOUNCEMENT = "announcement", "announcement"
    OTHER = "other", "other"


class TimeOfDay(models.TextChoices):
    NONE = "", "not stated"
    EARLY = "early", "early"
    MORNING = "morning", "morning"
    LATER = "later", "later that day"
    END_OF_DAY = "end-of-day", "end of the day"
    NIGHT = "night", "night"


class Event(Sourced):
    """One dated sentence of a source: what happened, when (at its precision), and where."""

    NATURAL_KEY = ("source_key",)  # what the importer matches on

    CLAIMED_FIELDS = ("conflict", "date", "end_date", "precision", "time_of_day", "text", "kind", "section", "order",
                      "citations", "background", "casualties")

    Kind = EventKind

    TimeOfDay = TimeOfDay

    source_key = models.SlugField(max_length=200, unique=True,
                                  help_text="Stable id from the source (offensive and sentence), not the text.")
    conflict = models.ForeignKey("conflicts.Conflict", on_delete=models.CASCADE, related_name="events")
    date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Only for a stated range.")
    period_end = models.DateField(
        null=True, editable=False,
        help_text="The last day the event may cover at its precision (end date, end of month or year): "
                  "a date filter keeps events whose period overlaps it. Derived on save.")
    precision = models.CharField(max_length=5, choices=Precision, default=Precision.DAY)
    time_of_day = models.CharField(max_length=10, choices=TimeOfDay, blank=True, default=TimeOfDay.NONE)
    text = models.TextField(help_text="The sentence, citation markers removed.")
    kind = models.CharField(max_length=14, choices=Kind, default=Kind.OTHER)
    section = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0, help_text="Position in the source document.")
    citations = models.JSONField(default=list, blank=True, help_text="Citation markers of the sentence.")
    casualties = models.PositiveIntegerField(null=True, blank=True, help_text="People killed, where stated.")
    background = models.BooleanField(default=False, help_text="Dated before the offensive began.")
    places = models.ManyToManyField(Place, through="EventPlace", blank=True, related_name="events")
    forces = models.ManyToManyField("conflicts.Force", blank=True, related_name="events",
                                    help_text="Forces the sentence names.")
    people = models.ManyToManyField("people.Person", blank=True, related_name="events",
                                    help_text="People the sentence names.")

    objects = EventQuerySet.as_manager()

    class Meta(Sourced.Meta):
        ordering = ["date", "order"]
        constraints = [
            *Sourced.Meta.constraints,
            models.CheckConstraint(condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("date")),
                                   name="event_end_not_before_start"),
            models.CheckConstraint(condition=models.Q(precision__in=Precision.values), name="event_precision_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=EventKind.values), name="event_kind_valid"),
            models.CheckConstraint(condition=models.Q(time_of_day__in=TimeOfDay.values),
                                   name="event_time_of_day_valid"),
        ]
        indexes = [
            models.Index(fields=["conflict", "date", "order"], name="event_conflict_date_idx"),
            models.Index(fields=["date", "order"], name="event_date_idx"),
            models.Index(fields=["kind", "date"], name="event_kind_idx"),
            models.Index(fields=["period_end", "date"], name="event_period_end_idx"),
            # event_timeline_order_idx, in the timeline's order, is made by migration 0005 (SQLite refuses
            # NULLS FIRST in an index, which PostgreSQL needs to read EventQuerySet.TIMELINE_ORDER from it)
        ]

    def __str__(self):
        return f"{date_label(self.date)}: {(self.text or '')[:80]}"

    def set_period_end(self) -> bool:
        """Derive ``period_end`` from the date, end date and precision; True when it changed. Everything
        that writes events without ``save()`` (the importer's bulk writes) calls this first."""
        value = period_end(self.date, self.precision, self.end_date) if self.date else None
        changed = value != self.period_end
        self.period_end = value
        return changed

    def save(self, *args, **kwargs):
        if self.set_period_end() and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "period_end"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The event's own page, a stable address to cite (issue 17)."""
        return reverse("events:detail", args=[self.pk])


class EventPlace(Sourced):
    """A place named in an event's sentence, with the name as written and its span."""

    NATURAL_KEY = ("event", "place")  # what the importer matches on
    CLAIMED_FIELDS = ("name_as_written", "order")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="place_links")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="event_links")
    name_as_written = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta(Sourced.Meta):
        ordering = ["event", "order"]
        constraints = [
            *Sourced.Meta.constraints,
            models.UniqueConstraint(fields=["event", "place"], name="eventplace_unique"),
        ]

    def __str__(self):
        return f"{related_label(self, 'place')} in {related_label(self, 'event')}"

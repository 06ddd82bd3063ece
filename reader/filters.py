"""Filters of the timeline and of the commanders list. The view supplies the base queryset; these only
narrow it.

Offensive, side, force, person and place are text boxes, never drop-downs: a ``<select>`` of every
offensive and side grew with the data (682 options at 228 offensives, most of the timeline's time).
Each box takes what a link puts there (a slug; a side's id) or what a reader types (a name or alias,
or part of one), and works without JavaScript; with it, ``static/js/autocomplete.js`` suggests values
from ``/autocomplete/`` (``reader.autocomplete``), so picking one puts its slug in the box.
"""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Prefetch, Subquery, Value, When

from conflicts.models import Conflict, Force, Participation, Side
from events.models import Event, Place
from people.models import Fate, Person


def side_choices(conflict=None):
    """The sides of ``conflict`` (an offensive has a few), with what their names are made of."""
    qs = Side.objects.select_related("conflict").prefetch_related(
        Prefetch("participations", queryset=Participation.objects.filter(role=Participation.Role.BELLIGERENT)
                 .select_related("force").order_by("order", "pk")),
    ).order_by("conflict__start_date", "conflict__name", "number")
    return qs.filter(conflict=conflict) if conflict is not None else qs


class SideChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class SideFilter(django_filters.ModelChoiceFilter):
    field_class = SideChoiceField


def sides_by_key(value: str, conflicts=None):
    """Sides named by a filter box: a side's id (what links and the autocomplete give), else the sides
    that list a belligerent force the words name (``Force.objects.by_key``), of ``conflicts`` if given."""
    value = (value or "").strip()
    if value.isdigit():
        return Side.objects.filter(pk=int(value))
    belligerent = Participation.objects.filter(side=OuterRef("pk"), role=Participation.Role.BELLIGERENT,
                                               force__in=Force.objects.by_key(value))
    sides = Side.objects.filter(Exists(belligerent))
    return sides.filter(conflict__in=conflicts) if conflicts is not None else sides


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def text_input(placeholder: str):
    return forms.TextInput(attrs={"placeholder": placeholder})


def autocomplete_input(kind: str, placeholder: str):
    """A text box the autocomplete script offers suggestions for (``/autocomplete/?kind=...``)."""
    return forms.TextInput(attrs={"placeholder": placeholder, "data-autocomplete": kind, "autocomplete": "off"})


class OffensiveAndSideFilters(django_filters.FilterSet):
    """The offensive and side boxes, shared by the timeline and the commanders list."""

    offensive = django_filters.CharFilter(label="Offensive", method="filter_offensive",
                                          widget=autocomplete_input("offensive", "name or part of it"))
    side = django_filters.CharFilter(label="Side", method="filter_side",
                                     widget=autocomplete_input("side", "a force of the side, e.g. Hezbollah"))

    def offensives(self):
        value = self.form.cleaned_data.get("offensive")
        return Conflict.objects.offensives().by_key(value) if value else None

    def sides(self, value):
        return sides_by_key(value, self.offensives())


class EventFilter(OffensiveAndSideFilters):
    after = django_filters.DateFilter(label="From", method="filter_after", widget=date_input())
    before = django_filters.DateFilter(label="To", method="filter_before", widget=date_input())
    force = django_filters.CharFilter(label="Force or unit", method="filter_force",
                                      widget=autocomplete_input("force", "e.g. Hezbollah"))
    kind = django_filters.ChoiceFilter(label="Kind", choices=Event.Kind.choices, empty_label="Any kind")
    place = django_filters.CharFilter(label="Place", method="filter_place",
                                      widget=autocomplete_input("place", "e.g. Khan Tuman"))
    person = django_filters.CharFilter(label="Person", method="filter_person",
                                       widget=autocomplete_input("person", "e.g. Soleimani"))
    q = django_filters.CharFilter(label="Words", method="filter_words", widget=text_input("words in the text"))
    # not a filter: the view pages the events in this order (reader.timeline); here so the form keeps it
    order = django_filters.ChoiceFilter(label="Order", method="keep_order", empty_label="Oldest first",
                                        choices=[("newest", "Newest first")])

    class Meta:
        model = Event
        fields = ["after", "before", "offensive", "side", "force", "kind", "place", "person", "q", "order"]

    def keep_order(self, queryset, name, value):
        return queryset

    def filter_after(self, queryset, name, value):
        return queryset.between(after=value)

    def filter_before(self, queryset, name, value):
        return queryset.between(before=value)

    def filter_offensive(self, queryset, name, value):
        # the offensives' ids as values, not a subquery: the planner then reads their events from the
        # conflict's index (0.5 ms at a million events) instead of the whole timeline index (130 ms)
        return queryset.filter(conflict__in=list(self.offensives().values_list("pk", flat=True)))

    def filter_side(self, queryset, name, value):
        return queryset.on_sides(self.sides(value))

    def filter_force(self, queryset, name, value):
        return queryset.mentioning_forces(Force.objects.by_key(value))

    def filter_place(self, queryset, name, value):
        return queryset.at_places(Place.objects.by_key(value))

    def filter_person(self, queryset, name, value):
        return queryset.mentioning_people(Person.objects.by_key(value))

    def filter_words(self, queryset, name, value):
        return queryset.matching(value)


class OffensiveEventFilter(EventFilter):
    """The timeline on an offensive's page: no offensive box, and the side a choice among that
    offensive's few sides."""

    side = SideFilter(label="Side", method="filter_one_side", empty_label="All sides", queryset=Side.objects.none())

    def __init__(self, *args, conflict, **kwargs):
        super().__init__(*args, **kwargs)
        del self.filters["offensive"]
        del self.filters["order"]  # an offensive's page keeps the timeline's order
        self.filters["side"].queryset = side_choices(conflict)

    def filter_one_side(self, queryset, name, value):
        return queryset.on_side(value)


class PersonFilter(OffensiveAndSideFilters):
    fate = django_filters.ChoiceFilter(label="Fate", method="filter_fate", empty_label="Any fate",
                                       choices=[(value, label) for value, label in Fate.choices if value])
    q = django_filters.CharFilter(label="Name or alias", method="filter_words",
                                  widget=forms.TextInput(attrs={"placeholder": "e.g. Suleimani"}))

    class Meta:
        model = Person
        fields = ["offensive", "side", "fate", "q"]

    def filter_offensive(self, queryset, name, value):
        return queryset.in_conflicts(self.offensives())

    def filter_side(self, queryset, name, value):
        return queryset.on_sides(self.sides(value))

    def filter_fate(self, queryset, name, value):
        return queryset.with_fate(value)

    def filter_words(self, queryset, name, value):
        return queryset.matching(value)


# ------------------------------------------------------------------------------ the home page (issue 17)

def country_choices():
    """The countries the offensives' places name: a bounded list (the world's countries at most)."""
    return [(country, country) for country in Conflict.objects.offensives().countries()]


class OffensiveFilter(django_filters.FilterSet):
    """The home page's offensives by war or campaign, country, year and outcome, in a chosen order.

    The war is a text box (a slug, what links and the autocomplete give, or part of a name), the country a
    choice among the countries the offensives' places name (bounded by the world's), the year a number:
    no box lists the offensives or wars themselves."""

    ORDERS = {
        "": ("start_date", "name", "pk"),
        "newest": (F("start_date").desc(nulls_last=True), "name", "pk"),
        "name": ("name", "pk"),
        "events": ("-event_count", "start_date", "pk"),
        "country": (F("no_country").asc(), "country", "start_date", "pk"),
        "outcome": (F("no_outcome").asc(), "status", "start_date", "pk"),
        "war": (F("war").asc(nulls_last=True), "start_date", "pk"),
    }

    war = django_filters.CharFilter(label="War or campaign", method="filter_war",
                                    widget=autocomplete_input("war", "e.g. Syrian Civil War"))
    country = django_filters.ChoiceFilter(label="Country", method="filter_country", empty_label="Any country",
                                          choices=country_choices)
    year = django_filters.NumberFilter(label="Year", method="filter_year", min_value=1, max_value=9999,
                                       widget=forms.NumberInput(attrs={"placeholder": "e.g. 2016", "step": 1}))
    outcome = django_filters.CharFilter(label="Outcome", method="filter_outcome",
                                        widget=text_input("e.g. government victory"))
    order = django_filters.ChoiceFilter(label="Sort by", method="filter_order", empty_label="Oldest first",
                                        choices=[("newest", "Newest first"), ("name", "Name"),
                                                 ("events", "Most events"), ("country", "Country"),
                                                 ("outcome", "Outcome"), ("war", "War or campaign")])

    class Meta:
        model = Conflict
        fields = ["war", "country", "year", "outcome", "order"]

    def filter_war(self, queryset, name, value):
        return queryset.part_of(Conflict.objects.with_parts().by_key(value))

    def filter_country(self, queryset, name, value):
        return queryset.filter(country=value)

    def filter_year(self, queryset, name, value):
        return queryset.in_year(int(value))

    def filter_outcome(self, queryset, name, value):
        return queryset.with_outcome(value)

    def filter_order(self, queryset, name, value):
        if value == "war":  # the first conflict it is part of, by name
            through = Conflict._meta.get_field("parents").remote_field.through
            queryset = queryset.annotate(war=Subquery(through.objects.filter(from_conflict=OuterRef("pk"))
                                                      .order_by("to_conflict__name").values("to_conflict__name")[:1]))
        elif value in ("country", "outcome"):
            field = "country" if value == "country" else "status"
            queryset = queryset.annotate(**{f"no_{value}": Case(When(**{field: ""}, then=Value(1)), default=Value(0),
                                                                 output_field=IntegerField())})
        return queryset.order_by(*self.ORDERS[value])

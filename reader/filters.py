"""Filters of the timeline and of the commanders list. The view supplies the base queryset; these only
narrow it.

Force, person and place are text boxes (a slug from a link, or words matching a name or alias)
rather than drop-downs: a ``<select>`` of every force would grow with the data.
"""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Prefetch

from conflicts.models import Conflict, Force, Participation, Side
from events.models import Event, Place
from people.models import Fate, Person


class SideChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.conflict.name}: {obj.display_name}"


def side_choices(conflict=None):
    qs = Side.objects.select_related("conflict").prefetch_related(
        Prefetch("participations", queryset=Participation.objects.filter(role=Participation.Role.BELLIGERENT)
                 .select_related("force").order_by("order", "pk")),
    ).order_by("conflict__start_date", "conflict__name", "number")
    return qs.filter(conflict=conflict) if conflict is not None else qs


class SideFilter(django_filters.ModelChoiceFilter):
    field_class = SideChoiceField


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def text_input(placeholder: str):
    return forms.TextInput(attrs={"placeholder": placeholder})


class EventFilter(django_filters.FilterSet):
    after = django_filters.DateFilter(label="From", method="filter_after", widget=date_input())
    before = django_filters.DateFilter(label="To", method="filter_before", widget=date_input())
    offensive = django_filters.ModelChoiceFilter(
        label="Offensive", field_name="conflict", to_field_name="slug", empty_label="All offensives",
        queryset=lambda request: Conflict.objects.offensives().order_by("start_date", "name"))
    side = SideFilter(label="Side", method="filter_side", empty_label="All sides",
                      queryset=lambda request: side_choices())
    force = django_filters.CharFilter(label="Force or unit", method="filter_force",
                                      widget=text_input("e.g. Hezbollah"))
    kind = django_filters.ChoiceFilter(label="Kind", choices=Event.Kind.choices, empty_label="Any kind")
    place = django_filters.CharFilter(label="Place", method="filter_place", widget=text_input("e.g. Khan Tuman"))
    person = django_filters.CharFilter(label="Person", method="filter_person", widget=text_input("e.g. Soleimani"))
    q = django_filters.CharFilter(label="Words", method="filter_words", widget=text_input("words in the text"))

    class Meta:
        model = Event
        fields = ["after", "before", "offensive", "side", "force", "kind", "place", "person", "q"]

    def filter_after(self, queryset, name, value):
        return queryset.between(after=value)

    def filter_before(self, queryset, name, value):
        return queryset.between(before=value)

    def filter_side(self, queryset, name, value):
        return queryset.on_side(value)

    def filter_force(self, queryset, name, value):
        return queryset.mentioning_forces(Force.objects.by_key(value))

    def filter_place(self, queryset, name, value):
        return queryset.at_places(Place.objects.by_key(value))

    def filter_person(self, queryset, name, value):
        return queryset.mentioning_people(Person.objects.by_key(value))

    def filter_words(self, queryset, name, value):
        return queryset.matching(value)


class OffensiveEventFilter(EventFilter):
    """The timeline on an offensive's page: no offensive choice, only that offensive's sides."""

    def __init__(self, *args, conflict, **kwargs):
        super().__init__(*args, **kwargs)
        del self.filters["offensive"]
        self.filters["side"].queryset = side_choices(conflict)


class PersonFilter(django_filters.FilterSet):
    offensive = django_filters.ModelChoiceFilter(
        label="Offensive", method="filter_offensive", to_field_name="slug", empty_label="All offensives",
        queryset=lambda request: Conflict.objects.offensives().order_by("start_date", "name"))
    side = SideFilter(label="Side", method="filter_side", empty_label="All sides",
                      queryset=lambda request: side_choices())
    fate = django_filters.ChoiceFilter(label="Fate", method="filter_fate", empty_label="Any fate",
                                       choices=[(value, label) for value, label in Fate.choices if value])
    q = django_filters.CharFilter(label="Name or alias", method="filter_words",
                                  widget=forms.TextInput(attrs={"placeholder": "e.g. Suleimani"}))

    class Meta:
        model = Person
        fields = ["offensive", "side", "fate", "q"]

    def filter_offensive(self, queryset, name, value):
        return queryset.in_conflict(value)

    def filter_side(self, queryset, name, value):
        return queryset.on_side(value)

    def filter_fate(self, queryset, name, value):
        return queryset.with_fate(value)

    def filter_words(self, queryset, name, value):
        return queryset.matching(value)

"""Filters of the commanders list. The view supplies the base queryset; these only narrow it."""
from __future__ import annotations

import django_filters
from django import forms

from conflicts.models import Conflict
from events.filters import SideFilter, side_choices

from .models import Fate, Person


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

"""Filters of the timeline and of the commanders list. The view supplies the base queryset; these only
narrow it.

Offensive, side, force, person and place are text boxes, never drop-downs: a ``<select>`` of every
offensive and side grew with the data (682 options at 228 offensives, most of the timeline's time).
Each box takes what a link puts there (a slug; a side's id) or what a reader types (a name or alias,
or part of one: a whole name selects the records so named only, :func:`records_named`), and works
without JavaScript; with it, ``static/js/autocomplete.js`` suggests values
from ``/autocomplete/`` (``reader.autocomplete``), so picking one puts its slug in the box. A box holding a
slug shows the record's name instead when that name, submitted again, selects the same record alone
(:class:`NamedBoxes`).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When

from conflicts.models import Conflict, Force, Participation, Side
from events.models import Event, Place
from people.models import Fate, Person
from sources.entities import entity_of
from sources.querysets import AliasedQuerySet


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
    that list a belligerent force the words name (:func:`records_named`), of ``conflicts`` if given."""
    value = (value or "").strip()
    if value.isdigit():
        return Side.objects.filter(pk=int(value))
    belligerent = Participation.objects.filter(side=OuterRef("pk"), role=Participation.Role.BELLIGERENT,
                                               force__in=records_named(Force.objects.all(), value)[0])
    sides = Side.objects.filter(Exists(belligerent))
    return sides.filter(conflict__in=conflicts) if conflicts is not None else sides


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def text_input(placeholder: str):
    return forms.TextInput(attrs={"placeholder": placeholder})


class AutocompleteInput(forms.TextInput):
    """A text box whose value may be shown otherwise: ``shown(value)`` (set per form by :class:`NamedBoxes`)
    gives what the box holds, a record's name for its slug."""

    shown = None

    def format_value(self, value):
        value = super().format_value(value)
        return self.shown(value) if self.shown is not None and value else value


def autocomplete_input(kind: str, placeholder: str):
    """A text box the autocomplete script offers suggestions for (``/autocomplete/?kind=...``)."""
    return AutocompleteInput(attrs={"placeholder": placeholder, "data-autocomplete": kind, "autocomplete": "off"})


@dataclass(frozen=True)
class Named:
    """The record a box's slug names: its name, and whether that name typed in the box selects it alone."""
    slug: str
    name: str
    unique: bool


def by_words(queryset, words: str):
    """What ``by_key`` selects for words that are no slug (``AliasedQuerySet.by_key``,
    ``ConflictQuerySet.by_key``): records whose name (or alias) contains them."""
    return queryset.matching(words) if isinstance(queryset, AliasedQuerySet) else queryset.filter(name__icontains=words)


def _slug_or_name(queryset, value: str) -> Q:
    """Records whose slug is ``value`` or whose name (or an alias) is ``value``, whatever the case."""
    condition = Q(slug=value) | Q(name__iexact=value)
    found = entity_of(queryset.model) if isinstance(queryset, AliasedQuerySet) else None
    if found is not None:
        condition |= Q(pk__in=found.alias_model.objects.filter(name__iexact=value).values(found.fk))
    return condition


def records_named(queryset, value: str):
    """What a filter box holding ``value`` selects among ``queryset``, with the record whose slug it is:
    ``(records, (pk, name) or None)``. The record whose slug ``value`` is (links, the autocomplete,
    bookmarks), else the records named exactly ``value`` (a name or an alias, whatever the case: what the
    box shows for a slug), else those whose name or an alias contains it (``by_words``). One query; the
    containment stays a condition of the caller's query."""
    value = (value or "").strip()
    rows = list(queryset.filter(_slug_or_name(queryset, value)).order_by().values_list("pk", "slug", "name"))
    for pk, slug, name in rows:
        if slug == value:
            return queryset.filter(pk=pk), (pk, name)
    if rows:
        return queryset.filter(pk__in=[pk for pk, _, _ in rows]), None
    return by_words(queryset, value), None


def name_selects_alone(queryset, pk, name: str) -> bool:
    """Whether ``name`` typed in a box selects record ``pk`` alone (:func:`records_named`): no other record
    has it as its slug, name or alias. One query."""
    same = queryset.filter(_slug_or_name(queryset, name.strip())).order_by().values_list("pk", flat=True)[:2]
    return list(same) == [pk]


class NamedBoxes(django_filters.FilterSet):
    """Text boxes that take a record's slug (what links and the autocomplete put there) show the record's
    name when the name selects that record alone, so that the form, submitted again, filters the same way
    (a name shared with another record keeps the slug). ``BOXES``: box -> the records it selects among.

    ``active``: how many of the form's fields hold a value (the form is then shown unfolded on phones)."""

    BOXES: dict = {}

    @property
    def form(self):
        fresh = not hasattr(self, "_form")
        form = super().form
        if fresh:
            for name in self.BOXES.keys() & form.fields.keys():
                widget = form.fields[name].widget
                if isinstance(widget, AutocompleteInput):
                    widget.shown = functools.partial(self._shown, name)
        return form

    def records(self, name: str, value: str):
        """:func:`records_named` for box ``name`` (read once per filter set and value)."""
        cache = self.__dict__.setdefault("_records", {})
        key = (name, (value or "").strip())
        if key not in cache:
            cache[key] = records_named(self.BOXES[name](), value)
        return cache[key]

    def named(self, name: str) -> Named | None:
        """The record box ``name``'s value is the slug of (read once per filter set), None if none."""
        cache = self.__dict__.setdefault("_named", {})
        if name not in cache:
            value = (self.data.get(name) or "").strip() if self.is_bound and name in self.filters else ""
            row = self.records(name, value)[1] if value else None
            cache[name] = None if row is None else Named(
                value, row[1], name_selects_alone(self.BOXES[name](), row[0], row[1]))
        return cache[name]

    def _shown(self, name: str, value: str) -> str:
        found = self.named(name)
        return found.name if found is not None and found.unique and found.slug == value.strip() else value

    @property
    def active(self) -> int:
        if not self.is_bound:
            return 0
        values = self.data.getlist if hasattr(self.data, "getlist") else lambda name: [self.data.get(name)]
        return sum(1 for name in self.filters if any(str(v or "").strip() for v in values(name)))


class OffensiveAndSideFilters(NamedBoxes):
    """The offensive and side boxes, shared by the timeline and the commanders list."""

    BOXES = {"offensive": lambda: Conflict.objects.offensives(), "force": lambda: Force.objects.all(),
             "place": lambda: Place.objects.all(), "person": lambda: Person.objects.all()}

    offensive = django_filters.CharFilter(label="Offensive", method="filter_offensive",
                                          widget=autocomplete_input("offensive", "name or part of it"))
    side = django_filters.CharFilter(label="Side", method="filter_side",
                                     widget=autocomplete_input("side", "a force of the side, e.g. Hezbollah"))

    def offensives(self):
        value = self.form.cleaned_data.get("offensive")
        return self.records("offensive", value)[0] if value else None

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

    #: the first day is applied by the timeline's pages (``reader.timeline.TimelinePaginator``'s ``since``), as
    #: two runs each read from its own index: the same condition here would only slow them down
    first_day_in_pages = False

    def filter_after(self, queryset, name, value):
        return queryset if self.first_day_in_pages else queryset.between(after=value)

    def filter_before(self, queryset, name, value):
        return queryset.between(before=value)

    def filter_offensive(self, queryset, name, value):
        # the offensives' ids as values, not a subquery: the planner then reads their events from the
        # conflict's index (0.5 ms at a million events) instead of the whole timeline index (130 ms)
        return queryset.filter(conflict__in=list(self.offensives().values_list("pk", flat=True)))

    def filter_side(self, queryset, name, value):
        return queryset.on_sides(self.sides(value))

    def filter_force(self, queryset, name, value):
        return queryset.mentioning_forces(self.records("force", value)[0])

    def filter_place(self, queryset, name, value):
        return queryset.at_places(self.records("place", value)[0])

    def filter_person(self, queryset, name, value):
        return queryset.mentioning_people(self.records("person", value)[0])

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


class OffensiveFilter(NamedBoxes):
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
    BOXES = {"war": lambda: Conflict.objects.with_parts()}

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
        return queryset.part_of(self.records("war", value)[0])

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

"""Editors' admin for events, the places they name, and place aliases."""
from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.db.models import Count, Q
from django.forms.models import BaseModelFormSet
from django.forms.utils import ErrorList
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from conflicts.admin import OffensiveSearchFilter
from sources.admin import (
    IMPORT_METADATA,
    AliasAdmin,
    AliasInline,
    BoundedCountPaginator,
    HasLockedFieldsFilter,
    NamedRecordAdmin,
    SourcedAdmin,
    SourcedImportExportAdmin,
    SourcedInline,
    paragraph_html,
)
from sources.precision import format_date, format_range

from .models import Event, EventPlace, Place, PlaceAlias
from .resources import EventResource, PlaceResource


class EventPlaceInline(SourcedInline):
    model = EventPlace
    fields = ("place", "name_as_written", "order")
    autocomplete_fields = ("place",)
    extra = 1


# ------------------------------------------------------------------- the event list's editable rows
# The event list renders 50 rows, each with an action checkbox, the kind's <select> (list_editable) with
# its 14 options, a hidden id and an error list: about 900 small templates a page, most of the CPU of the
# admin event search at a million events (issue 16). These make the same markup in Python.

def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``: in the dict's order, ``True`` as the bare name, ``False`` left out
    (``flatatt`` sorts them)."""
    return mark_safe("".join(  # noqa: S308 (every part is made by format_html)
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
        for name, value in attrs.items() if value is not False))


class PythonRenderedWidget:
    """A widget whose ``input``/``select`` markup is made in Python, as Django's own templates make it
    (``django/forms/widgets/input.html``, ``select.html`` without option groups, ``attrs.html``)."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        attrs = _attrs(widget["attrs"])
        if template_name == "django/forms/widgets/select.html":
            if any(group_name for group_name, _choices, _index in widget["optgroups"]):
                return super()._render(template_name, context, renderer)
            options = format_html_join("", '\n  <option value="{}"{}>{}</option>', (
                (str(option["value"]), _attrs(option["attrs"]), option["label"])
                for _name, choices, _index in widget["optgroups"] for option in choices))
            return format_html('<select name="{}"{}>{}\n</select>', widget["name"], attrs, options)
        if template_name in ("django/forms/widgets/hidden.html", "django/forms/widgets/checkbox.html"):
            value = "" if widget["value"] is None else format_html(' value="{}"', str(widget["value"]))
            return format_html('<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value, attrs)
        return super()._render(template_name, context, renderer)


class ListSelect(PythonRenderedWidget, forms.Select):
    pass


class ListHiddenInput(PythonRenderedWidget, forms.HiddenInput):
    pass


class ListCheckbox(PythonRenderedWidget, forms.CheckboxInput):
    pass


class QuietErrorList(ErrorList):
    """No errors render as nothing without running the error list's template."""

    def __str__(self):
        return super().__str__() if self.data else mark_safe("")

    __html__ = __str__


class ListEditForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_class", QuietErrorList)
        super().__init__(*args, **kwargs)


class ListEditFormSet(BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        pk = form.fields.get(self.model._meta.pk.name)
        if pk is not None and type(pk.widget) is forms.HiddenInput:
            pk.widget = ListHiddenInput(attrs=pk.widget.attrs)


PLACES_SEARCHED = 100  # an event search also finds the events at up to this many places named like the term


@admin.register(Event)
class EventAdmin(SourcedImportExportAdmin):
    resource_classes = [EventResource]
    # fits 1366 px: the date as written, the sentence given the room, kind editable in place (an edit there
    # locks it, as in the form: save_model); the offensive is a filter, not a column
    list_display = ("date_at_precision", "short_text", "kind", "killed", "has_locks")
    list_display_links = ("date_at_precision", "short_text")
    list_editable = ("kind",)
    list_filter = (OffensiveSearchFilter, "kind", "precision", "time_of_day", "background", HasLockedFieldsFilter)
    search_fields = ("text", "source_key", "section", "places__name", "places__aliases__name")  # get_search_results
    # at a million events: no count of every event beside a search's, no facet counts, no date hierarchy
    # (its years are a DISTINCT over every row), a count bounded by BoundedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = BoundedCountPaginator
    autocomplete_fields = ("conflict", "forces", "people")
    list_select_related = ()
    inlines = [EventPlaceInline]
    # the change form (templates/admin/events/event/change_form.html): the source paragraph on top, then
    # what editors correct (the places inline comes right after it), then the rest; import internals
    # read-only in the collapsed metadata
    change_form_template = "admin/events/event/change_form.html"
    CORRECTED = (None, {"fields": [("date", "end_date", "precision", "time_of_day"), "kind", "casualties",
                                   "forces", "people", "text"]})
    INTERNALS = ("source_key", "order", "citations")
    fieldsets = [
        CORRECTED,
        ("Offensive and section", {"fields": ["conflict", "section", "background"]}),
        ("Import metadata", {**IMPORT_METADATA[1], "fields": [
            *INTERNALS, *(f for f in IMPORT_METADATA[1]["fields"] if f != "source_excerpt")]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["conflict", "source_key", ("date", "end_date", "precision", "time_of_day"), "text",
                           "kind", "casualties", "forces", "people", "section", "background", "order", "citations"]}),
    ]

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", ListEditForm)
        kwargs.setdefault("widgets", {"kind": ListSelect})
        return super().get_changelist_form(request, **kwargs)

    def get_changelist_formset(self, request, **kwargs):
        kwargs.setdefault("formset", ListEditFormSet)
        return super().get_changelist_formset(request, **kwargs)

    def action_checkbox(self, obj):
        """Django's action checkbox (``ModelAdmin.action_checkbox``), made in Python."""
        attrs = {"class": "action-select", "aria-label": format_html(_("Select this object for an action - {}"),
                                                                     str(obj))}
        return ListCheckbox(attrs, lambda value: False).render(helpers.ACTION_CHECKBOX_NAME, str(obj.pk))

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if obj is None else (*readonly, *self.INTERNALS)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context = {**(extra_context or {}), "source_paragraph": paragraph_html(obj),
                             "previous_event": self.neighbour_link(obj, before=True),
                             "next_event": self.neighbour_link(obj, before=False)}
        return super().change_view(request, object_id, form_url, extra_context)

    def neighbour_link(self, event, before: bool) -> dict | None:
        other = self.neighbour(event, before)
        if other is None:
            return None
        return {"url": reverse("admin:events_event_change", args=[other.pk]),
                "date": format_date(other.date, other.precision), "text": Truncator(other.text).chars(70)}

    @staticmethod
    def neighbour(event, before: bool):
        """The event before or after ``event`` in its offensive, in the list's order (date, order, id):
        one indexed query (``event_conflict_date_idx``)."""
        d, o, pk = event.date, event.order, event.pk
        if before:
            q = Q(date__lt=d) | Q(date=d, order__lt=o) | Q(date=d, order=o, pk__lt=pk)
            ordering = ("-date", "-order", "-pk")
        else:
            q = Q(date__gt=d) | Q(date=d, order__gt=o) | Q(date=d, order=o, pk__gt=pk)
            ordering = ("date", "order", "pk")
        return (Event.objects.filter(q, conflict_id=event.conflict_id).order_by(*ordering)
                .only("pk", "date", "precision", "text").first())

    def get_search_results(self, request, queryset, search_term):
        """An exact source key, else the site's one event search (``EventQuerySet.matching``: full text
        from the ``event_search_gin`` index on PostgreSQL) and, when the one name search finds places
        (their aliases too), the events at them: a ``UNION`` of the two id sets, each from its indexes.
        Without such places the text search alone, which PostgreSQL reads from the index (a ``UNION``
        inside ``IN`` costs a pass over every event)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        by_key = queryset.filter(source_key=term)
        if by_key.exists():
            return by_key, False
        places = list(Place.objects.named_like(term).values_list("pk", flat=True)[:PLACES_SEARCHED])
        if not places:
            return queryset.matching(term), False
        by_text = Event.objects.matching(term).order_by().values("pk")
        at_places = EventPlace.objects.filter(place__in=places).order_by().values("event_id")
        return queryset.filter(pk__in=by_text.union(at_places)), False

    @admin.display(description="text", ordering="text")
    def short_text(self, obj):
        return Truncator(obj.text).chars(220)

    @admin.display(description="killed", ordering="casualties")
    def killed(self, obj):
        return "—" if obj.casualties is None else obj.casualties

    @admin.display(description="date", ordering="date")
    def date_at_precision(self, obj):
        """"March 2010" for a month-precise event, never "1 Mar 2010"; a range with its end."""
        return format_range(obj.date, obj.end_date, obj.precision)


class PlaceAliasInline(AliasInline):
    model = PlaceAlias


@admin.register(Place)
class PlaceAdmin(NamedRecordAdmin):
    resource_classes = [PlaceResource]
    # fits 1366 px beside the navigation and the filters: latitude and longitude share one column, so names
    # keep their words whole
    list_display = ("name", "kind", "coordinates", "coordinates_origin", "alias_names", "event_count", "has_locks")
    list_filter = ("kind", "coordinates_origin", HasLockedFieldsFilter)
    inlines = [PlaceAliasInline]
    readonly_fields = ("events_link", "coordinates_origin", "gazetteer_entry", "coordinates_score")
    fieldsets = [(None, {"fields": ["name", "slug", "kind", "events_link"]}),
                 ("Coordinates", {
                     "fields": [("latitude", "longitude"), "coordinates_origin", "gazetteer_entry",
                                "coordinates_score"],
                     "description": "Coordinates you enter (or clear) are yours: the gazetteer and re-imports keep "
                                    "them. The gazetteer's come from GeoNames, matched by name in the offensive's "
                                    "country."}),
                 IMPORT_METADATA]

    def save_model(self, request, obj, form, change):
        # an editor's coordinates (or their removal) replace the gazetteer's match, and are locked by the save
        if {"latitude", "longitude"} & set(form.changed_data):
            located = obj.latitude is not None and obj.longitude is not None
            obj.coordinates_origin = Place.CoordinatesOrigin.EDITOR if located else Place.CoordinatesOrigin.NONE
            obj.geonames_id = obj.coordinates_score = None
        super().save_model(request, obj, form, change)

    @admin.display(description="coordinates", ordering="latitude")
    def coordinates(self, obj):
        if obj.latitude is None or obj.longitude is None:
            return "—"
        return f"{obj.latitude:.3f}, {obj.longitude:.3f}"

    @admin.display(description="gazetteer entry")
    def gazetteer_entry(self, obj):
        if obj is None or obj.geonames_id is None:
            return "—"
        return format_html('<a href="https://www.geonames.org/{0}/" rel="noopener">GeoNames {0}</a>', obj.geonames_id)

    def get_queryset(self, request):
        return (super().get_queryset(request).annotate(event_total=Count("events", distinct=True))
                .order_by("name", "pk"))  # a GROUP BY query drops Meta.ordering

    @admin.display(description="events", ordering="event_total")
    def event_count(self, obj):
        return obj.event_total

    @admin.display(description="events")
    def events_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = f"{reverse('admin:events_event_changelist')}?places__id__exact={obj.pk}"
        return format_html('<a href="{}">{} events at this place</a>', url, obj.events.count())


admin.site.register(PlaceAlias, AliasAdmin)


@admin.register(EventPlace)
class EventPlaceAdmin(SourcedAdmin):
    list_display = ("place", "name_as_written", "event_text", "has_locks")
    list_filter = (HasLockedFieldsFilter,)
    search_fields = ("place__name", "name_as_written", "event__text", "event__source_key")
    autocomplete_fields = ("event", "place")
    list_select_related = ("place", "event")
    fieldsets = [(None, {"fields": ["event", "place", "name_as_written", "order"]}), IMPORT_METADATA]

    @admin.display(description="event", ordering="event__date")
    def event_text(self, obj):
        return f"{format_date(obj.event.date, obj.event.precision)}: {Truncator(obj.event.text).chars(110)}"

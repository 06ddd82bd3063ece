"""Editors' admin for offensives, their sides, forces, participations and strengths.

Django admin does not nest inlines, so editing nests by page: an offensive's sides (and command
roles) are inline on the offensive; a side's participations and strengths are inline on the side
(follow "Change" on a side row).
"""
from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from events.models import Event
from people.models import CommandRole
from sources.admin import (
    IMPORT_METADATA,
    AliasAdmin,
    AliasInline,
    HasLockedFieldsFilter,
    NamedRecordAdmin,
    SourcedAdmin,
    SourcedInline,
)
from sources.precision import format_range

from .models import Conflict, Force, ForceAlias, Participation, Side, Strength
from .resources import ForceResource


class OffensiveSearchFilter(admin.ListFilter):
    """An offensive as a list filter that stays small at any size: a search box and the few offensives
    whose name holds the words (the latest first), never every offensive, and no query over the listed
    records (``RelatedOnlyFieldListFilter`` reads the distinct offensives of every row). Subclasses name
    the offensive's path (``field_path``); :func:`offensive_filter` makes one."""

    title = "offensive"
    template = "admin/offensive_search_filter.html"
    field_path = "conflict"
    search_param = "offensive_q"
    LIMIT = 12

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.parameter_name = f"{self.field_path}__id__exact"
        value = params.pop(self.parameter_name, None)
        self.value = (value[-1] if isinstance(value, list) else value) or None
        query = params.pop(self.search_param, None)
        self.query = ((query[-1] if isinstance(query, list) else query) or "").strip()[:100]
        # the other filters of the page, kept by the search box's form
        self.hidden_params = [(k, v) for k, values in request.GET.lists() for v in values
                              if k not in {self.search_param, self.parameter_name, "p"}]

    def has_output(self):
        return True

    def expected_parameters(self):
        return [f"{self.field_path}__id__exact", self.search_param]

    def queryset(self, request, queryset):
        if self.value and str(self.value).isdigit():
            return queryset.filter(**{f"{self.field_path}_id": self.value})
        return queryset

    def choices(self, changelist):
        yield {"selected": self.value is None, "display": "All",
               "query_string": changelist.get_query_string(remove=[self.parameter_name, self.search_param])}
        found = Conflict.objects.only("pk", "name").order_by("-start_date", "name", "pk")
        if self.query:
            found = found.filter(name__icontains=self.query)
        shown = list(found[:self.LIMIT])
        if self.value and str(self.value).isdigit() and all(str(c.pk) != self.value for c in shown):
            shown = [*Conflict.objects.only("pk", "name").filter(pk=self.value), *shown]
        for conflict in shown:
            yield {"selected": str(conflict.pk) == self.value, "display": conflict.name,
                   "query_string": changelist.get_query_string({self.parameter_name: conflict.pk},
                                                               [self.search_param])}


def offensive_filter(path: str) -> type[OffensiveSearchFilter]:
    """The offensive filter for records that reach their offensive through ``path`` ("side__conflict")."""
    return type(f"OffensiveFilter_{path}", (OffensiveSearchFilter,), {"field_path": path})


class SideInline(SourcedInline):
    model = Side
    fields = ("number", "label")
    extra = 0


class ConflictCommandRoleInline(SourcedInline):
    model = CommandRole
    fields = ("person", "side", "rank", "role", "force", "fate", "order")
    autocomplete_fields = ("person", "side", "force")
    verbose_name_plural = "command roles"


@admin.register(Conflict)
class ConflictAdmin(SourcedAdmin):
    list_display = ("name", "kind", "period", "status", "event_count", "has_locks")
    list_filter = ("kind", "start_precision", "sides_unresolved", HasLockedFieldsFilter)
    search_fields = ("name", "slug", "place", "status")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parents",)
    date_hierarchy = "start_date"
    list_select_related = ("source",)
    inlines = [SideInline, ConflictCommandRoleInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", ("start_date", "start_precision"), ("end_date", "end_precision"),
                           "place", "status", "territory", "summary", "parents", "extra"]}),
        IMPORT_METADATA,
    ]

    def get_queryset(self, request):
        # each listed offensive's events counted by a subquery (from the event_conflict_date_idx index), not
        # a GROUP BY over every event joined to every offensive; ordered explicitly for the autocomplete
        events = (Event.objects.filter(conflict=OuterRef("pk")).order_by().values("conflict")
                  .annotate(n=Count("pk")).values("n"))
        return (super().get_queryset(request).annotate(event_total=Coalesce(Subquery(events), 0))
                .order_by("start_date", "name", "pk"))

    @admin.display(description="period", ordering="start_date")
    def period(self, obj):
        return format_range(obj.start_date, obj.end_date, obj.start_precision, obj.end_precision) or "—"

    @admin.display(description="events", ordering="event_total")
    def event_count(self, obj):
        return obj.event_total


class ParticipationInline(SourcedInline):
    model = Participation
    fields = ("force", "role", "note", "name_as_written", "order")
    autocomplete_fields = ("force",)


class StrengthInline(SourcedInline):
    model = Strength
    fields = ("text", "number", "qualifier", "order")


@admin.register(Side)
class SideAdmin(SourcedAdmin):
    list_display = ("__str__", "conflict", "number", "label", "has_locks")
    list_filter = ("number", HasLockedFieldsFilter)
    search_fields = ("label", "conflict__name", "conflict__slug")
    autocomplete_fields = ("conflict",)
    list_select_related = ("conflict",)
    inlines = [ParticipationInline, StrengthInline]
    fieldsets = [(None, {"fields": ["conflict", "number", "label"]}), IMPORT_METADATA]

    def get_queryset(self, request):
        # autocomplete results and the change list print "<conflict>: side n"
        return super().get_queryset(request).select_related("conflict")


class ForceAliasInline(AliasInline):
    model = ForceAlias


class ChildForceInline(SourcedInline):
    model = Force
    fk_name = "parent"
    fields = ("name", "slug", "kind")
    verbose_name = "unit"
    verbose_name_plural = "units of this force"


@admin.register(Force)
class ForceAdmin(NamedRecordAdmin):
    resource_classes = [ForceResource]
    list_display = ("name", "kind", "parent", "slug", "alias_names", "has_locks")
    list_filter = ("kind", HasLockedFieldsFilter)
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    inlines = [ForceAliasInline, ChildForceInline]
    fieldsets = [(None, {"fields": ["name", "slug", "kind", "parent", "description"]}), IMPORT_METADATA]


admin.site.register(ForceAlias, AliasAdmin)


class SideColumnsMixin:
    """Side and offensive columns for records that belong to a side."""

    @admin.display(description="side", ordering="side__number")
    def side_number(self, obj):
        return "—" if obj.side is None else obj.side.label or f"side {obj.side.number}"

    @admin.display(description="offensive", ordering="side__conflict__name")
    def conflict(self, obj):
        return obj.side.conflict


@admin.register(Participation)
class ParticipationAdmin(SideColumnsMixin, SourcedAdmin):
    list_display = ("force", "role", "side_number", "conflict", "note", "name_as_written", "has_locks")
    list_filter = ("role", ("side__number", admin.AllValuesFieldListFilter), offensive_filter("side__conflict"),
                   HasLockedFieldsFilter)
    search_fields = ("force__name", "force__aliases__name", "name_as_written", "note", "side__conflict__name")
    autocomplete_fields = ("side", "force")
    list_select_related = ("force", "side__conflict")
    fieldsets = [(None, {"fields": ["side", "force", "role", "note", "name_as_written", "order"]}), IMPORT_METADATA]


@admin.register(Strength)
class StrengthAdmin(SideColumnsMixin, SourcedAdmin):
    list_display = ("text", "number", "qualifier", "side_number", "conflict", "has_locks")
    list_filter = (("side__number", admin.AllValuesFieldListFilter), offensive_filter("side__conflict"),
                   HasLockedFieldsFilter)
    search_fields = ("text", "qualifier", "side__conflict__name")
    autocomplete_fields = ("side",)
    list_select_related = ("side__conflict",)
    fieldsets = [(None, {"fields": ["side", "text", "number", "qualifier", "order"]}), IMPORT_METADATA]

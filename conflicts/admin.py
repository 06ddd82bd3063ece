"""Editors' admin for offensives, their sides, forces, participations and strengths.

Django admin does not nest inlines, so editing nests by page: an offensive's sides (and command
roles) are inline on the offensive; a side's participations and strengths are inline on the side
(follow "Change" on a side row).
"""
from __future__ import annotations

from django.contrib import admin
from django.db.models import Count

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

from .models import Conflict, Force, ForceAlias, Participation, Side, Strength
from .resources import ForceResource


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
    list_display = ("name", "kind", "start_date", "start_precision", "end_date", "status", "event_count",
                    "has_locks")
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
        # ordered explicitly: a GROUP BY query drops Meta.ordering, and the autocomplete pages its results
        return (super().get_queryset(request).annotate(event_total=Count("events", distinct=True))
                .order_by("start_date", "name", "pk"))

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
    list_filter = ("role", ("side__number", admin.AllValuesFieldListFilter),
                   ("side__conflict", admin.RelatedOnlyFieldListFilter), HasLockedFieldsFilter)
    search_fields = ("force__name", "force__aliases__name", "name_as_written", "note", "side__conflict__name")
    autocomplete_fields = ("side", "force")
    list_select_related = ("force", "side__conflict")
    fieldsets = [(None, {"fields": ["side", "force", "role", "note", "name_as_written", "order"]}), IMPORT_METADATA]


@admin.register(Strength)
class StrengthAdmin(SideColumnsMixin, SourcedAdmin):
    list_display = ("text", "number", "qualifier", "side_number", "conflict", "has_locks")
    list_filter = (("side__number", admin.AllValuesFieldListFilter),
                   ("side__conflict", admin.RelatedOnlyFieldListFilter), HasLockedFieldsFilter)
    search_fields = ("text", "qualifier", "side__conflict__name")
    autocomplete_fields = ("side",)
    list_select_related = ("side__conflict",)
    fieldsets = [(None, {"fields": ["side", "text", "number", "qualifier", "order"]}), IMPORT_METADATA]

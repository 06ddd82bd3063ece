"""Editors' admin for commanders (people), their aliases and command roles."""
from __future__ import annotations

from django.contrib import admin

from conflicts.admin import offensive_filter
from sources.admin import (
    IMPORT_METADATA,
    AliasAdmin,
    AliasInline,
    HasLockedFieldsFilter,
    NamedRecordAdmin,
    SourcedImportExportAdmin,
    SourcedInline,
)

from .models import CommandRole, Person, PersonAlias
from .resources import CommandRoleResource, PersonResource


class PersonAliasInline(AliasInline):
    model = PersonAlias


class PersonCommandRoleInline(SourcedInline):
    model = CommandRole
    fields = ("conflict", "side", "rank", "role", "force", "fate", "name_as_written", "order")
    autocomplete_fields = ("conflict", "side", "force")


@admin.register(Person)
class PersonAdmin(NamedRecordAdmin):
    resource_classes = [PersonResource]
    list_display = ("name", "slug", "alias_names", "has_locks")
    list_filter = ("roles__fate", HasLockedFieldsFilter)
    inlines = [PersonAliasInline, PersonCommandRoleInline]
    fieldsets = [(None, {"fields": ["name", "slug", "notes"]}), IMPORT_METADATA]


admin.site.register(PersonAlias, AliasAdmin)


@admin.register(CommandRole)
class CommandRoleAdmin(SourcedImportExportAdmin):
    resource_classes = [CommandRoleResource]
    # the offensive is a filter (a searchable one: not every offensive), not a column: fits 1366 px
    list_display = ("person", "rank", "role", "side_label", "force", "fate", "has_locks")
    list_filter = ("fate", ("side__number", admin.AllValuesFieldListFilter), offensive_filter("conflict"),
                   HasLockedFieldsFilter)
    search_fields = ("person__name", "person__aliases__name", "name_as_written", "role", "rank", "conflict__name")
    autocomplete_fields = ("person", "conflict", "side", "force")
    list_select_related = ("person", "conflict", "side", "force")
    fieldsets = [(None, {"fields": ["person", "conflict", "side", "rank", "role", "force", "fate", "name_as_written",
                                    "order"]}), IMPORT_METADATA]

    @admin.display(description="side", ordering="side__number")
    def side_label(self, obj):
        if obj.side is None:
            return "—"
        return obj.side.label or f"side {obj.side.number}"

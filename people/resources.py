"""Import-export resources for people (keyed on ``slug``) and command roles (keyed on conflict + person)."""
from __future__ import annotations

from import_export import fields

from conflicts.models import Conflict, Force, Side
from sources.resources import AliasNamesField, NaturalKeyWidget, SourcedResource

from .models import CommandRole, Person


class SideWidget(NaturalKeyWidget):
    """A side written as its number within the row's conflict (``conflict`` column)."""

    def __init__(self):
        super().__init__(Side, field="number")

    def get_lookup_kwargs(self, value, row=None, **kwargs):
        return {"number": value, "conflict__slug": (row or {}).get("conflict")}

    def describe(self, value, row=None) -> str:
        return f"no side {value} in conflict “{(row or {}).get('conflict')}”"


class PersonResource(SourcedResource):
    aliases = AliasNamesField()

    prefetch_related = ("aliases",)

    class Meta:
        model = Person
        import_id_fields = ("slug",)
        fields = ("slug", "name", "notes", "aliases", "source", "span_start", "span_end", "locked_fields")
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class CommandRoleResource(SourcedResource):
    conflict = fields.Field(attribute="conflict", column_name="conflict", widget=NaturalKeyWidget(Conflict))
    person = fields.Field(attribute="person", column_name="person", widget=NaturalKeyWidget(Person))
    side = fields.Field(attribute="side", column_name="side", widget=SideWidget())
    force = fields.Field(attribute="force", column_name="force", widget=NaturalKeyWidget(Force))

    select_related = ("conflict", "person", "side", "force", "source")

    class Meta:
        model = CommandRole
        import_id_fields = ("conflict", "person")
        fields = ("conflict", "person", "side", "rank", "role", "force", "fate", "name_as_written", "order",
                  "source", "span_start", "span_end", "locked_fields")
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

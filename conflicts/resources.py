"""Import-export resource for forces (keyed on ``slug``; the parent force by slug too)."""
from __future__ import annotations

from import_export import fields

from sources.resources import AliasNamesField, NaturalKeyWidget, SourcedResource

from .models import Force


class ForceResource(SourcedResource):
    parent = fields.Field(attribute="parent", column_name="parent", widget=NaturalKeyWidget(Force))
    aliases = AliasNamesField()

    select_related = ("parent", "source")
    prefetch_related = ("aliases",)

    class Meta:
        model = Force
        import_id_fields = ("slug",)
        fields = ("slug", "name", "kind", "parent", "description", "aliases",
                  "source", "span_start", "span_end", "locked_fields")
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

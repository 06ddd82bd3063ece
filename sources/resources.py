"""Shared pieces of the import-export resources: natural-key widgets and lock-aware imports.

Every resource keys rows on a natural key (slug, or ``source_key`` for events), never on the
database id, so a spreadsheet moves between databases. Importing an unchanged export skips every
row (``skip_unchanged``); a changed row of an imported record locks the changed fields, exactly
as an admin form does (``sources.locking``). Provenance (source, span, locks) is exported for
reference and never imported.
"""
from __future__ import annotations

from import_export import fields, resources, widgets

from sources.locking import lock_changed_fields
from sources.models import SourceDocument


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key written as the related record's natural key (``slug`` by default).

    An unknown key is a row error that names it, not a bare ``DoesNotExist``.
    """

    def __init__(self, model, field="slug", **kwargs):
        super().__init__(model, field=field, **kwargs)

    def describe(self, value, row=None) -> str:
        meta = self.model._meta
        return f"unknown {meta.verbose_name} {self.field} “{value}” (no {meta.verbose_name} has it)"

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(self.describe(value, row)) from None
        except self.model.MultipleObjectsReturned:
            raise ValueError(f"{self.model._meta.verbose_name} “{value}” is ambiguous") from None


class NaturalKeyManyToManyWidget(widgets.ManyToManyWidget):
    """Many-to-many as ``|``-separated natural keys; an unknown key is a row error."""

    def __init__(self, model, field="slug", separator="|", **kwargs):
        super().__init__(model, separator=separator, field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if not value:
            return self.model.objects.none()
        keys = [k.strip() for k in str(value).split(self.separator) if k.strip()]
        found = self.model.objects.filter(**{f"{self.field}__in": keys})
        missing = sorted(set(keys) - {str(getattr(obj, self.field)) for obj in found})
        if missing:
            names = ", ".join(f"“{k}”" for k in missing)
            raise ValueError(f"unknown {self.model._meta.verbose_name} {self.field} {names}")
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return self.separator.join(str(getattr(o, self.field)) for o in value.all())


class SourcedResource(resources.ModelResource):
    """Base for resources of ``Sourced`` models: provenance columns, locks on changed rows."""

    source = fields.Field(attribute="source", column_name="source",
                          widget=widgets.ForeignKeyWidget(SourceDocument, "name"), readonly=True)
    span_start = fields.Field(attribute="span_start", column_name="span_start",
                              widget=widgets.IntegerWidget(), readonly=True)
    span_end = fields.Field(attribute="span_end", column_name="span_end",
                            widget=widgets.IntegerWidget(), readonly=True)
    locked_fields = fields.Field(attribute="locked_fields", column_name="locked_fields",
                                 widget=widgets.JSONWidget(), readonly=True)

    #: related names to ``select_related``/``prefetch_related`` on export (no query per row)
    select_related: tuple[str, ...] = ("source",)
    prefetch_related: tuple[str, ...] = ()

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return self.optimise(super().get_queryset())

    def filter_export(self, queryset, **kwargs):
        return self.optimise(super().filter_export(queryset, **kwargs))

    def optimise(self, queryset):
        queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def import_instance(self, instance, row, **kwargs):
        """Apply the row, then lock the fields it changed (imported records only)."""
        importable = [f for f in self.get_import_fields() if f.attribute and not f.readonly
                      and f.column_name in row]
        plain = [f for f in importable if not isinstance(f.widget, widgets.ManyToManyWidget)]
        before = {f.attribute: getattr(instance, f.attribute, None) for f in plain} if instance.pk else {}
        super().import_instance(instance, row, **kwargs)
        if not instance.pk:
            return
        changed = [name for name, old in before.items() if getattr(instance, name, None) != old]
        for f in importable:
            if f not in plain:
                new = {o.pk for o in f.clean(row)}
                if new != {o.pk for o in getattr(instance, f.attribute).all()}:
                    changed.append(f.attribute)
        lock_changed_fields(instance, changed)

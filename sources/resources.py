"""Shared pieces of the import-export resources: natural-key widgets and lock-aware imports.

Every resource keys rows on a natural key (slug, or ``source_key`` for events), never on the
database id, so a spreadsheet moves between databases. Importing an unchanged export skips every
row (``skip_unchanged``); a changed row of an imported record locks the changed fields, exactly
as an admin form does (``sources.locking``). Provenance (source, span, locks) is exported for
reference and never imported.
"""
from __future__ import annotations

import datetime
import json

from django.core.exceptions import ValidationError
from django.db.models import JSONField, TextField
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


class DateOnlyWidget(widgets.DateWidget):
    """Dates read from XLSX arrive as datetimes at midnight: keep the date only."""

    def clean(self, value, row=None, **kwargs):
        try:
            value = super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(f"“{value}” is not a date (write it as YYYY-MM-DD)") from None
        return value.date() if isinstance(value, datetime.datetime) else value


class JSONValueWidget(widgets.JSONWidget):
    """JSON that survives a round trip: ``[]`` is written as ``[]``; an empty cell reads as the
    field's empty value (``empty``), never as a NULL the column does not allow."""

    def __init__(self, empty=None, **kwargs):
        self.empty = empty
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return self.empty() if callable(self.empty) else self.empty
        return super().clean(value, row, **kwargs)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else json.dumps(value, ensure_ascii=False)


class AliasNamesField(fields.Field):
    """Export-only column of a record's alias names, ``|``-separated (edit aliases in admin)."""

    def __init__(self, **kwargs):
        super().__init__(attribute="aliases", column_name="aliases", readonly=True, **kwargs)

    def get_value(self, obj):
        if obj.pk is None:
            return ""
        return "|".join(a.name for a in obj.aliases.all())


class SourcedResource(resources.ModelResource):
    """Base for resources of ``Sourced`` models: provenance columns, locks on changed rows."""

    source = fields.Field(attribute="source", column_name="source",
                          widget=widgets.ForeignKeyWidget(SourceDocument, "name"), readonly=True)
    span_start = fields.Field(attribute="span_start", column_name="span_start",
                              widget=widgets.IntegerWidget(), readonly=True)
    span_end = fields.Field(attribute="span_end", column_name="span_end",
                            widget=widgets.IntegerWidget(), readonly=True)
    locked_fields = fields.Field(attribute="locked_fields", column_name="locked_fields",
                                 widget=JSONValueWidget(empty=list), readonly=True)

    WIDGETS_MAP = {**resources.ModelResource.WIDGETS_MAP, "DateField": DateOnlyWidget, "JSONField": JSONValueWidget,
                   "TextField": widgets.CharWidget}

    #: related names to ``select_related``/``prefetch_related`` on export (no query per row)
    select_related: tuple[str, ...] = ("source",)
    prefetch_related: tuple[str, ...] = ()

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if isinstance(django_field, TextField) and django_field.blank:  # an empty cell is "", as for CharField
            kwargs.update({"coerce_to_string": True, "allow_blank": True})
        if isinstance(django_field, JSONField):
            kwargs.setdefault("empty", django_field.default if django_field.has_default() else None)
        return kwargs

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
        """Apply the row, then lock the fields it changed (imported records only).

        Many-to-many columns are checked here too, so a row reports all its bad values at once.
        """
        importable = [f for f in self.get_import_fields() if f.attribute and not f.readonly
                      and f.column_name in row]
        m2m = [f for f in importable if isinstance(f.widget, widgets.ManyToManyWidget)]
        plain = [f for f in importable if f not in m2m]
        before = {f.attribute: getattr(instance, f.attribute, None) for f in plain} if instance.pk else {}
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        wanted = {}
        for f in m2m:
            try:
                wanted[f.attribute] = {o.pk for o in f.clean(row)}
            except ValueError as e:
                errors[f.attribute] = [str(e)]
        if errors:
            raise ValidationError(errors)
        if not instance.pk:
            return
        changed = [name for name, old in before.items() if getattr(instance, name, None) != old]
        changed += [name for name, pks in wanted.items()
                    if pks != {o.pk for o in getattr(instance, name).all()}]
        lock_changed_fields(instance, changed)

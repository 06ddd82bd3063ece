"""Shared pieces of the import-export resources: natural-key widgets and lock-aware imports.

Every resource keys rows on a natural key (slug, or ``source_key`` for events), never on the
database id, so a spreadsheet moves between databases. Importing an unchanged export skips every
row (``skip_unchanged``); a changed row of an imported record locks the changed fields, exactly
as an admin form does (``sources.locking``). Provenance (source, span, locks) is exported for
reference and never imported.

CSV and XLSX files are for spreadsheets, so text a spreadsheet would run as a formula is written with
a leading apostrophe (``SafeCSV``, ``SafeXLSX``), as the public CSV export does, and reading such a
file takes the apostrophe off again: an export imported back restores the original text.

At size (issue 18: 10,000 rows previewed and imported in a few seconds each), a row is applied without
copying its record: ``import_instance`` notes what the row changes, which decides skipping, locking, the
bulk writes and the preview; the preview lists every row of a short file and the first ``PREVIEW_ROWS``
rows that change of a longer one, under the totals (``ImportResult``).
"""
from __future__ import annotations

import copy
import datetime
import json
import logging
import operator
import re
from collections import Counter, defaultdict
from functools import reduce

import tablib
from diff_match_patch import diff_match_patch
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db.models import CheckConstraint, F, JSONField, Q, TextField
from django.db.transaction import TransactionManagementError
from django.utils.encoding import force_str
from django.utils.html import escape
from django.utils.safestring import mark_safe
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.instance_loaders import CachedInstanceLoader
from import_export.results import Result, RowResult

from sources.locking import lock_changed_fields
from sources.models import SourceDocument

logger = logging.getLogger(__name__)


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key written as the related record's natural key (``slug`` by default).

    An unknown key is a row error that names it, not a bare ``DoesNotExist``.
    """

    def __init__(self, model, field="slug", **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.cache: dict[str, object] | None = None  # key -> record, primed per import (``prime``)

    def prime(self, keys) -> None:
        """Read the records of ``keys`` in one query per 5,000 (``SourcedResource.before_import``), so
        that a row's key costs no query. A resource deep-copies its fields, so the cache is the import's."""
        self.cache = _records_by_key(self.model, self.field, keys)

    def describe(self, value, row=None) -> str:
        meta = self.model._meta
        return f"unknown {meta.verbose_name} {self.field} “{value}” (no {meta.verbose_name} has it)"

    def clean(self, value, row=None, **kwargs):
        if self.cache is not None and value not in (None, "") and str(value).strip() in self.cache:
            return self.cache[str(value).strip()]
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
        self.cache: dict[str, object] | None = None
        self._by_pk: dict[object, object] = {}

    def keys(self, value) -> list[str]:
        return [k.strip() for k in str(value).split(self.separator) if k.strip()] if value else []

    def prime(self, values) -> None:
        """As ``NaturalKeyWidget.prime``, for cells of ``|``-separated keys."""
        self.cache = _records_by_key(self.model, self.field, [k for v in values for k in self.keys(v)])
        self._by_pk = {o.pk: o for o in self.cache.values()}

    def clean(self, value, row=None, **kwargs):
        if not value:
            return []  # not ``objects.none()``: a QuerySet made and run per empty cell cost 0.5 ms a row
        keys = self.keys(value)
        if self.cache is not None and all(k in self.cache for k in keys):
            return [self.cache[k] for k in dict.fromkeys(keys)]
        found = self.model.objects.filter(**{f"{self.field}__in": keys})
        missing = sorted(set(keys) - {str(getattr(obj, self.field)) for obj in found})
        if missing:
            names = ", ".join(f"“{k}”" for k in missing)
            raise ValueError(f"unknown {self.model._meta.verbose_name} {self.field} {names}")
        return found

    def render_pks(self, pks) -> str:
        """The cell of the records with these ids, sorted; ids not read yet are read in one query."""
        missing = [pk for pk in pks if pk not in self._by_pk]
        if missing:
            for obj in self.model.objects.filter(pk__in=missing):
                self._by_pk[obj.pk] = obj
        return self.separator.join(sorted(str(getattr(self._by_pk[pk], self.field)) for pk in pks
                                          if pk in self._by_pk))

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        obj = getattr(value, "instance", obj)  # the related manager's record (Field.export passes no obj)
        name = getattr(value, "prefetch_cache_name", None)
        # an imported row: the links it will have (its links are written after the rows), else the links
        # the instance loader read (``LinkedInstanceLoader``)
        pks = getattr(obj, "_import_m2m", {}).get(name)
        if pks is None:
            pks = getattr(obj, "_import_links", {}).get(name)
        if pks is not None:
            return self.render_pks(pks)
        prefetched = getattr(obj, "__dict__", {}).get("_prefetched_objects_cache", {}).get(name)
        if prefetched is not None and prefetched._result_cache is not None:
            return self.separator.join(str(getattr(o, self.field)) for o in prefetched._result_cache)
        return self.separator.join(str(getattr(o, self.field)) for o in value.all())


def _records_by_key(model, field: str, keys) -> dict[str, object]:
    keys = sorted({str(k).strip() for k in keys if k not in (None, "")} - {""})
    found = {}
    for i in range(0, len(keys), 5000):
        for obj in model.objects.filter(**{f"{field}__in": keys[i:i + 5000]}):
            found[str(getattr(obj, field))] = obj
    return found


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

    #: the preview lists every row of a file this long or shorter, and of a longer one the first this many
    #: rows that change, under the totals (issue 18: a page of 10,000 rows took seconds to make and no one
    #: can read it); ``ImportResult``, ``templates/admin/import_export/import.html``
    PREVIEW_ROWS = 100
    #: rows with errors the preview lists (each with its messages), the rest counted
    ERROR_ROWS = 1000

    @classmethod
    def get_result_class(cls):
        return ImportResult

    def get_queryset(self):
        return self.optimise(super().get_queryset())

    def filter_export(self, queryset, **kwargs):
        return self.optimise(super().filter_export(queryset, **kwargs))

    def optimise(self, queryset, prefetch_related=None):
        queryset = queryset.select_related(*self.select_related)
        if "source" in self.select_related:
            # the source's name only: an import deep-copied each row's record, and a document's text (the
            # whole article) copied per row made a 10,000-row preview quadratic
            queryset = queryset.defer("source__text", "source__original")
        prefetch_related = self.prefetch_related if prefetch_related is None else prefetch_related
        if prefetch_related:
            queryset = queryset.prefetch_related(*prefetch_related)
        return queryset

    def get_import_queryset(self, linked=()):
        """The records an import reads: as exported, without prefetching the many-to-many fields in
        ``linked`` (``LinkedInstanceLoader`` reads their links as ids) and without joining the related
        records of ``select_related`` (``attach_related`` reads each once)."""
        queryset = super().get_queryset()
        prefetch = [n for n in self.prefetch_related if n not in linked]
        return queryset.prefetch_related(*prefetch) if prefetch else queryset

    def attach_related(self, instances) -> None:
        """The records of ``select_related`` (foreign keys) for ``instances``: each read once, in one query
        per kind and 5,000 ids, instead of one joined copy per row (10,000 events name one offensive and
        one document). A document without its text, as ``optimise``."""
        model = self._meta.model
        for name in self.select_related:
            if "__" in name:
                continue
            field = model._meta.get_field(name)
            ids = sorted({getattr(i, field.attname) for i in instances} - {None})
            queryset = field.related_model._base_manager.all()
            if name == "source":
                queryset = queryset.defer("text", "original")
            by_pk = {}
            for i in range(0, len(ids), 5000):
                by_pk.update((o.pk, o) for o in queryset.filter(pk__in=ids[i:i + 5000]))
            for instance in instances:
                related = by_pk.get(getattr(instance, field.attname))
                if related is not None:
                    field.set_cached_value(instance, related)

    def import_plan(self, row) -> tuple[list, list]:
        """The import fields a row's columns set: (plain fields, many-to-many fields), worked out once per
        file (every row of a file has the same columns)."""
        columns = tuple(row.keys())
        plan = self.__dict__.get("_import_plan")
        if plan is None or plan[0] != columns:
            importable = [f for f in self.get_import_fields() if f.attribute and not f.readonly
                          and f.column_name in row]
            m2m = [f for f in importable if isinstance(f.widget, widgets.ManyToManyWidget)]
            plan = self._import_plan = (columns, [f for f in importable if f not in m2m], m2m)
        return plan[1], plan[2]

    def import_instance(self, instance, row, **kwargs):
        """Apply the row, then lock the fields it changed (imported records only).

        Sets ``_import_changed`` (the plain fields the row changed; of a new record, every one it sets) and
        ``_import_m2m`` (the links each changed many-to-many field will have), from which ``skip_row``,
        ``get_bulk_update_fields``, ``write_m2m`` and the preview work. Only the fields whose columns the
        file has are read or compared. Many-to-many columns are checked here too, so a row reports all its
        bad values at once.
        """
        plain, m2m = self.import_plan(row)
        for name in ("_import_changed", "_import_m2m", "_import_before"):
            instance.__dict__.pop(name, None)
        new = instance.pk is None
        before = {} if new else {f.attribute: _compared(instance, f.attribute) for f in plain}
        if not new:  # to show what the row changed (``preview_cells``): the values as they were
            instance._import_before = [_as_was(instance, f.attribute) for f in plain]
            if hasattr(instance, "locked_fields"):
                instance._import_before.append(("locked_fields", instance.locked_fields))
        errors = {}
        for field in plain:
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as e:
                errors[field.attribute] = [ValidationError(force_str(e), code="invalid")]
        wanted = {}
        for f in m2m:
            try:
                wanted[f.attribute] = {o.pk for o in f.clean(row)}
            except ValueError as e:
                errors[f.attribute] = [str(e)]
        if new and issubclass(self._meta.instance_loader_class, CachedInstanceLoader):
            # the loader read every key of the file at once: a new key twice in it is the one unique check left
            key = tuple(str(getattr(instance, name, "")) for name in self._meta.import_id_fields)
            seen = self.__dict__.setdefault("_new_keys", set())
            if key in seen:
                errors[self._meta.import_id_fields[0]] = [f"“{', '.join(key)}” is on another new row of this file"]
            seen.add(key)
        if errors:
            raise ValidationError(errors)
        if new:
            instance._import_changed, instance._import_m2m = {f.attribute for f in plain}, wanted
            return
        changed = [name for name, old in before.items() if _compared(instance, name) != old]
        m2m_changed = {}
        for name, pks in wanted.items():
            current = linked_pks(instance, name)
            instance.__dict__.setdefault("_import_links", {})[name] = current  # the links as they were
            if pks != current:
                m2m_changed[name] = pks
        instance._import_changed, instance._import_m2m = set(changed), m2m_changed
        if changed or m2m_changed:
            lock_changed_fields(instance, [*changed, *m2m_changed])

    # ---------------------------------------------------------------- at size (issue 18: 10,000 rows)

    def import_row(self, row, instance_loader, **kwargs):
        """One row, without the upstream per-row copy of the record and reads of every column before and
        after for the diff: what changed is known from ``import_instance``, and the preview's cells are
        worked out only for the rows it lists (``preview_cells``), never on confirm.

        Same steps, hooks and results as upstream's ``import_row`` (``before_import_row``,
        ``after_init_instance``, ``skip_row``, ``validate_instance``, ``save_instance``, ``save_m2m``,
        ``after_import_row``); a resource whose rows can delete records takes upstream's path."""
        if type(self).for_delete is not resources.Resource.for_delete or self._meta.skip_diff:
            return super().import_row(row, instance_loader, **kwargs)
        # (upstream sets ``_meta.store_instance`` here, for every later import of the resource class too)
        store_instance = self._meta.store_instance or kwargs.get("retain_instance_in_row_result", False)
        row_result = self.get_row_result_class()()
        row_result.number = kwargs.get("row_number")
        if self._meta.store_row_values:
            row_result.row_values = row
        try:
            self.before_import_row(row, **kwargs)
            instance, new = self.get_or_init_instance(instance_loader, row)
            self.after_init_instance(instance, new, row, **kwargs)
            row_result.import_type = RowResult.IMPORT_TYPE_NEW if new else RowResult.IMPORT_TYPE_UPDATE
            errors = {}
            try:
                self.import_instance(instance, row, **kwargs)
            except ValidationError as e:
                errors = e.update_error_dict(errors)
            if self.skip_row(instance, None, row, errors):
                row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            else:
                self.validate_instance(instance, errors)
                self.save_instance(instance, new, row, **kwargs)
                self.save_m2m(instance, row, **kwargs)
                if not new:
                    self.__dict__.setdefault("_column_changes", Counter()).update(
                        [*instance._import_changed, *instance._import_m2m])
            row_result.add_instance_info(instance)
            if store_instance:
                row_result.instance = instance
            if self._is_dry_run(kwargs) and not self._meta.skip_html_diff and self.listed_in_preview(row_result):
                row_result.diff = self.preview_cells(instance, new)
            self.after_import_row(row, row_result, **kwargs)
        except ValidationError as e:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = e
        except Exception as e:
            row_result.import_type = RowResult.IMPORT_TYPE_ERROR
            if not isinstance(e, TransactionManagementError):
                logger.debug(e, exc_info=True)
            row_result.errors.append(self.get_error_result_class()(e, row=row, number=kwargs["row_number"]))
        return row_result

    def listed_in_preview(self, row_result) -> bool:
        """Whether the preview lists this row: every row of a short file, else the first ``PREVIEW_ROWS``
        rows that change something."""
        if self.__dict__.get("_file_rows", 0) <= self.PREVIEW_ROWS:
            return True
        if row_result.import_type == RowResult.IMPORT_TYPE_SKIP:
            return False
        self._listed = self.__dict__.get("_listed", 0) + 1
        return self._listed <= self.PREVIEW_ROWS

    def preview_cells(self, instance, new: bool) -> list:
        """A listed row's cells for the preview: each column's value after the import, with the change
        marked (inserted and deleted text) where the row changes it; every cell of a new record is new."""
        fields = self.get_import_fields()
        right = [f.export(instance) for f in fields]
        if new:
            return diff_cells([""] * len(right), right)
        old = copy.copy(instance)  # a shallow copy with the values as they were (``import_instance``)
        old.__dict__.pop("_import_m2m", None)
        for name, value in getattr(instance, "_import_before", ()):
            setattr(old, name, value)
        return diff_cells([f.export(old) for f in fields], right)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """An existing record the row changes nothing of (``skip_unchanged``): its plain columns and links
        compared by ``import_instance``, which only reads the columns the file has."""
        if not self._meta.skip_unchanged or self._meta.skip_diff or import_validation_errors:
            return False
        if instance.pk is None or not hasattr(instance, "_import_changed"):
            return False
        return not instance._import_changed and not instance._import_m2m

    def before_import(self, dataset, **kwargs):
        """Read every record the rows name by natural key up front (one query per kind and 5,000 keys)."""
        super().before_import(dataset, **kwargs)
        self._file_rows, self._listed = len(dataset), 0
        headers = set(dataset.headers or ())
        for field in self.get_import_fields():
            if hasattr(field.widget, "prime") and not field.readonly and field.column_name in headers:
                field.widget.prime(dataset[field.column_name])

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """``full_clean`` without a query per row: uniqueness is checked only where the instance loader did
        not already look the key up (``CachedInstanceLoader`` read every row's record, and
        ``import_instance`` refuses a key twice in one file), and check constraints only where the row
        changed a field they read, in Python where they are simple (:func:`check_in_python`). An existing
        record's fields are checked where the row changes them (the others are as they were; the admin's
        own forms do not refuse a correction for a value they did not touch either)."""
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            cached = issubclass(self._meta.instance_loader_class, CachedInstanceLoader)
            changed = getattr(instance, "_import_changed", None)
            unchanged = set()
            if instance.pk is not None and not instance._state.adding and changed is not None:
                unchanged = {f.name for f in instance._meta.concrete_fields} - changed
            # a foreign key holding a record read from the database (the natural-key widget's, the
            # loader's select_related) exists: ForeignKey.validate would ask the database again
            loaded = {f.name for f in instance._meta.concrete_fields if f.is_relation and f.is_cached(instance)
                      and getattr(instance, f.name) is not None and getattr(instance, f.name).pk is not None}
            try:
                instance.full_clean(exclude={*errors.keys(), *loaded, *unchanged},
                                    validate_unique=instance._state.adding and not cached, validate_constraints=False)
            except ValidationError as e:
                errors = e.update_error_dict(errors)
            for constraint in instance._meta.constraints:
                if not isinstance(constraint, CheckConstraint):
                    continue
                fields = constraint.condition.referenced_base_fields
                if (changed is not None and not fields & changed) or fields & errors.keys():
                    continue
                passed = check_in_python(constraint.condition, instance)
                if passed is None:
                    try:
                        constraint.validate(type(instance), instance)
                    except ValidationError as e:
                        errors = e.update_error_dict(errors)
                elif not passed:
                    errors.setdefault(NON_FIELD_ERRORS, []).append(constraint.get_violation_error_message())
        if errors:
            raise ValidationError(errors)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if isinstance(result, ImportResult):
            result.preview_limit, result.error_limit = self.PREVIEW_ROWS, self.ERROR_ROWS
            result.all_listed = len(dataset) <= self.PREVIEW_ROWS
            counts = self.__dict__.get("_column_changes", {})
            result.column_changes = [(f.column_name, counts[f.attribute]) for f in self.get_import_fields()
                                     if counts.get(f.attribute)]

    def save_m2m(self, instance, row, **kwargs):
        """Only the many-to-many columns the row changed are written; in bulk mode after the rows."""
        if self._meta.use_bulk or (not self._is_using_transactions(kwargs) and self._is_dry_run(kwargs)):
            return
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.attribute in getattr(
                    instance, "_import_m2m", {}):
                self.import_field(field, instance, row, True)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        instances = list(self.create_instances)
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)
        self.write_m2m(instances, created=True)

    #: rows that set the same values (a kind changed on many rows) are written by one plain UPDATE
    SAME_VALUES_GROUP = 20

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        instances = list(self.update_instances)
        if instances and (using_transactions or not dry_run):
            fields = [self._meta.model._meta.get_field(name) for name in self.get_bulk_update_fields()]
            groups = defaultdict(list)
            for instance in instances:
                values = [getattr(instance, f.attname) for f in fields]
                groups[json.dumps(values, default=str, sort_keys=True)].append(instance)
            rest = []
            try:
                for members in groups.values():
                    if len(members) < self.SAME_VALUES_GROUP:
                        rest += members
                        continue
                    first = members[0]
                    self._meta.model.objects.filter(pk__in=[m.pk for m in members]).update(
                        **{f.attname: getattr(first, f.attname) for f in fields})
            except Exception as e:
                self.handle_import_error(result, e, raise_errors)
            self.update_instances[:] = rest
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)
        self.write_m2m(instances, created=False)

    def get_bulk_update_fields(self):
        """The columns the batch's rows changed (a bulk UPDATE is a CASE per column and row), and the locks."""
        names = {f.attribute for f in self.get_import_fields() if f.attribute and not f.readonly
                 and not isinstance(f.widget, widgets.ManyToManyWidget)} - set(self._meta.import_id_fields)
        changed = set().union(*(getattr(i, "_import_changed", names) for i in self.update_instances))
        return [*sorted(names & changed), "locked_fields"]

    def write_m2m(self, instances, created: bool) -> None:
        """The many-to-many links of rows written in bulk: for each field, the removed links in one
        ``DELETE`` and the added ones in one ``INSERT``."""
        for field in self._meta.model._meta.many_to_many:
            through = field.remote_field.through
            own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
            remove, add = [], []
            for instance in instances:
                wanted = getattr(instance, "_import_m2m", {}).get(field.name)
                if wanted is None or instance.pk is None:
                    continue
                current = set() if created else linked_pks(instance, field.name)
                if current - wanted:
                    remove.append(Q(**{f"{own}_id": instance.pk, f"{other}_id__in": current - wanted}))
                add += [through(**{f"{own}_id": instance.pk, f"{other}_id": pk}) for pk in wanted - current]
            if remove:
                through.objects.filter(reduce(operator.or_, remove)).delete()
            if add:
                through.objects.bulk_create(add, batch_size=2000)


def linked_pks(instance, name: str) -> set:
    """The keys of the records a many-to-many field links, from the ids ``LinkedInstanceLoader`` read or the
    prefetched records when there are (without making a manager and a QuerySet per row)."""
    links = instance.__dict__.get("_import_links", {}).get(name)
    if links is not None:
        return set(links)
    prefetched = instance.__dict__.get("_prefetched_objects_cache", {}).get(name)
    if prefetched is not None and prefetched._result_cache is not None:
        return {o.pk for o in prefetched._result_cache}
    return {o.pk for o in getattr(instance, name).all()}


def _compared(instance, name: str):
    """A column's value for comparison: a foreign key by its id (the record may not be loaded)."""
    field = _model_field(instance, name)
    return getattr(instance, field.attname if field is not None and field.many_to_one else name, None)


def _as_was(instance, name: str) -> tuple[str, object]:
    """(attribute, value) that puts a column back as it is now: a foreign key by its record when that is
    loaded (showing it costs no query), else by its id."""
    field = _model_field(instance, name)
    if field is not None and field.many_to_one and not field.is_cached(instance):
        return field.attname, getattr(instance, field.attname)
    return name, getattr(instance, name, None)


def _model_field(instance, name: str):
    try:
        return instance._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def diff_cells(left: list, right: list) -> list:
    """The preview's cells: a value the row does not change as it is, a changed one with its inserted
    and deleted text marked (``diff_match_patch``, only on changed cells: on every cell of 10,000 rows it
    took longer than the import)."""
    dmp = diff_match_patch()
    out = []
    for old, now in zip(left, right, strict=True):
        if old == now:
            out.append(escape(force_str(now)))
            continue
        diff = dmp.diff_main(force_str(old), force_str(now))
        dmp.diff_cleanupSemantic(diff)
        out.append(mark_safe(dmp.diff_prettyHtml(diff)))  # noqa: S308 (diff_prettyHtml escapes the text)
    return out


class ImportResult(Result):
    """An import's result with what the preview page lists (``templates/admin/import_export/import.html``):
    the rows whose cells were worked out (``SourcedResource.listed_in_preview``), and the limits."""

    is_bounded = True  # the template's sign that this result has the methods below
    preview_limit = error_limit = None
    all_listed = True
    column_changes = ()

    def listed_rows(self) -> list:
        return [r for r in self.rows if r.diff is not None]

    def changed_rows(self) -> int:
        return sum(self.totals[t] for t in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE,
                                            RowResult.IMPORT_TYPE_DELETE))

    def listed_invalid_rows(self) -> list:
        return self.invalid_rows if self.error_limit is None else self.invalid_rows[:self.error_limit]

    def unlisted_invalid_rows(self) -> int:
        return len(self.invalid_rows) - len(self.listed_invalid_rows())


class LinkedInstanceLoader(CachedInstanceLoader):
    """``CachedInstanceLoader`` (every record the file's keys name, read at once) that reads the records'
    many-to-many links as sets of ids (``_import_links``: one query per field and 5,000 records) instead of
    prefetching the linked records (issue 18: 10,000 events built 23,000 linked records, a third of a
    preview). Only for resources keyed on one field."""

    CHUNK = 5000

    def __init__(self, resource, dataset=None):  # noqa: PLW0231 (CachedInstanceLoader's own __init__ replaced)
        self.resource, self.dataset = resource, dataset
        self.pk_field = resource.fields[resource.get_import_id_fields()[0]]
        self.all_instances = {}
        column = self.pk_field.column_name
        if dataset is None or not dataset.headers or column not in dataset.headers:
            return
        keys = list(dict.fromkeys(self.pk_field.clean({column: value}) for value in dataset[column]))
        # every many-to-many field, in the file or not: the preview shows each (``preview_cells``)
        linked = [f for f in resource.get_import_fields() if isinstance(f.widget, widgets.ManyToManyWidget)]
        queryset = resource.get_import_queryset(linked={f.attribute for f in linked})
        for i in range(0, len(keys), self.CHUNK):
            for instance in queryset.filter(**{f"{self.pk_field.attribute}__in": keys[i:i + self.CHUNK]}):
                self.all_instances[self.pk_field.get_value(instance)] = instance
        by_pk = {instance.pk: instance for instance in self.all_instances.values()}
        resource.attach_related(list(by_pk.values()))
        pks = list(by_pk)
        for f in linked:
            field = resource._meta.model._meta.get_field(f.attribute)
            through = field.remote_field.through
            own, other = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
            links = {pk: set() for pk in pks}
            for i in range(0, len(pks), self.CHUNK):
                for a, b in through.objects.filter(**{f"{own}__in": pks[i:i + self.CHUNK]}).values_list(own, other):
                    links[a].add(b)
            for pk, instance in by_pk.items():
                instance.__dict__.setdefault("_import_links", {})[field.name] = links[pk]


def check_in_python(condition, instance) -> bool | None:
    """Whether ``instance`` meets a check constraint's ``condition``, worked out in Python for the simple
    shapes (``AND``/``OR``/``NOT`` of ``field__lookup=value`` or ``F("other")``, lookups ``exact``, ``in``,
    ``isnull``, ``gt``, ``gte``, ``lt``, ``lte``), or None (let the database check it). SQL's NULL: a
    comparison with a missing value passes, as a ``CHECK`` does."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            result = check_in_python(child, instance)
        elif isinstance(child, tuple) and len(child) == 2:
            result = _check_lookup(*child, instance)
        else:
            return None
        if result is None:
            return None
        results.append(result)
    value = all(results) if condition.connector == Q.AND else any(results)
    return not value if condition.negated else value


_COMPARE = {"exact": operator.eq, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


def _check_lookup(lookup: str, expected, instance) -> bool | None:
    name, _, kind = lookup.partition("__")
    kind = kind or "exact"
    try:
        value = getattr(instance, instance._meta.get_field(name).attname)
    except Exception:
        return None
    if isinstance(expected, F):
        try:
            expected = getattr(instance, instance._meta.get_field(expected.name).attname)
        except Exception:
            return None
    if kind == "isnull":
        return (value is None) == bool(expected)
    if kind == "in" and not hasattr(expected, "resolve_expression"):
        return value is None or value in expected
    if kind in _COMPARE and not hasattr(expected, "resolve_expression"):
        if value is None or expected is None:
            return True
        try:
            return _COMPARE[kind](value, expected)
        except TypeError:
            return None
    return None


# ------------------------------------------------------------------------------------- spreadsheet files

#: text a spreadsheet would run as a formula (OWASP, CSV injection), after any apostrophes already there
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")


def escape_formula(value):
    """A cell as written to a spreadsheet file: text that starts like a formula gets a leading
    apostrophe; so does text that already starts with apostrophes before such a character, so that
    :func:`unescape_formula` can tell the two apart. Numbers ("-7.5") and other values are unchanged."""
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def unescape_formula(value):
    """The inverse of :func:`escape_formula`, for a cell read from a spreadsheet file."""
    if isinstance(value, str) and value.startswith("'") and _FORMULA.match(value, 1):
        return value[1:]
    return value


def _map_cells(dataset: tablib.Dataset, function) -> tablib.Dataset:
    out = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        out.append([function(cell) for cell in row])
    return out


class FormulaSafeFormat:
    """Mixin for a spreadsheet format: formulas escaped on export, unescaped on import."""

    def export_data(self, dataset, **kwargs):
        return super().export_data(_map_cells(dataset, escape_formula), **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        return _map_cells(super().create_dataset(in_stream, **kwargs), unescape_formula)


class SafeCSV(FormulaSafeFormat, base_formats.CSV):
    pass


class SafeXLSX(FormulaSafeFormat, base_formats.XLSX):
    pass

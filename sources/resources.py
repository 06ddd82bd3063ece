"""Shared pieces of the import-export resources: natural-key widgets and lock-aware imports.

Every resource keys rows on a natural key (slug, or ``source_key`` for events), never on the
database id, so a spreadsheet moves between databases. Importing an unchanged export skips every
row (``skip_unchanged``); a changed row of an imported record locks the changed fields, exactly
as an admin form does (``sources.locking``). Provenance (source, span, locks) is exported for
reference and never imported.

CSV and XLSX files are for spreadsheets, so text a spreadsheet would run as a formula is written with
a leading apostrophe (``SafeCSV``, ``SafeXLSX``), as the public CSV export does, and reading such a
file takes the apostrophe off again: an export imported back restores the original text.
"""
from __future__ import annotations

import datetime
import json
import operator
import re
from collections import defaultdict
from functools import reduce

import tablib
from diff_match_patch import diff_match_patch
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import CheckConstraint, F, JSONField, Q, TextField
from django.utils.encoding import force_str
from django.utils.html import escape
from django.utils.safestring import mark_safe
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.instance_loaders import CachedInstanceLoader
from import_export.resources import Diff

from sources.locking import lock_changed_fields
from sources.models import SourceDocument


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

    def keys(self, value) -> list[str]:
        return [k.strip() for k in str(value).split(self.separator) if k.strip()] if value else []

    def prime(self, values) -> None:
        """As ``NaturalKeyWidget.prime``, for cells of ``|``-separated keys."""
        self.cache = _records_by_key(self.model, self.field, [k for v in values for k in self.keys(v)])

    def clean(self, value, row=None, **kwargs):
        if not value:
            return self.model.objects.none()
        keys = self.keys(value)
        if self.cache is not None and all(k in self.cache for k in keys):
            return [self.cache[k] for k in dict.fromkeys(keys)]
        found = self.model.objects.filter(**{f"{self.field}__in": keys})
        missing = sorted(set(keys) - {str(getattr(obj, self.field)) for obj in found})
        if missing:
            names = ", ".join(f"“{k}”" for k in missing)
            raise ValueError(f"unknown {self.model._meta.verbose_name} {self.field} {names}")
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        obj = getattr(value, "instance", obj)  # the related manager's record (Field.export passes no obj)
        # a row imported in bulk: its links are written after the rows, show the ones it will have
        wanted = getattr(obj, "_import_m2m", {}).get(getattr(value, "prefetch_cache_name", None))
        if wanted is not None and self.cache is not None:
            by_pk = {o.pk: o for o in self.cache.values()}
            if all(pk in by_pk for pk in wanted):
                return self.separator.join(sorted(str(getattr(by_pk[pk], self.field)) for pk in wanted))
        prefetched = getattr(obj, "__dict__", {}).get("_prefetched_objects_cache", {}).get(
            getattr(value, "prefetch_cache_name", None))
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

    def get_queryset(self):
        return self.optimise(super().get_queryset())

    def filter_export(self, queryset, **kwargs):
        return self.optimise(super().filter_export(queryset, **kwargs))

    def optimise(self, queryset):
        queryset = queryset.select_related(*self.select_related)
        if "source" in self.select_related:
            # the source's name only: an import deep-copies each row's record, and a document's text (the
            # whole article) copied per row made a 10,000-row preview quadratic
            queryset = queryset.defer("source__text", "source__original")
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
        if not instance.pk and issubclass(self._meta.instance_loader_class, CachedInstanceLoader):
            # the loader read every key of the file at once: a new key twice in it is the one unique check left
            key = tuple(str(getattr(instance, name, "")) for name in self._meta.import_id_fields)
            seen = self.__dict__.setdefault("_new_keys", set())
            if key in seen:
                errors[self._meta.import_id_fields[0]] = [f"“{', '.join(key)}” is on another new row of this file"]
            seen.add(key)
        if errors:
            raise ValidationError(errors)
        if not instance.pk:
            instance._import_changed, instance._import_m2m = {f.attribute for f in plain}, wanted
            return
        changed = [name for name, old in before.items() if getattr(instance, name, None) != old]
        m2m_changed = {name: pks for name, pks in wanted.items()
                       if pks != linked_pks(instance, name)}
        instance._import_changed, instance._import_m2m = set(changed), m2m_changed
        lock_changed_fields(instance, [*changed, *m2m_changed])

    # ---------------------------------------------------------------- at size (issue 18: 10,000 rows)

    def get_diff_class(self):
        return QuickDiff

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """An unchanged row of an existing record (``skip_unchanged``), its links compared by
        ``import_instance`` already (the upstream check reads them again, a query per row and field)."""
        if not self._meta.skip_unchanged or self._meta.skip_diff or import_validation_errors:
            return False
        if original is None or original.pk is None or getattr(instance, "_import_m2m", None):
            return False
        return all(_plain_value(instance, field) == _plain_value(original, field) for field in self.get_import_fields()
                   if not isinstance(field.widget, widgets.ManyToManyWidget))

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        # the import deep-copies the record next (its "original"); its prefetched links and related records
        # are set aside meanwhile (a deep copy clones every prefetched QuerySet's query: most of a
        # preview's time) and put back by QuickDiff, which is made right after the copy
        self._loaded = instance
        self._set_aside = (instance.__dict__.pop("_prefetched_objects_cache", None),
                           instance._state.fields_cache)
        instance._state.fields_cache = {}

    def before_import(self, dataset, **kwargs):
        """Read every record the rows name by natural key up front (one query per kind and 5,000 keys)."""
        super().before_import(dataset, **kwargs)
        headers = set(dataset.headers or ())
        for field in self.get_import_fields():
            if hasattr(field.widget, "prime") and not field.readonly and field.column_name in headers:
                field.widget.prime(dataset[field.column_name])

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """``full_clean`` without a query per row: uniqueness is checked only where the instance loader did
        not already look the key up (``CachedInstanceLoader`` read every row's record, and
        ``import_instance`` refuses a key twice in one file), and check constraints only where the row
        changed a field they read, in Python where they are simple (:func:`check_in_python`)."""
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            cached = issubclass(self._meta.instance_loader_class, CachedInstanceLoader)
            # a foreign key holding a record read from the database (the natural-key widget's, the
            # loader's select_related) exists: ForeignKey.validate would ask the database again
            loaded = {f.name for f in instance._meta.concrete_fields if f.is_relation and f.is_cached(instance)
                      and getattr(instance, f.name) is not None and getattr(instance, f.name).pk is not None}
            try:
                instance.full_clean(exclude={*errors.keys(), *loaded},
                                    validate_unique=instance._state.adding and not cached, validate_constraints=False)
            except ValidationError as e:
                errors = e.update_error_dict(errors)
            changed = getattr(instance, "_import_changed", None)
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
                current = set() if created else {o.pk for o in getattr(instance, field.name).all()}
                if current - wanted:
                    remove.append(Q(**{f"{own}_id": instance.pk, f"{other}_id__in": current - wanted}))
                add += [through(**{f"{own}_id": instance.pk, f"{other}_id": pk}) for pk in wanted - current]
            if remove:
                through.objects.filter(reduce(operator.or_, remove)).delete()
            if add:
                through.objects.bulk_create(add, batch_size=2000)


def linked_pks(instance, name: str) -> set:
    """The keys of the records a many-to-many field links, from the prefetched ones when they are
    (without making a manager and a QuerySet per row)."""
    prefetched = instance.__dict__.get("_prefetched_objects_cache", {}).get(name)
    if prefetched is not None and prefetched._result_cache is not None:
        return {o.pk for o in prefetched._result_cache}
    return {o.pk for o in getattr(instance, name).all()}


def _plain_value(instance, field):
    """A column's value for comparison: a foreign key by its id (the record may not be loaded)."""
    try:
        model_field = instance._meta.get_field(field.attribute)
    except Exception:
        return field.get_value(instance)
    if model_field.is_relation and model_field.many_to_one:
        return getattr(instance, model_field.attname)
    return field.get_value(instance)


class QuickDiff(Diff):
    """The preview's diff, worked out only for the values a row changes (``diff_match_patch`` on every
    cell of 10,000 rows took longer than the import)."""

    def __init__(self, resource, instance, new):
        # the record as loaded (its links prefetched), not the import's deep copy of it, which has lost
        # them (a deep-copied QuerySet drops its results): nothing is changed yet when this runs
        loaded = getattr(resource, "_loaded", None)
        if loaded is not None and getattr(resource, "_set_aside", None) is not None:
            prefetched, fields_cache = resource._set_aside
            resource._set_aside = None
            if prefetched is not None:
                loaded._prefetched_objects_cache = prefetched
            loaded._state.fields_cache = fields_cache
        super().__init__(resource, loaded if loaded is not None else instance, new)

    def as_html(self):
        dmp = diff_match_patch()
        out = []
        for left, right in zip(self.left, self.right, strict=False):
            if left == right:
                out.append(escape(force_str(right)))
                continue
            diff = dmp.diff_main("" if self.new else force_str(left), force_str(right))
            dmp.diff_cleanupSemantic(diff)
            out.append(mark_safe(dmp.diff_prettyHtml(diff)))  # noqa: S308 (diff_prettyHtml escapes the text)
        return out


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

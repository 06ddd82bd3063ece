"""Admin for source documents and decisions, and the building blocks every editors' admin shares.

* ``SourcedAdmin``: a record's provenance in a collapsed, read-only "Import metadata" fieldset
  (source document, span, the highlighted sentence with a link to it), ``locked_fields`` as
  check boxes, locks added for every field an editor changes (forms and inlines), and the
  "Unlock all fields" action.
* ``SourcedImportExportAdmin``: the same plus CSV, XLSX and JSON import and export.
* ``MergeAdminMixin``: "Merge selected …" with a confirmation page (``sources.merge``).
* ``AliasAdmin`` / ``AliasInline``: aliases, with "Split off into a new record".
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Length
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats

from sources.attribution import attribution
from sources.editing import returned
from sources.entities import entities, entity, entity_of
from sources.locking import is_lockable_record, lock_changed_fields, lockable_fields, unlock_all
from sources.merge import merge_records, split_alias
from sources.models import DeletedRecord, KnownName, ResolutionDecision, SourceDocument
from sources.resources import SafeCSV, SafeXLSX

IMPORT_METADATA = ("Import metadata", {
    "classes": ["collapse"],
    "fields": ["source_document", "span", "source_excerpt", "source_claims", "locked_fields"],
    "description": "Where the importer found this record. Fields ticked under “locked fields” were "
                   "corrected by an editor: re-imports keep them. Untick a field to let the importer "
                   "take it over again.",
})
PROVENANCE_READONLY = ("source_document", "span", "source_excerpt", "source_claims")
#: Characters of context shown around a span (up to the line break).
EXCERPT_CONTEXT = 240


class BoundedCountPaginator(Paginator):
    """A change list's paginator that never counts a huge table: it counts up to ``CAP`` rows (``SELECT
    COUNT(*) FROM (... LIMIT CAP + 1)``, an index range at most); past that, an unfiltered list takes
    PostgreSQL's estimate of the table's rows (``pg_class.reltuples``) and a filtered one says ``CAP``
    and some (the pages past it are reached by narrowing the filter, not by paging)."""

    CAP = 10_000   # counting 100,000 matches of a word took ~100 ms at a million events (bench/pages.py)

    @cached_property
    def count(self):
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        bounded = queryset.order_by()[:self.CAP + 1].count()
        if bounded <= self.CAP:
            return bounded
        if not queryset.query.where and connections[queryset.db].vendor == "postgresql":
            with connections[queryset.db].cursor() as cursor:
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                               [queryset.model._meta.db_table])
                row = cursor.fetchone()
            if row and row[0] > self.CAP:
                return row[0]
        return self.CAP


class HasLockedFieldsFilter(admin.SimpleListFilter):
    title = "locked fields"
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", "has locked fields"), ("no", "no locked fields")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(locked_fields=[])
        if self.value() == "no":
            return queryset.filter(locked_fields=[])
        return queryset


class SourcedForm(forms.ModelForm):
    """``locked_fields`` as a multiple choice of the model's lockable fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "locked_fields" in self.fields:
            meta = self._meta.model._meta
            names = lockable_fields(self._meta.model)
            current = [n for n in (self.instance.locked_fields or []) if n not in names]
            choices = [(n, meta.get_field(n).verbose_name) for n in names] + [(n, n) for n in current]
            self.fields["locked_fields"] = forms.MultipleChoiceField(
                choices=choices, required=False, widget=forms.CheckboxSelectMultiple,
                label="Locked fields", help_text=meta.get_field("locked_fields").help_text)

        self.show_lock_states()

    def show_lock_states(self):
        """Mark every locked field an editor can lock with a "Locked" badge and a one-click "Unlock" (a button
        of the ``unlock-fields`` form that ``admin/sourced_change_form.html`` puts after this one); unlocked
        fields say nothing (the form says once, at its top, what a lock does)."""
        if not self.instance.pk or not is_lockable_record(self.instance):
            return
        locked = set(self.instance.locked_fields or [])
        for name in lockable_fields(self._meta.model):
            field = self.fields.get(name)
            if field is None or name not in locked:
                continue
            state = format_html(
                '<span class="lock-state locked" title="Re-imports keep this value.">Locked</span>'
                '<span class="visually-hidden">: re-imports keep this value.</span> '
                '<button type="submit" form="unlock-fields" name="field" value="{}" class="unlock-button" '
                'title="Let the next import set it again">Unlock</button>', name)
            field.help_text = format_html("{}<br>{}", field.help_text, state) if field.help_text else state

    def clean_locked_fields(self):
        return list(self.cleaned_data.get("locked_fields") or [])


def source_of(record) -> SourceDocument | None:
    """A record's source document, loaded once without its bytes as read (``original``, for the download
    only) and kept on the record for the other fields of its change form."""
    if record.source_id is None:
        return None
    descriptor = type(record).source
    if not descriptor.is_cached(record):
        descriptor.field.set_cached_value(record, SourceDocument.objects.defer("original").get(pk=record.source_id))
    return record.source


def excerpt_html(record) -> str:
    """The record's span in its source line, highlighted, with a link to the source page."""
    if record is None or record.source_id is None or record.span_start is None:
        return "—"
    document = source_of(record)
    text = document.text
    start, end = record.span_start, record.span_end or record.span_start
    if end > len(text):
        return format_html("<em>The span {}–{} lies outside the document ({} characters).</em>",
                           start, end, len(text))
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    before_from = max(line_start, start - EXCERPT_CONTEXT)
    after_to = min(line_end, end + EXCERPT_CONTEXT)
    return format_html(
        '<blockquote class="source-excerpt" style="margin:0;max-width:60em;white-space:pre-wrap">'
        '{}{}<mark>{}</mark>{}{}</blockquote><p><a href="{}">Open the highlighted sentence in “{}”</a></p>',
        "…" if before_from > line_start else "", text[before_from:start], text[start:end], text[end:after_to],
        "…" if after_to < line_end else "", record.source_url(), document)


#: Characters of a paragraph shown before and after the span at most (a source without blank lines).
PARAGRAPH_CONTEXT = 1200


def paragraph_html(record) -> str:
    """The paragraph of the record's source around its span (up to the blank lines before and after, or
    the line where no blank line is near),
    the span highlighted, with a link to it on the public source page: what an editor checks a
    correction against."""
    if record is None or record.source_id is None or record.span_start is None:
        return ""
    document = source_of(record)
    text = document.text
    start, end = record.span_start, record.span_end or record.span_start
    if end > len(text):
        return excerpt_html(record)
    before, after = text.rfind("\n\n", 0, start), text.find("\n\n", end)
    para_start = 0 if before == -1 else before + 2
    para_end = len(text) if after == -1 else after
    if start - para_start > PARAGRAPH_CONTEXT:  # no blank line near (a plain page: one paragraph a line)
        para_start = text.rfind("\n", 0, start) + 1
    if para_end - end > PARAGRAPH_CONTEXT:
        para_end = text.find("\n", end) if text.find("\n", end) != -1 else len(text)
    cut_start, cut_end = max(para_start, start - PARAGRAPH_CONTEXT), min(para_end, end + PARAGRAPH_CONTEXT)
    return format_html(
        '<blockquote class="source-paragraph">{}{}<mark>{}</mark>{}{}</blockquote>'
        '<p><a href="{}">Open the highlighted sentence in “{}”</a></p>',
        "…" if cut_start > para_start else "", text[cut_start:start], text[start:end], text[end:cut_end],
        "…" if cut_end < para_end else "", record.source_url() or document.get_absolute_url(), document)


class LightSourcesMixin:
    """Change lists that join the source document (``list_select_related``) load its name and title, never
    its text or the bytes as read. (A deferred related field is ignored where the source is not joined.)"""

    def get_queryset(self, request):
        return super().get_queryset(request).defer("source__text", "source__original")


class SourcedAdminMixin(LightSourcesMixin):
    """Provenance display, editor locks, the documents' claims and the unlock action for a ``Sourced`` model
    admin."""

    form = SourcedForm
    actions = ["unlock_all_fields"]
    list_per_page = 50
    change_form_template = "admin/sourced_change_form.html"  # adds the form of the "Unlock" buttons

    class Media:
        css = {"all": ["css/admin-desk.css"]}

    def get_readonly_fields(self, request, obj=None):
        return tuple(dict.fromkeys([*super().get_readonly_fields(request, obj), *PROVENANCE_READONLY]))

    @admin.display(description="source document")
    def source_document(self, obj):
        if obj is None or obj.source_id is None:
            return "— (made by hand)"
        return format_html('<a href="{}">{}</a>', reverse("admin:sources_sourcedocument_change",
                                                          args=[obj.source_id]), source_of(obj))

    @admin.display(description="span")
    def span(self, obj):
        if obj is None or obj.span_start is None:
            return "—"
        return f"characters {obj.span_start}–{obj.span_end}"

    @admin.display(description="in the source")
    def source_excerpt(self, obj):
        return excerpt_html(obj)

    @admin.display(description="claims of source documents")
    def source_claims(self, obj):
        """Which documents state the record, with the values each gives: where each value came from."""
        if obj is None or obj.pk is None:
            return "—"
        claims = (obj.claims.select_related("document").defer("document__text", "document__original")
                  .order_by("document_id"))
        rows = ((reverse("admin:sources_sourcedocument_change", args=[c.document_id]), c.document,
                 ", ".join(f"{k}: {v}" for k, v in c.values.items()) or "names it") for c in claims)
        return format_html("<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a>: {}</li>', rows)) \
            if claims else "—"

    @admin.display(boolean=True, description="locked")
    def has_locks(self, obj):
        return bool(obj.locked_fields)

    def save_model(self, request, obj, form, change):
        if change:
            lock_changed_fields(obj, [n for n in form.changed_data if n != "locked_fields"])
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        DeletedRecord.remember(obj, request.user)  # so that a re-import does not bring it back
        super().delete_model(request, obj)

    def response_change(self, request, obj):
        # opened from a public page's edit link (?_return=): back to that page once saved (sources.editing)
        return returned(request, super().response_change(request, obj))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            DeletedRecord.remember(obj, request.user)
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        for f in formset.forms:
            if formset.can_delete and formset._should_delete_form(f) and f.instance.pk:
                DeletedRecord.remember(f.instance, request.user)
            if not f.has_changed() or (formset.can_delete and formset._should_delete_form(f)):
                continue
            if f.instance.pk:
                lock_changed_fields(f.instance, [n for n in f.changed_data if n != "locked_fields"])
        super().save_formset(request, form, formset, change)
        # rows of a many-to-many's own table (an event's place links): the parent's field is locked
        through_of = [m.name for m in self.model._meta.many_to_many if m.remote_field.through is formset.model]
        if change and through_of and formset.has_changed() and lock_changed_fields(form.instance, through_of):
            form.instance.save(update_fields=["locked_fields"])

    def get_urls(self):
        opts = self.opts
        return [path("<path:object_id>/unlock/", self.admin_site.admin_view(self.unlock_field_view),
                     name=f"{opts.app_label}_{opts.model_name}_unlock"), *super().get_urls()]

    def unlock_field_view(self, request, object_id):
        """POST ``field``: take one field off the record's locks (the "Unlock" button beside it), then
        back to its form."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        name = request.POST.get("field", "")
        if name in (obj.locked_fields or []):
            obj.locked_fields = [n for n in obj.locked_fields if n != name]
            obj.save(update_fields=["locked_fields"])
            label = self.model._meta.get_field(name).verbose_name if name in lockable_fields(self.model) else name
            self.log_change(request, obj, f"Unlocked {name}.")
            self.message_user(request, f"Unlocked “{label}”: the next import may set it again.", messages.SUCCESS)
        opts = self.opts
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))

    @admin.action(description="Unlock all fields (let the importer take over)", permissions=["change"])
    def unlock_all_fields(self, request, queryset):
        locked = list(queryset.exclude(locked_fields=[]))
        with transaction.atomic():
            unlock_all(queryset.filter(pk__in=[o.pk for o in locked]))
            for obj in locked:
                self.log_change(request, obj, f"Unlocked all fields ({', '.join(obj.locked_fields)}).")
        self.message_user(request, f"Unlocked {len(locked)} record(s); the next import may overwrite them.",
                          messages.SUCCESS)


class SourcedAdmin(SourcedAdminMixin, admin.ModelAdmin):
    pass


class ImportExportPermissionsMixin:
    """Import needs add and change permission; export needs view permission."""

    # spreadsheet files escape formulas on export and restore the text on import (sources.resources)
    import_formats = [SafeCSV, SafeXLSX, base_formats.JSON]
    export_formats = [SafeCSV, SafeXLSX, base_formats.JSON]

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)


class SourcedImportExportAdmin(SourcedAdminMixin, ImportExportPermissionsMixin, ImportExportModelAdmin):
    pass


class SourcedInline(admin.TabularInline):
    """Inline rows of sourced records: provenance stays on the record's own admin page."""

    exclude = ("source", "span_start", "span_end", "locked_fields")
    extra = 0
    show_change_link = True


# ----------------------------------------------------------------------------------------- merging

class MergeAdminMixin:
    """Adds "Merge selected …" (forces, people, places): pick the record to keep, then merge."""

    merge_template = "admin/merge_confirmation.html"

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_change_permission(request) and self.has_delete_permission(request):
            name = "merge_selected"
            actions[name] = (type(self).merge_selected, name,
                             f"Merge selected {self.opts.verbose_name_plural}…")
        return actions

    def merge_selected(self, request, queryset):
        alias_name = entity_of(self.model).aliases
        objects = list(queryset.order_by("pk").prefetch_related(alias_name))
        if len(objects) < 2:
            self.message_user(request, "Select at least two records to merge.", messages.WARNING)
            return None
        if request.POST.get("confirm") == "yes":
            keep = next((o for o in objects if str(o.pk) == request.POST.get("keep")), None)
            if keep is None:
                self.message_user(request, "Choose the record to keep.", messages.ERROR)
            else:
                others = [o for o in objects if o.pk != keep.pk]
                with transaction.atomic():
                    self.log_deletions(request, others)
                    result = merge_records(keep, others)
                    self.log_change(request, result.keep, result.message())
                self.message_user(request, result.message(), messages.SUCCESS)
                return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                                                    args=[keep.pk]))
        counts = {o.pk: [] for o in objects}
        pks = list(counts)
        alias_model = entity_of(self.model).alias_model
        for rel in self.model._meta.related_objects:
            if rel.related_model is alias_model:
                continue
            if rel.many_to_many:   # count rows of the link table (one grouped query, no join fan-out)
                if not rel.through._meta.auto_created:
                    continue
                table, fk = rel.through, rel.field.m2m_reverse_field_name()
            else:
                table, fk = rel.related_model, rel.field.name
            per = dict(table._base_manager.filter(**{f"{fk}__in": pks}).order_by().values(fk)
                       .annotate(n=Count("pk")).values_list(fk, "n"))
            for pk in pks:
                if per.get(pk):
                    counts[pk].append((rel.related_model._meta.verbose_name_plural, per[pk]))
        rows = [{"obj": o, "aliases": [a.name for a in getattr(o, alias_name).all()], "counts": counts[o.pk]}
                for o in objects]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge {self.opts.verbose_name_plural}",
            "opts": self.opts,
            "rows": rows,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, self.merge_template, context)


class NamedRecordAdmin(MergeAdminMixin, SourcedImportExportAdmin):
    """Forces, people and places: searched by name, slug and alias, with their aliases listed and merge."""

    search_fields = ("name", "slug", "aliases__name")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    def get_search_results(self, request, queryset, search_term):
        """The site's one name search (``AliasedQuerySet.named_like``: trigram similarity on PostgreSQL,
        so "Hizbollah" finds Hezbollah here too, from the indexes), or the exact slug. Also serves the
        autocomplete widgets of other admin pages."""
        term = search_term.strip()
        if not term:
            return queryset, False
        found = self.model.objects.named_like(term).values("pk")
        return queryset.filter(Q(pk__in=found) | Q(slug=term)), False

    @admin.display(description="aliases")
    def alias_names(self, obj):
        return ", ".join(a.name for a in obj.aliases.all())


# ----------------------------------------------------------------------------------------- aliases

class AliasInline(admin.TabularInline):
    fields = ("name", "origin", "score", "source", "split_link")
    readonly_fields = ("source", "split_link")
    extra = 1

    @admin.display(description="")
    def split_link(self, obj):
        if obj is None or obj.pk is None:
            return ""
        opts = obj._meta
        return format_html('<a href="{}">Split off…</a>',
                           reverse(f"admin:{opts.app_label}_{opts.model_name}_split", args=[obj.pk]))


class AliasAdmin(LightSourcesMixin, admin.ModelAdmin):
    """Aliases of a force, person or place, with "Split off into a new record"."""

    list_display = ("name", "owner", "origin", "score", "source", "created_at")
    list_filter = ("origin",)
    list_per_page = 100
    actions = ["split_off"]
    readonly_fields = ("key", "source", "created_at")
    split_template = "admin/split_alias_confirmation.html"

    @property
    def owner_field(self) -> str:
        return next(e.fk for e in entities() if e.alias_model is self.model)

    def get_autocomplete_fields(self, request):
        return (self.owner_field,)

    def get_list_select_related(self, request):
        return (self.owner_field, "source")

    def get_search_fields(self, request):
        return ("name", f"{self.owner_field}__name", f"{self.owner_field}__slug")

    @admin.display(description="record", ordering="owner")
    def owner(self, obj):
        return getattr(obj, self.owner_field)

    def get_urls(self):
        opts = self.opts
        return [path("<int:pk>/split/", self.admin_site.admin_view(self.split_view),
                     name=f"{opts.app_label}_{opts.model_name}_split"), *super().get_urls()]

    def can_split(self, request) -> bool:
        owner = self.model._meta.get_field(self.owner_field).related_model._meta
        return self.has_change_permission(request) and request.user.has_perm(
            f"{owner.app_label}.add_{owner.model_name}")

    @staticmethod
    def _owner_url(owner) -> str:
        return reverse(f"admin:{owner._meta.app_label}_{owner._meta.model_name}_change", args=[owner.pk])

    def split_view(self, request, pk):
        alias = get_object_or_404(self.model.objects.select_related(self.owner_field), pk=pk)
        return self._split(request, [alias])

    @admin.action(description="Split off into new records…", permissions=["change"])
    def split_off(self, request, queryset):
        return self._split(request, list(queryset.select_related(self.owner_field)))

    def _split(self, request, aliases):
        if not self.can_split(request):
            raise PermissionDenied
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            results = []
            owner_admin = self.admin_site._registry.get(self.model._meta.get_field(self.owner_field).related_model)
            with transaction.atomic():
                for alias in aliases:
                    result = split_alias(alias)
                    log = owner_admin or self
                    log.log_addition(request, result.new, f"Split off “{result.alias_name}” from "
                                                          f"{result.original} (#{result.original.pk}).")
                    log.log_change(request, result.original, result.message())
                    results.append(result)
            for result in results:
                self.message_user(request, result.message(), messages.SUCCESS)
            if len(results) == 1:
                new = results[0].new
                return HttpResponseRedirect(reverse(f"admin:{new._meta.app_label}_{new._meta.model_name}_change",
                                                    args=[new.pk]))
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Split off aliases into new records",
            "opts": self.opts,
            "aliases": [(a, getattr(a, self.owner_field), self._owner_url(getattr(a, self.owner_field)))
                        for a in aliases],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "from_action": request.POST.get("action") == "split_off",
        }
        return TemplateResponse(request, self.split_template, context)


# ----------------------------------------------------------------------------------------- sources

#: the extension of a downloaded original, by format (everything else was read as text)
ORIGINAL_EXTENSIONS = {SourceDocument.Format.WIKITEXT: ".wiki", SourceDocument.Format.HTML: ".html"}
_UNSAFE_IN_FILE_NAME = re.compile(r"[^\w.-]+")


def original_file_name(document) -> str:
    """A file name for the bytes a document was read from: its name without folder or extension, reduced
    to letters, digits (any script) and ``._-`` (no path, quote, space or control character reaches the
    header; ``content_disposition_header`` encodes non-ASCII letters), plus the extension of its format
    (``.wiki``, ``.html``, else ``.txt``)."""
    stem = PurePosixPath((document.name or "").replace("\\", "/")).name
    stem, dot, extension = stem.rpartition(".")
    if not dot or not stem or len(extension) > 5:
        stem = f"{stem}.{extension}" if dot else extension
    stem = _UNSAFE_IN_FILE_NAME.sub("_", stem).strip("._-")[:100] or f"document-{document.pk}"
    return stem + ORIGINAL_EXTENSIONS.get(document.format, ".txt")


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    """Imported documents are read-only: the text is what every span points into.

    The bytes as read (``original``) are only ever loaded by the "Download original" view, and the text
    is not loaded for the change list.
    """

    list_display = ("name", "title", "status", "site", "problem_count", "imported_at")  # format: a filter
    list_filter = ("status", "format")
    search_fields = ("name", "title")
    date_hierarchy = "imported_at"
    fieldsets = [
        (None, {"fields": ["name", "title", "public_page", "status", "format", "encoding", "parser_version",
                           "imported_at", "created_at", "path", "original_file"]}),
        ("Attribution", {"fields": ["site", "canonical_url", "revision", "revision_time", "retrieved_at",
                                    "licence_link", "attribution_sentence"],
                         "description": "Where the text is from and its licence, as the document states them; "
                                        "shown on the public source page and the offensive's page, and "
                                        "exported with the timeline."}),
        ("Problems", {"fields": ["problem_list"]}),
        ("Text", {"classes": ["collapse"], "fields": ["text_display"]}),
    ]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            return qs.defer("text", "original")  # the change list needs neither
        return qs.defer("original").annotate(original_size=Length("original"))

    def get_readonly_fields(self, request, obj=None):
        return [*(f.name for f in self.model._meta.concrete_fields), "public_page", "problem_list", "text_display",
                "original_file", "canonical_url", "revision", "licence_link", "attribution_sentence"]

    def get_urls(self):
        opts = self.opts
        return [path("<int:pk>/original/", self.admin_site.admin_view(self.original_view),
                     name=f"{opts.app_label}_{opts.model_name}_original"), *super().get_urls()]

    def original_view(self, request, pk):
        """The bytes the document was read from, as an attachment: staff with view permission only
        (``admin_view`` sends anyone else to the login page), never rendered by the browser."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        document = get_object_or_404(self.model.objects.only("name", "format", "original"), pk=pk)
        if not self.has_view_permission(request, document):
            raise PermissionDenied
        data = bytes(document.original or b"")
        if not data:
            raise Http404("No original is stored for this document.")
        response = HttpResponse(data, content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(True, original_file_name(document))
        response["Content-Length"] = str(len(data))
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def has_add_permission(self, request):
        return False  # documents come from `import_sources`

    def has_change_permission(self, request, obj=None):
        return False  # imported text is never edited: every span points into it

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    @admin.display(description="problems")
    def problem_count(self, obj):
        return len(obj.problems or [])

    @admin.display(description="public page")
    def public_page(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())

    @admin.display(description="original")
    def original_file(self, obj):
        """The download link, with the size and sha256 of what it serves (``original_size`` is annotated by
        ``get_queryset``, so the bytes are not loaded here)."""
        size = getattr(obj, "original_size", None)
        digest = format_html("sha256 <code>{}</code>", obj.sha256) if obj.sha256 else ""
        if not size:
            return format_html("not stored (imported before originals were kept); {}", digest) if digest else "—"
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_original", args=[obj.pk])
        return format_html('<a class="button" href="{}" download>Download original</a> {}, {} bytes; {}',
                           url, original_file_name(obj), f"{size:,}", digest)

    @admin.display(description="canonical URL")
    def canonical_url(self, obj):
        link = attribution(obj).url
        return format_html('<a href="{}">{}</a>', link, link) if link else (obj.url or "—")

    @admin.display(description="revision")
    def revision(self, obj):
        a = attribution(obj)
        if not a.revision_id:
            return "—"
        return format_html('<a href="{}">{}</a>', a.revision_url, a.revision_id) if a.revision_url else a.revision_id

    @admin.display(description="licence")
    def licence_link(self, obj):
        a = attribution(obj)
        if not a.licence:
            return "—"
        return format_html('<a href="{}">{}</a>', a.licence_url, a.licence) if a.licence_url else a.licence

    @admin.display(description="attribution")
    def attribution_sentence(self, obj):
        a = attribution(obj)
        return a.sentence() if a.stated else "— (the document states no page and no licence)"

    @admin.display(description="problems")
    def problem_list(self, obj):
        if not obj.problems:
            return "none"
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li>line {}: {}</li>",
            ((p.get("line", "?"), p.get("message", p)) if isinstance(p, dict) else ("?", p) for p in obj.problems)))

    @admin.display(description="text")
    def text_display(self, obj):
        return format_html('<pre style="white-space:pre-wrap;max-height:40em;overflow:auto">{}</pre>', obj.text)


@admin.register(ResolutionDecision)
class ResolutionDecisionAdmin(admin.ModelAdmin):
    list_display = ("name", "decision", "kind", "record", "created_at")
    list_filter = ("decision", "kind")
    search_fields = ("name", "key")
    readonly_fields = ("key", "created_at")
    fields = ("kind", "name", "key", "record_id", "decision", "created_at")

    @admin.display(description="record")
    def record(self, obj):
        opts = entity(obj.kind).model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.record_id])
        return format_html('<a href="{}">{} #{}</a>', url, obj.kind, obj.record_id)


@admin.register(DeletedRecord)
class DeletedRecordAdmin(LightSourcesMixin, admin.ModelAdmin):
    """Imported records editors deleted. Deleting a row here lets the next import re-create the record."""

    list_display = ("name", "model", "source", "deleted_by", "deleted_at")
    list_filter = ("model",)
    search_fields = ("name",)
    readonly_fields = ("model", "key", "name", "source", "deleted_by", "deleted_at")
    list_select_related = ("source", "deleted_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(KnownName)
class KnownNameAdmin(LightSourcesMixin, admin.ModelAdmin):
    """Acronyms, other spellings and former names of well-known forces: each family is one record."""

    list_display = ("name", "same_as", "kind", "origin", "source")
    list_filter = ("kind", "origin")
    search_fields = ("name", "same_as")
    list_select_related = ("source",)
    readonly_fields = ("source",)

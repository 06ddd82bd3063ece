"""Recent import runs and, per document, what each changed (read-only: the log is written by the importer)."""
from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from .models import DocumentImport, ImportRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DocumentImportInline(admin.TabularInline):
    model = DocumentImport
    fields = ("identity", "status", "summary", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="records")
    def summary(self, obj):
        return ", ".join(f"{n} {action}" for action, n in sorted(obj.counts.items())) or "—"


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "documents", "failed", "record_counts", "finished_at")
    date_hierarchy = "started_at"
    readonly_fields = ("started_at", "finished_at", "paths", "options", "documents", "failed", "counts")
    inlines = [DocumentImportInline]

    @admin.display(description="records")
    def record_counts(self, obj):
        return ", ".join(f"{n} {action}" for action, n in sorted(obj.counts.items())) or "—"


@admin.register(DocumentImport)
class DocumentImportAdmin(ReadOnlyAdmin):
    list_display = ("identity", "status", "run", "change_count")
    list_filter = ("status",)
    search_fields = ("identity", "error")
    list_select_related = ("run",)
    fields = ("run", "document", "identity", "status", "error", "counts", "change_list", "kept_list", "warnings")
    readonly_fields = fields

    @admin.display(description="changes")
    def change_count(self, obj):
        return len(obj.changes)

    @admin.display(description="what changed")
    def change_list(self, obj):
        rows = []
        for change in obj.changes:
            fields = "; ".join(f"{name}: {old!r} → {new!r}" for name, (old, new) in change.get("fields", {}).items())
            rows.append((change["action"], change["model"], change["record"], fields))
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li>{} {} “{}” {}</li>", rows)) if rows else "—"

    @admin.display(description="kept")
    def kept_list(self, obj):
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((k,) for k in obj.kept))) \
            if obj.kept else "—"

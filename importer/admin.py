"""Recent import runs and, per document, what each changed (read-only: the log is written by the importer);
the review queue (what the importer doubted, for editors to accept, fix or reject)."""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min, Value
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme

from conflicts.models import Conflict
from sources.editing import RETURN_PARAMETER

from .models import DocumentImport, ImportRun, ReviewItem
from .review import REASONS, DecisionRefused, decide, reason_of, reopen


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


# ------------------------------------------------------------------------------------ the review queue

class ReviewStatusFilter(admin.SimpleListFilter):
    """Open items by default: decided ones have left the queue (they stay, so later imports remember them)."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(s.value, s.label) for s in ReviewItem.Status] + [("all", "all")]

    def choices(self, changelist):
        value = self.value() or ReviewItem.Status.OPEN
        for lookup, title in self.lookup_choices:
            yield {"selected": value == lookup, "display": title,
                   "query_string": changelist.get_query_string({self.parameter_name: lookup})}

    def queryset(self, request, queryset):
        value = self.value() or ReviewItem.Status.OPEN
        return queryset if value == "all" else queryset.filter(status=value)


class ReviewReasonFilter(admin.SimpleListFilter):
    title = "reason"
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return [(code, reason.label) for code, reason in REASONS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(reason=self.value()) if self.value() else queryset


class ReviewOffensiveFilter(admin.RelatedOnlyFieldListFilter):
    """The offensives that have items (not every offensive of the encyclopedia)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "offensive"

    def field_choices(self, field, request, model_admin):
        pks = model_admin.get_queryset(request).exclude(conflict=None).values("conflict_id").distinct()
        return [(c.pk, str(c)) for c in Conflict.objects.filter(pk__in=pks).only("pk", "name").order_by("name")]


def _record_url(item: ReviewItem) -> str | None:
    """The admin form of the item's record, without loading the record."""
    if item.content_type_id is None or item.object_id is None:
        return None
    ct = ContentType.objects.get_for_id(item.content_type_id)
    try:
        return reverse(f"admin:{ct.app_label}_{ct.model}_change", args=[item.object_id])
    except NoReverseMatch:
        return None


EVIDENCE_LABELS = {"sentence": "sentence", "date": "date given", "dated_by": "dated by the sentence before",
                   "section": "section", "name": "name as written", "joined_to": "joined to", "kind": "kind",
                   "threshold": "resolver threshold", "field": "field", "locked": "fields an editor locked",
                   "document": "document", "candidates": "candidates"}
HIDDEN_EVIDENCE = {"alias_id"}


def evidence_html(item: ReviewItem) -> str:
    """The evidence as a definition list: the sentence quoted, candidates as a table (name, document, value,
    score, whichever they carry)."""
    rows = []
    evidence = item.evidence or {}
    for key, value in evidence.items():
        if key in HIDDEN_EVIDENCE or value in ("", None, [], {}):
            continue
        label = EVIDENCE_LABELS.get(key, key.replace("_", " "))
        if key in ("sentence", "dated_by"):
            shown = format_html("<blockquote class=\"review-sentence\">{}</blockquote>", value)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            columns = list(dict.fromkeys(k for row in value for k in row if k not in ("document_id",)))
            head = format_html_join("", "<th scope=\"col\">{}</th>", ((c,) for c in columns))
            body = format_html_join("", "<tr>{}</tr>", ((format_html_join(
                "", "<td>{}</td>", ((row.get(c, ""),) for c in columns)),) for row in value))
            shown = format_html("<table class=\"review-candidates\"><thead><tr>{}</tr></thead><tbody>{}</tbody>"
                                "</table>", head, body)
        elif isinstance(value, list):
            shown = ", ".join(map(str, value))
        else:
            shown = str(value)
        rows.append((label, shown))
    return format_html("<dl class=\"review-evidence\">{}</dl>",
                       format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows)) if rows else "—"


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin):
    """The review queue: what the importer doubted, newest import first; accept, fix or reject each item.

    Decisions are POSTed to ``<pk>/decide/`` (the row's buttons, the item's page) or made with the
    actions on several items. Reasons and what their decisions do: ``importer.review``."""

    # the item and its buttons first (on a phone the rows stack: importer/static/importer/review.css); the day
    # an item was raised is a short line under its reason, and left out while every item was raised that day
    list_display = ("item", "decision_buttons", "reason_in_list", "offensive")
    list_display_links = ("item",)
    list_filter = (ReviewStatusFilter, ReviewReasonFilter, ("conflict", ReviewOffensiveFilter))
    list_select_related = ("conflict",)
    search_fields = ("summary",)
    list_per_page = 50
    actions = ["accept_selected", "reject_selected", "reopen_selected"]
    fields = ("reason_label", "status", "conflict", "record_link", "document", "created_at", "evidence_display",
              "decisions_help", "decided_by", "decided_at", "note")
    readonly_fields = fields
    change_form_template = "admin/importer/reviewitem/change_form.html"

    class Media:
        css = {"all": ["importer/review.css"]}

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        span = ReviewItem.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
        days_differ = span["first"] is not None and (
            timezone.localdate(span["first"]) != timezone.localdate(span["last"]))
        return (super().get_queryset(request).defer("document__text", "document__original")
                .annotate(days_differ=Value(days_differ)))

    def get_urls(self):
        opts = self.opts
        return [path("<int:pk>/decide/", self.admin_site.admin_view(self.decide_view),
                     name=f"{opts.app_label}_{opts.model_name}_decide"), *super().get_urls()]

    # -- columns and fields
    @admin.display(description="reason", ordering="reason")
    def reason_label(self, obj):
        return reason_of(obj).short or obj.reason

    @admin.display(description="reason", ordering="reason")
    def reason_in_list(self, obj):
        label = self.reason_label(obj)
        if not getattr(obj, "days_differ", False):
            return label
        when = timezone.localtime(obj.created_at)
        short = date_format(when, "j M" if when.year == timezone.localdate().year else "j M Y")
        return format_html('{}<br><time class="review-raised" datetime="{}" title="Raised {}">raised {}</time>',
                           label, when.isoformat(), date_format(when, "DATETIME_FORMAT"), short)

    @admin.display(description="offensive", ordering="conflict__name")
    def offensive(self, obj):
        return obj.conflict or "—"

    @admin.display(description="item")
    def item(self, obj):
        return obj.summary

    @admin.display(description="record")
    def record_link(self, obj):
        url = _record_url(obj)
        record = obj.record
        if record is None:
            return "— (the record is gone)" if obj.object_id else "—"
        return format_html('<a href="{}">{}</a>', url, record) if url else str(record)

    @admin.display(description="evidence")
    def evidence_display(self, obj):
        return evidence_html(obj)

    @admin.display(description="what the decisions do")
    def decisions_help(self, obj):
        reason = reason_of(obj)
        return format_html("<ul><li><strong>Accept</strong>: {}</li><li><strong>Fix</strong>: opens the record's "
                           "form (the item is closed as fixed; your corrections are locked against re-imports)"
                           "</li><li><strong>Reject</strong>: {}</li></ul>", reason.accept_help, reason.reject_help)

    @admin.display(description="decide")
    def decision_buttons(self, obj):
        if obj.status != ReviewItem.Status.OPEN:
            return obj.get_status_display()
        url = reverse("admin:importer_reviewitem_decide", args=[obj.pk])
        # buttons of the changelist's own form (which carries the CSRF token), posted to the item's decide URL
        return format_html(
            '<button type="submit" class="button" formaction="{url}" formmethod="post" name="decision" '
            'value="accepted" aria-label="Accept: {s}">Accept</button> '
            '<button type="submit" class="button" formaction="{url}" formmethod="post" name="decision" '
            'value="fixed" aria-label="Fix: {s}">Fix</button> '
            '<button type="submit" class="button" formaction="{url}" formmethod="post" name="decision" '
            'value="rejected" aria-label="Reject: {s}">Reject</button>', url=url, s=obj.summary[:80])

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        return shown if self.has_change_permission(request) else [c for c in shown if c != "decision_buttons"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        decide_url = reverse("admin:importer_reviewitem_decide", args=[object_id]) if object_id else ""
        extra_context = {**(extra_context or {}), "decide_url": decide_url,
                         "can_decide": self.has_change_permission(request)}
        return super().changeform_view(request, object_id, form_url, extra_context)

    # -- decisions
    def _back(self, request) -> str:
        """Where a decision returns: ``_return`` if safe, else the queue as the editor filtered it (the
        changelist they decided from), else the queue."""
        queue = reverse("admin:importer_reviewitem_changelist")
        for target in (request.POST.get(RETURN_PARAMETER), request.GET.get(RETURN_PARAMETER),
                       request.headers.get("referer")):
            if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                          require_https=request.is_secure()):
                if target is request.headers.get("referer"):
                    parts = urlsplit(target)
                    if parts.path != queue:
                        continue
                    target = parts.path + (f"?{parts.query}" if parts.query else "")
                return target
        return queue

    def decide_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        item = get_object_or_404(ReviewItem, pk=pk)
        decision = request.POST.get("decision", "")
        back = self._back(request)
        if decision == "open":
            reopen(item)
            self.log_change(request, item, "Reopened.")
            self.message_user(request, f"Reopened: {item}", messages.SUCCESS)
            return HttpResponseRedirect(back)
        if decision not in (ReviewItem.Status.ACCEPTED, ReviewItem.Status.REJECTED, ReviewItem.Status.FIXED):
            return HttpResponseBadRequest("unknown decision")
        if item.status != ReviewItem.Status.OPEN:
            self.message_user(request, f"Already {item.get_status_display()}: {item}", messages.WARNING)
            return HttpResponseRedirect(back)
        fix_url = reason_of(item).fix_url(item) if decision == ReviewItem.Status.FIXED else None
        try:
            note = decide(item, decision, request, self.admin_site)
        except DecisionRefused as exc:
            self.message_user(request, f"Not done: {exc}", messages.ERROR)
            return HttpResponseRedirect(back)
        self.log_change(request, item, f"{item.get_status_display().capitalize()}. {note}".strip())
        if fix_url:
            return HttpResponseRedirect(f"{fix_url}?{urlencode({RETURN_PARAMETER: back})}")
        self.message_user(request, f"{item.get_status_display().capitalize()}: {item}. {note}".strip(),
                          messages.SUCCESS)
        return HttpResponseRedirect(back)

    def _decide_many(self, request, queryset, status):
        done, refused = 0, []
        for item in queryset.filter(status=ReviewItem.Status.OPEN):
            try:
                note = decide(item, status, request, self.admin_site)
            except DecisionRefused as exc:
                refused.append(f"{item}: {exc}")
                continue
            self.log_change(request, item, f"{item.get_status_display().capitalize()}. {note}".strip())
            done += 1
        self.message_user(request, f"{done} item(s) {status}.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, f"Not done: {message}", messages.ERROR)

    @admin.action(description="Accept the selected items", permissions=["change"])
    def accept_selected(self, request, queryset):
        self._decide_many(request, queryset, ReviewItem.Status.ACCEPTED)

    @admin.action(description="Reject the selected items", permissions=["change"])
    def reject_selected(self, request, queryset):
        self._decide_many(request, queryset, ReviewItem.Status.REJECTED)

    @admin.action(description="Reopen the selected items", permissions=["change"])
    def reopen_selected(self, request, queryset):
        n = 0
        for item in queryset.exclude(status=ReviewItem.Status.OPEN):
            reopen(item)
            self.log_change(request, item, "Reopened.")
            n += 1
        self.message_user(request, f"{n} item(s) reopened.", messages.SUCCESS)

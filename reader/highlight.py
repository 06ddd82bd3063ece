"""A source document as HTML with every extracted span marked and linked to its record.

Contract: :func:`highlight` escapes every character of the document (``django.utils.html.escape``)
and adds only its own tags, so the result is safe to mark safe. Each distinct span ``[start, end)``
gets exactly one ``<mark id="span-START-END">``, the anchor ``Sourced.source_url()`` points at.
Spans that contain one another nest; spans that cross are split at the crossing, and the
continuation is a ``<mark>`` without an id, so the tags always nest properly. After the end of each
span comes a small link to each record extracted from it.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from conflicts.models import Conflict, Force, Participation, Side, Strength
from events.models import Event, EventPlace, Place
from people.models import CommandRole, Person

from .display import event_url


@dataclass(frozen=True)
class SpanRecord:
    start: int
    end: int
    kind: str     # "event", "commander", ... (shown on the link)
    label: str    # the record's name, for the link's accessible name
    url: str      # where the record is shown


@dataclass
class _Span:
    start: int
    end: int  # clamped to the text
    records: list[SpanRecord]

    @property
    def anchor(self) -> str:
        # as written by Sourced.source_url(), even when the end had to be clamped to the text
        return f"span-{self.records[0].start}-{self.records[0].end}"


def _spans(text_length: int, records, offset: int = 0) -> list[_Span]:
    grouped: dict[tuple[int, int], list[SpanRecord]] = defaultdict(list)
    for record in records:
        if record.start is None or record.end is None:
            continue
        start, end = record.start - offset, record.end - offset
        if not 0 <= start < min(end, text_length):
            continue  # empty, or outside the text (a stale span after an edit): nothing to mark
        grouped[(start, end)].append(record)
    # outer spans first: by start, then longest first
    ordered = sorted(grouped.items(), key=lambda item: (item[0][0], -item[0][1]))
    return [_Span(start, min(end, text_length), recs) for (start, end), recs in ordered]


def _links(span: _Span) -> str:
    # the accessible name says what the link marks ("place: Sakhour"), not only its kind; it begins with the
    # visible word, so that voice control finds the link by what it shows (WCAG 2.5.3)
    return "".join(
        format_html('<a class="span-link" href="{}" aria-label="{}" title="{}">{}</a>', r.url, name, name, r.kind)
        for r in span.records for name in (f"{r.kind}: {r.label}",))


def highlight(text: str, records, offset: int = 0) -> SafeString:
    """``text`` escaped, with ``records``' spans (``SpanRecord``) as nested ``<mark>`` elements.

    ``offset``: where ``text`` starts in the document the spans count in (a passage of it, as on an
    event's page); spans that begin outside ``text`` are not marked, and anchors keep the document's offsets.
    """
    spans = _spans(len(text), records, offset)
    starts: dict[int, list[_Span]] = defaultdict(list)
    ends: set[int] = set()
    for span in spans:
        starts[span.start].append(span)
        ends.add(span.end)
    cuts = sorted({0, len(text), *starts, *ends})

    out: list[str] = []
    stack: list[_Span] = []  # open marks, outermost first
    for i, pos in enumerate(cuts):
        # close the spans ending here; a crossing span below them is closed and reopened
        if any(span.end == pos for span in stack):
            reopen = []
            while any(span.end == pos for span in stack):
                span = stack.pop()
                out.append("</mark>")
                if span.end == pos:
                    out.append(_links(span))
                else:
                    reopen.append(span)
            for span in reversed(reopen):
                out.append(format_html('<mark class="cont" data-span="{}">', span.anchor))
                stack.append(span)
        for span in starts.get(pos, ()):  # longest first, so inner marks open inside outer ones
            out.append(format_html('<mark id="{}">', span.anchor))
            stack.append(span)
        if i + 1 < len(cuts):
            out.append(escape(text[pos:cuts[i + 1]]))
    return mark_safe("".join(out))  # noqa: S308 (every piece of text above went through escape/format_html)


#: a wikitext heading line: "==Offensive==", "=== Northern districts ===" (the level is the number of "=")
_HEADING = re.compile(r"^(={1,6})[ \t]*(?P<title>[^=\n].*?)[ \t]*\1[ \t]*$", re.MULTILINE)


def highlight_passage(text: str, records, offset: int = 0, cut_before: bool = False,
                      cut_after: bool = False) -> SafeString:
    """A passage of a wikitext source (``reader.queries.Passage``) as paragraphs, highlighted.

    The text is read as blocks: heading lines (``==Offensive==``) become ``<p class="passage-heading">`` with
    their title only, the other lines between blank lines or headings a ``<p>`` each; blank lines are dropped
    (so none is shown at either end). Each block is :func:`highlight` of its own characters at their own
    offset in the document, so every mark, anchor and link is where it is on the source page; a span that
    runs past its block (never an event's sentence: it is one line) is marked to the block's end.
    ``cut_before``/``cut_after``: the passage starts or ends inside a line ("…" is shown there).
    """
    blocks: list[tuple[str, int, int]] = []  # (kind, start, end) within text
    pos = 0
    for heading in _HEADING.finditer(text):
        blocks.extend(_paragraphs(text, pos, heading.start()))
        blocks.append(("heading", heading.start("title"), heading.end("title")))
        pos = heading.end()
    blocks.extend(_paragraphs(text, pos, len(text)))
    out: list[str] = []
    for i, (kind, start, end) in enumerate(blocks):
        body = highlight(text[start:end], records, offset + start)
        before = "… " if cut_before and i == 0 else ""
        after = " …" if cut_after and i == len(blocks) - 1 else ""
        if kind == "heading":
            out.append(format_html('<p class="passage-heading">{}{}{}</p>', before, body, after))
        else:
            out.append(format_html("<p>{}{}{}</p>", before, body, after))
    return mark_safe("".join(out))  # noqa: S308 (each block went through highlight/format_html)


def _paragraphs(text: str, start: int, end: int):
    """The runs of non-blank lines of ``text[start:end]``, as ("text", start, end), without their newlines."""
    for match in re.finditer(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*", text[start:end]):
        yield "text", start + match.start(), start + match.end()


def event_span_records(event) -> list[SpanRecord]:
    """The event's sentence and the places it names (``place_links`` prefetched), as the source page marks
    them, for the passage on the event's page: no queries."""
    found = []
    if event.span_start is not None:
        found.append(SpanRecord(event.span_start, event.span_end, "source", "this sentence on the source page",
                                event.source_url() or ""))
    for link in event.place_links.all():
        if link.span_start is not None and link.source_id == event.source_id:
            found.append(SpanRecord(link.span_start, link.span_end, "place", link.place.name,
                                    link.place.get_absolute_url()))
    return found


def span_records(document) -> list[SpanRecord]:
    """Every record extracted from ``document`` that has a span: one query per record type."""
    def rows(model, *related):
        return model.objects.filter(source=document, span_start__isnull=False).select_related(*related).order_by()

    def side_url(side):
        return f"{side.conflict.get_absolute_url()}#side-{side.number}"

    found: list[SpanRecord] = []

    def add(obj, kind, label, url):
        found.append(SpanRecord(obj.span_start, obj.span_end, kind, label, url))

    for obj in rows(Conflict):
        add(obj, "offensive", obj.name, obj.get_absolute_url())
    for obj in rows(Side, "conflict"):
        add(obj, "side", f"side {obj.number}", side_url(obj))
    for obj in rows(Participation, "force", "side__conflict"):
        add(obj, obj.role, obj.force.name, obj.force.get_absolute_url())
    for obj in rows(Strength, "side__conflict"):
        add(obj, "strength", obj.text, side_url(obj.side))
    for obj in rows(Force):
        add(obj, "force", obj.name, obj.get_absolute_url())
    for obj in rows(Person):
        add(obj, "person", obj.name, obj.get_absolute_url())
    for obj in rows(CommandRole, "person"):
        add(obj, "commander", obj.person.name, obj.person.get_absolute_url())
    for obj in rows(Place):
        add(obj, "place", obj.name, obj.get_absolute_url())
    for obj in rows(EventPlace, "place"):
        add(obj, "place", obj.place.name, obj.place.get_absolute_url())
    for obj in rows(Event, "conflict"):
        add(obj, "event", obj.text[:120], event_url(obj))
    return found

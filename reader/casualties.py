"""Casualties on an offensive's page (issue 17, item 4): the infobox's "Casualties and losses" per side,
and the death tolls stated by its events, summed for the offensive and per side, low and high where the
source documents give different figures for one event.

A side's sum is the sum over the events that name one of the side's forces (``EventQuerySet.on_side``):
a sentence rarely says whose dead it counts ("28 ISIL fighters and 21 soldiers"), so it is what was
reported in the side's events, not the side's losses, and an event naming forces of both sides counts
for both. Each event's figure is the chosen one (``importer.claims.choose``); its low and high are the
smallest and largest figure any document claims for it (the chosen one included), so the low and high
sums differ from the shown sum only where documents disagree.

The sums and the listed figures are three queries whatever the offensive's size (the list is bounded);
the page caches them for the data generation (``conflicts.cache``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Greatest, Least

from events.models import Event
from events.querysets import EventQuerySet
from sources.models import Claim, SourceDocument

#: how many events with a figure the page lists (the sums count them all)
FIGURES_LISTED = 30
#: how many documents the sums name as their sources
DOCUMENTS_LISTED = 20


@dataclass
class Tally:
    """A sum of event figures: ``total`` of the chosen figures, ``low``/``high`` of the smallest and
    largest figures the documents give, over ``events`` events."""

    label: str
    total: int = 0
    low: int = 0
    high: int = 0
    events: int = 0
    side: int | None = None   # the side's number

    @property
    def disputed(self) -> bool:
        return self.low != self.high


@dataclass
class EventCasualties:
    tallies: list[Tally] = field(default_factory=list)   # the offensive first, then each side, then "no side"
    figures: list = field(default_factory=list)         # events with ``casualties``, ``low``, ``high``
    more: int = 0                                       # events with a figure not listed
    documents: list = field(default_factory=list)

    @property
    def total(self) -> Tally | None:
        return self.tallies[0] if self.tallies else None


@dataclass
class InfoboxCasualties:
    """The infobox's "Casualties and losses" entry ``number`` as the shown document gives it, and what
    other documents give where it differs (``[(text, document)]``)."""

    number: int
    text: str
    others: list = field(default_factory=list)


def _claimed(aggregate):
    """The smallest or largest casualty figure the documents' claims give for the outer event."""
    figure = Cast(KeyTextTransform("casualties", "values"), IntegerField())
    rows = (Claim.objects.filter(content_type__app_label="events", content_type__model="event",
                                 object_id=OuterRef("pk"))
            .annotate(figure=figure).filter(figure__isnull=False)
            .order_by().values("object_id").annotate(x=aggregate("figure")).values("x"))
    return Subquery(rows, output_field=IntegerField())


def with_figures(events):
    """``events`` that state a figure, annotated with ``low`` and ``high`` (see the module)."""
    number = IntegerField()
    return (events.filter(casualties__isnull=False)
            .annotate(claimed_low=_claimed(Min), claimed_high=_claimed(Max))
            .annotate(low=Least("casualties", Coalesce("claimed_low", "casualties", output_field=number),
                                output_field=number),
                      high=Greatest("casualties", Coalesce("claimed_high", "casualties", output_field=number),
                                    output_field=number)))


def event_casualties(conflict, sides) -> EventCasualties:
    """The event figures of ``conflict`` summed for it, for each of ``sides`` (its sides, loaded) and for
    the events naming no side's force; the first ``FIGURES_LISTED`` figures in timeline order; the
    documents that state them. Three queries; one when no event states a figure."""
    through = Event.forces.through
    events = with_figures(Event.objects.filter(conflict=conflict))
    # the groups are annotations, not Exists inside the sums' filters: aggregating over the annotated
    # figures makes Django sum over a subquery, where an Exists correlated with the event cannot be
    flags = {f"on_{side.pk}": Exists(through.objects.filter(event=OuterRef("pk"), force__participations__side=side))
             for side in sides}
    flags["on_any"] = Exists(through.objects.filter(event=OuterRef("pk"),
                                                    force__participations__side__conflict=conflict))
    groups = {"all": Q(), **{f"side{side.pk}": Q(**{f"on_{side.pk}": True}) for side in sides},
              "none": Q(on_any=False)}
    sums = {}
    for key, condition in groups.items():
        sums.update({f"{key}_total": Sum("casualties", filter=condition), f"{key}_low": Sum("low", filter=condition),
                     f"{key}_high": Sum("high", filter=condition), f"{key}_n": Count("pk", filter=condition)})
    row = events.annotate(**flags).aggregate(**sums)
    if not row["all_n"]:
        return EventCasualties()

    def tally(key, label, side=None):
        return Tally(label, row[f"{key}_total"] or 0, row[f"{key}_low"] or 0, row[f"{key}_high"] or 0,
                     row[f"{key}_n"] or 0, side)

    tallies = [tally("all", "All events")]
    tallies += [tally(f"side{side.pk}", side.display_name, side.number) for side in sides]
    tallies.append(tally("none", "Events naming no side's force"))
    figures = list(events.select_related("conflict", "source").defer("source__text", "source__original")
                   .order_by(*EventQuerySet.TIMELINE_ORDER)[:FIGURES_LISTED])
    stating = Claim.objects.filter(content_type__app_label="events", content_type__model="event",
                                   object_id__in=events.values("pk")).values("document_id")
    documents = list(SourceDocument.objects.defer("text", "original")
                     .filter(status=SourceDocument.Status.IMPORTED)
                     .filter(Q(pk__in=stating) | Q(pk__in=events.exclude(source=None).values("source_id")))
                     .order_by("name")[:DOCUMENTS_LISTED])
    return EventCasualties(tallies=tallies, figures=figures,
                           more=max(row["all_n"] - len(figures), 0), documents=documents)


def infobox_casualties(conflict) -> dict[int, InfoboxCasualties]:
    """The infobox's "Casualties and losses" by entry number (``casualties1``, ... in ``Conflict.extra``,
    as the parsers store them; an entry past the last side is the infobox's own column, civilians
    mostly), with the values other documents give where they differ. No queries: the offensive's claims
    are prefetched by ``ConflictQuerySet.for_detail``."""
    out: dict[int, InfoboxCasualties] = {}
    for key, value in (conflict.extra or {}).items():
        number = _entry_number(key)
        if number is not None and isinstance(value, str) and value.strip():
            out[number] = InfoboxCasualties(number, value.strip())
    for claim in conflict.claims.all():
        extra = claim.values.get("extra") if isinstance(claim.values, dict) else None
        for key, value in (extra or {}).items() if isinstance(extra, dict) else ():
            number = _entry_number(key)
            if number is None or not isinstance(value, str) or not value.strip():
                continue
            entry = out.setdefault(number, InfoboxCasualties(number, ""))
            if value.strip() != entry.text and all(value.strip() != text for text, _ in entry.others):
                entry.others.append((value.strip(), claim.document))
    return dict(sorted(out.items()))


def _entry_number(key: str) -> int | None:
    if isinstance(key, str) and key.startswith("casualties") and key[len("casualties"):].isdigit():
        return int(key[len("casualties"):])
    return None

"""An offensive's key moments (issue 17, item 4): its launch, the captures and recaptures of places, its
end, each the event that tells it, so that a reader learns the course of an offensive without paging
through its timeline.

- launch: the offensive's first event that is not background (dated before it began) and whose period
  reaches its stated start;
- captures and recaptures: the first capture and the first recapture of each place (an event of that
  kind; the place is the first it names after its verb, "captured"), at most ``CAPTURES_SHOWN``, spread
  evenly over the period when there are more (the first and last kept);
- end: the last event dated within the offensive's stated end (none when no end is stated);
- all of them within the offensive's stated period, where it states one (aftermath events are not
  moments of the offensive).

Three queries whatever the offensive's size (the candidates read are bounded); the page caches the list
for the data generation (``conflicts.cache``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Case, Q, Subquery, When

from conflicts.models import Conflict
from events.models import Event, EventPlace
from events.querysets import EventQuerySet

CAPTURES_SHOWN = 10
#: capture and recapture events read to choose from (document order within a date, oldest first)
CANDIDATES_READ = 500
#: the fields a moment shows (its date, sentence and URL: the offensive's slug)
SHOWN = ("pk", "date", "end_date", "precision", "kind", "text", "conflict__slug", "conflict__name")


@dataclass
class Moment:
    label: str       # "Launch", "Capture of Khan Tuman", "Recapture of Khan Tuman", "End"
    kind: str        # "launch", "capture", "recapture", "end"
    event: object    # with ``conflict`` loaded (its URL names the offensive)


def _spread(items: list, limit: int) -> list:
    """At most ``limit`` of ``items``, evenly spaced, the first and the last kept."""
    if len(items) <= limit:
        return items
    if limit == 1:
        return items[:1]
    step = (len(items) - 1) / (limit - 1)
    return [items[round(i * step)] for i in range(limit)]


#: the verb of a capture; the place taken is the first named after it ("ISIL launched an attack on the
#: eastern suburbs of Aleppo city and captured Tal Reeman": Tal Reeman, not Aleppo)
TAKING = re.compile(r"(?i)\b(?:re)?(?:captur|seiz|took|tak|regain|retook|overr[au]n|liberat|storm|enter|gain)")


def _place_taken(text: str, links: list):
    """``(place_id, name)`` of the place ``text`` says was taken: the first named after the verb, else the
    first named; None when it names none."""
    if not links:
        return None
    verb = TAKING.search(text or "")
    if verb:
        after = [(text.find(written or name, verb.start()), place_id, name) for place_id, name, written in links]
        after = [item for item in after if item[0] >= 0]
        if after:
            _, place_id, name = min(after)
            return place_id, name
    return links[0][0], links[0][1]


def key_moments(conflict) -> list[Moment]:
    order = EventQuerySet.TIMELINE_ORDER
    events = Event.objects.filter(conflict=conflict, background=False)
    if conflict.start_date:  # within the offensive's stated period (a month-precise event overlapping it)
        events = events.filter(Q(period_end__gte=conflict.start_date) | Q(period_end__isnull=True,
                                                                         date__gte=conflict.start_date))
    if conflict.end_date:
        events = events.filter(date__lte=conflict.end_date)
    # the first and the last event's ids in one query (the conflict row carries them)
    ends = Conflict.objects.filter(pk=conflict.pk).annotate(
        launch=Subquery(events.order_by(*order).values("pk")[:1]),
        end=Subquery(events.order_by(*order).reverse().values("pk")[:1])).values_list("launch", "end").first()
    launch, end = ends or (None, None)
    end = end if conflict.end_date and end != launch else None
    taking = Q(kind__in=[Event.Kind.CAPTURE, Event.Kind.RECAPTURE])
    rows = list(events.filter(taking | Q(pk__in=[pk for pk in (launch, end) if pk]))
                .select_related("conflict").only(*SHOWN)
                .order_by(Case(When(pk__in=[launch, end], then=0), default=1), *order)[:CANDIDATES_READ])
    found = {event.pk: event for event in rows}
    candidates = [event for event in rows if event.kind in (Event.Kind.CAPTURE, Event.Kind.RECAPTURE)]
    links: dict[int, list] = {}
    for event_id, place_id, name, written in (
            EventPlace.objects.filter(event_id__in=[event.pk for event in candidates])
            .order_by("event_id", "order", "pk").values_list("event_id", "place_id", "place__name", "name_as_written")):
        links.setdefault(event_id, []).append((place_id, name, written))
    seen, captures = set(), []
    for event in candidates:
        place = _place_taken(event.text, links.get(event.pk, []))
        if place is None or (event.kind, place[0]) in seen or event.pk in (launch, end):
            continue
        seen.add((event.kind, place[0]))
        verb = "Capture" if event.kind == Event.Kind.CAPTURE else "Recapture"
        captures.append(Moment(f"{verb} of {place[1]}", event.kind, event))
    moments = [Moment("Launch", "launch", found[launch])] if launch in found else []
    moments += _spread(captures, CAPTURES_SHOWN)
    if end in found:
        moments.append(Moment("End", "end", found[end]))
    return moments

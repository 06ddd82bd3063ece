"""The timeline's pages at any size: numbered pages without large OFFSETs, a jump to a year or month,
newest first, counts for the current filters and a heading that states them (issues 16 and 17).

Pages are numbered (``?page=N``, with ``?order=newest`` for the reverse order): a bookmarkable link. A
page within ``BLOCK`` events of either end is read from that end with a small OFFSET (the index of
``EventQuerySet.TIMELINE_ORDER``, ``event_timeline_order_idx``, read forwards or backwards). A deeper page
is found from the filter's *profile*: its events per day and per kind, one ``GROUP BY date, kind`` over
the matching rows (an index-only scan of ``event_kind_idx`` for the whole timeline: 60-80 ms at a million
events). The day that holds the page's first event and the events before it follow from the running sums;
the page is read from that day on, skipping fewer than that day's events (a day holding more than
``BLOCK`` events seeks from boundary keys listed within the day). The same profile gives the count, the
first and last dates, the counts per kind and the page a jump lands on, with no other query: the first
request of a filter after a change reads its rows once, not once per figure (issue 16). The profile and
the counts per side are cached for the data generation (``conflicts.cache``).

A jump (``?year=2016&month=5``) answers with a redirect to the page that holds the first event of that
period (newest first: its last event), at that event: ``#event-<id>``.
"""
from __future__ import annotations

import bisect
import calendar
import datetime
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils.functional import cached_property

from conflicts.cache import cached, query_key
from events.models import Event
from events.querysets import EventQuerySet
from sources.precision import MONTHS, format_range

from .filters import side_choices, sides_by_key

BLOCK = 1000  # events between two boundary keys: a deep page skips fewer than this many rows
SIDE_COUNT_LIMIT = 8  # sides listed in the counts (an unfiltered timeline has two per offensive)
# events up to which the sides are counted: a join of every matching event with its forces' sides (about
# 3 s at a million events, 1 ms for an offensive's thousand); beyond, the page asks for narrower filters
SIDE_COUNTS_UP_TO = 50_000
NEWEST = "newest"


@dataclass(frozen=True)
class Profile:
    """A run's events per day and per kind: what finding a page, counting and jumping need (one query)."""

    days: list[int]      # the days with events, as ordinals, ascending
    starts: list[int]    # events before each of those days
    n: int
    kinds: dict[str, int]

    @classmethod
    def of(cls, rows) -> Profile:
        per_day, kinds = Counter(), Counter()
        for day, kind, n in rows.prefetch_related(None).order_by().values("date", "kind").annotate(
                n=Count("*")).values_list("date", "kind", "n"):
            per_day[day.toordinal()] += n
            kinds[kind] += n
        days, starts, total = sorted(per_day), [], 0
        for day in days:
            starts.append(total)
            total += per_day[day]
        return cls(days, starts, total, dict(kinds))

    def day_of(self, position: int) -> tuple[datetime.date, int, int]:
        """The day of the event at ``position`` (from 0, in timeline order), how many of that day's events
        come before it, and how many events the day has."""
        i = bisect.bisect_right(self.starts, position) - 1
        following = self.starts[i + 1] if i + 1 < len(self.starts) else self.n
        return datetime.date.fromordinal(self.days[i]), position - self.starts[i], following - self.starts[i]

    def before(self, day: datetime.date) -> int:
        """How many events start before ``day``."""
        i = bisect.bisect_left(self.days, day.toordinal())
        return self.starts[i] if i < len(self.starts) else self.n


def boundary_keys(rows, count: int) -> list[tuple]:
    """The timeline key of events 0, BLOCK, 2 x BLOCK, ... of ``rows`` (``count`` of them; one pass)."""
    numbered = (rows.prefetch_related(None).order_by()
                .annotate(_row=Window(RowNumber(), order_by=EventQuerySet.TIMELINE_ORDER))
                .values_list(*EventQuerySet.TIMELINE_KEY, "_row"))
    found = numbered.filter(_row__in=range(1, count + 1, BLOCK))
    return [tuple(row[:-1]) for row in sorted(found, key=lambda row: row[-1])]


class Run:
    """Events of one queryset in timeline order, read in pages; its profile cached for the data
    generation."""

    def __init__(self, rows, request, few=False):
        self.rows = rows
        self.request = request
        self.few = few  # expected few: read whole, unlimited (a LIMIT would lead the planner to the order's index)

    @cached_property
    def key(self) -> str | None:
        """The query's cache key, None for no rows at all (an invalid filter's ``.none()``)."""
        try:
            return query_key(self.rows.order_by())
        except EmptyResultSet:
            return None

    def cached(self, name, compute, *parts):
        return cached(self.request, name, [self.key, *parts], compute)

    @cached_property
    def profile(self) -> Profile:
        if self.key is None:
            return Profile([], [], 0, {})
        return self.cached("timeline-profile", lambda: Profile.of(self.rows))

    @cached_property
    def stats(self) -> dict:
        """``{n, first, last}``: how many events, the first and the last date."""
        days = self.profile.days
        return {"n": self.profile.n, "first": datetime.date.fromordinal(days[0]) if days else None,
                "last": datetime.date.fromordinal(days[-1]) if days else None}

    @property
    def count(self) -> int:
        return self.profile.n

    def slice(self, lo: int, hi: int) -> list:
        """Events ``lo``..``hi - 1`` in timeline order (oldest first)."""
        if hi <= lo:
            return []
        rows, n = self.rows, self.count
        if self.few and n <= BLOCK:
            ids = list(rows.prefetch_related(None).values_list("pk", flat=True))[lo:hi]
            return list(rows.filter(pk__in=ids))
        if hi <= BLOCK:
            return list(rows[lo:hi])
        if n - lo <= BLOCK:  # near the end: the same index read backwards
            return list(rows.reverse()[n - hi:n - lo])[::-1]
        day, skip, on_day = self.profile.day_of(lo)
        if skip < BLOCK:  # from the day's first event on (the timeline index from that day)
            return list(rows.filter(date__gte=day)[skip:skip + hi - lo])
        # a crowded day: seek from the nearest of its own boundary keys (cached)
        keys = self.cached("timeline-day-keys", lambda: boundary_keys(rows.filter(date=day), on_day), day)
        block = min(skip // BLOCK, len(keys) - 1)
        skip -= block * BLOCK
        return list(rows.from_key(keys[block])[skip:skip + hi - lo])

    def for_counting(self):
        """The run's events to count by side: a few events by their ids (the planner cannot tell how few
        the overlapping periods are, and would join every event's forces), else the query."""
        rows = self.rows.prefetch_related(None)
        if self.few and self.count <= BLOCK:
            return rows.model.objects.filter(pk__in=list(rows.values_list("pk", flat=True)))
        return rows

    def before(self, day: datetime.date) -> int:
        """How many of the events start before ``day`` (no query: the profile)."""
        return self.profile.before(day)


class TimelinePaginator(Paginator):
    """Pages of a filtered timeline (an ``EventQuerySet`` in ``TIMELINE_ORDER``), newest first when
    ``newest``; what it counts and lists once is cached for the data generation.

    With ``since`` (the date filter's first day, which ``object_list`` does not apply yet: the filter set's
    ``first_day_in_pages``) the events are read as two runs: those that began before it and still overlap
    it (month, year and range periods: few, read from ``event_period_overlap_idx``), then those from that
    day on, read in order from the timeline index; one query with ``period_end >=`` would read the index
    from the first event ever and drop every row before the filter, and the second run with it too would
    be read from ``event_period_end_idx`` and sorted (its profile 124 ms instead of 42 ms for 418,000
    events)."""

    def __init__(self, object_list, per_page, *, request=None, newest=False, since=None):
        whole = object_list.between(after=since) if since else object_list
        super().__init__(whole, per_page, allow_empty_first_page=True)
        self.request = request
        self.newest = newest
        self.whole = Run(whole, request)
        if since:
            overlapping = object_list.filter(date__lt=since, period_end__gte=since, period_end__gt=F("date"))
            self.runs = [Run(overlapping, request, few=True), Run(object_list.filter(date__gte=since), request)]
        else:
            self.runs = [self.whole]

    @property
    def key(self) -> str | None:
        return self.whole.key

    def _cached(self, name, compute):
        return self.whole.cached(name, compute)

    @cached_property
    def stats(self) -> dict:
        stats = [run.stats for run in self.runs]
        firsts = [s["first"] for s in stats if s["first"]]
        lasts = [s["last"] for s in stats if s["last"]]
        return {"n": sum(s["n"] for s in stats), "first": min(firsts, default=None), "last": max(lasts, default=None)}

    @cached_property
    def count(self) -> int:
        return self.stats["n"]

    def _rows(self, lo: int, hi: int) -> list:
        """Events ``lo``..``hi - 1`` of the filter in timeline order (oldest first), across the runs."""
        rows, start = [], 0
        for run in self.runs:
            end = start + run.count
            rows += run.slice(max(lo, start) - start, min(hi, end) - start)
            start = end
        return rows

    def page(self, number):
        number = self.validate_number(number)
        n, size = self.count, self.per_page
        if self.newest:
            lo, hi = max(0, n - number * size), n - (number - 1) * size
        else:
            lo, hi = (number - 1) * size, min(n, number * size)
        rows = self._rows(lo, hi)
        if self.newest:
            rows.reverse()
        return self._get_page(rows, number, self)

    def _before(self, day: datetime.date) -> int:
        return sum(run.before(day) for run in self.runs)

    def page_of_period(self, start: datetime.date, end: datetime.date) -> tuple[int, int | None]:
        """The page holding the first event from ``start`` on (newest first: the last one up to ``end``),
        and that event's id (None when there is none: the last page)."""
        rows = self.object_list.prefetch_related(None).values_list("pk", flat=True)
        if self.newest:
            position = self.count - self._before(end + datetime.timedelta(days=1))
            target = rows.filter(date__lte=end).reverse()[:1]
        else:
            position = self._before(start)
            target = rows.filter(date__gte=start)[:1]
        number = min(position // self.per_page + 1, self.num_pages)
        return number, next(iter(target), None)


def period_asked(year: str | None, month: str | None) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day of ``?year=`` (and ``?month=``), None when they name no period."""
    try:
        y = int(year or "")
        m = int(month) if month else None
        if m is None:
            return datetime.date(y, 1, 1), datetime.date(y, 12, 31)
        return datetime.date(y, m, 1), datetime.date(y, m, calendar.monthrange(y, m)[1])
    except (TypeError, ValueError, OverflowError):
        return None


MONTH_CHOICES = [(str(i), name) for i, name in enumerate(MONTHS, start=1)]


# --------------------------------------------------------------------------------------------- counts

@dataclass(frozen=True)
class Counts:
    kinds: list[tuple[str, str, int]]   # (kind, label, events)
    sides: list[tuple[int, str, int]]   # (side id, name, events), most first, at most SIDE_COUNT_LIMIT
    more_sides: bool                    # sides were left out
    no_side: int | None                 # events naming no force of a side of their offensive
    sides_counted: bool = True          # False: too many events (SIDE_COUNTS_UP_TO) to count the sides


def counts_for(request, paginator: TimelinePaginator) -> Counts:
    """Events per kind and per side, and those naming no side, for the paginator's filter (cached)."""
    if paginator.key is None or not paginator.count:
        return Counts([], [], False, 0)

    def compute():
        # run by run (disjoint), so that each is read from its own index (a date filter's two runs)
        labels = dict(Event.Kind.choices)
        per_kind = Counter()
        for run in paginator.runs:
            per_kind.update(run.profile.kinds)
        kinds = [(kind, labels.get(kind, kind), n) for kind, n in sorted(per_kind.items(), key=lambda i: (-i[1], i[0]))]
        if paginator.count > SIDE_COUNTS_UP_TO:
            return Counts(kinds, [], False, None, sides_counted=False)
        runs = [run.for_counting() for run in paginator.runs if run.count]
        per_side = Counter()
        for rows in runs:
            per_side.update({row["side"]: row["n"] for row in rows.count_by_side(None)})
        top = sorted(per_side.items(), key=lambda i: (-i[1], i[0]))[:SIDE_COUNT_LIMIT]
        named = list(side_choices().filter(pk__in=[side for side, _ in top]))
        several = len({side.conflict_id for side in named}) > 1  # else the offensive goes without saying
        names = {side.pk: f"{side.conflict.name}: {side.display_name}" if several else side.display_name
                 for side in named}
        sides = [(side, names.get(side, ""), n) for side, n in top]
        no_side = sum(rows.naming_no_side().count() for rows in runs)
        return Counts(kinds, sides, len(per_side) > SIDE_COUNT_LIMIT, no_side)
    return paginator._cached("timeline-counts", compute)


# -------------------------------------------------------------------------------------------- heading

KIND_PLURALS = {"casualties": "casualty reports", "other": "other events"}


def _one_name(queryset, value: str) -> str:
    """The name of the one record a filter box names, else what was typed, quoted."""
    names = list(queryset.values_list("name", flat=True)[:2])
    return names[0] if len(names) == 1 else f"“{value}”"


def _period(after, before) -> str:
    if after and before:
        if after.month == 1 and after.day == 1 and (before.month, before.day) == (12, 31):
            if after.year == before.year:
                return str(after.year)
            return format_range(after, before, "year")
        if after.day == 1 and after.year == before.year and before.day == calendar.monthrange(
                before.year, before.month)[1]:
            return format_range(after, before, "month")
        return format_range(after, before)
    if after:
        return f"from {format_range(after)}"
    return f"until {format_range(before)}" if before else ""


def describe(filterset) -> str:
    """What the filters select, for the page's title and heading: "Aleppo offensive, captures, 2016"."""
    if not filterset.is_bound or not filterset.is_valid():
        return ""
    data = filterset.form.cleaned_data
    parts = []

    def record_name(name):
        # what the box selects (as the filter read it: no query), its one record's name, else the words quoted
        records, by_slug = filterset.records(name, data[name])
        return by_slug[1] if by_slug is not None else _one_name(records, data[name])

    if data.get("offensive"):
        parts.append(record_name("offensive"))
    if data.get("side"):
        sides = list(side_choices().filter(pk__in=sides_by_key(data["side"]).values("pk")[:2]))
        parts.append(f"side {sides[0].display_name}" if len(sides) == 1 else f"side “{data['side']}”")
    for name in ("force", "person", "place"):
        if data.get(name):
            parts.append(record_name(name))
    if data.get("kind"):
        kind = data["kind"]
        parts.append(KIND_PLURALS.get(kind, f"{dict(Event.Kind.choices).get(kind, kind)}s"))
    period = _period(data.get("after"), data.get("before"))
    if period:
        parts.append(period)
    if data.get("q"):
        parts.append(f"“{data['q']}”")
    return ", ".join(parts)

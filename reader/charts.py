"""Events per day of an offensive, coloured by side, as inline SVG built on the server.

The chart needs no JavaScript. Every bar segment has a ``<title>``, the SVG is ``role="img"`` with
a text summary, and the same figures are given as a table (:attr:`EventsChart.rows`). Strings are
escaped by ``format_html``; nothing from the database reaches the markup unescaped.

A side is *involved* in an event when the event names a force listed for that side. Events naming
forces of several sides get their own colour, events naming none a neutral grey.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from events.models import Event
from sources.precision import format_date

# Readable on white (contrast of at least 3:1 for graphics), distinguishable in greyscale print.
SIDE_COLOURS = ("#1b5e9c", "#b3261e", "#1e7b34", "#6b3fa0", "#8a5a00", "#00697a")
SEVERAL_COLOUR = "#b35c00"
NEUTRAL_COLOUR = "#6b6b6b"
MAX_DAYS = 731  # bounded: an offensive longer than two years is charted from its first day on

WIDTH, HEIGHT = 800, 220
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 10, 34


@dataclass
class Series:
    key: str
    label: str
    colour: str     # the SVG's fill attribute (a presentation attribute, which the CSP allows)
    css_class: str  # the legend's swatch: the same colour from static/css/site.css (no inline style)


@dataclass
class DayRow:
    date: datetime.date
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def label(self) -> str:
        return format_date(self.date)


@dataclass
class EventsChart:
    series: list[Series]
    rows: list[DayRow]
    first: datetime.date | None
    last: datetime.date | None
    outside: int
    svg: SafeString

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)


def _series(sides) -> list[Series]:
    n = len(SIDE_COLOURS)
    series = [Series(f"side-{side.number}", side.display_name, SIDE_COLOURS[i % n], f"series-{i % n + 1}")
              for i, side in enumerate(sides)]
    series.append(Series("several", "several sides", SEVERAL_COLOUR, "series-several"))
    series.append(Series("none", "no side named", NEUTRAL_COLOUR, "series-none"))
    return series


def _key(lo, hi) -> str:
    if lo is None:
        return "none"
    return f"side-{lo}" if lo == hi else "several"


def events_per_day(conflict, sides) -> EventsChart:
    """Chart of ``conflict``'s day-precise events over its period (or the span of its events)."""
    series = _series(sides)
    known = {s.key for s in series}
    per_day: dict[datetime.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in Event.objects.per_day_by_side(conflict):
        key = _key(row["lo"], row["hi"])
        per_day[row["date"]][key if key in known else "several"] += row["n"]
    if not per_day:
        return EventsChart(series, [], None, None, 0, SafeString(""))

    first = conflict.start_date if conflict.start_date and conflict.start_precision == "day" else min(per_day)
    last = conflict.end_date if conflict.end_date and conflict.end_precision == "day" else max(per_day)
    last = min(max(last, first), first + datetime.timedelta(days=MAX_DAYS - 1))
    rows = [DayRow(day, dict(counts)) for day, counts in sorted(per_day.items()) if first <= day <= last]
    outside = sum(sum(c.values()) for day, c in per_day.items() if not first <= day <= last)
    used = [s for s in series if any(s.key in row.counts for row in rows)] or series[:1]
    return EventsChart(used, rows, first, last, outside, _svg(used, rows, first, last))


def _svg(series, rows, first, last) -> SafeString:
    days = (last - first).days + 1
    peak = max((row.total for row in rows), default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / days
    bar_w = max(step * 0.8, 0.8)
    colours = {s.key: s for s in series}

    bars = []
    for row in rows:
        x = LEFT + (row.date - first).days * step + (step - bar_w) / 2
        y = TOP + plot_h
        for s in series:
            n = row.counts.get(s.key, 0)
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            bars.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {} event{} ({})</title></rect>',
                f"{x:.2f}", f"{y:.2f}", f"{bar_w:.2f}", f"{h:.2f}", colours[s.key].colour, row.label, n,
                "" if n == 1 else "s", s.label))

    ticks = []
    month_starts = [first + datetime.timedelta(days=i) for i in range(days)
                    if (first + datetime.timedelta(days=i)).day == 1]
    every = max(1, -(-len(month_starts) // 10))  # at most about ten month labels
    labelled = [(first, f"{first.day} {first:%b}")] + [
        (day, f"{day:%b %Y}") for i, day in enumerate(month_starts)
        if i % every == 0 and (day - first).days * step > 70]  # not over the first label
    for day, text in labelled:
        x = LEFT + (day - first).days * step
        ticks.append(format_html(
            '<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" class="tick"/><text x="{0}" y="{3}" class="label">{4}</text>',
            f"{x:.2f}", TOP + plot_h, TOP + plot_h + 4, TOP + plot_h + 18, text))

    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="chart-title chart-desc" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="chart-title">Events per day</title>'
        '<desc id="chart-desc">{desc}</desc>'
        '<line x1="{left}" x2="{right}" y1="{base}" y2="{base}" class="axis"/>'
        '<text x="{ylab}" y="{top}" class="label" dominant-baseline="hanging" text-anchor="end">{peak}</text>'
        '<text x="{ylab}" y="{base}" class="label" text-anchor="end">0</text>'
        '{bars}{ticks}</svg>',
        w=WIDTH, h=HEIGHT, left=LEFT, right=WIDTH - RIGHT, base=TOP + plot_h, top=TOP, ylab=LEFT - 4, peak=peak,
        desc=f"{sum(r.total for r in rows)} dated events from {format_date(first)} to {format_date(last)}; "
             f"at most {peak} on one day. The table below gives the figures.",
        bars=format_html_join("", "{}", ((b,) for b in bars)),
        ticks=format_html_join("", "{}", ((t,) for t in ticks)),
    )

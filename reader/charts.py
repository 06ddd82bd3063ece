"""Events per day of an offensive, coloured by side, as inline SVG built on the server.

The chart needs no JavaScript. It has a value axis with ticks and a title, a date axis with month ticks,
and each day's bar is a link to that day's events in the offensive's timeline (``?after=&before=``, the
whole column is the target; out of the tab order: the table below has the same links for the keyboard
and for screen readers). The SVG is ``role="img"`` with a text summary; the figures are readable without
a mouse in the busiest days' list and the table (:attr:`EventsChart.rows`), and in the chart itself as
numbers over the bars when there are few days. It is drawn twice, for wide screens and for phones
(``chart-wide``/``chart-narrow``, one hidden by site.css), so that its text stays readable at 390 px.
Strings are escaped by ``format_html``; nothing from the database reaches the markup unescaped.

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

# (width, height, bars labelled with their figure up to this many days, at most this many month labels)
WIDE = (800, 250, 40, 10)
NARROW = (360, 280, 14, 4)
LEFT, RIGHT, TOP, BOTTOM = 52, 10, 24, 44
BUSIEST = 5


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
    svg_narrow: SafeString = SafeString("")
    # the figures table's rows, made with the chart and cached with it: a template loop over a few hundred
    # days and their sides was a fifth of an offensive's page (18 of 87 ms at a million events, issue 16)
    table_rows: SafeString = SafeString("")

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def no_side(self) -> int:
        """Charted events that name no force of a side."""
        return sum(row.counts.get("none", 0) for row in self.rows)

    @property
    def busiest(self) -> list[DayRow]:
        """The days with most events, most first (ties: the earlier day)."""
        return sorted(self.rows, key=lambda row: (-row.total, row.date))[:BUSIEST]


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
    return EventsChart(used, rows, first, last, outside, _svg(used, rows, first, last, WIDE, "wide"),
                       _svg(used, rows, first, last, NARROW, "narrow"), _table_rows(used, rows))


def _table_rows(series, rows) -> SafeString:
    """``<tr>`` per day: the day (a link to its events), its events per series, all its events."""
    return format_html_join("\n", '<tr><th scope="row"><a href="{}">{}</a></th>{}<td class="num">{}</td></tr>', (
        (day_link(row.date), row.label,
         format_html_join("", '<td class="num">{}</td>', ((row.counts.get(s.key, 0),) for s in series)), row.total)
        for row in rows))


def day_link(day: datetime.date) -> str:
    """That day's events in the offensive's timeline (the page's own, filtered)."""
    return f"?after={day.isoformat()}&before={day.isoformat()}#timeline"


def value_ticks(peak: int, most: int = 5) -> list[int]:
    """0 and round steps (1, 2, 5 x 10^n) up to at least ``peak``, at most ``most`` + 1 ticks."""
    step = 1
    while -(-peak // step) > most:
        for factor in (2, 5 / 2, 2):  # 1 -> 2 -> 5 -> 10 -> 20 ...
            step = int(step * factor)
            if -(-peak // step) <= most:
                break
    top = -(-peak // step) * step
    return list(range(0, top + 1, step))


def _plural(n: int) -> str:
    return "" if n == 1 else "s"


def _svg(series, rows, first, last, size, variant: str) -> SafeString:
    width, height, label_days, month_labels = size
    days = (last - first).days + 1
    peak = max((row.total for row in rows), default=0) or 1
    ticks_y = value_ticks(peak)
    top_value = ticks_y[-1] or 1
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    base = TOP + plot_h
    step = plot_w / days
    bar_w = max(step * 0.8, 0.8)
    colours = {s.key: s for s in series}
    labels = {s.key: s.label for s in series}

    parts = []
    for value in ticks_y:  # value axis: gridlines and figures
        y = base - plot_h * value / top_value
        parts.append(format_html(
            '<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" class="{3}"/>'
            '<text x="{4}" y="{2}" class="label" text-anchor="end" dominant-baseline="middle">{5}</text>',
            LEFT, width - RIGHT, f"{y:.2f}", "axis" if value == 0 else "grid", LEFT - 6, value))

    for row in rows:  # one link per day: the whole column is its target
        x0 = LEFT + (row.date - first).days * step
        x = x0 + (step - bar_w) / 2
        y = base
        segments = []
        for s in series:
            n = row.counts.get(s.key, 0)
            if not n:
                continue
            h = plot_h * n / top_value
            y -= h
            segments.append(format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                                        f"{x:.2f}", f"{y:.2f}", f"{bar_w:.2f}", f"{h:.2f}", colours[s.key].colour))
        detail = ", ".join(f"{row.counts[s.key]} {labels[s.key]}" for s in series if row.counts.get(s.key))
        figure = format_html('<text x="{}" y="{}" class="label figure" text-anchor="middle">{}</text>',
                             f"{x0 + step / 2:.2f}", f"{y - 4:.2f}", row.total) if days <= label_days else ""
        parts.append(format_html(
            '<a href="{}" tabindex="-1" class="bar"><title>{}: {} event{} ({})</title>'
            '<rect x="{}" y="{}" width="{}" height="{}" class="hit"/>{}{}</a>',
            day_link(row.date), row.label, row.total, _plural(row.total), detail,
            f"{x0:.2f}", TOP, f"{max(step, 1):.2f}", plot_h, format_html_join("", "{}", ((r,) for r in segments)),
            figure))

    month_starts = [first + datetime.timedelta(days=i) for i in range(days)
                    if (first + datetime.timedelta(days=i)).day == 1]
    every = max(1, -(-len(month_starts) // month_labels))
    gap = 70 if variant == "wide" else 60
    labelled = [(first, f"{first.day} {first:%b}")] + [
        (day, f"{day:%b %Y}") for i, day in enumerate(month_starts)
        if i % every == 0 and (day - first).days * step > gap]  # not over the first label
    for day, text in labelled:
        x = LEFT + (day - first).days * step
        parts.append(format_html(
            '<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" class="tick"/><text x="{0}" y="{3}" class="label">{4}</text>',
            f"{x:.2f}", base, base + 5, base + 18, text))
    total = sum(r.total for r in rows)
    return format_html(
        '<svg class="chart chart-{variant}" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="chart-title-{variant} chart-desc-{variant}" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="chart-title-{variant}">Events per day</title>'
        '<desc id="chart-desc-{variant}">{desc}</desc>'
        '<text x="4" y="{ytitle}" class="axis-title">Events per day</text>'
        '<text x="{xtitle}" y="{xtitle_y}" class="axis-title" text-anchor="middle">Day (a bar links to its events)'
        '</text>{parts}</svg>',
        variant=variant, w=width, h=height, ytitle=TOP - 10, xtitle=LEFT + plot_w / 2, xtitle_y=height - 6,
        desc=f"{total} dated event{_plural(total)} from {format_date(first)} to {format_date(last)}; "
             f"at most {peak} on one day. The table below gives the figures.",
        parts=format_html_join("", "{}", ((p,) for p in parts)),
    )

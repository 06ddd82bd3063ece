"""The map of a page (issue 17): the places of its events with coordinates, one point per place with its
number of events, and an SVG of those points drawn on the server.

``map_for(request, subject=None, events=None)`` gives what ``templates/includes/map.html`` shows: for an
offensive or a place (``subject``), or the events a page shows (``events``: the timeline's page, a force's
page). An offensive's points are read in one aggregate query over its events (through the events' offensive
index), cached for the data generation; a page's come from its events' place links, which the page has
read already (no query): the places of all the events a filter matches would be an aggregate over the
whole link table at a million events (2 to 9 s on the benchmark database). Bounded: at most
``MAX_POINTS`` places, those with the most events. ``static/js/map.js`` draws them with Leaflet over the
tiles of ``settings.MAP_TILE_URL``; the SVG (with a scale bar) is the map without JavaScript and when the
tiles cannot be loaded.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from conflicts.cache import cached, query_key
from conflicts.models import Conflict, Force
from events.models import Event, EventPlace, Place

#: at most this many places on a map (those named by the most events)
MAX_POINTS = 200
#: labelled in the SVG (the rest have a tooltip)
MAX_LABELS = 8
#: a map of this many points or fewer is drawn lower (a single dot in a large empty box said nothing more)
FEW_POINTS = 2

WIDTH, HEIGHT, PAD = 640, 360, 28
HEIGHT_FEW = 240
#: the largest font size of the SVG's labels, in its units (site.css: 22 on phones, where the 640 units are
#: about 356 px wide: 12 px on the screen); the labels are kept apart at this size
LABEL_SIZE = 22
EARTH_KM_PER_DEGREE = 111.32


@dataclass
class MapPoint:
    name: str
    url: str
    latitude: float
    longitude: float
    events: int = 0
    kind: str = "place"     # "place" or "offensive" (the coordinates its infobox states)

    def as_json(self) -> dict:
        return {"name": self.name, "url": self.url, "lat": self.latitude, "lon": self.longitude,
                "events": self.events, "kind": self.kind}


@dataclass
class SiteMap:
    points: list[MapPoint] = field(default_factory=list)
    truncated: bool = False      # more places than MAX_POINTS have coordinates
    subject: str = "events"      # "place", "offensive", "force", "events" or "page"
    origin: str = ""             # a place's: where its coordinates come from (Place.CoordinatesOrigin's label)

    @property
    def places(self) -> int:
        return sum(p.kind == "place" for p in self.points)

    @property
    def caption(self) -> str:
        if self.subject == "place":
            return f"Where the place is. Coordinates from the {self.origin or 'records'}."
        n = self.places
        whose = {"events": "these events", "page": "the events on this page"}.get(self.subject, "its events")
        text = (f"{n} place{'s' if n != 1 else ''} named by {whose}"
                f"{f' (the {n} named by the most)' if self.truncated else ''}; the larger the circle, the more "
                "events name the place. Places whose coordinates are not known are not shown.")
        if n != len(self.points):
            text += " The ringed point is where the offensive's infobox places it."
        return text

    @property
    def few(self) -> bool:
        """Few points: the map is drawn lower (``map-few``)."""
        return len(self.points) <= FEW_POINTS

    def data(self) -> dict:
        """What ``static/js/map.js`` reads (``json_script``)."""
        return {"points": [p.as_json() for p in self.points]}

    @property
    def svg(self) -> SafeString:
        return fallback_svg(self.points)


def places_of(events, limit: int = MAX_POINTS, links=None) -> tuple[list[MapPoint], bool]:
    """The places with coordinates named by ``events`` (a queryset; or ``links``, the place links to count),
    most events first, at most ``limit``: (points, whether there were more). A link is one event at one
    place (unique), so its rows are counted, grouped by the place's key only."""
    if links is None:
        links = EventPlace.objects.filter(event__in=events.order_by().values("pk"))
    counts = list(links.filter(place__latitude__isnull=False, place__longitude__isnull=False).order_by()
                  .values_list("place_id").annotate(n=Count("pk")).order_by("-n", "place_id")[:limit + 1])
    places = Place.objects.only("name", "slug", "latitude", "longitude").in_bulk([pk for pk, _ in counts[:limit]])
    points = [MapPoint(places[pk].name, places[pk].get_absolute_url(), float(places[pk].latitude),
                       float(places[pk].longitude), n) for pk, n in counts[:limit]]
    return points, len(counts) > limit


def places_shown(events, limit: int = MAX_POINTS) -> SiteMap:
    """The map of the events a page shows (a list whose ``place_links`` and their places are prefetched,
    as ``EventQuerySet.for_timeline`` reads them): no query."""
    counts: dict[int, int] = {}
    places: dict[int, Place] = {}
    for event in events:
        for link in event.place_links.all():
            place = link.place
            if place.latitude is not None and place.longitude is not None:
                places[place.pk] = place
                counts[place.pk] = counts.get(place.pk, 0) + 1
    ranked = sorted(places.values(), key=lambda p: (-counts[p.pk], p.name))
    return SiteMap([MapPoint(p.name, p.get_absolute_url(), float(p.latitude), float(p.longitude), counts[p.pk])
                    for p in ranked[:limit]], len(ranked) > limit, "page")


def _compute(subject, events) -> SiteMap:
    if isinstance(subject, Place):
        if subject.latitude is None or subject.longitude is None:
            return SiteMap()
        n = EventPlace.objects.filter(place=subject).values("event_id").distinct().count()
        return SiteMap([MapPoint(subject.name, subject.get_absolute_url(), float(subject.latitude),
                                 float(subject.longitude), n)], subject="place",
                       origin=subject.get_coordinates_origin_display() if subject.coordinates_origin else "")
    offensive = []
    links = None
    if isinstance(subject, Conflict):
        links = EventPlace.objects.filter(event__conflict=subject)
        if subject.latitude is not None and subject.longitude is not None:
            offensive = [MapPoint(subject.name, subject.get_absolute_url(), float(subject.latitude),
                                  float(subject.longitude), kind="offensive")]
    elif isinstance(subject, Force):
        events = Event.objects.mentioning_forces([subject])
    if events is None and links is None:
        return SiteMap()
    points, truncated = places_of(events, links=links)
    kind = "offensive" if isinstance(subject, Conflict) else "force" if isinstance(subject, Force) else "events"
    return SiteMap(offensive + points, truncated, kind)


def map_for(request, subject=None, events=None) -> SiteMap:
    """The map of an offensive, force or place (``subject``) or of ``events`` (a queryset, cached; or the
    events a page shows, a list or a sliced queryset, read from their prefetched place links)."""
    if events is not None and (not hasattr(events, "query") or events.query.is_sliced):
        return places_shown(events)    # a page's events (a list, or the sliced queryset the page iterates too)
    if subject is not None:
        parts = [type(subject).__name__, subject.pk]
    elif events is not None:
        try:
            parts = ["events", query_key(events.order_by())]
        except Exception:   # an empty queryset (.none()): no SQL to name, nothing to map
            return SiteMap()
    else:
        return SiteMap()
    return cached(request, "map", parts, lambda: _compute(subject, events))


def tile_settings() -> dict:
    return {"url": settings.MAP_TILE_URL or "", "attribution": settings.MAP_TILE_ATTRIBUTION or ""}


# --------------------------------------------------------------------------- the SVG fallback

def _nice(value: float) -> float:
    """The largest 1, 2 or 5 times a power of ten not above ``value``."""
    power = 10 ** math.floor(math.log10(value))
    return max(m * power for m in (1, 2, 5) if m * power <= value)


def _n(value: float) -> str:
    """A coordinate of the SVG, to a tenth of a pixel (format_html escapes its arguments to strings first)."""
    return f"{value:.1f}"


def _text_width(text: str) -> float:
    """About the width of ``text`` at ``LABEL_SIZE`` (a sans-serif's letters average a little over half
    an em; generous, so that names estimated apart are apart on the screen)."""
    return len(text) * LABEL_SIZE * 0.6


def _overlap(a, b) -> bool:
    """Whether two boxes (left, top, right, bottom) overlap, with a little room between them."""
    return a[0] < b[2] + 4 and b[0] < a[2] + 4 and a[1] < b[3] + 2 and b[1] < a[3] + 2


def fallback_svg(points: list[MapPoint]) -> SafeString:
    """The points on a plain equirectangular projection (longitudes shrunk by the cosine of the middle
    latitude, so that distances read true near it), with a scale bar in kilometres. Escaped by
    ``format_html``; presentation attributes only (no style attribute: the CSP refuses them)."""
    if not points:
        return mark_safe("")
    height = HEIGHT_FEW if len(points) <= FEW_POINTS else HEIGHT
    lats = [p.latitude for p in points]
    lons = [p.longitude for p in points]
    mid = (min(lats) + max(lats)) / 2
    cos = max(math.cos(math.radians(mid)), 0.05)
    # at least ~20 km across, so that one point or a few close ones are not a blown-up blur
    span_y = max(max(lats) - min(lats), 0.18)
    span_x = max((max(lons) - min(lons)) * cos, 0.18)
    inner_w, inner_h = WIDTH - 2 * PAD, height - 2 * PAD - 24
    scale = min(inner_w / span_x, inner_h / span_y)          # px per degree of latitude
    cx, cy = (min(lons) + max(lons)) / 2, mid

    def xy(p: MapPoint) -> tuple[float, float]:
        return (WIDTH / 2 + (p.longitude - cx) * cos * scale, PAD + inner_h / 2 - (p.latitude - cy) * scale)

    most = max((p.events for p in points), default=0) or 1
    ordered = sorted(points, key=lambda p: (p.kind == "offensive", p.events))   # the ring, then the largest, on top
    marks = []
    for p in ordered:
        x, y = xy(p)
        r = 4 + 8 * math.sqrt(p.events / most) if p.kind == "place" else 7
        what = f"{p.name}: {p.events} event{'s' if p.events != 1 else ''}" if p.kind == "place" \
            else f"{p.name} (the offensive's coordinates)"
        marks.append(format_html(
            '<a href="{}" class="map-point map-point-{}"><title>{}</title>'
            '<circle cx="{}" cy="{}" r="{}"></circle></a>', p.url, p.kind, what, _n(x), _n(y), _n(r)))
    # the scale bar: a round distance about a quarter of the width
    km_per_px = EARTH_KM_PER_DEGREE / scale
    km = _nice(km_per_px * inner_w / 4)
    bar = km / km_per_px
    x0, y0 = PAD, height - PAD + 6
    label = f"{km:g} km"
    # the names of the places with most events, each clear of the scale and of the names placed before it
    placed = [(x0, y0 - 6 - LABEL_SIZE, x0 + bar + 6 + _text_width(label), y0 + 1 + LABEL_SIZE * 0.3)]
    texts = []
    for p in sorted((p for p in points if p.kind == "place"), key=lambda p: -p.events):
        if len(texts) == MAX_LABELS:
            break
        x, y = xy(p)
        width = _text_width(p.name)
        anchor = "end" if x + 10 + width > WIDTH and x - 10 - width >= 0 else "start"
        left = x - 10 - width if anchor == "end" else x + 10
        box = (left, y + 4 - LABEL_SIZE * 0.8, left + width, y + 4 + LABEL_SIZE * 0.3)
        if any(_overlap(box, other) for other in placed):
            continue  # its circle keeps its tooltip
        placed.append(box)
        texts.append(format_html('<text x="{}" y="{}" text-anchor="{}" class="map-label">{}</text>',
                                 _n(x + (-10 if anchor == "end" else 10)), _n(y + 4), anchor, p.name))
    scale_bar = format_html(
        '<g class="map-scale"><path d="M{} {}v6h{}v-6" fill="none" stroke="#1a1a1a" stroke-width="1.5">'
        '</path><text x="{}" y="{}">{}</text></g>', _n(x0), _n(y0 - 6), _n(bar), _n(x0 + bar + 6), _n(y0 + 1), label)
    summary = f"{len(points)} point{'s' if len(points) != 1 else ''} on a plain map with a scale of {label}"
    return format_html(
        '<svg class="map-svg" viewBox="0 0 {} {}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">'
        '<rect class="map-ground" x="0" y="0" width="{}" height="{}"></rect>{}{}{}</svg>',
        WIDTH, height, summary, WIDTH, height,
        format_html_join("", "{}", ((m,) for m in marks)), format_html_join("", "{}", ((t,) for t in texts)),
        scale_bar)

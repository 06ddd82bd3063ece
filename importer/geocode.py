"""Coordinates for places from the offline gazetteer (``sources.gazetteer``), within the offensive's country.

The importer asks ``coordinates_for`` for each new place it writes (``importer.load``); the
``geocode_places`` command runs ``geocode_places`` over the places already stored. Both only ever fill a
place that has no coordinates of its own: coordinates from a source or an editor (``coordinates_origin``
``source``/``editor``, or latitude/longitude in the place's ``locked_fields``) are never replaced.

The country: the one the offensive's place line names ("Aleppo Governorate, Syria"); when it names
none, the country among those its belligerents name (Syrian Arab Republic, Russia, Iran) in which most
of the offensive's place names are known places. A place no offensive's country is known for gets no
coordinates: a name alone ("Palmyra") is a town in several countries.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from conflicts.cache import bump_generation
from conflicts.models import Conflict, Participation
from events.models import EventPlace, Place
from sources import classify
from sources.gazetteer import Gazetteer, country_code, default_gazetteer

GEOCODED_FIELDS = ["latitude", "longitude", "coordinates_origin", "geonames_id", "coordinates_score"]


def offensive_country(gazetteer: Gazetteer, place_line: str, belligerents: Iterable[str],
                      place_names: Iterable[str], title: str = "") -> str | None:
    """ISO code of the offensive's country (see the module docstring), or None. A place the title names
    ("Palmyra offensive") weighs as ten others (the Palmyra offensive names Arak, a town of Iran too)."""
    stated = country_code(classify.country_of(place_line))
    if stated:
        return stated
    candidates = [c for c in map(classify.country_of, belligerents) if c]
    if not candidates:
        return None
    names = list(dict.fromkeys(place_names))
    in_title = tuple(n for n in names if n and n.casefold() in title.casefold())
    return gazetteer.best_country(names, candidates, in_title)


def _degrees(value: float) -> Decimal:
    return Decimal(str(round(value, 5)))


def coordinates_for(gazetteer: Gazetteer, name: str, country: str | None) -> dict:
    """The fields of a place called ``name`` in ``country`` that the gazetteer knows; {} when it does not."""
    found = gazetteer.match(name, country) if country else None
    if found is None:
        return {}
    return {"latitude": _degrees(found.entry.latitude), "longitude": _degrees(found.entry.longitude),
            "coordinates_origin": Place.CoordinatesOrigin.GAZETTEER, "geonames_id": found.entry.geonames_id,
            "coordinates_score": round(found.score, 2)}


def may_geocode(place: Place) -> bool:
    """Whether the gazetteer may give ``place`` coordinates: it has none of a source's or an editor's."""
    if place.coordinates_origin in (Place.CoordinatesOrigin.SOURCE, Place.CoordinatesOrigin.EDITOR):
        return False
    if {"latitude", "longitude"} & set(place.locked_fields or ()):
        return False
    return not (place.latitude is not None and place.coordinates_origin != Place.CoordinatesOrigin.GAZETTEER)


@dataclass
class GeocodeReport:
    checked: int = 0        # places without a source's or editor's coordinates
    located: int = 0        # of those, given coordinates (or new ones) now
    unchanged: int = 0      # already had the gazetteer's coordinates this run would give
    unmatched: int = 0      # no country, or no (single) gazetteer place of that name
    kept: int = 0           # coordinates of a source or an editor, left alone


def conflict_countries(gazetteer: Gazetteer, conflict_ids: Iterable[int]) -> dict[int, str | None]:
    """{conflict id: ISO code} for these offensives, in three queries."""
    ids = list(dict.fromkeys(conflict_ids))
    lines = {pk: (place, name) for pk, place, name
             in Conflict.objects.filter(pk__in=ids).values_list("pk", "place", "name")}
    belligerents: dict[int, list[str]] = defaultdict(list)
    for conflict_id, name in (Participation.objects.filter(side__conflict_id__in=ids)
                              .order_by("side__number", "order", "pk").values_list("side__conflict_id", "force__name")):
        belligerents[conflict_id].append(name)
    names: dict[int, list[str]] = defaultdict(list)
    for conflict_id, name in (EventPlace.objects.filter(event__conflict_id__in=ids)
                              .values_list("event__conflict_id", "place__name").distinct()):
        names[conflict_id].append(name)
    return {pk: offensive_country(gazetteer, lines.get(pk, ("", ""))[0], belligerents[pk], names[pk],
                                  lines.get(pk, ("", ""))[1]) for pk in ids}


def geocode_places(places=None, gazetteer: Gazetteer | None = None, *, dry_run: bool = False) -> GeocodeReport:
    """Give the stored places (all, or the queryset ``places``) the gazetteer's coordinates where they have
    none of a source or an editor. Idempotent: a second run changes nothing. A few queries in all, not one
    per place; the rows changed are written in batches and advance the data generation."""
    gazetteer = gazetteer or default_gazetteer()
    report = GeocodeReport()
    places = Place.objects.all() if places is None else places
    rows = list(places.only("pk", "name", "latitude", "longitude", "coordinates_origin", "geonames_id",
                            "coordinates_score", "locked_fields").order_by("pk"))
    todo = []
    for place in rows:
        if may_geocode(place):
            todo.append(place)
        else:
            report.kept += 1
    report.checked = len(todo)
    at: dict[int, list[int]] = defaultdict(list)   # place -> the offensives whose events name it
    for place_id, conflict_id in (EventPlace.objects.filter(place_id__in=[p.pk for p in todo])
                                  .values_list("place_id", "event__conflict_id").distinct()):
        at[place_id].append(conflict_id)
    countries = conflict_countries(gazetteer, [c for ids in at.values() for c in ids])
    changed = []
    for place in todo:
        fields = {}
        for conflict_id in sorted(at.get(place.pk, ())):
            fields = coordinates_for(gazetteer, place.name, countries.get(conflict_id))
            if fields:
                break
        if not fields:
            report.unmatched += 1
            continue
        if all(getattr(place, k) == v for k, v in fields.items()):
            report.unchanged += 1
            continue
        for k, v in fields.items():
            setattr(place, k, v)
        changed.append(place)
    report.located = len(changed)
    if changed and not dry_run:
        Place.objects.bulk_update(changed, GEOCODED_FIELDS, batch_size=500)
        bump_generation()
    return report

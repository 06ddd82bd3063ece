"""The maps of the reader's pages (issue 17): points per place with event counts, bounded; the SVG drawn
on the server with a scale; the JSON for static/js/map.js; the tile host in the Content-Security-Policy."""
from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from config.settings.base import tile_origin
from events.models import Event
from reader import maps
from reader.maps import MapPoint, fallback_svg, places_of
from tests.factories import make_conflict, make_event, make_force, make_place

pytestmark = pytest.mark.django_db


def located_place(name, lat, lon):
    return make_place(name=name, slug=name.lower(), latitude=Decimal(str(lat)), longitude=Decimal(str(lon)),
                      coordinates_origin="gazetteer", geonames_id=1, coordinates_score=100.0)


@pytest.fixture
def offensive():
    conflict = make_conflict(name="Palmyra offensive", latitude=Decimal("34.56"), longitude=Decimal("38.27"))
    palmyra = located_place("Palmyra", 34.5624, 38.28402)
    aleppo = located_place("Aleppo", 36.20124, 37.16117)
    nowhere = make_place(name="T4 airbase")
    for _ in range(3):
        make_event(conflict=conflict, places=[palmyra, nowhere])
    make_event(conflict=conflict, places=[aleppo, palmyra])
    return conflict


def map_data(response) -> dict:
    html = response.content.decode()
    found = re.search(r'<script id="map-points" type="application/json">(.*?)</script>', html, re.S)
    assert found, "no map data on the page"
    return json.loads(found.group(1))


def test_points_are_places_with_coordinates_counted_by_events(offensive):
    points, truncated = places_of(Event.objects.filter(conflict=offensive))
    assert [(p.name, p.events) for p in points] == [("Palmyra", 4), ("Aleppo", 1)]
    assert not truncated
    assert points[0].url == "/places/palmyra/"


def test_points_are_bounded(offensive):
    points, truncated = places_of(Event.objects.filter(conflict=offensive), limit=1)
    assert [p.name for p in points] == ["Palmyra"] and truncated


def test_offensive_page_has_the_map_with_its_infobox_point(client, offensive):
    response = client.get(offensive.get_absolute_url())
    data = map_data(response)
    assert [(p["name"], p["kind"], p["events"]) for p in data["points"]] == [
        ("Palmyra offensive", "offensive", 0), ("Palmyra", "place", 4), ("Aleppo", "place", 1)]
    html = response.content.decode()
    assert '<svg class="map-svg"' in html and "km</text>" in html
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    assert "ringed point" in html


def test_place_force_and_timeline_pages_have_maps(client, offensive):
    palmyra = offensive.events.first().places.get(name="Palmyra")
    response = client.get(palmyra.get_absolute_url())
    assert [p["name"] for p in map_data(response)["points"]] == ["Palmyra"]
    assert "Coordinates from the gazetteer (GeoNames)." in response.content.decode()
    force = make_force(name="Syrian Army")
    for event in offensive.events.all()[:2]:
        event.forces.add(force)
    assert [p["name"] for p in map_data(client.get(force.get_absolute_url()))["points"]] == ["Palmyra"]
    data = map_data(client.get("/timeline/"))
    assert {p["name"]: p["events"] for p in data["points"]} == {"Palmyra": 4, "Aleppo": 1}


def test_the_timelines_map_follows_its_filters(client, offensive):
    other = make_conflict(name="Elsewhere")
    make_event(conflict=other, places=[located_place("Hama", 35.13, 36.76)])
    everything = {p["name"] for p in map_data(client.get("/timeline/"))["points"]}
    assert everything == {"Palmyra", "Aleppo", "Hama"}
    filtered = {p["name"] for p in map_data(client.get("/timeline/?place=aleppo"))["points"]}
    assert filtered == {"Aleppo", "Palmyra"}      # the one event at Aleppo names Palmyra too


def test_the_timelines_map_is_the_page_shown_and_costs_no_query(client, offensive):
    for _ in range(50):      # the older events (4 at Palmyra and Aleppo) fill the first page
        make_event(conflict=offensive, date=datetime.date(2017, 1, 1))
    make_event(conflict=offensive, places=[located_place("Hama", 35.13, 36.76)], date=datetime.date(2018, 1, 1))
    first = {p["name"] for p in map_data(client.get("/timeline/"))["points"]}
    assert first == {"Palmyra", "Aleppo"}
    last = map_data(client.get("/timeline/?page=last"))
    assert [p["name"] for p in last["points"]] == ["Hama"]
    assert "the events on this page" in client.get("/timeline/").content.decode()
    with CaptureQueriesContext(connection) as ctx:
        client.get("/timeline/")
    assert not [q for q in ctx.captured_queries if "GROUP BY" in q["sql"] and "eventplace" in q["sql"]]


def test_no_map_without_coordinates(client):
    place = make_place(name="Nowhere")
    make_event(places=[place])
    response = client.get(place.get_absolute_url())
    assert response.status_code == 200
    assert b'id="map-points"' not in response.content and b"map-section" not in response.content


def test_fallback_svg_draws_every_point_and_a_scale():
    points = [MapPoint("Palmyra", "/places/palmyra/", 34.5624, 38.28402, 7),
              MapPoint("Aleppo", "/places/aleppo/", 36.20124, 37.16117, 9),
              MapPoint("<b>Hama</b>", "/places/hama/", 35.13, 36.76, 1)]
    svg = str(fallback_svg(points))
    assert svg.count("<circle") == 3 and svg.count('<a href="/places/') == 3
    assert "&lt;b&gt;Hama&lt;/b&gt;" in svg and "<b>" not in svg            # names are escaped
    assert re.search(r'<text x="[\d.]+" y="[\d.]+">(50|100|200) km</text>', svg)  # a round distance
    assert "style=" not in svg                                            # the CSP refuses style attributes
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)]
    ys = [float(y) for y in re.findall(r'cy="([\d.]+)"', svg)]
    assert all(0 <= x <= maps.WIDTH for x in xs) and all(0 <= y <= maps.HEIGHT for y in ys)


def test_fallback_svg_of_one_point_is_centred_with_a_small_scale():
    svg = str(fallback_svg([MapPoint("Palmyra", "/places/palmyra/", 34.5624, 38.28402, 1)]))
    cx, cy = (float(v) for v in re.search(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg).groups())
    assert abs(cx - maps.WIDTH / 2) < 1
    assert re.search(r">(5|10) km</text>", svg)   # about 20 km across at least
    assert fallback_svg([]) == ""


def test_the_tile_host_is_the_one_outside_origin_of_the_policy(client, offensive):
    policy = client.get(offensive.get_absolute_url()).headers["Content-Security-Policy"]
    assert "img-src 'self' https://tile.openstreetmap.org" in policy
    assert "unsafe-inline" not in policy and "data:" not in policy
    assert re.findall(r"https?://[^\s;]+", policy) == ["https://tile.openstreetmap.org"]


def test_tile_origin():
    assert tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://tile.openstreetmap.org"
    assert tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert tile_origin("http://localhost:8080/tiles/{z}/{x}/{y}.png") == "http://localhost:8080"
    assert tile_origin("") is None and tile_origin("/tiles/{z}/{x}/{y}.png") is None


@override_settings(MAP_TILE_URL="")
def test_without_a_tile_url_the_svg_is_the_map(client, offensive):
    html = client.get(offensive.get_absolute_url()).content.decode()
    assert 'data-tile-url=""' in html and '<svg class="map-svg"' in html


def test_exports_carry_the_coordinates_of_the_first_located_place(client, offensive):
    unlocated = make_place(name="Nowhere else")
    event = make_event(conflict=offensive, places=[unlocated, Event.objects.filter(conflict=offensive)
                                                   .first().places.get(name="Palmyra")])
    bare = make_event(conflict=offensive, places=[unlocated])
    rows = json.loads(b"".join(client.get("/timeline/?format=json")
                               .streaming_content))
    by_id = {row["id"]: row for row in rows}
    assert (by_id[event.pk]["latitude"], by_id[event.pk]["longitude"]) == (34.5624, 38.28402)
    assert (by_id[bare.pk]["latitude"], by_id[bare.pk]["longitude"]) == (None, None)
    aleppo_event = next(r for r in rows if r["places"] == ["Aleppo", "Palmyra"])
    assert (aleppo_event["latitude"], aleppo_event["longitude"]) == (36.20124, 37.16117)   # the first place's
    csv_text = b"".join(client.get("/timeline/?format=csv").streaming_content).decode()
    header, *lines = csv_text.lstrip("\ufeff").splitlines()
    assert header.endswith(",url,latitude,longitude")
    assert any(line.endswith(",34.5624,38.28402") for line in lines)


def test_fallback_svg_skips_a_label_that_would_overlap_another():
    # two places a few hundred metres apart among far ones: their names would print over each other
    points = [MapPoint("Khan Tuman", "/places/khan-tuman/", 36.0900, 37.0600, 9),
              MapPoint("Khan Touman Depot", "/places/depot/", 36.0905, 37.0610, 5),
              MapPoint("Aleppo", "/places/aleppo/", 36.2012, 37.1612, 3),
              MapPoint("Hama", "/places/hama/", 35.1300, 36.7600, 2)]
    svg = str(fallback_svg(points))
    labels = re.findall(r'class="map-label">([^<]+)</text>', svg)
    assert "Khan Tuman" in labels and "Khan Touman Depot" not in labels    # the one with more events wins
    assert {"Aleppo", "Hama"} <= set(labels)
    assert svg.count("<circle") == 4 and "<title>Khan Touman Depot: 5 events</title>" in svg  # still a tooltip


def test_fallback_svg_of_one_or_two_points_is_lower():
    one = str(fallback_svg([MapPoint("Palmyra", "/places/palmyra/", 34.5624, 38.28402, 1)]))
    three = str(fallback_svg([MapPoint(f"P{i}", "/", 34.5 + i / 10, 38.2, 1) for i in range(3)]))
    assert f'viewBox="0 0 {maps.WIDTH} {maps.HEIGHT_FEW}"' in one and maps.HEIGHT_FEW < maps.HEIGHT
    assert f'viewBox="0 0 {maps.WIDTH} {maps.HEIGHT}"' in three

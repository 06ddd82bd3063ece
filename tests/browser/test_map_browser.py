"""The maps in Chromium (issue 17, maps), at 1366 and 390 px: Leaflet draws a marker per point over the
tiles (served here by the test: no network), the SVG comes back when the tiles cannot load, and neither
breaks the Content-Security-Policy. Screenshots go to MAP_SHOTS (default /tmp/shots3), outside the repo."""
from __future__ import annotations

import os
import struct
import zlib
from decimal import Decimal
from pathlib import Path

import pytest

from tests.browser.conftest import WIDTHS
from tests.browser.test_csp import RECORD_VIOLATIONS, is_problem
from tests.factories import make_conflict, make_event, make_force, make_place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("MAP_SHOTS", "/tmp/shots3"))
TILES = "https://tile.openstreetmap.org/**"


def png(width=256, height=256, rgb=(221, 232, 210)) -> bytes:
    """A plain tile."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def mapped():
    """An offensive at Palmyra with events at three located places and one without coordinates."""
    conflict = make_conflict(name="Palmyra offensive (test)", latitude=Decimal("34.56"), longitude=Decimal("38.27"))
    located = [make_place(name=name, slug=name.lower(), latitude=Decimal(lat), longitude=Decimal(lon),
                          coordinates_origin="gazetteer")
               for name, lat, lon in (("Palmyra", "34.56240", "38.28402"), ("Aleppo", "36.20124", "37.16117"),
                                      ("Hama", "35.13179", "36.75783"))]
    force = make_force(name="Test Army")
    for i, place in enumerate(located):
        for _ in range(i + 1):
            make_event(conflict=conflict, places=[place, make_place(name=f"Unlocated {place.name}")]).forces.add(force)
    return conflict, located, force


@pytest.fixture
def open_page(page_at):
    def open_(width: str, tiles: bool):
        page = page_at(width)
        page.add_init_script(RECORD_VIOLATIONS)
        page.problems = []
        page.on("console", lambda msg: page.problems.append(f"{msg.type}: {msg.text}")
                if is_problem(msg) and not (not tiles and "Failed to load resource" in msg.text) else None)
        page.on("pageerror", lambda exc: page.problems.append(f"page error: {exc}"))
        if tiles:
            tile = png()
            page.route(TILES, lambda route: route.fulfill(status=200, content_type="image/png", body=tile))
        else:
            page.route(TILES, lambda route: route.abort())
        return page

    return open_


def pages(mapped):
    conflict, located, force = mapped
    return {"offensive": (conflict.get_absolute_url(), 4), "place": (located[0].get_absolute_url(), 1),
            "force": (force.get_absolute_url(), 3), "timeline": ("/timeline/", 3)}


@pytest.mark.parametrize("width", WIDTHS)
def test_leaflet_draws_a_marker_per_point_over_the_tiles(live_server, open_page, mapped, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = open_page(width, tiles=True)
    for name, (url, points) in pages(mapped).items():
        page.goto(live_server.url + url + "#map")
        page.locator("figure.map.map-live").wait_for()
        assert page.locator(".map-canvas .leaflet-interactive").count() == points, name
        assert page.locator(".map-canvas img.leaflet-tile-loaded").count() > 0
        assert not page.locator(".map-fallback").is_visible()       # the live map replaces the SVG
        box = page.locator(".map-canvas").bounding_box()
        assert box["width"] <= WIDTHS[width][0] and box["height"] > 200
        page.locator("#map").screenshot(path=str(SHOTS / f"map-{name}-{WIDTHS[width][0]}-tiles.png"))
    # a marker opens a popup that links to the place
    page.goto(live_server.url + pages(mapped)["place"][0] + "#map")
    page.locator("figure.map.map-live").wait_for()
    page.locator(".map-canvas .leaflet-interactive").first.click()
    assert page.locator(".leaflet-popup a", has_text="Palmyra").get_attribute("href") == "/places/palmyra/"
    violations = page.evaluate("window.__cspViolations")
    assert page.problems + violations == [], "\n".join(page.problems + violations)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_svg_shows_when_the_tiles_cannot_load(live_server, open_page, mapped, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = open_page(width, tiles=False)
    for name, (url, points) in pages(mapped).items():
        page.goto(live_server.url + url + "#map")
        page.locator("figure.map.map-offline").wait_for()
        assert page.locator(".map-canvas").count() == 0
        assert page.locator(".map-fallback svg").is_visible()
        assert page.locator(".map-fallback svg circle").count() == points
        assert page.locator(".map-note").inner_text().startswith("The map tiles could not be loaded")
        assert "km" in page.locator(".map-fallback .map-scale").text_content()
        page.locator("#map").screenshot(path=str(SHOTS / f"map-{name}-{WIDTHS[width][0]}-offline.png"))
    violations = page.evaluate("window.__cspViolations")
    assert page.problems + violations == [], "\n".join(page.problems + violations)


def test_without_javascript_the_svg_is_the_map(live_server, browser, mapped):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + mapped[0].get_absolute_url())
        assert page.locator(".map-fallback svg").is_visible()
        assert page.locator(".map-fallback svg circle").count() == 4
        assert page.locator(".map-fallback svg a.map-point-place").first.get_attribute("href").startswith("/places/")
    finally:
        context.close()

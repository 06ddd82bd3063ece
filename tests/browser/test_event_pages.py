"""Issue 17 in a real browser, at 1366 and 390 px: an event's page (from a timeline entry) and the
site's 404 page. Screenshots go to ``$SHOTS_DIR`` (default ``/tmp/shots2``), never into the repository."""
import os
import re
from pathlib import Path

import pytest

from tests.browser.conftest import WIDTHS
from tests.site.builders import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots2"))  # noqa: S108 (screenshots for a person to look at)


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def watch_csp(page) -> list[str]:
    """Console messages about the Content-Security-Policy (a blocked inline script or style)."""
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    return violations


@pytest.mark.parametrize("width", WIDTHS)
def test_an_event_page_from_its_timeline_entry(live_server, page, width):
    world = build_world(30)
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    violations = watch_csp(page)
    event = world.events[10]
    page.goto(f"{live_server.url}{world.conflict.get_absolute_url()}")
    page.locator(f'#event-{event.pk} a.event-page-link').click()
    page.wait_for_url(re.compile(rf"/events/{event.pk}/$"))
    assert page.locator("h1").inner_text().startswith(("Capture,", "Attack,", "Airstrike,", "Recapture,"))
    assert page.locator("blockquote.event-sentence").inner_text() == event.text
    # the sentence is marked in its passage of the source, and the cite block gives this page's address
    assert page.locator(f'.passage mark[id="span-{event.span_start}-{event.span_end}"]').is_visible()
    cite = page.locator("section.cite")
    assert f"{live_server.url}/events/{event.pk}/" in cite.inner_text()
    assert cite.locator("time").is_visible()
    # the offensive's previous and next events
    assert page.locator('a[rel="prev"]').is_visible() and page.locator('a[rel="next"]').is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width][0]
    shot(page, f"event-{width}")
    page.locator('a[rel="next"]').click()
    page.wait_for_url(re.compile(r"/events/\d+/$"))
    assert page.url != f"{live_server.url}/events/{event.pk}/"
    assert not violations, violations


@pytest.mark.parametrize("width", WIDTHS)
def test_the_not_found_page(live_server, page, width):
    build_world(5)
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    violations = watch_csp(page)
    response = page.goto(f"{live_server.url}/offensives/khan-tuman-offensive/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.get_by_role("navigation", name="Main").is_visible()
    search = page.get_by_label("Search offensives, events, commanders, forces and places")
    assert search.input_value() == "khan tuman offensive"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width][0]
    shot(page, f"404-{width}")
    # a page number past the end of a list is its last page, as on the timeline: not a 404
    response = page.goto(f"{live_server.url}/commanders/?page=999")
    assert response.status == 200
    assert page.locator("h1").inner_text() != "Page not found"
    search = page.get_by_role("searchbox").first
    search.fill("Person")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=Person"))
    assert not violations, violations

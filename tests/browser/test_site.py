"""The reader's site in a real browser: home, a filtered timeline, a commander, a source span."""
import io
import re

import pytest
from django.core.management import call_command

from tests.browser.conftest import SCREENSHOTS
from tests.site.builders import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def viewport_shot(page, request, name):
    """What a reader sees first, unscrolled (the ``screenshot`` fixture takes the full page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-{name}-viewport.png"))


@pytest.fixture
def world():
    return build_world(120)


def test_home_and_offensive_page(live_server, page, screenshot, world, request):
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Offensives"
    assert page.get_by_role("link", name=world.conflict.name, exact=True).is_visible()
    screenshot("home")
    page.get_by_role("link", name=world.conflict.name, exact=True).click()
    assert page.locator("h1").inner_text() == world.conflict.name
    assert page.locator("svg.chart rect").count() > 0
    assert page.get_by_text("killed in action").first.is_visible()
    screenshot("offensive")
    viewport_shot(page, request, "offensive")
    page.locator("#chart-heading").scroll_into_view_if_needed()
    viewport_shot(page, request, "offensive-chart")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    screenshot("offensive-phone")
    viewport_shot(page, request, "offensive-phone")
    # nothing sticks out sideways on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_filter_timeline_then_follow_commander_and_source(live_server, page, screenshot, world, request):
    page.goto(live_server.url + "/timeline/")
    page.get_by_label("Kind").select_option("airstrike")
    page.get_by_label("Words").fill("army")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"kind=airstrike"))
    kinds = page.locator(".event .kind").all_inner_texts()
    assert kinds and set(kinds) == {"AIRSTRIKE"}
    screenshot("timeline-filtered")
    viewport_shot(page, request, "timeline-filtered")

    person = world.people[0]
    page.goto(live_server.url + "/commanders/")
    page.get_by_role("link", name=person.name, exact=True).click()
    assert page.locator("h1").inner_text() == person.name
    assert page.get_by_text("Supreme commander").is_visible()
    screenshot("commander")

    page.locator("table a.source-link").first.click()
    page.wait_for_url(re.compile(r"/sources/\d+/#span-\d+-\d+"))
    anchor = page.url.split("#", 1)[1]
    mark = page.locator(f"mark#{anchor}")
    assert mark.is_visible()
    assert mark.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert mark.evaluate("el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")
    screenshot("source")
    viewport_shot(page, request, "source")


def test_phone_timeline(live_server, page, screenshot, world, request):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/timeline/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("timeline-phone")
    viewport_shot(page, request, "timeline-phone")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()


def test_imported_aleppo_offensive(live_server, page, screenshot, request):
    call_command("import_sources", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Aleppo offensive (October–December 2015)", exact=True).click()
    viewport_shot(page, request, "aleppo")
    taheri = page.locator(".infobox li", has_text="Saeed Sayyah Taheri")
    assert "killed in action" in taheri.inner_text()
    page.locator("#chart-heading").scroll_into_view_if_needed()
    viewport_shot(page, request, "aleppo-chart")
    screenshot("aleppo")
    soleimani = page.locator(".infobox li", has_text="Qasem Soleimani")
    soleimani.get_by_role("link", name="source of Qasem Soleimani").click()
    page.wait_for_url(re.compile(r"#span-"))
    assert page.locator(f"mark#{page.url.split('#', 1)[1]}").is_visible()
    viewport_shot(page, request, "aleppo-source")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/offensives/aleppo-offensive-october-december-2015/#timeline")
    viewport_shot(page, request, "aleppo-timeline-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_timeline_prints_without_chrome(live_server, page, screenshot, world, request):
    page.goto(live_server.url + f"/offensives/{world.conflict.slug}/")
    page.emulate_media(media="print")
    assert not page.locator("form.filters").is_visible()
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".pagination").is_visible()
    assert page.locator(".event").first.is_visible()
    viewport_shot(page, request, "print")


def test_imported_commanders_forces_places(live_server, page, request):
    call_command("import_sources", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    page.goto(live_server.url + "/commanders/")
    page.get_by_label("Fate").select_option("killed")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"fate=killed"))
    assert page.get_by_role("link", name="Saeed Sayyah Taheri").is_visible()
    viewport_shot(page, request, "commanders-killed")
    page.goto(live_server.url + "/forces/4th-mechanized-division/")
    assert page.get_by_role("link", name="46th Brigade").is_visible()
    viewport_shot(page, request, "force")
    page.goto(live_server.url + "/search/?q=Khan+Tuman")
    page.locator("#r-places + ul a").first.click()
    assert "Khan T" in page.locator("h1").inner_text()
    viewport_shot(page, request, "place")

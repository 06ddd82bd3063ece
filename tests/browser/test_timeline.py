"""The timeline's pages and the chart in a real browser, at desktop (1366 px) and phone (390 px) width
(issues 16 and 17): page numbers, newest first, the jump to a month, the counts, and the chart's bars as
links to their day, all under the site's Content-Security-Policy. Screenshots go to /tmp/shots/."""
from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from events.models import Event
from tests.browser.conftest import WIDTHS
from tests.site.builders import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def at_width(page_at):
    def open_page(width: str):
        page = page_at(width)
        page.add_init_script(RECORD_VIOLATIONS)
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and "Content Security Policy" in m.text
                and page.console_errors.append(m.text))
        return page

    return open_page


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"timeline-{name}.png"))


def no_csp_violation(page):
    return page.evaluate("window.__cspViolations") == [] and page.console_errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_timeline_pages_newest_first_and_jump(live_server, at_width, width):
    world = build_world(130)
    build_world(130, start=datetime.date(2016, 2, 1))
    page = at_width(width)
    page.goto(live_server.url + "/timeline/")
    assert page.locator("h1").inner_text() == "Timeline"
    nav = page.get_by_role("navigation", name="Pages of the timeline")
    assert nav.get_by_text("Page 1 of 6 (260 in all)").is_visible()
    nav.get_by_role("link", name="Page 3", exact=True).click()
    page.wait_for_url(re.compile(r"\?page=3$"))
    assert nav.locator('a[aria-current="page"]').text_content() == "Page 3"
    assert page.title().startswith("Timeline (page 3)")
    nav.get_by_role("link", name="Next").click()
    page.wait_for_url(re.compile(r"\?page=4$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width][0]
    shot(page, f"page4-{width}")

    # newest first, through the filter form: on a phone it is folded (no filter is set), on a desktop shown
    form = page.get_by_role("form", name="Filter the timeline")
    fold = page.locator("summary", has_text="Filter the timeline")
    if width == "phone":
        assert not form.is_visible() and fold.is_visible()
        first_event = page.locator(".event").first.bounding_box()
        assert first_event["y"] < 844 * 1.1, first_event   # the first events are near the top, not a screen away
        fold.click()
    else:
        assert not fold.is_visible()
    assert form.is_visible()
    page.get_by_label("Order", exact=True).select_option("newest")
    page.get_by_label("Kind", exact=True).select_option("capture")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"order=newest"))
    assert page.locator("h1").inner_text() == "Timeline: captures"
    captures = list(Event.objects.filter(kind="capture").for_timeline())
    first_shown = int(page.locator(".event").first.get_attribute("id").removeprefix("event-"))
    assert first_shown == captures[-1].pk
    counts = page.get_by_role("region", name="Counts for these filters")
    assert counts.get_by_role("link", name="capture", exact=True).is_visible()

    # the jump keeps the filters and the order, and lands at the month's last capture (newest first)
    page.get_by_label("Year").select_option("2015")
    page.get_by_label("Month").select_option("11")
    page.get_by_role("button", name="Jump to date").click()
    page.wait_for_url(re.compile(r"#event-\d+$"))
    assert "order=newest" in page.url and "kind=capture" in page.url
    assert page.get_by_label("Month").input_value() == "11"    # the form shows the month jumped to
    target = [e for e in captures if e.date <= datetime.date(2015, 11, 30)][-1]
    assert page.url.endswith(f"#event-{target.pk}")
    event = page.locator(f"#event-{target.pk}")
    assert event.is_visible()
    page.wait_for_function(  # the browser scrolls to the event (smoothly, where motion is not reduced)
        f"() => {{ const r = document.getElementById('event-{target.pk}').getBoundingClientRect();"
        " return r.top > -2 && r.top < innerHeight; }")
    shot(page, f"jump-{width}")
    assert no_csp_violation(page)
    assert world.conflict.name in page.content()


@pytest.mark.parametrize("width", WIDTHS)
def test_chart_bars_link_to_their_day(live_server, at_width, width):
    world = build_world(120)
    page = at_width(width)
    page.goto(live_server.url + world.conflict.get_absolute_url())
    chart = page.locator("svg.chart-wide" if width == "desktop" else "svg.chart-narrow")
    other = page.locator("svg.chart-narrow" if width == "desktop" else "svg.chart-wide")
    assert chart.is_visible() and not other.is_visible()
    chart.scroll_into_view_if_needed()
    shot(page, f"chart-{width}")
    # the figures are readable: ticks and labels at least 11 px high on the screen
    heights = chart.locator("text.label").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 11, heights
    assert chart.locator("text.axis-title").count() == 2
    assert page.get_by_text(re.compile(r"name no force of any side|Every event names a force")).is_visible()
    # a bar (the 5th day) is a link to that day's events on the offensive's timeline
    bar = chart.locator("a.bar").nth(4)
    day = re.search(r"after=(\d{4}-\d\d-\d\d)", bar.get_attribute("href")).group(1)
    bar.click()
    page.wait_for_url(re.compile(rf"after={day}&before={day}#timeline$"))
    shown = page.locator("#timeline .event")
    expected = Event.objects.filter(conflict=world.conflict).between(
        after=datetime.date.fromisoformat(day), before=datetime.date.fromisoformat(day)).count()
    assert shown.count() == min(expected, 50) > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width][0]
    assert no_csp_violation(page)

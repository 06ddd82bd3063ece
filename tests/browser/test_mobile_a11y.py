"""Issue 17, items 4 and 6 in a real browser, on the imported sample sources, at 390 and 1366 px: the lead
before the infobox on a phone, no page wider than the screen and no table wider than its box, the skip
link to the timeline, links named for what they source, sides named, the infobox's source links out of
the tab order but one per group, and the key moments and casualties shown.

Screenshots go to ``$SHOTS_DIR`` (default: ``var/screenshots``, ignored by git).
"""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": (390, 844), "desktop": (1366, 900)}
ALEPPO = "/offensives/aleppo-offensive-october-december-2015/"
COMMANDER = "/commanders/saeed-sayyah-taheri/"
SHOTS = Path(os.environ.get("SHOTS_DIR") or SCREENSHOTS)

# the chart's table of figures (a column per side) scrolls in its own box: the chart's work (item 5)
OVERFLOWING_TABLES = """[...document.querySelectorAll('.table-wrap')]
  .filter(w => w.offsetParent !== null && !w.querySelector('table.chart-table'))
  .filter(w => w.scrollWidth > w.clientWidth + 1)
  .map(w => `${w.querySelector('table')?.className}: ${w.scrollWidth} > ${w.clientWidth}`)"""


@pytest.fixture
def seeds():
    call_command("import_sources", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture(params=list(WIDTHS))
def sized(browser, request):
    width, height = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield request.param, width, page
    context.close()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_pages_fit_the_screen(live_server, seeds, sized):
    label, width, page = sized
    for name, url in {"home": "/", "offensive": ALEPPO, "commander": COMMANDER}.items():
        page.goto(live_server.url + url)
        shot(page, f"{name}-{label}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, label)
        assert page.evaluate(OVERFLOWING_TABLES) == [], (name, label)
    page.goto(live_server.url + "/")
    status = page.get_by_role("columnheader", name=re.compile("^(Status|Outcome)$"))
    assert status.is_visible()  # the outcome stays on a phone
    box = status.bounding_box()
    assert box["x"] + box["width"] <= width
    # every visible cell of the home table inside the table's box ("Ever" cut, its numbers outside: issue 17)
    table = page.locator("table.offensives").bounding_box()
    cells = page.locator("table.offensives th, table.offensives td").evaluate_all(
        "els => els.filter(el => el.offsetParent !== null).map(el => el.getBoundingClientRect().right)")
    assert cells and max(cells) <= table["x"] + table["width"] + 1
    events = page.get_by_role("columnheader", name="Events")
    assert events.is_visible() == (label == "desktop")


def test_staff_edit_chips_stay_whole_and_clear_of_the_skip_link(live_server, seeds, sized):
    from django.contrib.auth.models import User

    label, _, page = sized
    User.objects.create_superuser("chief", password="chips-test-password")
    page.goto(live_server.url + "/admin/login/?next=" + ALEPPO)
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill("chips-test-password")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(ALEPPO) + "$"))
    shot(page, f"offensive-staff-{label}")
    chips = page.locator(".edit-link").evaluate_all(
        "els => els.filter(el => el.offsetParent !== null).map(el => [el.textContent, el.getClientRects().length,"
        " el.getBoundingClientRect().height, parseFloat(getComputedStyle(el).fontSize)])")
    assert len(chips) > 5
    broken = [text for text, rects, height, size in chips if rects != 1 or height > 2.2 * size]
    assert broken == []   # "Harakat ⏎ al-Nujaba" no more
    chip = page.locator("h1 + .edit-links").bounding_box()
    skip = page.get_by_role("link", name="Skip to the timeline").bounding_box()
    assert chip["y"] + chip["height"] <= skip["y"]   # on a line of its own, not touching the link


def test_lead_before_infobox_on_a_phone_beside_it_on_a_desktop(live_server, seeds, sized):
    label, width, page = sized
    page.goto(live_server.url + ALEPPO)
    lead, infobox = page.locator("section.lead").bounding_box(), page.locator("aside.infobox").bounding_box()
    if label == "phone":
        assert lead["y"] + lead["height"] <= infobox["y"]
        assert page.locator("section.lead").evaluate("el => el.getBoundingClientRect().top < innerHeight")
    else:
        assert infobox["x"] > lead["x"] + lead["width"] - 1   # the infobox beside the lead, on the right
        assert infobox["y"] < lead["y"] + lead["height"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"offensive-top-{label}.png"))


def test_skip_link_to_the_timeline(live_server, seeds, sized):
    label, _, page = sized
    page.goto(live_server.url + ALEPPO)
    skip = page.get_by_role("link", name="Skip to the timeline")
    for _ in range(14):
        page.keyboard.press("Tab")
        if skip.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the skip link is not among the first 14 tab stops")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#timeline$"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#timeline') !== null"), label
    assert page.locator("#timeline-heading").evaluate("el => el.getBoundingClientRect().top < innerHeight")


def test_links_are_named_for_what_they_source(live_server, seeds, sized):
    label, _, page = sized
    page.goto(live_server.url + ALEPPO)
    assert page.get_by_role("link", name="source of this event").count() == 0
    names = page.locator(".event a.source-link").evaluate_all("els => els.map(el => el.getAttribute('aria-label'))")
    assert len(names) > 10 and all(name.startswith("source of ") for name in names)
    assert len(set(names)) > len(names) * 0.9   # named for their sentence, not all alike
    # the infobox's source links: one per group in the tab order (the period, each side), the rest reachable
    # from those (the source page highlights every span) and by a screen reader's reading order
    sides = page.locator("aside.infobox section.side[id^=side-]").count()
    tabbable = page.locator("aside.infobox a.source-link:not([tabindex='-1'])").count()
    assert tabbable <= sides + 1
    assert page.locator("aside.infobox a.source-link[tabindex='-1']").count() > 20


def test_sides_named_on_a_commanders_page(live_server, seeds, sized):
    label, _, page = sized
    page.goto(live_server.url + COMMANDER)
    sides = page.locator("table.roles a[href*='#side-']").all_inner_texts()
    assert sides and not any(re.fullmatch(r"(?i)side \d+", text.strip()) for text in sides)


def test_key_moments_and_casualties(live_server, seeds, sized):
    label, _, page = sized
    page.goto(live_server.url + ALEPPO)
    moments = page.locator("#key-moments li")
    assert moments.count() >= 3
    assert moments.first.inner_text().startswith("16 October 2015")
    assert "Launch" in moments.first.inner_text()
    assert "End" in moments.last.inner_text()
    sums = page.get_by_role("table", name="Death tolls stated by events, summed")
    assert "All events" in sums.inner_text()
    page.locator("#casualties summary").click()
    assert page.locator("#casualties details li").count() >= 1
    shot(page, f"offensive-casualties-{label}")
    sentence = moments.nth(1).locator(".moment-text").inner_text().lstrip(": ").split(" … ")[0][:40]
    moments.nth(1).get_by_role("link").click()
    page.wait_for_load_state()
    assert sentence in page.locator("main").inner_text()   # the event that tells the moment

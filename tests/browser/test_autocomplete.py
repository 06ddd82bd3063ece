"""The filter boxes' suggestions in a real browser (issue 16): typing in a box fills its datalist from
/autocomplete/, picking a suggestion submits its slug; with JavaScript off the same box takes a name."""
import re

import pytest

from tests.site.builders import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_suggests_and_a_suggestion_filters(live_server, page):
    world = build_world(20)
    force = world.forces[0]
    page.goto(live_server.url + "/timeline/")
    box = page.get_by_label("Force or unit")
    box.fill(force.name[:6])
    options = page.locator(f"datalist#{box.get_attribute('id')}-suggestions option")
    options.first.wait_for(state="attached")
    assert force.slug in [options.nth(i).get_attribute("value") for i in range(options.count())]
    box.fill(force.slug)  # what choosing the suggestion puts in the box
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(rf"force={force.slug}"))
    assert page.locator(".event").count() > 0


def test_the_boxes_work_without_javascript(live_server, browser):
    world = build_world(20)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/timeline/")
        assert page.locator("datalist").count() == 0
        page.get_by_label("Offensive").fill(world.conflict.name)
        page.get_by_role("button", name="Filter").click()
        page.wait_for_url(re.compile(r"offensive="))
        assert page.locator(".event").count() > 0
    finally:
        context.close()

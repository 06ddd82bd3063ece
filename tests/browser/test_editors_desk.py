"""The editors' desk in a real browser (issue 18): from a wrong event on an offensive's page to the fixed
event on that page in three actions, and a review queue item of each reason worked through.

Screenshots go to ``SCREENSHOTS_DIR`` (default var/screenshots/, ignored by git)."""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from conflicts.models import Conflict, Force
from events.models import Event, Place
from importer.models import ReviewItem
from importer.review import REASONS
from tests.test_review_queue import ALPHA, ALPHA_MIRROR, BETA, FLATTENED, GAMMA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-only-passphrase"
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or Path(__file__).resolve().parents[2] / "var" / "screenshots")


@pytest.fixture
def shot(page):
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=str(SHOTS / f"desk-{name}.png"), full_page=True)

    return take


@pytest.fixture
def imported(tmp_path):
    for name, text in (("alpha.txt", ALPHA), ("alpha-mirror.txt", ALPHA_MIRROR), ("beta.txt", BETA),
                       ("example.txt", FLATTENED), ("gamma.txt", GAMMA)):
        (tmp_path / name).write_text(text, encoding="utf-8")

    def run(*names):
        call_command("import_sources", *[str(tmp_path / n) for n in names], "--no-progress", "--root",
                     str(tmp_path), stdout=io.StringIO(), stderr=io.StringIO())

    run("alpha.txt", "beta.txt", "alpha-mirror.txt", "example.txt", "gamma.txt")
    ghanto = Event.objects.get(text__contains="Ghanto")
    ghanto.kind, ghanto.locked_fields = "attack", ["kind"]
    ghanto.save()
    (tmp_path / "alpha.txt").write_text(ALPHA.replace("On 12 May 2016, government forces captured Ghanto.\n", ""),
                                        encoding="utf-8")
    run("alpha.txt")
    return tmp_path


@pytest.fixture
def signed_in(live_server, page):
    call_command("create_editors_group", verbosity=0)
    user = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    return page


def test_a_wrong_event_is_fixed_from_its_page_in_three_actions(live_server, signed_in, shot, imported):
    page = signed_in
    alpha = Conflict.objects.get(name="Alpha offensive")
    wrong = Event.objects.get(text__contains="attacked the town of Rastan")
    page.goto(f"{live_server.url}{alpha.get_absolute_url()}")
    event = page.locator(f"#event-{wrong.pk}")
    assert "Rastan" in event.inner_text()
    shot("1-offensive-page-staff")

    with page.expect_navigation():                                            # action 1: the event's edit link
        event.get_by_role("link", name="Edit event", exact=True).click()
    assert "/admin/events/event/" in page.url and "_return=" in page.url
    shot("2-event-form")
    page.locator("#id_date").fill("2016-05-04")                               # action 2: the right date
    with page.expect_navigation():                                            # action 3: save
        page.get_by_role("button", name="Save", exact=True).click()

    assert page.url == f"{live_server.url}{alpha.get_absolute_url()}#event-{wrong.pk}"
    fixed = page.locator(f"#event-{wrong.pk}")
    day = fixed.locator("xpath=ancestor::section[contains(@class, 'day')]").locator(".day-heading")
    assert day.inner_text().strip() == "4 May 2016"
    shot("3-back-on-the-page-fixed")
    assert Event.objects.get(pk=wrong.pk).locked_fields == ["date"]

    page.context.clear_cookies()                                              # a reader sees no edit link
    page.goto(f"{live_server.url}{alpha.get_absolute_url()}")
    assert page.locator(".edit-link").count() == 0
    shot("4-offensive-page-reader")


def open_queue(page, live_server, reason):
    page.goto(f"{live_server.url}/admin/importer/reviewitem/?reason={reason}")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() >= 1
    return rows.first


def test_a_review_queue_item_of_each_reason_is_worked_through(live_server, signed_in, shot, imported):
    page = signed_in
    assert set(ReviewItem.objects.filter(status="open").values_list("reason", flat=True)) == set(REASONS)
    page.goto(f"{live_server.url}/admin/")
    with page.expect_navigation():
        page.get_by_role("link", name="Review queue").first.click()
    assert page.locator("#result_list tbody tr").count() == ReviewItem.objects.filter(status="open").count()
    shot("queue-all")

    # a close resolver join: its page shows the evidence; rejecting it splits the name off
    row = open_queue(page, live_server, "close_join")
    shot("queue-close-join")
    with page.expect_navigation():
        row.locator("th a, td.field-item a").first.click()
    assert "86.5" in page.locator(".review-evidence").inner_text()
    assert "Qalamoun Shield" in page.locator(".review-sentence").first.inner_text()
    shot("item-close-join")
    with page.expect_navigation():
        page.get_by_role("button", name="Reject").click()
    assert "Split" in page.locator(".messagelist").inner_text()
    assert Force.objects.filter(name="Qalamoun Shield").exists()

    # a sentence dated by continuation: accepted from the list
    row = open_queue(page, live_server, "continuation")
    assert "dated by the sentence before" in page.locator("#changelist-filter").inner_text()
    with page.expect_navigation():
        row.get_by_role("button", name=re.compile("^Accept")).click()
    assert "Accepted" in page.locator(".messagelist").inner_text()
    shot("queue-continuation-accepted")

    # sources that disagree: accepting locks the value shown
    row = open_queue(page, live_server, "disagree")
    with page.expect_navigation():
        row.get_by_role("button", name=re.compile("^Accept")).click()
    assert "Locked" in page.locator(".messagelist").inner_text()

    # a record no longer in its source: rejected, so deleted (and remembered)
    row = open_queue(page, live_server, "not_in_source")
    shot("queue-not-in-source")
    with page.expect_navigation():
        row.get_by_role("button", name=re.compile("^Reject")).click()
    assert not Event.objects.filter(text__contains="Ghanto").exists()

    # a place located in a country the importer inferred: rejecting clears its coordinates for good
    row = open_queue(page, live_server, "gazetteer")
    assert "Palmyra" in row.inner_text()
    with page.expect_navigation():
        row.get_by_role("button", name=re.compile("^Reject")).click()
    assert "cleared" in page.locator(".messagelist").inner_text()
    assert Place.objects.get(name="Palmyra").latitude is None

    # sides not told apart: Fix opens the offensive's form, and saving it comes back to the queue
    row = open_queue(page, live_server, "sides_unresolved")
    with page.expect_navigation():
        row.get_by_role("button", name=re.compile("^Fix")).click()
    assert "/admin/conflicts/conflict/" in page.url
    shot("fix-offensive-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    assert "/admin/importer/reviewitem/" in page.url
    shot("queue-after-all")
    assert set(ReviewItem.objects.exclude(status="open").values_list("reason", flat=True)) == set(REASONS)
    assert not ReviewItem.objects.filter(status="open", reason__in=["close_join", "not_in_source",
                                                                       "sides_unresolved"]).exists()


def _box(locator) -> dict:
    return locator.evaluate("e => { const b = e.getBoundingClientRect(); return {left: b.left, right: b.right, "
                            "width: b.width}; }")


def _scrolls_sideways(page, selector: str) -> bool:
    return page.locator(selector).first.evaluate("e => e.scrollWidth > e.clientWidth + 1")


def test_the_desk_on_a_phone_and_at_1366(live_server, signed_in, shot, imported):
    """390 px: the queue's rows stack with the item and its Accept on screen; the event list's editable kind
    on screen; the event's places inline not cut. 1366 px: the item column is wide, the lists scroll nowhere."""
    page = signed_in
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/admin/importer/reviewitem/")
    row = page.locator("#result_list tbody tr").first
    for part in (row.locator(".field-item a"), row.get_by_role("button", name=re.compile("^Accept"))):
        box = _box(part)
        assert box["left"] >= 0 and box["right"] <= 390, box
    assert not _scrolls_sideways(page, "#changelist .results")
    shot("phone-queue")

    page.goto(f"{live_server.url}/admin/events/event/")
    kind = page.locator("#result_list tbody tr").first.locator("td.field-kind select")
    assert _box(kind)["right"] <= 390
    assert not _scrolls_sideways(page, "#changelist .results")
    shot("phone-events")

    event = Event.objects.filter(places__isnull=False).exclude(source=None).first()
    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    inline = page.locator(".inline-group .tabular tbody tr.has_original").first
    for cell in ("td.field-name_as_written input", "td.field-order input", "td.delete input"):
        assert _box(inline.locator(cell))["right"] <= 390, cell
    caption = inline.locator("td.original p")
    assert float(caption.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 12
    shot("phone-event-form")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/admin/importer/reviewitem/")
    assert _box(page.locator("#result_list thead th.column-item"))["width"] >= 260
    assert not _scrolls_sideways(page, "#changelist .results")
    page.goto(f"{live_server.url}/admin/events/event/")
    assert not _scrolls_sideways(page, "#changelist .results")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.goto(f"{live_server.url}/admin/events/place/")
    assert not _scrolls_sideways(page, "#changelist .results")

    # an item's page: the title clear of History, the decisions' help aligned with the other values, the
    # decision buttons as tall as "Back to the queue"
    item = ReviewItem.objects.filter(status="open").first()
    page.goto(f"{live_server.url}/admin/importer/reviewitem/{item.pk}/change/")
    title = page.locator("#content > h2").evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e); const rects = [...r.getClientRects()];"
        " return Math.max(...rects.map(x => x.right)); }")
    assert title <= _box(page.locator(".object-tools"))["left"]
    value_left = _box(page.locator(".field-status .readonly"))["left"]
    assert _box(page.locator(".field-decisions_help ul"))["left"] == value_left
    accept, back = page.get_by_role("button", name="Accept"), page.locator(".submit-row a.closelink")
    assert abs(accept.bounding_box()["height"] - back.bounding_box()["height"]) <= 1
    shot("item-1366")

"""The editors' workspace in a real browser: an editor corrects an event and readers see it."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from events.models import Event
from tests.factories import make_conflict, make_event, make_place, make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-only-passphrase"
TEXT = "= Test offensive =\n\nOn 2 May 2016, rebels captured Khan Tuman after heavy fighting.\nMore text.\n"


@pytest.fixture
def editor():
    call_command("create_editors_group", verbosity=0)
    user = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def event():
    source = make_source(text=TEXT)
    conflict = make_conflict(name="Khan Tuman offensive", slug="khan-tuman-offensive")
    start = TEXT.index("On 2 May")
    end = TEXT.index("fighting.") + len("fighting.")
    return make_event(conflict, places=[make_place(name="Khan Tuman", slug="khan-tuman")], source=source,
                      span_start=start, span_end=end, text="On 2 May 2016, rebels captured Khan Tuman.")


def test_editor_corrects_an_event_and_the_timeline_shows_it(live_server, page, screenshot, editor, event):
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("link", name="Events", exact=True).first.is_visible()
    screenshot("admin-index")

    page.locator("#events-event").get_by_role("link", name="Events").click()
    page.locator("#searchbar").fill("Khan Tuman")
    with page.expect_navigation():
        page.locator("#changelist-search input[type=submit]").click()
    screenshot("event-search")
    assert page.locator("#result_list tbody tr").count() == 1
    screenshot("event-changelist")
    page.locator("#result_list tbody tr th a").first.click()

    sentence = "On 2 May 2016, rebels captured Khan Tuman after heavy fighting."
    # the source sentence is on top of the form, highlighted in its paragraph (issue 18)
    assert page.locator(".source-paragraph mark").inner_text() == sentence
    page.locator("#id_text").fill(sentence)
    screenshot("event-change-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    screenshot("event-saved")
    assert page.locator(".messagelist .success").is_visible()

    event.refresh_from_db()
    assert event.text.endswith("after heavy fighting.") and event.locked_fields == ["text"]

    page.goto(live_server.url + "/timeline/")
    assert page.get_by_text("rebels captured Khan Tuman after heavy fighting.").first.is_visible()
    screenshot("timeline")

    page.goto(live_server.url + f"/admin/events/event/{event.pk}/history/")
    assert page.get_by_text("Changed Text").is_visible()
    screenshot("history")
    assert Event.objects.count() == 1


def test_editor_merges_two_places(live_server, page, screenshot, editor, event):
    from events.models import Place

    tuman = Place.objects.get(slug="khan-tuman")
    touman = make_place(name="Khan Touman", slug="khan-touman")
    make_event(event.conflict, places=[touman], text="On 3 May 2016, Khan Touman was shelled.")
    page.goto(live_server.url + "/admin/login/?next=/admin/events/place/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    for place in (tuman, touman):
        page.locator(f"input[name=_selected_action][value='{place.pk}']").check()
    page.locator("select[name=action]").select_option("merge_selected")
    with page.expect_navigation():
        page.get_by_role("button", name="Go").click()
    assert page.get_by_text("Choose the place to keep").is_visible()
    screenshot("merge-confirmation")
    with page.expect_navigation():
        page.get_by_role("button", name="Merge into the chosen place").click()
    assert page.locator(".messagelist .success").is_visible()
    screenshot("merged")
    assert list(Place.objects.values_list("name", flat=True)) == ["Khan Tuman"]
    assert tuman.events.count() == 2 and tuman.aliases.get().name == "Khan Touman"
    page.goto(live_server.url + f"/admin/events/place/{tuman.pk}/history/")
    assert page.get_by_text("Merged Khan Touman").is_visible()


def test_one_click_unlock_and_enter_still_saves(live_server, page, editor, event):
    """The Unlock button sits inside the event's form but belongs to another (form="unlock-fields"): a
    click unlocks that field only, and Enter in a field still saves the form, not an unlock."""
    Event.objects.filter(pk=event.pk).update(locked_fields=["kind", "text"])
    page.goto(live_server.url + f"/admin/events/event/{event.pk}/change/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    with page.expect_navigation():
        page.locator('button.unlock-button[value="kind"]').click()
    assert "Unlocked “kind”" in page.locator(".messagelist").inner_text()
    assert Event.objects.get(pk=event.pk).locked_fields == ["text"]
    assert page.locator('button.unlock-button[value="kind"]').count() == 0
    page.locator("#id_casualties").fill("4")
    with page.expect_navigation():
        page.locator("#id_casualties").press("Enter")
    saved = Event.objects.get(pk=event.pk)
    assert saved.casualties == 4 and saved.locked_fields == ["text", "casualties"]

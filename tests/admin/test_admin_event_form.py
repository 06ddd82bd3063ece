"""The event form built for correcting (issue 18 item 2): the source paragraph on top, the fields editors
change first, import internals read-only and tucked away, previous/next event, lock state and one-click
unlock beside every locked field."""
from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from events.models import Event
from tests.factories import make_conflict, make_event, make_source

pytestmark = pytest.mark.django_db

TEXT = ("= Test =\n\nThe offensive began in May.\n\n"
        "Heavy fighting went on. On 2 May 2016, rebels captured the village. They held it for a week.\n\n"
        "A later paragraph.\n")
SENTENCE = "On 2 May 2016, rebels captured the village."


@pytest.fixture
def events():
    source = make_source(text=TEXT)
    conflict = make_conflict()
    start = TEXT.index(SENTENCE)
    day = datetime.date(2016, 5, 2)
    earlier = make_event(conflict, date=datetime.date(2016, 5, 1), text="The offensive began.")
    event = make_event(conflict, date=day, order=5, text=SENTENCE, source=source, span_start=start,
                       span_end=start + len(SENTENCE), locked_fields=["kind"], citations=["3"])
    later = make_event(conflict, date=day, order=6, text="They held it.")
    make_event(date=day, order=5, text="Another offensive's event.")  # never a neighbour
    return earlier, event, later


def change_page(client, event) -> str:
    response = client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_source_paragraph_on_top_highlighted(editor_client, events):
    page = change_page(editor_client, events[1])
    top = page.index('class="source-of-record"')
    assert top < page.index('name="date"')
    paragraph = page[top:page.index("</blockquote>", top)]
    assert f"<mark>{SENTENCE}</mark>" in paragraph
    assert "Heavy fighting went on." in paragraph and "They held it for a week." in paragraph
    assert "The offensive began in May." not in paragraph and "A later paragraph." not in paragraph


def test_fields_editors_change_come_first_and_internals_are_read_only(editor_client, events):
    page = change_page(editor_client, events[1])
    order = [page.index(f'name="{name}"') for name in ("date", "end_date", "precision", "kind", "casualties",
                                                       "forces", "people", "text")]
    assert order == sorted(order)
    assert page.index('id="place_links-group"') < page.index('name="conflict"')  # places right after them
    for name in ("source_key", "order", "citations"):
        assert f'name="{name}"' not in page           # read-only: shown, not editable
    metadata = page[page.index("Import metadata"):]
    assert "collapse" in page[page.rindex("<fieldset", 0, page.index("Import metadata")):][:100]
    assert events[1].source_key in metadata and "[&quot;3&quot;]" in metadata


def test_add_form_keeps_the_source_key_editable(editor_client):
    page = editor_client.get(reverse("admin:events_event_add")).content.decode()
    assert 'name="source_key"' in page and 'name="date"' in page


def test_previous_and_next_event_of_the_offensive(editor_client, events):
    earlier, event, later = events
    page = change_page(editor_client, event)
    assert re.search(rf'rel="prev" href="{reverse("admin:events_event_change", args=[earlier.pk])}"', page)
    assert re.search(rf'rel="next" href="{reverse("admin:events_event_change", args=[later.pk])}"', page)
    page = change_page(editor_client, earlier)
    assert 'rel="prev"' not in page and 'rel="next"' in page
    page = change_page(editor_client, later)
    assert 'rel="next"' not in page


def test_locked_fields_show_a_badge_and_unlocked_ones_nothing(editor_client, events):
    page = change_page(editor_client, events[1])
    kind = page[page.index('name="kind"'):page.index('name="casualties"')]
    assert '<span class="lock-state locked" title="Re-imports keep this value.">Locked</span>' in kind
    assert 'form="unlock-fields" name="field" value="kind"' in kind
    date = page[page.index('name="date"'):page.index('name="end_date"')]
    assert "lock-state" not in date and "unlock-fields" not in date
    assert page.count('class="lock-note') == 1  # what a lock does, said once at the top of the form
    assert page.index('class="lock-note') < page.index('name="date"')
    assert page.count('class="lock-state locked"') == 2  # the note's example and the one locked field
    assert '<form id="unlock-fields" method="post"' in page


def test_hand_made_event_shows_no_lock_states(editor_client, events):
    page = change_page(editor_client, events[0])
    assert "lock-state" not in page and "lock-note" not in page and "Made by hand" in page


def test_one_click_unlock(editor_client, editor, events):
    event = events[1]
    url = reverse("admin:events_event_unlock", args=[event.pk])
    assert editor_client.get(url).status_code == 405
    response = editor_client.post(url, {"field": "kind"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:events_event_change", args=[event.pk])
    event.refresh_from_db()
    assert event.locked_fields == []
    entry = LogEntry.objects.get(object_id=str(event.pk))
    assert entry.action_flag == CHANGE and entry.user == editor and "kind" in entry.change_message


def test_unlock_needs_change_permission(client, events):
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(viewer)
    response = client.post(reverse("admin:events_event_unlock", args=[events[1].pk]), {"field": "kind"})
    assert response.status_code == 403
    assert Event.objects.get(pk=events[1].pk).locked_fields == ["kind"]

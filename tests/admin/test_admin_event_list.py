"""The event change list fits the work (issue 18 item 4): dates at their precision, kind editable in the
list (and locked like a form edit), the offensive as a small searchable filter, bounded counts."""
from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from events.models import Event
from sources.admin import BoundedCountPaginator
from tests.factories import make_conflict, make_event, make_source

pytestmark = pytest.mark.django_db

URL = "admin:events_event_changelist"


def test_dates_at_their_precision(editor_client):
    make_event(date=datetime.date(2010, 3, 1), precision="month", text="In March, fighting.")
    make_event(date=datetime.date(2016, 5, 2), end_date=datetime.date(2016, 5, 4), text="Three days.")
    page = editor_client.get(reverse(URL)).content.decode()
    assert "March 2010" in page and "1 Mar 2010" not in page and "March 1, 2010" not in page
    assert "2–4 May 2016" in page


def test_kind_edited_in_the_list_is_locked(editor_client):
    source = make_source()
    event = make_event(kind="capture", source=source, span_start=0, span_end=5)
    other = make_event(kind="attack", source=source, span_start=6, span_end=9)
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2", "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000", "_save": "Save"}
    for i, (obj, kind) in enumerate([(event, "airstrike"), (other, "attack")]):
        data.update({f"form-{i}-id": str(obj.pk), f"form-{i}-kind": kind})
    response = editor_client.post(reverse(URL), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    other.refresh_from_db()
    assert event.kind == "airstrike" and event.locked_fields == ["kind"]
    assert other.kind == "attack" and other.locked_fields == []


def test_offensive_filter_is_a_bounded_search(editor_client):
    aleppo = make_conflict(name="Aleppo offensive (2016)")
    for i in range(30):
        make_conflict(name=f"Other offensive {i}")
    make_event(aleppo, text="In Aleppo.")
    make_event(text="Elsewhere.")
    page = editor_client.get(reverse(URL)).content.decode()
    assert 'name="offensive_q"' in page
    assert page.count("Other offensive") <= 12   # a few, never all thirty
    page = editor_client.get(reverse(URL), {"offensive_q": "aleppo", "kind": "capture"}).content.decode()
    assert f"conflict__id__exact={aleppo.pk}" in page and "Other offensive" not in page
    assert '<input type="hidden" name="kind" value="capture">' in page
    page = editor_client.get(reverse(URL), {"conflict__id__exact": aleppo.pk}).content.decode()
    assert "In Aleppo." in page and "Elsewhere." not in page


def test_count_is_bounded(editor_client, monkeypatch):
    monkeypatch.setattr(BoundedCountPaginator, "CAP", 3)
    for _ in range(5):
        make_event()
    assert BoundedCountPaginator(Event.objects.filter(kind="capture"), 50).count == 3
    assert BoundedCountPaginator(Event.objects.filter(kind="attack"), 50).count == 0
    assert editor_client.get(reverse(URL)).status_code == 200

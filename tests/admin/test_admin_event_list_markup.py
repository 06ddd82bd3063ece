"""The event list's editable rows made in Python (events/admin.py, issue 16: the admin event search at a
million events) are the rows Django's templates make, and still report an editor's bad value."""
from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from events.admin import EventAdmin
from tests.factories import make_event

pytestmark = pytest.mark.django_db

URL = "admin:events_event_changelist"


def normalised(page: str) -> str:
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", page))


def test_the_list_is_the_page_django_makes(editor_client, monkeypatch):
    make_event(text='A "quoted" <b>sentence</b> & more.', kind="airstrike")
    make_event(text="Another.", kind="other")
    ours = normalised(editor_client.get(reverse(URL), {"q": "sentence"}).content.decode())
    ours_all = normalised(editor_client.get(reverse(URL)).content.decode())
    for name in ("get_changelist_form", "get_changelist_formset", "action_checkbox"):
        monkeypatch.setattr(EventAdmin, name, getattr(admin.ModelAdmin, name))
    assert normalised(editor_client.get(reverse(URL), {"q": "sentence"}).content.decode()) == ours
    assert normalised(editor_client.get(reverse(URL)).content.decode()) == ours_all
    assert '<option value="airstrike" selected>' in ours_all and 'class="action-select"' in ours_all


def test_a_bad_kind_is_still_reported_in_its_row(editor_client):
    event = make_event(kind="capture")
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000", "_save": "Save", "form-0-id": str(event.pk), "form-0-kind": "volcano"}
    page = editor_client.post(reverse(URL), data).content.decode()
    assert "Select a valid choice. volcano is not one of the available choices." in page
    assert '<ul class="errorlist' in page

"""Editors win: a change made in admin locks the changed fields of an imported record."""
from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.forms.models import model_to_dict
from django.urls import reverse

from conflicts.models import Force
from events.models import Event
from people.models import CommandRole
from sources.locking import lock_changed_fields, lockable_fields
from tests.factories import make_conflict, make_event, make_person, make_role, make_side, make_source

pytestmark = pytest.mark.django_db


def form_data(obj, **changes):
    """POST data of an admin change form: the record's fields, ``changes`` applied, empty inlines."""
    data = {}
    for name, value in model_to_dict(obj).items():
        if value is None:
            data[name] = ""
        elif name == "places":
            continue   # through a model of its own: edited in the inline
        elif isinstance(value, list) and name in {"forces", "people", "parents"}:
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        elif isinstance(value, list | dict) and name != "locked_fields":
            # JSON fields with a callable default post their initial value too (show_hidden_initial)
            data[name] = data[f"initial-{name}"] = json.dumps(value)
        else:
            data[name] = value
    data["locked_fields"] = list(obj.locked_fields)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def management(prefix, total=0, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def imported_event(**kwargs):
    source = make_source(text="= Test =\n\nOn 2 May 2016, rebels captured the village.\n")
    return make_event(source=source, span_start=12, span_end=52, **kwargs)


def test_lockable_fields_leave_out_provenance():
    names = lockable_fields(Event)
    assert {"date", "text", "conflict", "places", "forces", "people"} <= set(names)
    assert not {"id", "source", "span_start", "span_end", "locked_fields"} & set(names)
    assert "parent" in lockable_fields(Force)


def test_lock_changed_fields_only_for_imported_records():
    hand_made = make_event()
    assert lock_changed_fields(hand_made, ["date"]) == []
    event = imported_event()
    assert lock_changed_fields(event, ["date", "conflict_id", "source", "nonsense"]) == ["date", "conflict"]
    assert lock_changed_fields(event, ["date", "text"]) == ["text"]
    assert event.locked_fields == ["date", "conflict", "text"]


def test_editor_changing_event_date_locks_it(editor_client):
    event = imported_event()
    url = reverse("admin:events_event_change", args=[event.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    assert b"Import metadata" in page.content and b"<mark>" in page.content
    assert event.source_url().encode() in page.content
    data = form_data(event, date="2016-05-03", **management("place_links"))
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    event.refresh_from_db()
    assert event.date == datetime.date(2016, 5, 3)
    assert event.locked_fields == ["date"]
    entry = LogEntry.objects.get(object_id=str(event.pk), action_flag=CHANGE)
    assert "Date" in entry.get_change_message()


def test_editor_changing_commander_fate_locks_it(editor_client):
    source = make_source()
    role = make_role(source=source, span_start=0, span_end=5)
    url = reverse("admin:people_commandrole_change", args=[role.pk])
    response = editor_client.post(url, form_data(role, fate=CommandRole.Fate.KILLED))
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.fate == "killed"
    assert role.locked_fields == ["fate"]


def test_fate_changed_in_person_inline_is_locked(editor_client):
    source = make_source()
    person = make_person(source=source, span_start=0, span_end=5)
    role = make_role(person=person, source=source, span_start=0, span_end=5, rank="Gen.")
    url = reverse("admin:people_person_change", args=[person.pk])
    data = form_data(person, **management("aliases"), **management("roles", total=1, initial=1))
    data.update({"roles-0-id": role.pk, "roles-0-person": person.pk, "roles-0-conflict": role.conflict_id,
                 "roles-0-side": "", "roles-0-rank": "Gen.", "roles-0-role": "", "roles-0-force": "",
                 "roles-0-fate": "captured", "roles-0-name_as_written": "", "roles-0-order": 0})
    response = editor_client.post(url, data)
    assert response.status_code == 302
    role.refresh_from_db()
    person.refresh_from_db()
    assert role.fate == "captured" and role.locked_fields == ["fate"]
    assert person.locked_fields == []


def test_hand_made_record_gets_no_locks(editor_client):
    event = make_event()
    url = reverse("admin:events_event_change", args=[event.pk])
    response = editor_client.post(url, form_data(event, text="Corrected.", **management("place_links")))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.text == "Corrected." and event.locked_fields == []


def test_editor_unticks_a_lock(editor_client):
    event = imported_event(locked_fields=["date", "text"])
    url = reverse("admin:events_event_change", args=[event.pk])
    response = editor_client.post(url, form_data(event, locked_fields=["text"], **management("place_links")))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.locked_fields == ["text"]


def test_unlock_all_action(editor_client):
    a, b = imported_event(locked_fields=["date"]), imported_event(locked_fields=["text", "kind"])
    c = imported_event()
    response = editor_client.post(reverse("admin:events_event_changelist"),
                                  {"action": "unlock_all_fields", "_selected_action": [a.pk, b.pk, c.pk]})
    assert response.status_code == 302
    assert list(Event.objects.exclude(locked_fields=[])) == []
    assert LogEntry.objects.filter(action_flag=CHANGE).count() == 2


def test_has_locked_fields_filter(editor_client):
    locked = imported_event(locked_fields=["date"])
    free = imported_event()
    url = reverse("admin:events_event_changelist")
    shown = editor_client.get(url, {"locked": "yes"}).context["cl"].result_list
    assert list(shown) == [locked]
    shown = editor_client.get(url, {"locked": "no"}).context["cl"].result_list
    assert list(shown) == [free]


def test_side_inline_change_locks_the_side(editor_client):
    source = make_source()
    conflict = make_conflict(source=source, span_start=0, span_end=4)
    side = make_side(conflict, source=source, span_start=0, span_end=4, label="Government")
    url = reverse("admin:conflicts_conflict_change", args=[conflict.pk])
    data = form_data(conflict, **management("sides", total=1, initial=1), **management("command_roles"))
    data.update({"sides-0-id": side.pk, "sides-0-conflict": conflict.pk, "sides-0-number": 1,
                 "sides-0-label": "Syrian government and allies"})
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    side.refresh_from_db()
    assert side.label == "Syrian government and allies" and side.locked_fields == ["label"]


def test_editing_place_links_inline_locks_the_events_places(editor_client):
    from tests.factories import make_place

    event = imported_event()
    khan, hill = make_place(name="Khan Tuman"), make_place(name="Hill")
    url = reverse("admin:events_event_change", args=[event.pk])
    data = form_data(event, **management("place_links", total=1))
    data.update({"place_links-0-place": khan.pk, "place_links-0-name_as_written": "Khan Touman",
                 "place_links-0-order": 0, "place_links-0-event": event.pk})
    assert editor_client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert list(event.places.all()) == [khan] and event.locked_fields == ["places"]
    # an unchanged save adds nothing
    link = event.place_links.get()
    data = form_data(event, **management("place_links", total=1, initial=1))
    data.update({"place_links-0-id": link.pk, "place_links-0-place": khan.pk, "place_links-0-event": event.pk,
                 "place_links-0-name_as_written": "Khan Touman", "place_links-0-order": 0})
    assert editor_client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert event.locked_fields == ["places"] and hill.events.count() == 0

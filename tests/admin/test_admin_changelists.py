"""Admin pages make a fixed number of queries however many rows there are."""
from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conflicts.models import ForceAlias, Strength
from events.models import PlaceAlias
from people.models import PersonAlias
from sources.models import ResolutionDecision
from tests.factories import (
    make_conflict,
    make_event,
    make_force,
    make_participation,
    make_person,
    make_place,
    make_role,
    make_side,
    make_source,
)

pytestmark = pytest.mark.django_db

#: upper bound for any changelist (session, user, permissions, count, rows, filters, ...)
MAX_QUERIES = 14


def populate(n: int) -> None:
    """``n`` offensives, each with sides, forces, people, places, events and aliases, all linked."""
    for i in range(n):
        source = make_source()
        conflict = make_conflict(source=source, span_start=0, span_end=3, locked_fields=["name"] if i % 2 else [])
        side = make_side(conflict, source=source, span_start=0, span_end=3)
        make_side(conflict, label="Rebels")
        parent = make_force(source=source)
        force = make_force(parent=parent, kind="unit")
        ForceAlias.objects.create(force=force, name=f"Alias of {force.name}", key=f"alias {i}")
        make_participation(side=side, force=force, role="unit", source=source, span_start=1, span_end=2)
        Strength.objects.create(side=side, text="5,000", number=5000)
        person = make_person()
        PersonAlias.objects.create(person=person, name=f"Alias of {person.name}", key=f"p {i}")
        make_role(person=person, conflict=conflict, side=side, force=force, fate="killed")
        place = make_place()
        PlaceAlias.objects.create(place=place, name=f"Alias of {place.name}", key=f"pl {i}")
        event = make_event(conflict, places=[place], source=source, span_start=1, span_end=2)
        event.forces.add(force)
        event.people.add(person)
        ResolutionDecision.objects.create(kind="place", name=place.name, key=place.slug, record_id=place.pk,
                                          decision="join")


def changelists():
    return sorted(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist" for m in admin.site._registry
                  if m._meta.app_label in {"sources", "conflicts", "people", "events"})


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", changelists())
def test_changelist_queries_do_not_grow_with_rows(editor_client, django_assert_max_num_queries, name):
    url = reverse(name)
    populate(2)
    few = count(editor_client, url)
    populate(8)
    with django_assert_max_num_queries(MAX_QUERIES):
        many = count(editor_client, url)
    assert many == few


@pytest.mark.parametrize("name", ["admin:events_event_changelist", "admin:events_place_changelist",
                                  "admin:people_person_changelist", "admin:conflicts_force_changelist"])
def test_changelist_search_over_aliases(editor_client, name):
    populate(3)
    response = editor_client.get(reverse(name), {"q": "Alias of"} if "event" not in name else {"q": "Alias of"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3


def test_change_forms_load(editor_client):
    populate(1)
    from events.models import Event
    from sources.models import DeletedRecord
    DeletedRecord.remember(Event.objects.exclude(source=None).first())
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"sources", "conflicts", "people", "events"}:
            continue
        obj = model._default_manager.first()
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
        assert editor_client.get(url).status_code == 200, url
        if model_admin.has_add_permission(editor_client.get(url).wsgi_request):
            add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
            assert editor_client.get(add).status_code == 200, add


def test_conflict_autocomplete_pages_an_ordered_list(admin_client):
    """The parents field's autocomplete (a GROUP BY queryset) must be ordered to page consistently."""
    response = admin_client.get("/admin/autocomplete/", {"app_label": "conflicts", "model_name": "conflict",
                                                         "field_name": "parents", "term": ""})
    assert response.status_code == 200

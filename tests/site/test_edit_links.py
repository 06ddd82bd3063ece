"""Edit from the page (issue 18, item 1): staff see an edit link for the record and for each event, side,
force, person and place on a page, opening the admin form that returns to the page once saved; readers'
pages do not change."""
from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from events.models import Event
from reader.editing import edit_links
from sources.editing import with_return
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


@pytest.fixture
def world():
    source = make_source()
    conflict = make_conflict(name="Khan Tuman offensive", slug="khan-tuman-offensive", source=source,
                             span_start=2, span_end=10)
    side = make_side(conflict, number=1)
    force = make_force(name="Syrian Arab Army", slug="syrian-arab-army")
    make_participation(side=side, force=force, role="belligerent")
    person = make_person(name="Suheil al-Hassan", slug="suheil-al-hassan")
    make_role(person=person, conflict=conflict, side=side, rank="Brig. Gen.")
    place = make_place(name="Khan Tuman", slug="khan-tuman")
    event = make_event(conflict, places=[place], text="On 2 May 2016, the army captured Khan Tuman.",
                       date=datetime.date(2016, 5, 2), source=source, span_start=12, span_end=30)
    event.forces.add(force)
    event.people.add(person)
    return {"conflict": conflict, "side": side, "force": force, "person": person, "place": place, "event": event}


@pytest.fixture
def staff_client(client):
    call_command("create_editors_group", verbosity=0)
    user = User.objects.create_user("editor", password="x-long-passphrase", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def change_url(obj, page):
    return with_return(reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]), page)


def test_staff_see_an_edit_link_for_each_record_on_an_offensive_page(world, staff_client):
    page = world["conflict"].get_absolute_url()
    html = staff_client.get(page).content.decode()
    event = world["event"]
    for obj, target in ((world["conflict"], page), (event, f"{page}#event-{event.pk}"),
                        (world["side"], f"{page}#side-1"), (world["force"], f"{page}#side-1"),
                        (world["person"], f"{page}#side-1"),
                        (world["place"], f"{page}#event-{event.pk}")):
        assert change_url(obj, target).replace("&", "&amp;") in html, obj
    assert 'aria-label="Edit event"' in html
    assert 'aria-label="Edit place Khan Tuman"' in html


@pytest.mark.parametrize("key", ["force", "person", "place"])
def test_staff_see_an_edit_link_on_force_person_and_place_pages(world, staff_client, key):
    obj = world[key]
    html = staff_client.get(obj.get_absolute_url()).content.decode()
    assert f'aria-label="Edit {obj._meta.verbose_name} {obj}"' in html
    assert change_url(obj, obj.get_absolute_url()) in html


def test_readers_pages_do_not_change(world, client):
    signed_in = User.objects.create_user("reader", password="x-long-passphrase")     # not staff
    for obj in (world["conflict"], world["force"], world["person"], world["place"]):
        url = obj.get_absolute_url()
        anonymous = client.get(url)
        assert b"edit-link" not in anonymous.content and b"/admin/" not in anonymous.content
        client.force_login(signed_in)
        assert client.get(url).content == anonymous.content
        client.logout()


def test_the_tag_renders_nothing_and_asks_nothing_without_a_session(world, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = None          # never looked at: no session cookie
    with django_assert_num_queries(0):
        out = Template("{% load editing %}[{% edit_link event %}]").render(Context({"request": request,
                                                                                    "event": world["event"]}))
    assert out == "[]"
    assert edit_links(None, world["event"]) == []


def test_an_event_page_has_edit_links_for_staff(world, staff_client):
    event = world["event"]
    html = staff_client.get(event.get_absolute_url()).content.decode()
    assert f"/admin/events/event/{event.pk}/change/" in html and 'aria-label="Edit place Khan Tuman"' in html
    staff_client.logout()
    assert b"edit-link" not in staff_client.get(event.get_absolute_url()).content


def test_timeline_entries_have_edit_links_for_staff(world, staff_client):
    html = staff_client.get("/timeline/").content.decode()
    assert f"/admin/events/event/{world['event'].pk}/change/" in html


def form_data(response, **changes):
    """What the admin change form in ``response`` would post unchanged, with ``changes``."""
    context = response.context
    forms = [context["adminform"].form]
    data = {}
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(n): management[n].value() for n in management.fields})
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = (["on"] if value is True else
                                           [str(v) for v in value] if isinstance(value, list | tuple) else value)
    data.update(changes)
    return {k: v[0] if isinstance(v, list) and len(v) == 1 and v == ["on"] else v for k, v in data.items()}


def test_saving_the_form_returns_to_the_page(world, staff_client):
    event = world["event"]
    page = f"{world['conflict'].get_absolute_url()}?page=1#event-{event.pk}"
    url = change_url(event, page)
    form = staff_client.get(url)
    assert form.status_code == 200
    response = staff_client.post(url, form_data(form, date="2016-05-03"))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert response.url == page
    assert Event.objects.get(pk=event.pk).date == datetime.date(2016, 5, 3)
    assert "date" in Event.objects.get(pk=event.pk).locked_fields       # an editor's change, as always
    again = staff_client.post(url, form_data(staff_client.get(url), _continue="1"))
    assert again.url.startswith(reverse("admin:events_event_change", args=[event.pk])) and "_return=" in again.url


def test_a_return_to_another_site_is_ignored(world, staff_client):
    event = world["event"]
    url = change_url(event, "https://evil.example/phish")
    response = staff_client.post(url, form_data(staff_client.get(url)))
    assert response.status_code == 302
    assert response.url == reverse("admin:events_event_changelist")

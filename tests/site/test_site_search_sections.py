"""The search's events (``reader.search.event_sections``): the timeline's markup, each day's section cached
under the data generation (issue 16), never stale after a change, never an editor's edit links cached."""
import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from events.models import Event
from reader.search import search
from tests.factories import make_conflict, make_event, make_force, make_place
from tests.site.builders import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def memory_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "test-search-sections"}}
    cache.clear()
    yield
    cache.clear()


def events_html(response) -> str:
    """The events' part of a search page, whitespace between tags folded."""
    html = response.content.decode()
    part = html[html.index('<section class="timeline"'):]
    part = part[part.index('<section class="day"'):part.rindex("</section>")]
    return re.sub(r">\s+<", "><", part).strip()


def list_html(events) -> str:
    """What the timeline's include renders for ``events`` as one list."""
    html = render_to_string("includes/event_list.html", {"events": events, "heading": "h3", "show_offensive": True})
    return re.sub(r">\s+<", "><", html).strip()


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.fixture
def found():
    """Events of two days, one of them two events, that name a place and a force."""
    conflict = make_conflict(name="Aleppo offensive")
    place, force = make_place(name="Khan Tuman"), make_force(name="Hezbollah")
    events = [make_event(conflict, text=f"The army captured hill {i}.", places=[place], order=i,
                         date=f"2016-05-0{1 + i // 2}") for i in range(3)]
    for event in events:
        event.forces.add(force)
    return events


@pytest.mark.parametrize("cached", [False, True])
def test_search_shows_events_as_the_timeline_does(client, found, cached, request):
    if cached:
        request.getfixturevalue("memory_cache")
        client.get("/search/?q=captured")  # the sections now come from the cache
    response = client.get("/search/?q=captured")
    shown = response.context["results"].events
    assert {e.pk for e in shown} == {e.pk for e in found}
    loaded = {e.pk: e for e in Event.objects.for_timeline().filter(pk__in=[e.pk for e in shown])}
    expected = list_html([loaded[e.pk] for e in shown])  # the same events, in the same order, as one list
    assert events_html(response) == expected
    assert "Khan Tuman</a>" in expected and "Hezbollah</a>" in expected


def test_a_cached_search_loads_no_links(client, memory_cache):
    build_world(20)
    first = queries_for(client, "/search/?q=captured")
    again = queries_for(client, "/search/?q=captured")
    assert again == first - 4  # places, forces, people, claims: only for the sections it renders
    assert events_html(client.get("/search/?q=captured"))


def test_search_queries_do_not_grow_with_data(client):
    build_world(20)
    small = queries_for(client, "/search/?q=captured")
    build_world(200)
    assert len(search("captured").events) == 50
    assert queries_for(client, "/search/?q=captured") == small


def test_a_change_is_seen_at_once(client, memory_cache, django_capture_on_commit_callbacks):
    conflict = make_conflict()
    event = make_event(conflict, text="The army captured the ridge.")
    assert "captured the ridge" in client.get("/search/?q=captured").content.decode()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event.text = "The army captured the ridge and the village."
        event.save()
    assert "captured the ridge and the village" in client.get("/search/?q=captured").content.decode()


def test_an_editor_gets_edit_links_never_cached(admin_client, client, memory_cache):
    make_event(make_conflict(), text="The army captured the ridge.")
    assert "/admin/events/event/" in admin_client.get("/search/?q=captured").content.decode()
    assert "/admin/events/event/" not in client.get("/search/?q=captured").content.decode()
    assert "/admin/events/event/" in admin_client.get("/search/?q=captured").content.decode()

"""NUL and other control characters in query parameters never reach a form or the database: they are
stripped in one place (``reader.middleware.CleanQueryMiddleware``) for every page (issue 15, point 6).

PostgreSQL refuses NUL in a string, so each of these was a 500 there; run on both databases
(``DATABASE_URL=postgres://... pytest tests/site``).
"""
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.http import QueryDict

from reader.filters import EventFilter, PersonFilter
from reader.middleware import clean_query_string
from tests.site.builders import build_world

pytestmark = pytest.mark.django_db

CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"]


def q(value: str) -> str:
    return quote(value, safe="")


@pytest.fixture
def world():
    return build_world(20)


def test_clean_query_string():
    assert clean_query_string(QueryDict("q=Khan+Tuman&kind=capture")) is None  # nothing to clean: untouched
    assert clean_query_string(QueryDict("q=%00Khan%01+Tuman%7F&page=2")) == "q=Khan+Tuman&page=2"
    assert clean_query_string(QueryDict("%00q=x&q=y%00")) == "q=x&q=y"
    assert clean_query_string(QueryDict("q=tab%09and%0Anewline%0D")) is None  # whitespace is not control
    assert clean_query_string(QueryDict("q=%C3%A9l%C3%A8ve%C2%85")) == "q=%C3%A9l%C3%A8ve"  # é è kept, NEL gone


@pytest.mark.parametrize("control", CONTROLS)
def test_search_with_a_control_character(client, world, control):
    response = client.get(f"/search/?q={q(control)}")
    assert response.status_code == 200
    response = client.get(f"/search/?q={q(control + 'Person' + control)}")
    assert response.status_code == 200
    assert response.context["query"] == "Person" and world.person in response.context["results"].people


def filter_urls(world):
    """Every filter of the timeline, the offensive's timeline and the commanders list, and the pages'
    other parameters, each given a NUL and another control character."""
    value = "\x00capture\x01"
    urls = [f"/timeline/?{name}={q(value)}" for name in EventFilter.base_filters]
    urls += [f"{world.conflict.get_absolute_url()}?{name}={q(value)}" for name in EventFilter.base_filters]
    urls += [f"/commanders/?{name}={q(value)}" for name in PersonFilter.base_filters]
    urls += [f"/timeline/?page={q(value)}", f"/timeline/?format={q(value)}", "/timeline/?%00q=army",
             f"/timeline/?format=csv&q={q(value)}", f"/timeline/?format=json&offensive={q(value)}",
             f"{world.person.get_absolute_url()}?page=%00", f"{world.place.get_absolute_url()}?page=%00",
             f"{world.force.get_absolute_url()}?page=%00", "/?page=%00", f"{world.source.get_absolute_url()}?x=%00"]
    return urls


def test_every_filter_with_control_characters(client, world):
    for url in filter_urls(world):
        # 400 for an export with an invalid filter, 404 for ListView's ?page=capture; never a 500
        assert client.get(url).status_code in (200, 400, 404), url
    assert client.get("/timeline/?after=%002015-10-20").status_code == 200


def test_a_control_character_is_stripped_not_the_query(client, world):
    clean = client.get(f"/timeline/?offensive={world.conflict.slug}&kind=capture&q=army")
    dirty = client.get(f"/timeline/?offensive=%00{world.conflict.slug}&kind=capt%1Fure&q=%00ar%7Fmy")
    assert [e.pk for e in dirty.context["object_list"]] == [e.pk for e in clean.context["object_list"]]
    assert dirty.context["object_list"] and dirty.wsgi_request.META["QUERY_STRING"] == (
        f"offensive={world.conflict.slug}&kind=capture&q=army")
    assert f'name="offensive" value="{world.conflict.slug}"' in dirty.content.decode()
    person = world.people[1]
    listing = client.get(f"/commanders/?q=%00{q(person.name)}")
    assert person in listing.context["object_list"]


def test_admin_search_with_control_characters(client, world):
    client.force_login(User.objects.create_superuser("chief"))
    for url in ("/admin/events/event/?q=%00army", "/admin/people/person/?q=%00", "/admin/events/place/?q=a%00b",
                "/admin/conflicts/force/?q=%01%00"):
        assert client.get(url).status_code == 200, url

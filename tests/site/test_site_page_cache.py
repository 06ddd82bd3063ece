"""Whole pages for anonymous readers, cached under the data generation (issue 16, point 4;
``reader.middleware.AnonymousPageCacheMiddleware``).

A local-memory cache and the page cache are switched on here (the test settings use neither), and the
on-commit callbacks that advance the generation run as a commit would run them.
"""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import reverse

from reader.middleware import AnonymousPageCacheMiddleware
from tests.site.builders import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "test-page-cache"}}
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_a_readers_page_is_served_from_the_cache_until_the_data_changes(
        client, admin_client, django_capture_on_commit_callbacks, django_assert_num_queries):
    world = build_world(5)
    page = world.conflict.get_absolute_url()
    first = client.get(page)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):   # the data generation, nothing else
        again = client.get(page)
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert again["Content-Type"] == first["Content-Type"]

    event = world.events[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 302
    after = client.get(page)
    assert after["X-Page-Cache"] == "miss"   # a new generation: computed again, without the event
    assert event.text.encode() not in after.content
    assert event.text.encode() in first.content


def test_query_strings_are_pages_of_their_own(client):
    world = build_world(5)
    everything = client.get("/timeline/")
    one = client.get(f"/timeline/?q={world.events[0].text.split(':')[0].replace(' ', '+')}")
    assert one["X-Page-Cache"] == "miss"
    assert client.get("/timeline/")["X-Page-Cache"] == "hit"
    assert everything.content != one.content


def test_what_is_never_cached(client, admin_client):
    build_world(5)
    assert "X-Page-Cache" not in admin_client.get("/timeline/")          # a signed-in user
    assert "X-Page-Cache" not in admin_client.get("/timeline/")
    assert "X-Page-Cache" not in client.get("/admin/login/")              # the admin
    assert "X-Page-Cache" not in client.get("/timeline/?format=csv")      # a streamed export
    assert "X-Page-Cache" not in client.get("/timeline/?format=csv")
    assert "X-Page-Cache" not in client.get("/no-such-page/")             # not a 200
    assert "X-Page-Cache" not in client.get("/healthz")


@pytest.mark.parametrize("uses_token", [True, False])
def test_pages_using_the_csrf_token_are_not_cached(rf, uses_token):
    def view(request):
        if uses_token:
            get_token(request)
        return HttpResponse("a form")

    middleware = AnonymousPageCacheMiddleware(view)
    for expected in ("miss", "hit"):
        request = rf.get("/a-form/")
        request.user = AnonymousUser()
        response = middleware(request)
        assert response.get("X-Page-Cache") == (None if uses_token else expected)

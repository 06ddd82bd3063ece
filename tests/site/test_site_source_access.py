"""Only documents that loaded are public; a failed document and its text are for staff (issue 15, point 1)."""
import pytest
from django.contrib.auth.models import User

from sources.models import SourceDocument
from tests.factories import make_conflict, make_person, make_role, make_source

pytestmark = pytest.mark.django_db

SECRET = "root:x:0:0:root:/root:/bin/bash"


@pytest.fixture
def failed():
    return make_source(text=SECRET + "\n", title="", status=SourceDocument.Status.FAILED,
                       problems=[{"line": 1, "message": "no title, no events"}])


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_user("editor", is_staff=True))
    return client


def test_anonymous_readers_get_404_for_a_failed_document(client, failed):
    response = client.get(failed.get_absolute_url())
    assert response.status_code == 404
    assert SECRET not in response.content.decode()


def test_a_logged_in_reader_who_is_not_staff_gets_404(client, failed):
    client.force_login(User.objects.create_user("reader"))
    assert client.get(failed.get_absolute_url()).status_code == 404


def test_staff_see_a_failed_document_with_its_problems_uncached(staff_client, failed):
    response = staff_client.get(failed.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert SECRET in html and "no title, no events" in html
    assert "This document did not load (failed). Only editors see this page" in html
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_imported_documents_stay_public(client, staff_client):
    source = make_source()
    assert client.get(source.get_absolute_url()).status_code == 200
    response = staff_client.get(source.get_absolute_url())
    assert response.status_code == 200 and "did not load" not in response.content.decode()
    assert "private" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("pk", [0, 2**31, 2**63, 10**30])
def test_ids_that_do_not_exist_are_404(client, pk):
    assert client.get(f"/sources/{pk}/").status_code == 404


def test_a_commanders_sources_list_only_documents_that_loaded(client, staff_client, failed):
    person = make_person(name="Ahmed Example")
    loaded = make_source(title="Loaded document")
    make_role(person, make_conflict(), source=loaded)
    make_role(person, make_conflict(), source=failed)  # a failed document owns no records; if one did
    for c in (client, staff_client):
        sources = list(c.get(person.get_absolute_url()).context["sources"])
        assert sources == [loaded]


def test_no_search_or_listing_shows_a_failed_documents_text(client, failed):
    for url in ("/", "/timeline/", "/commanders/", "/search/?q=root", "/search/?q=bash",
                "/timeline/?q=root", "/timeline/?format=csv&q=root", "/timeline/?format=json&q=root"):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, url
        assert SECRET.encode() not in body and failed.get_absolute_url().encode() not in body, url

"""The site's error pages and the data errors a reader saw (issue 17, point 8)."""
import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from reader.views import SERVER_ERROR_FALLBACK, server_error
from tests.factories import make_conflict, make_event, make_force, make_participation, make_side
from tests.site.builders import build_world

pytestmark = pytest.mark.django_db


def test_not_found_is_the_sites_page_with_header_navigation_and_search(client):
    response = client.get("/offensives/khan-tuman_offensive/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<meta name="viewport"' in html and 'class="site-header"' in html
    assert 'href="/timeline/"' in html and 'role="search"' in html
    assert "Page not found" in html
    assert 'value="khan tuman offensive"' in html  # the address's words, ready to search
    assert "Content-Security-Policy" in response.headers
    assert "<script>" not in html and "style=" not in html


@pytest.mark.parametrize("url", ["/", "/commanders/?q=Person", "/timeline/"])
def test_every_list_reads_its_page_number_alike(client, url):
    """As the timeline does: a page past the end is the last page, anything not a number the first; no 404."""
    build_world(300)  # 60 commanders (two pages), 300 events (six)
    for n in range(51):  # 53 offensives with sides: two pages of the home page
        make_side(make_conflict(name=f"Offensive {n:02}"))
    separator = "&" if "?" in url else "?"
    last = client.get(f"{url}{separator}page=last")
    assert last.context["page_obj"].number == last.context["paginator"].num_pages > 1
    past = client.get(f"{url}{separator}page=999")
    assert past.status_code == 200
    assert past.context["page_obj"].number == last.context["page_obj"].number
    assert list(past.context["page_obj"].object_list) == list(last.context["page_obj"].object_list)
    assert "Page not found" not in past.content.decode()
    for not_a_number in ("abc", "1.5", "2x"):
        first = client.get(f"{url}{separator}page={not_a_number}")
        assert first.status_code == 200, not_a_number
        assert first.context["page_obj"].number == 1, not_a_number


def test_a_missing_record_with_a_page_number_is_still_not_found(client):
    response = client.get("/forces/nope/?page=2")
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is no page at" in html and "Go to the last page" not in html


def test_the_not_found_page_escapes_the_address(client):
    html = client.get('/nothing/"><b>x</b>/').content.decode()
    assert "<b>x</b>" not in html


def test_server_error_page_renders_without_a_request_or_queries(rf):
    with CaptureQueriesContext(connection) as ctx:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and 'class="site-header"' in html and 'role="search"' in html
    assert len(ctx) == 0


def test_server_error_page_falls_back_to_plain_html_when_its_template_fails(rf):
    # the manifest storage without a manifest: {% static %} raises, as after a botched deploy
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
    with override_settings(STORAGES=storages, STATIC_ROOT="/nonexistent-static-root"):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert response.content.decode() == SERVER_ERROR_FALLBACK


@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_an_exception_in_a_view_gives_the_styled_500(client, monkeypatch):
    from reader import views

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.SearchView, "get_context_data", boom)
    client.raise_request_exception = False
    response = client.get("/search/?q=x")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_a_force_page_lists_each_offensive_once_and_those_its_events_name(client):
    """Hezbollah was listed twice for Palmyra (as a belligerent and as a unit) and not for Aleppo, where the
    sentences name it but the infobox does not list it."""
    force = make_force(name="Hezbollah", slug="hezbollah")
    palmyra = make_conflict(name="Palmyra offensive")
    side = make_side(palmyra, number=1)
    make_participation(side, force, role="belligerent")
    make_participation(side, force, role="unit")
    aleppo = make_conflict(name="Aleppo offensive")
    make_side(aleppo, number=1)
    make_event(aleppo).forces.add(force)
    make_event(palmyra).forces.add(force)
    elsewhere = make_conflict(name="Unrelated offensive")
    make_side(elsewhere, number=1)
    make_event(elsewhere)
    html = client.get(force.get_absolute_url()).content.decode()
    offensives = html.split('id="fought-heading"', 1)[1].split("</section>", 1)[0]
    assert offensives.count(">Palmyra offensive</a>") == 1
    assert "belligerent on" in offensives and "unit on" in offensives
    assert ">Aleppo offensive</a>" in offensives and "Named in events of" in offensives
    assert "Unrelated offensive" not in offensives

"""Every page makes a fixed number of SQL queries, whatever the amount of data.

Each test builds a small world (20 events) and a ten times larger one (200 events), loads the
same page for each, and checks that both counts are equal and within the page's bound.
"""
import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sources.models import Claim
from tests.factories import make_source
from tests.site.builders import build_world

pytestmark = pytest.mark.django_db

# page -> (url builder, bound); pages that list events or show an infobox load the sources' claims in one query;
# pages with a paginated list or a chart read the data generation once (conflicts.cache: cached counts)
PAGES = {
    "home": (lambda w: "/", 5),  # (+2: the country choices, the offensives' parents: issue 17)
    # (issue 17: +4 the events' casualty sums, one query, and key moments, three; +1 the page made at 16dcc9d)
    "offensive": (lambda w: w.conflict.get_absolute_url(), 24),
    "offensive-filtered": (lambda w: f"{w.conflict.get_absolute_url()}?kind=capture&q=army&side={w.sides[0].pk}", 26),
    # the timeline: its profile (count, dates and counts per kind in one query: reader.timeline.Profile, -1
    # since the count and the counts per kind were two) and counts per side (3 queries; cached in
    # production, the test settings cache nothing), the boxes' names (1 per named filter,
    # reader.filters.NamedBoxes: the heading reuses what the filters read) and the map's places; a first day
    # reads the periods overlapping it as a run of their own (its profile, its rows: 2)
    "timeline": (lambda w: "/timeline/", 12),
    "timeline-filtered": (lambda w: f"/timeline/?offensive={w.conflict.slug}&force={w.force.slug}"
                                    f"&person={w.person.slug}&place={w.place.slug}&after=2015-10-01"
                                    f"&before=2016-01-01&kind=capture&q=army", 26),
    "timeline-last-page": (lambda w: "/timeline/?page=last", 12),
    "timeline-newest": (lambda w: "/timeline/?order=newest&page=last", 12),
    "commanders": (lambda w: "/commanders/", 7),
    "commanders-filtered": (lambda w: f"/commanders/?offensive={w.conflict.slug}&fate=killed&q=Person", 8),
    "commander": (lambda w: w.person.get_absolute_url(), 13),  # (+2: the sides' belligerents name each side)
    # (+1: the offensives its events name, issue 17; +1: its sides' belligerents name each side, 13 -> 14)
    "force": (lambda w: w.force.get_absolute_url(), 14),
    "place": (lambda w: w.place.get_absolute_url(), 11),
    "source": (lambda w: w.source.get_absolute_url(), 11),
    "search": (lambda w: "/search/?q=Person", 6),
    # the home page's filters (issue 17): its country choices and the offensives' parents, one query each;
    # the war box shows the war's name when the name selects it alone (+1: reader.filters.NamedBoxes)
    "home-filtered": (lambda w: f"/?war={w.parent.slug}&year=2015&outcome=victory&order=war", 7),
    # a war: its parts (with their sides) and its parts' events
    "war": (lambda w: w.parent.get_absolute_url(), 23),
    # the event, its relations, its sides (and their forces), the source's passage, previous and next
    "event": (lambda w: w.events[len(w.events) // 2].get_absolute_url(), 12),
}


@pytest.fixture(autouse=True)
def content_types_cached():
    """Steady state: a serving process has the content types cached (the claims' relation reads them once)."""
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*django_apps.get_models())


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(ctx)


@pytest.mark.parametrize("page", PAGES)
def test_queries_do_not_grow_with_data(client, page, django_assert_max_num_queries):
    url_for, bound = PAGES[page]
    small = build_world(20)
    small_count = queries_for(client, url_for(small))
    large = build_world(200)
    with django_assert_max_num_queries(bound):
        response = client.get(url_for(large))
    assert response.status_code == 200
    assert queries_for(client, url_for(large)) == small_count


def test_large_pages_are_paginated(client):
    world = build_world(200)
    response = client.get("/timeline/")
    assert len(response.context["page_obj"].object_list) == 50
    assert response.context["page_obj"].paginator.count == 200
    response = client.get(world.conflict.get_absolute_url())
    assert len(response.context["page_obj"].object_list) == 50
    assert 'rel="next"' in response.content.decode()


#: pages that show a document's text; every other page needs only its name, title and attribution
SHOWS_SOURCE_TEXT = {"source"}


@pytest.mark.parametrize("page", PAGES)
def test_pages_never_load_a_documents_original_bytes(client, page):
    """The bytes as read (``SourceDocument.original``, a whole wiki page) are for admin's download only,
    and a document's text only for its own page: no page query selects them."""
    world = build_world(20)
    Claim.objects.create(document=make_source(original=b"x" * 1000, licence="CC BY-SA 4.0"), record=world.conflict,
                         key="mirror", values={})
    for event in world.events[:3]:
        Claim.objects.create(document=world.source, record=event, key=f"e{event.pk}", values={})
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(PAGES[page][0](world)).status_code == 200
    selected = [q["sql"].split(" FROM ")[0] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert not [sql for sql in selected if '."original"' in sql], page
    if page not in SHOWS_SOURCE_TEXT:
        # (an event's page reads a bounded passage around its sentence: a SUBSTR(ING), never the whole text)
        whole_text = '"sources_sourcedocument"."text"'
        assert not [sql for sql in selected if whole_text in sql.replace(f"SUBSTR({whole_text}", "").replace(
            f"SUBSTRING({whole_text}", "")], page

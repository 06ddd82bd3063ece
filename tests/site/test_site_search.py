"""Site search: names and aliases, event text, offensives; bounded; escaped."""
import pytest
from django.db import connection

from people.models import PersonAlias
from reader.search import EVENT_LIMIT, search
from tests.factories import make_conflict, make_event, make_person, make_place, make_side
from tests.site.builders import build_world

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram similarity needs PostgreSQL")


def test_search_finds_each_kind_of_record():
    world = build_world(20)
    assert world.conflict in search("Offensive").offensives
    assert world.person in search(world.person.name).people
    assert world.place in search(world.place.name).places
    assert world.force in search("Armed Forces").forces
    assert search("captured village 7").events


def test_search_by_alias():
    person = make_person(name="Qasem Soleimani")
    PersonAlias.objects.create(person=person, name="Haj Qasem", key="haj qasem")
    assert search("Haj Qasem").people == [person]


def test_search_is_bounded():
    build_world(200)
    results = search("army")
    assert len(results.events) == EVENT_LIMIT


def test_empty_query_searches_nothing(client):
    build_world(10)
    assert search("   ").count == 0
    assert client.get("/search/").status_code == 200


def test_search_page(client):
    conflict = make_conflict(name="Aleppo offensive")
    make_side(conflict)
    make_event(conflict, text="The army captured Khan Tuman.", places=[make_place(name="Khan Tuman")])
    html = client.get("/search/?q=Khan+Tuman").content.decode()
    assert "Khan Tuman" in html and "captured" in html
    assert 'value="Khan Tuman"' in html


@postgres_only
def test_trigram_finds_spelling_variants():
    soleimani = make_person(name="Qasem Soleimani")
    PersonAlias.objects.create(person=soleimani, name="Ghasem Soleimani", key="ghasem soleimani")
    place = make_place(name="Khan Tuman")
    assert soleimani in search("Qasem Suleimani").people
    assert place in search("Khan Touman").places


@postgres_only
def test_full_text_uses_stemming():
    conflict = make_conflict()
    make_side(conflict)
    event = make_event(conflict, text="Government forces recaptured the villages.")
    assert event in search("village").events

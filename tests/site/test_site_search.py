"""Site search: names and aliases, event text, offensives; bounded; escaped."""
import pytest
from django.db import connection

from conflicts.models import ForceAlias
from people.models import PersonAlias
from reader.search import EVENT_LIMIT, search, suggestion
from tests.factories import make_conflict, make_event, make_force, make_person, make_place, make_side
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


# ------------------------------------------------------------- misspellings, one search path (issue 16)

@pytest.fixture
def named():
    """Real names among look-alikes, so that a match is a choice, not the only row."""
    for n in range(30):
        make_force(name=f"Brigade {n}")
        make_place(name=f"Village {n}")
        make_person(name=f"Person {n}")
    hezbollah = make_force(name="Hezbollah")
    isil = make_force(name="Islamic State of Iraq and the Levant")
    ForceAlias.objects.create(force=isil, name="ISIL", key="isil")
    palmyra, aleppo = make_place(name="Palmyra"), make_place(name="Aleppo")
    soleimani = make_person(name="Qasem Soleimani")
    return {"hezbollah": hezbollah, "isil": isil, "palmyra": palmyra, "aleppo": aleppo, "soleimani": soleimani}


@postgres_only
@pytest.mark.parametrize(("query", "kind", "expected"), [
    ("Hizbollah", "forces", "hezbollah"), ("palmira", "places", "palmyra"), ("Suleimani", "people", "soleimani"),
    ("isis", "forces", "isil"), ("Aleppo", "places", "aleppo"),
])
def test_misspellings_find_the_record(named, client, query, kind, expected):
    found = getattr(search(query), kind)
    assert found and found[0] == named[expected]
    assert named[expected].name.split()[-1] in client.get("/search/", {"q": query}).content.decode()


@postgres_only
def test_admin_and_the_timeline_use_the_same_name_search(named, admin_client):
    from conflicts.models import Force
    assert named["hezbollah"] in Force.objects.named_like("Hizbollah")
    response = admin_client.get("/admin/conflicts/force/", {"q": "Hizbollah"})
    assert named["hezbollah"] in response.context["cl"].result_list
    response = admin_client.get("/admin/people/person/", {"q": "Suleimani"})
    assert list(response.context["cl"].result_list) == [named["soleimani"]]


@postgres_only
def test_words_filter_and_search_read_the_same_index():
    """The words filter's expression is the one ``event_search_gin`` indexes: with sequential scans
    off, PostgreSQL answers from that index (a changed expression would leave it unused)."""
    from events.models import Event
    conflict = make_conflict()
    event = make_event(conflict, text="Government forces recaptured the villages.")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = Event.objects.matching("village").values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "event_search_gin" in plan
    assert list(Event.objects.matching("village")) == [event]
    assert search("village").events == [event]


@postgres_only
def test_name_search_reads_the_trigram_indexes(named):
    from conflicts.models import Force
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = Force.objects.named_like("Hizbollah").values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on force_name_upper_trgm" in plan, plan


def test_the_simple_fallback_needs_every_word(named):
    """SQLite (and the words of a name anywhere): every word of the query in the name or an alias."""
    from events.models import Place
    assert list(Place.objects.named_like("palm")) == [named["palmyra"]]
    assert named["isil"] in search("ISIL").forces


def test_a_search_finding_nothing_suggests_a_close_name(client):
    """"palmira" finds nothing on SQLite (PostgreSQL's trigrams find Palmyra): the closest name or alias of a
    force, person or place, as the name resolver folds and scores names, is offered instead."""
    place = make_place(name="Palmyra")
    soleimani = make_person(name="Qasem Soleimani")
    make_force(name="Hezbollah")
    make_event(text="Nothing here about the city of Palmyra.")
    results = search("palmira")
    if not results.count:  # SQLite; PostgreSQL finds Palmyra itself, and suggests nothing
        assert results.suggestion == "Palmyra"
        html = client.get("/search/?q=palmira").content.decode()
        assert 'Did you mean <a href="/search/?q=Palmyra">Palmyra</a>?' in html
    else:
        assert place in results.places and results.suggestion is None
    assert suggestion("palmira") == "Palmyra"
    assert suggestion("Kasem Suleimani") == soleimani.name
    assert suggestion("hizbollah") == "Hezbollah"
    PersonAlias.objects.create(person=soleimani, name="Haj Qasem", key="haj qasem")
    assert suggestion("Hajj Kasem") == "Haj Qasem"  # an alias


def test_no_suggestion_for_a_found_word_an_unknown_one_or_event_text(client):
    make_place(name="Palmyra")
    make_event(text="The army captured Tadmur.")
    assert search("Palmyra").suggestion is None  # found
    assert suggestion("zzzz") is None
    assert suggestion("Tadmor") is None  # event text is not a name
    assert suggestion("ab") is None  # too short to guess
    html = client.get("/search/?q=zzzz").content.decode()
    assert "0 results" in html and "Did you mean" not in html


def test_a_suggestion_is_bounded(django_assert_max_num_queries):
    make_place(name="Palmyra")
    with django_assert_max_num_queries(3):  # one per kind: force, person, place
        assert suggestion("palmira") == "Palmyra"

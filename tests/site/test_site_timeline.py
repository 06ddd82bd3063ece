"""The timeline's filters, and its CSV and JSON export of the same filter."""
import csv
import datetime
import io
import json

import pytest

from events.models import Event
from reader.export import COLUMNS
from tests.factories import make_conflict, make_event, make_force, make_participation, make_person, make_side
from tests.site.builders import EVIL, build_world

pytestmark = pytest.mark.django_db


def ids(response):
    return [e.pk for e in response.context["object_list"]]


def body(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.fixture
def world():
    return build_world(40)


def test_filters_narrow_the_timeline(client, world):
    other = build_world(10)
    assert client.get("/timeline/").context["paginator"].count == 50
    assert set(ids(client.get(f"/timeline/?offensive={other.conflict.slug}"))) == {e.pk for e in other.events}
    captures = client.get(f"/timeline/?offensive={world.conflict.slug}&kind=capture")
    assert set(ids(captures)) == {e.pk for e in world.events if e.kind == "capture"}
    person = world.people[3]
    assert set(ids(client.get(f"/timeline/?person={person.slug}"))) == set(
        person.events.values_list("pk", flat=True))
    by_alias = client.get(f"/timeline/?person=Nickname+{person.pk}")
    assert set(ids(by_alias)) == set(person.events.values_list("pk", flat=True))
    place = world.places[2]
    assert set(ids(client.get(f"/timeline/?place={place.slug}"))) == set(place.events.values_list("pk", flat=True))
    assert ids(client.get("/timeline/?q=Sentence+7+in+world")) != []


def test_date_range_overlaps_ranges(client):
    conflict = make_conflict()
    inside = make_event(conflict, date=datetime.date(2015, 10, 21), end_date=datetime.date(2015, 10, 22))
    make_event(conflict, date=datetime.date(2015, 10, 1))
    make_event(conflict, date=datetime.date(2015, 11, 1))
    assert ids(client.get("/timeline/?after=2015-10-22&before=2015-10-30")) == [inside.pk]


def test_force_filter_takes_units_and_side_filter_takes_participants(client):
    conflict = make_conflict()
    side_one, side_two = make_side(conflict), make_side(conflict)
    army = make_force(name="Army", slug="army")
    brigade = make_force(name="46th Brigade", parent=army)
    rebels = make_force(name="Rebels")
    make_participation(side_one, army)
    make_participation(side_two, rebels)
    by_brigade = make_event(conflict)
    by_brigade.forces.add(brigade)
    by_rebels = make_event(conflict)
    by_rebels.forces.add(rebels)
    assert ids(client.get("/timeline/?force=army")) == [by_brigade.pk]
    assert ids(client.get("/timeline/?force=Rebel")) == [by_rebels.pk]
    assert ids(client.get(f"/timeline/?side={side_two.pk}")) == [by_rebels.pk]


def test_filter_inputs_have_labels(client, world):
    html = client.get("/timeline/").content.decode()
    for name in ("after", "before", "offensive", "side", "force", "kind", "place", "person", "q"):
        assert f'<label for="id_{name}">' in html, name


def test_invalid_filter_shows_errors_not_a_crash(client, world):
    response = client.get("/timeline/?after=not-a-date")
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


def test_csv_export_has_stable_columns_and_applies_the_filter(client, world):
    response = client.get(f"/timeline/?format=csv&offensive={world.conflict.slug}&kind=airstrike")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body(response))))
    assert tuple(rows[0]) == COLUMNS == ("id", "offensive", "date", "end_date", "precision", "time_of_day", "kind",
                                         "section", "text", "places", "forces", "people", "source_url",
                                         # added at the end (attribution of the source's text)
                                         "source_title", "source_site", "source_canonical_url", "source_revision",
                                         "source_revision_url", "source_revision_time", "source_retrieved_at",
                                         "source_licence", "source_licence_url", "source_attribution",
                                         # added at the end (issue 17: sides, ACLED's actors, fatalities, event)
                                         "sides", "actor1", "actor2", "fatalities", "url",
                                         # added at the end (issue 17, maps: the first located place's)
                                         "latitude", "longitude")
    expected = [e for e in world.events if e.kind == "airstrike"]
    assert len(rows) - 1 == len(expected)
    first = dict(zip(COLUMNS, rows[1], strict=True))
    assert first["kind"] == "airstrike" and first["offensive"] == world.conflict.slug
    assert first["source_url"].startswith("http://testserver/sources/")
    assert first["places"] and first["people"]


def test_json_export_is_the_same_filter(client, world):
    response = client.get(f"/timeline/?format=json&person={world.people[0].slug}")
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(body(response))
    assert {row["id"] for row in data} == set(world.people[0].events.values_list("pk", flat=True))
    assert all(tuple(row) == COLUMNS for row in data)
    row = data[0]
    assert isinstance(row["places"], list) and world.people[0].name in row["people"]
    assert row["date"] == row["date"][:10] and row["precision"] in ("day", "month")


def test_export_is_not_paginated_and_keeps_text_as_data(client):
    world = build_world(120, evil=True)
    data = json.loads(body(client.get(f"/timeline/?format=json&offensive={world.conflict.slug}")))
    assert len(data) == 120
    assert EVIL in data[0]["text"]  # data, not HTML: not escaped in the export


def test_export_of_an_invalid_filter_is_a_400(client):
    assert client.get("/timeline/?format=csv&after=nonsense").status_code == 400


def test_empty_export(client):
    assert json.loads(body(client.get("/timeline/?format=json"))) == []
    assert body(client.get("/timeline/?format=csv")).strip() == ",".join(COLUMNS)


def test_person_without_events(client):
    person = make_person()
    assert client.get(person.get_absolute_url()).status_code == 200


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client):
    event = make_event(text='=HYPERLINK("http://example.com","click")')
    rows = list(csv.reader(io.StringIO(body(client.get("/timeline/?format=csv")))))
    assert dict(zip(COLUMNS, rows[1], strict=True))["text"] == "'" + event.text
    data = json.loads(body(client.get("/timeline/?format=json")))
    assert data[0]["text"] == event.text


def _export_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        content = body(response)
    return len(queries), content


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_queries_do_not_grow_with_the_rows(client, fmt):
    small, big = build_world(5), build_world(60)
    url = "/timeline/?format={}&offensive={}"
    n_small, _ = _export_queries(client, url.format(fmt, small.conflict.slug))
    n_big, content = _export_queries(client, url.format(fmt, big.conflict.slug))
    assert n_small == n_big
    assert content.count("Sentence ") == 60


def test_export_reads_one_chunk_at_a_time(client, monkeypatch):
    """A chunk costs one query for each of places, forces and people, and one for each kind of name
    not seen before in the export."""
    from reader import export
    world = build_world(25)
    monkeypatch.setattr(export, "CHUNK", 10)
    n_queries, content = _export_queries(client, f"/timeline/?format=json&offensive={world.conflict.slug}")
    data = json.loads(content)
    assert [row["id"] for row in data] == [e.pk for e in
                                           Event.objects.filter(conflict=world.conflict).for_timeline()]
    # the offensive's slug, the rows (read 10 at a time), and the links and new names of 3 chunks of 10, 10, 5
    assert 1 + 1 + 3 * 3 <= n_queries <= 1 + 1 + 3 * 6
    assert all(row["places"] and row["forces"] is not None for row in data)


# ------------------------------------------------- bounded filter form, autocomplete boxes (issue 16)

def test_the_filter_form_lists_no_offensives_or_sides(client):
    worlds = [build_world(5) for _ in range(3)]
    boxes = {"/timeline/": ("offensive", "side", "force", "place", "person"), "/commanders/": ("offensive", "side")}
    for url, names in boxes.items():
        html = client.get(url).content.decode()
        form = html.split('<form class="filters"', 1)[1].split("</form>", 1)[0]  # (the jump's months are not records)
        for world in worlds:
            assert f'<option value="{world.conflict.slug}"' not in form
            assert f'<option value="{world.sides[0].pk}"' not in form
        assert form.count("<option") <= len(Event.Kind.choices) + 1 + 10  # kinds (and fates, order), never records
        for name in names:
            assert f'data-autocomplete="{name}"' in html, name
        assert 'data-autocomplete-url="/autocomplete/"' in html
        assert '<script src="/static/js/autocomplete.js" defer></script>' in html


def test_the_boxes_take_names_without_javascript(client):
    """What a reader types (a name, part of one, an alias) narrows like the slug a link gives."""
    conflict = make_conflict(name="Palmyra offensive (March 2016)")
    other = make_conflict(name="Aleppo offensive")
    side_one, side_two = make_side(conflict), make_side(conflict)
    other_side = make_side(other)
    army, rebels = make_force(name="Syrian Army"), make_force(name="Rebels")
    make_participation(side_one, army)
    make_participation(side_two, rebels)
    make_participation(other_side, rebels)
    by_army = make_event(conflict)
    by_army.forces.add(army)
    by_rebels = make_event(conflict)
    by_rebels.forces.add(rebels)
    elsewhere = make_event(other)
    elsewhere.forces.add(rebels)
    assert set(ids(client.get("/timeline/?offensive=palmyra"))) == {by_army.pk, by_rebels.pk}
    assert set(ids(client.get(f"/timeline/?offensive={conflict.slug}"))) == {by_army.pk, by_rebels.pk}
    assert set(ids(client.get("/timeline/?side=Rebels"))) == {by_rebels.pk, elsewhere.pk}
    assert ids(client.get("/timeline/?offensive=Palmyra&side=Rebels")) == [by_rebels.pk]
    assert ids(client.get(f"/timeline/?side={side_one.pk}")) == [by_army.pk]
    assert ids(client.get("/timeline/?offensive=no+such+offensive")) == []
    data = json.loads(body(client.get("/timeline/?format=json&offensive=palmyra&side=army")))
    assert [row["id"] for row in data] == [by_army.pk]


def test_autocomplete_suggests_slugs_and_labels(client):
    conflict = make_conflict(name="Palmyra offensive (March 2016)")
    side = make_side(conflict)
    hezbollah = make_force(name="Hezbollah")
    make_participation(side, hezbollah)
    make_person(name="Qasem Soleimani", slug="qasem-soleimani")
    response = client.get("/autocomplete/", {"kind": "offensive", "q": "palm"})
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"results": [{"value": conflict.slug, "label": conflict.name}]}
    assert client.get("/autocomplete/", {"kind": "force", "q": "Hezb"}).json()["results"] == [
        {"value": hezbollah.slug, "label": "Hezbollah"}]
    assert client.get("/autocomplete/", {"kind": "person", "q": "Soleim"}).json()["results"][0]["value"] == (
        "qasem-soleimani")
    sides = client.get("/autocomplete/", {"kind": "side", "q": "Hezbollah"}).json()["results"]
    assert sides == [{"value": str(side.pk), "label": f"{conflict.name}: Hezbollah"}]
    assert client.get("/autocomplete/", {"kind": "place", "q": "x"}).json() == {"results": []}
    assert client.get("/autocomplete/", {"kind": "everything", "q": "Hezbollah"}).status_code == 400


def test_autocomplete_is_bounded_and_escapes_nothing_it_need_not(client):
    from reader.autocomplete import LIMIT
    for n in range(LIMIT + 5):
        make_force(name=f"Brigade {n} {EVIL}")
    results = client.get("/autocomplete/", {"kind": "force", "q": "Brigade"}).json()["results"]
    assert len(results) == LIMIT
    assert EVIL in results[0]["label"]  # JSON data: the script sets it as text, never as markup


def test_autocomplete_queries_do_not_grow(client, django_assert_max_num_queries):
    build_world(10)
    build_world(100)
    for kind in ("offensive", "side", "force", "person", "place"):
        with django_assert_max_num_queries(2):
            assert client.get("/autocomplete/", {"kind": kind, "q": "Offensive"}).status_code == 200


def test_pages_past_the_middle_are_read_from_the_end_and_agree(client):
    """Every page has the rows the plain order gives, whichever end it is read from (issue 16)."""
    world = build_world(130)
    expected = list(Event.objects.filter(conflict=world.conflict).for_timeline().values_list("pk", flat=True))
    seen = []
    for page in (1, 2, 3):
        seen += ids(client.get(f"/timeline/?offensive={world.conflict.slug}&page={page}"))
    assert seen == expected
    assert ids(client.get(f"/timeline/?offensive={world.conflict.slug}&page=last")) == expected[100:]


# ------------------------------------------- pages without large OFFSETs, jump, order, counts (issues 16, 17)

def timeline_ids(**filters):
    return list(Event.objects.filter(**filters).for_timeline().values_list("pk", flat=True))


@pytest.fixture
def crowded():
    """Two offensives, plus events that share a date and differ only further down the timeline key
    (precision, no end or an end, offensive, document order)."""
    worlds = [build_world(130), build_world(70)]
    day = datetime.date(2015, 10, 20)
    for conflict in (worlds[1].conflict, worlds[0].conflict):
        for precision, date in (("day", day), ("month", day.replace(day=1)), ("year", day.replace(month=1, day=1))):
            for end in (None, day + datetime.timedelta(days=2), day + datetime.timedelta(days=1)):
                for order in (3, 1, 1):
                    make_event(conflict, date=date, precision=precision, order=order,
                               end_date=end if precision == "day" else None)
    return worlds


def test_a_seek_from_any_event_gives_the_rest_of_the_timeline(crowded):
    expected = timeline_ids()
    keys = dict(zip(expected, Event.objects.for_timeline().values_list(*Event.objects.model.objects.none()
                                                                       .TIMELINE_KEY), strict=True))
    for i, pk in enumerate(expected):
        if i % 3 == 0 or i > 200:  # every kind of neighbour, not every one of the quieter days
            assert timeline_ids() == expected
            found = list(Event.objects.all().from_key(keys[pk]).for_timeline().values_list("pk", flat=True))
            assert found == expected[i:], i


@pytest.mark.parametrize("order", ["", "newest"])
@pytest.mark.parametrize("block", [25, 4])
def test_pages_cover_every_event_once_in_both_orders(client, crowded, monkeypatch, order, block):
    from django.db.models import Count

    from reader import timeline
    from reader.views import TimelineView
    monkeypatch.setattr(timeline, "BLOCK", block)  # deep pages are read from their day, at every skip
    monkeypatch.setattr(TimelineView, "paginate_by", 10)
    if block == 4:  # days with more events than a block: seeks from boundary keys within the day
        assert Event.objects.values("date").annotate(n=Count("pk")).filter(n__gt=3 * block).exists()
    expected = timeline_ids()
    if order:
        expected.reverse()
    first = client.get(f"/timeline/?order={order}")
    pages = first.context["paginator"].num_pages
    assert pages == -(-len(expected) // 10)
    seen = []
    for number in range(1, pages + 1):
        seen += ids(client.get(f"/timeline/?order={order}&page={number}"))
    assert seen == expected
    assert len(set(seen)) == Event.objects.count()


def test_pages_of_a_filter_seek_within_the_filter(client, crowded, monkeypatch):
    from reader import timeline
    from reader.views import TimelineView
    monkeypatch.setattr(timeline, "BLOCK", 20)
    monkeypatch.setattr(TimelineView, "paginate_by", 7)
    conflict = crowded[0].conflict
    expected = timeline_ids(conflict=conflict, kind="capture")
    seen = []
    for number in range(1, -(-len(expected) // 7) + 1):
        seen += ids(client.get(f"/timeline/?offensive={conflict.slug}&kind=capture&page={number}"))
    assert seen == expected


def test_deep_pages_make_as_many_queries_as_the_first(client, monkeypatch):
    """A page deep in a large filter (read from its day) costs what one in a small filter does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reader import timeline
    monkeypatch.setattr(timeline, "BLOCK", 50)
    small, large = build_world(200), build_world(600)

    def count(world, page):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/timeline/?offensive={world.conflict.slug}&page={page}")
        assert len(response.context["object_list"]) == 50
        return len(ctx)

    deep = count(small, 3)
    assert count(large, 3) == count(large, 6) == deep
    # near either end a small OFFSET from that end; deep pages find their day in the filter's profile, which
    # every page reads anyway (its count): no query more
    assert count(large, 12) == count(large, 1) == count(small, 1) == deep


def test_jump_to_a_month_or_year_lands_on_its_first_event(client, crowded, monkeypatch):
    from reader import timeline
    from reader.views import TimelineView
    monkeypatch.setattr(timeline, "BLOCK", 25)
    monkeypatch.setattr(TimelineView, "paginate_by", 10)
    expected = list(Event.objects.for_timeline())
    target = next(e for e in expected if e.date >= datetime.date(2015, 11, 1))
    response = client.get("/timeline/?year=2015&month=11")
    assert response.status_code == 302
    page = expected.index(target) // 10 + 1
    # the landing keeps the period beside the page (the jump form shows it chosen), and does not jump again
    assert response["Location"] == f"/timeline/?year=2015&month=11&page={page}#event-{target.pk}"
    landing = client.get(response["Location"])
    assert landing.status_code == 200 and target.pk in ids(landing)
    form = landing.content.decode().split('<form class="jump"', 1)[1].split("</form>", 1)[0]
    assert '<option value="2015" selected>2015</option>' in form
    assert '<option value="11" selected>November</option>' in form
    assert 'name="year" value' not in form and 'name="month" value' not in form  # not kept twice
    # the page's other links leave the period out (a count's link would jump again)
    links = landing.content.decode().split('<div class="timeline-tools">', 1)[1]
    assert "year=" not in links.split('<form class="jump"', 1)[0]
    assert "month=" not in landing.content.decode().split('class="pagination"', 1)[1]

    # newest first: the month's last event
    last = [e for e in expected if e.date <= datetime.date(2015, 11, 30)][-1]
    response = client.get("/timeline/?order=newest&year=2015&month=11")
    newest = expected[::-1]
    assert response["Location"] == (f"/timeline/?order=newest&year=2015&month=11&page={newest.index(last) // 10 + 1}"
                                    f"#event-{last.pk}")

    # the filters are kept; a year after every event gives the last page
    conflict = crowded[1].conflict
    response = client.get(f"/timeline/?offensive={conflict.slug}&year=2030")
    n = Event.objects.filter(conflict=conflict).count()
    assert response["Location"] == f"/timeline/?offensive={conflict.slug}&year=2030&page={-(-n // 10)}"
    form = client.get(response["Location"]).content.decode().split('<form class="jump"', 1)[1]
    assert '<option value="">Any month</option>' in form and " selected>" not in form.split('id="jump-month"')[1]
    assert client.get("/timeline/?year=2015").status_code == 302
    assert client.get("/timeline/?year=nonsense").status_code == 200


def test_the_jump_form_keeps_the_filters(client, crowded):
    conflict = crowded[0].conflict
    html = client.get(f"/timeline/?offensive={conflict.slug}&kind=capture&order=newest&page=2").content.decode()
    form = html.split('<form class="jump"', 1)[1].split("</form>", 1)[0]
    assert f'<input type="hidden" name="offensive" value="{conflict.slug}">' in form
    assert '<input type="hidden" name="order" value="newest">' in form
    assert 'name="page"' not in form
    assert '<option value="2015" selected>2015</option>' in form  # the year of the page's first event
    assert '<option value="11">November</option>' in form


def test_page_numbers_near_the_current_page(client, monkeypatch):
    from reader.views import TimelineView
    monkeypatch.setattr(TimelineView, "paginate_by", 5)
    build_world(100)
    html = client.get("/timeline/?page=10").content.decode()
    nav = html.split('<nav class="pagination"', 1)[1].split("</nav>", 1)[0]
    for number in (1, 8, 9, 11, 12, 20):
        assert f'href="?page={number}"><span class="visually-hidden">Page </span>{number}</a>' in nav, number
    assert 'aria-current="page" href="?page=10"' in nav
    assert 'href="?page=5"' not in nav and nav.count("…") == 2
    assert 'rel="prev" href="?page=9"' in nav and 'rel="next" href="?page=11"' in nav
    assert client.get("/timeline/?page=999").status_code == 200  # the last page, not a 404


def test_month_and_year_events_overlap_the_date_filter(client):
    conflict = make_conflict()
    month = make_event(conflict, date=datetime.date(2015, 10, 1), precision="month")
    year = make_event(conflict, date=datetime.date(2015, 1, 1), precision="year")
    day = make_event(conflict, date=datetime.date(2015, 10, 21))
    ranged = make_event(conflict, date=datetime.date(2015, 9, 28), end_date=datetime.date(2015, 10, 2))
    later_month = make_event(conflict, date=datetime.date(2015, 11, 1), precision="month")
    assert month.period_end == datetime.date(2015, 10, 31) and year.period_end == datetime.date(2015, 12, 31)
    assert set(ids(client.get("/timeline/?after=2015-10-20&before=2015-10-25"))) == {month.pk, year.pk, day.pk}
    assert set(ids(client.get("/timeline/?after=2015-10-02&before=2015-10-02"))) == {month.pk, year.pk, ranged.pk}
    assert set(ids(client.get("/timeline/?after=2015-12-31"))) == {year.pk}
    assert set(ids(client.get("/timeline/?before=2015-09-30"))) == {year.pk, ranged.pk}
    assert set(ids(client.get("/timeline/?after=2015-11-30&before=2016-01-05"))) == {year.pk, later_month.pk}
    assert ids(client.get("/timeline/?after=2016-01-01")) == []


def test_counts_per_kind_and_side_for_the_filters(client):
    conflict = make_conflict(name="Aleppo offensive")
    side_one, side_two = make_side(conflict), make_side(conflict)
    army, rebels, bystanders = make_force(name="Syrian Army"), make_force(name="Rebels"), make_force(name="UN")
    make_participation(side_one, army)
    make_participation(side_two, rebels)
    both = make_event(conflict, kind="capture")
    both.forces.add(army, rebels)
    make_event(conflict, kind="capture").forces.add(army)
    make_event(conflict, kind="airstrike").forces.add(bystanders)
    make_event(conflict, kind="airstrike")
    make_event(make_conflict(), kind="attack")  # another offensive
    counts = client.get(f"/timeline/?offensive={conflict.slug}").context["counts"]
    assert counts.kinds == [("airstrike", "airstrike", 2), ("capture", "capture", 2)]
    assert [(side, n) for side, _, n in counts.sides] == [(side_one.pk, 2), (side_two.pk, 1)]
    assert counts.sides[0][1] == "Syrian Army"  # one offensive: its name goes without saying
    other_side = make_side(make_conflict(name="Palmyra offensive"))
    make_participation(other_side, army)
    make_event(other_side.conflict).forces.add(army)
    assert [label for _, label, _ in client.get("/timeline/?force=Syrian+Army").context["counts"].sides] == [
        "Aleppo offensive: Syrian Army", "Aleppo offensive: Rebels", "Palmyra offensive: Syrian Army"]
    assert counts.no_side == 2 and not counts.more_sides
    html = client.get(f"/timeline/?offensive={conflict.slug}&kind=capture").content.decode()
    link = f'href="?offensive={conflict.slug}&amp;kind=capture&amp;side={side_two.pk}">Rebels</a>'
    assert link in html
    assert 'naming no side <span class="n">0</span>' in html


def test_title_and_heading_state_the_filters(client):
    conflict = make_conflict(name="Aleppo offensive", slug="aleppo-offensive")
    make_side(conflict)
    make_event(conflict, date=datetime.date(2016, 5, 2))
    place = Event.objects.model._meta.get_field("places").related_model.objects.create(name="Khan Tuman",
                                                                                        slug="khan-tuman")
    cases = {
        "?offensive=aleppo&kind=capture&after=2016-01-01&before=2016-12-31": "Aleppo offensive, captures, 2016",
        "?after=2016-05-01&before=2016-05-31&kind=casualties": "casualty reports, May 2016",
        "?after=2016-05-02&before=2016-05-09": "2–9 May 2016",
        "?after=2016-05-02": "from 2 May 2016",
        f"?place={place.slug}&q=shelled": "Khan Tuman, “shelled”",
        "?offensive=nothing+like+it": "“nothing like it”",
    }
    for query, words in cases.items():
        html = client.get(f"/timeline/{query}").content.decode()
        assert f"<title>Timeline: {words} · Conflict encyclopedia</title>" in html, query
        assert f"<h1>Timeline: {words}</h1>" in html, query
    html = client.get("/timeline/").content.decode()
    assert "<title>Timeline · Conflict encyclopedia</title>" in html and "<h1>Timeline</h1>" in html


@pytest.mark.parametrize("order", ["", "newest"])
def test_pages_of_a_date_filter_start_with_the_periods_that_overlap_it(client, crowded, monkeypatch, order):
    """With a first day, the events that began before it and overlap it (a month, a year, a range) come
    first, then those from that day on: read as two runs, every event once, in the timeline's order."""
    from reader import timeline
    from reader.views import TimelineView
    monkeypatch.setattr(timeline, "BLOCK", 15)
    monkeypatch.setattr(TimelineView, "paginate_by", 6)
    since = datetime.date(2015, 10, 21)
    expected = list(Event.objects.between(after=since).for_timeline().values_list("pk", flat=True))
    overlapping = set(Event.objects.filter(date__lt=since, period_end__gte=since).values_list("pk", flat=True))
    assert len(overlapping) > 15  # more than a block: the first run is read in pages too
    assert set(expected[:len(overlapping)]) == overlapping
    if order:
        expected.reverse()
    seen = []
    for number in range(1, -(-len(expected) // 6) + 1):
        seen += ids(client.get(f"/timeline/?after={since}&order={order}&page={number}"))
    assert seen == expected
    first = client.get(f"/timeline/?after={since}&order={order}")
    assert first.context["paginator"].count == len(expected)


def test_sides_are_counted_for_a_bounded_number_of_events(client, monkeypatch):
    from reader import timeline
    world = build_world(20)
    monkeypatch.setattr(timeline, "SIDE_COUNTS_UP_TO", 10)
    response = client.get("/timeline/")
    counts = response.context["counts"]
    assert not counts.sides_counted and counts.sides == [] and counts.no_side is None
    assert sum(n for _, _, n in counts.kinds) == 20
    assert "Events are counted by side for at most 10 events" in response.content.decode()
    counts = client.get(f"/timeline/?offensive={world.conflict.slug}&kind=capture").context["counts"]
    assert counts.sides_counted and counts.sides

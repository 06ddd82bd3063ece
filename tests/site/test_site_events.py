"""Citable events (issue 17, point 2): ``/events/<id>/`` and the export's event, side, actor and
fatality columns."""
import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from reader.export import COLUMNS
from tests.factories import (
    make_conflict,
    make_event,
    make_force,
    make_participation,
    make_person,
    make_place,
    make_side,
    make_source,
)
from tests.site.builders import build_world

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.fixture
def battle():
    """An offensive with two sides, a document with a sentence and its place spans, and the event."""
    text = ("= Battle =\n\nThe offensive began in October.\nOn 5 May 2016, the Army and Rebel Group fought at "
            "Khan Tuman; 14 were killed.\nThe next day the Army withdrew.\n")
    source = make_source(text=text, url="https://en.wikipedia.org/wiki/Battle", site="Wikipedia",
                         licence="CC BY-SA 4.0")
    conflict = make_conflict(name="Battle of Somewhere", slug="battle-of-somewhere")
    army, rebels, bystander = make_force(name="Army"), make_force(name="Rebel Group"), make_force(name="Press")
    side1, side2 = make_side(conflict, number=1), make_side(conflict, number=2, label="The rebels")
    make_participation(side1, army, role="belligerent")
    make_participation(side2, rebels, role="unit")
    sentence = "On 5 May 2016, the Army and Rebel Group fought at Khan Tuman; 14 were killed."
    start = text.index(sentence)
    place = make_place(name="Khan Tuman")
    event = make_event(conflict, places=[place], text=sentence, date=datetime.date(2016, 5, 5), kind="attack",
                       casualties=14, source=source, span_start=start, span_end=start + len(sentence),
                       citations=["3"])
    link = event.place_links.get()
    link.source, link.span_start = source, text.index("Khan Tuman")
    link.span_end = link.span_start + len("Khan Tuman")
    link.save()
    event.forces.add(army, rebels, bystander)
    event.people.add(make_person(name="Some Commander"))
    return event


def test_the_event_page_shows_the_event_and_how_to_cite_it(client, battle):
    assert battle.get_absolute_url() == f"/events/{battle.pk}/" == reverse("events:detail", args=[battle.pk])
    response = client.get(battle.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1 id=\"event-title\">Attack, 5 May 2016</h1>" in html
    assert battle.text in html
    assert 'href="/offensives/battle-of-somewhere/"' in html
    # both sides, each with the named forces it lists; a force on no side is still listed among the forces
    assert "#side-1\">Army</a> <span class=\"muted\">(named: Army)" in html
    assert "#side-2\">The rebels</a> <span class=\"muted\">(named: Rebel Group)" in html
    assert ">Press</a>" in html and ">Some Commander</a>" in html and ">Khan Tuman</a>" in html
    assert "14 killed" in html
    # the sentence in its passage, marked as on the source page, with the place inside it
    assert f'<mark id="span-{battle.span_start}-{battle.span_end}">' in html
    assert "The offensive began in October." in html and "The next day the Army withdrew." in html
    assert f'href="/sources/{battle.source_id}/#span-{battle.span_start}-{battle.span_end}"' in html
    assert "licensed" in html and "CC BY-SA 4.0" in html  # the source's attribution
    # cite this: the absolute URL, the title and today's date
    assert f"http://testserver/events/{battle.pk}/" in html
    assert timezone.localdate().strftime("%Y-%m-%d") in html


def test_a_month_precise_event_keeps_its_precision(client):
    event = make_event(date=datetime.date(2015, 12, 1), precision="month", kind="capture")
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Capture, December 2015" in html
    assert "1 December 2015" not in html
    assert "not stated" in html  # casualties


def test_an_unknown_event_is_a_404(client):
    assert client.get("/events/999999/").status_code == 404


def test_previous_and_next_follow_the_timeline_order_within_the_offensive(client):
    conflict = make_conflict()
    other = make_event(date=datetime.date(2016, 5, 2))  # another offensive: never a neighbour
    day = datetime.date(2016, 5, 2)
    month = make_event(conflict, date=datetime.date(2016, 5, 1), precision="month", order=9)
    first = make_event(conflict, date=datetime.date(2016, 5, 1), order=1)  # "May 2016" comes before 1 May
    ranged = make_event(conflict, date=day, end_date=datetime.date(2016, 5, 4), order=0)
    a = make_event(conflict, date=day, order=3)
    b = make_event(conflict, date=day, order=3)  # same order: by id
    c = make_event(conflict, date=day, order=4)
    last = make_event(conflict, date=datetime.date(2016, 6, 1), order=0)
    expected = [e.pk for e in Event.objects.filter(conflict=conflict).for_timeline()]
    assert expected == [month.pk, first.pk, a.pk, b.pk, c.pk, ranged.pk, last.pk]
    walked, response = [], client.get(month.get_absolute_url())
    assert response.context["previous"] is None
    while True:
        walked.append(response.context["object"].pk)
        following = response.context["next"]
        if following is None:
            break
        response = client.get(following.get_absolute_url())
        assert response.context["previous"].pk == walked[-1]
    assert walked == expected and other.pk not in walked


def test_every_timeline_entry_links_to_its_event_page(client):
    world = build_world(20)
    for url in ("/timeline/", world.conflict.get_absolute_url(), world.force.get_absolute_url(),
                world.place.get_absolute_url(), world.person.get_absolute_url()):
        response = client.get(url)
        html = response.content.decode()
        for event in response.context["page_obj"].object_list:
            assert f'class="event-page-link" href="/events/{event.pk}/"' in html, url


def test_the_source_page_links_its_sentences_to_their_event_pages(client, battle):
    html = client.get(battle.source.get_absolute_url()).content.decode()
    assert f'href="/events/{battle.pk}/"' in html


# ------------------------------------------------------------------------------ exports (issue 17, 2 and 4)

def test_exports_carry_sides_actors_fatalities_and_the_event_url(client, battle):
    rows = list(csv.reader(io.StringIO(body(client.get("/timeline/?format=csv")))))
    assert tuple(rows[0]) == COLUMNS
    assert COLUMNS[-7:-2] == ("sides", "actor1", "actor2", "fatalities", "url")
    row = dict(zip(COLUMNS, rows[1], strict=True))
    assert row["sides"] == "1: Army; 2: The rebels"
    assert (row["actor1"], row["actor2"]) == ("Army", "Rebel Group")
    assert row["fatalities"] == "14"
    assert row["url"] == f"http://testserver/events/{battle.pk}/"
    assert row["source_licence"] == "CC BY-SA 4.0"  # the attribution columns stay where they were
    data = json.loads(body(client.get("/timeline/?format=json")))
    assert tuple(data[0]) == COLUMNS
    assert data[0]["sides"] == ["1: Army", "2: The rebels"]
    assert (data[0]["actor1"], data[0]["actor2"], data[0]["fatalities"]) == (["Army"], ["Rebel Group"], 14)
    assert data[0]["url"] == f"http://testserver/events/{battle.pk}/"


def test_an_event_naming_no_side_has_empty_actor_columns(client):
    event = make_event()
    event.forces.add(make_force())
    data = json.loads(body(client.get("/timeline/?format=json")))
    assert (data[0]["sides"], data[0]["actor1"], data[0]["actor2"], data[0]["fatalities"]) == ([], [], [], None)
    row = dict(zip(COLUMNS, list(csv.reader(io.StringIO(body(client.get("/timeline/?format=csv")))))[1],
                   strict=True))
    assert (row["sides"], row["actor1"], row["actor2"], row["fatalities"]) == ("", "", "", "")


def test_actor_and_side_names_cannot_run_as_formulas(client):
    side = make_side(label="=cmd|' /C calc'!A0")
    force = make_force(name="@SUM(1+1)")
    make_participation(side, force)
    event = make_event(side.conflict)
    event.forces.add(force)
    row = dict(zip(COLUMNS, list(csv.reader(io.StringIO(body(client.get("/timeline/?format=csv")))))[1],
                   strict=True))
    assert row["actor1"] == "'@SUM(1+1)"
    assert row["sides"] == "1: =cmd|' /C calc'!A0"  # a cell that starts with the side's number runs nothing
    assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values())


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_queries_stay_constant_across_offensives(client, fmt):
    """The sides are read per chunk for the offensives it meets first, not per event or per offensive."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            content = body(client.get(f"/timeline/?format={fmt}"))
        return len(ctx), content

    build_world(5)
    small, _ = count()
    for _ in range(3):
        build_world(20)
    large, content = count()
    assert small == large
    assert content.count("/events/") == 65

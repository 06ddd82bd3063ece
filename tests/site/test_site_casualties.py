"""Issue 17, item 4: casualties and key moments on an offensive's page.

The infobox's "Casualties and losses" per side (``Conflict.extra``), the events' death tolls summed for
the offensive and per side with low and high where documents disagree, and the key moments (launch,
captures and recaptures of places, end), each linked to its event.
"""
import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType

from events.models import Event
from reader.casualties import event_casualties, infobox_casualties
from reader.moments import CAPTURES_SHOWN, key_moments
from sources.models import Claim
from tests.factories import (
    make_conflict,
    make_event,
    make_force,
    make_participation,
    make_place,
    make_side,
    make_source,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def claim(document, record, **values):
    return Claim.objects.create(document=document, content_type=ContentType.objects.get_for_model(record),
                                object_id=record.pk, key=f"k{record.pk}", values=values)


@pytest.fixture
def offensive():
    """Two sides with a force each; events with death tolls: one naming side 1, one naming both, one
    naming no side, one stated differently by two documents."""
    first, second = make_source(), make_source()
    conflict = make_conflict(name="Battle of Testville", start_date=D(2016, 5, 1), end_date=D(2016, 6, 1),
                             source=first, extra={"casualties1": "566 killed, 2,713 wounded",
                                                  "casualties2": "35,000 killed or captured",
                                                  "casualties3": "120 civilians killed"})
    claim(first, conflict, extra=conflict.extra)
    claim(second, conflict, extra={"casualties1": "600 killed", "casualties2": "35,000 killed or captured"})
    army, rebels = make_force(name="Testland Army"), make_force(name="Free Rebels")
    sides = [make_side(conflict, number=1), make_side(conflict, number=2)]
    make_participation(sides[0], army, role="belligerent")
    make_participation(sides[1], rebels, role="belligerent")
    events = {
        "army": make_event(conflict, casualties=10, kind="attack", date=D(2016, 5, 3), source=first),
        "both": make_event(conflict, casualties=20, kind="attack", date=D(2016, 5, 4), source=first),
        "none": make_event(conflict, casualties=5, kind="airstrike", date=D(2016, 5, 5), source=first),
        "disputed": make_event(conflict, casualties=30, kind="casualties", date=D(2016, 5, 6), source=second),
        "no figure": make_event(conflict, kind="attack", date=D(2016, 5, 7)),
    }
    events["army"].forces.add(army)
    events["both"].forces.add(army, rebels)
    events["disputed"].forces.add(rebels)
    claim(first, events["disputed"], casualties=25)
    claim(second, events["disputed"], casualties=30)
    claim(make_source(), events["disputed"], casualties=45)
    return conflict, sides, events


def test_event_figures_summed_per_offensive_and_side_with_low_and_high(offensive):
    conflict, sides, _ = offensive
    result = event_casualties(conflict, sides)
    by_label = {t.label: t for t in result.tallies}
    total = result.total
    assert (total.total, total.low, total.high, total.events) == (65, 60, 80, 4)
    assert total.disputed
    army = by_label["Testland Army"]
    assert (army.total, army.low, army.high, army.events, army.side) == (30, 30, 30, 2, 1)
    assert not army.disputed
    rebels = by_label["Free Rebels"]  # the event naming both sides counts for both
    assert (rebels.total, rebels.low, rebels.high, rebels.events) == (50, 45, 65, 2)
    nobody = by_label["Events naming no side's force"]
    assert (nobody.total, nobody.events) == (5, 1)
    disputed = [e for e in result.figures if e.casualties == 30][0]
    assert (disputed.low, disputed.high) == (25, 45)
    assert result.more == 0
    assert len(result.documents) == 3


def test_an_offensive_without_figures_has_no_tallies(offensive):
    conflict = make_conflict()
    make_event(conflict)
    assert event_casualties(conflict, []).total is None


def test_infobox_casualties_per_side_with_other_documents_values(offensive):
    conflict, _, _ = offensive
    conflict = type(conflict).objects.for_detail().get(pk=conflict.pk)
    entries = infobox_casualties(conflict)
    assert entries[1].text == "566 killed, 2,713 wounded"
    assert [text for text, _ in entries[1].others] == ["600 killed"]
    assert entries[2].others == []   # the other document agrees
    assert entries[3].text == "120 civilians killed"


def test_offensive_page_shows_infobox_casualties_sums_and_figures(client, offensive):
    conflict, _, events = offensive
    html = client.get(conflict.get_absolute_url()).content.decode()
    infobox = html[html.index('<aside class="infobox"'):html.index("</aside>")]
    assert "Casualties and losses" in infobox
    assert "566 killed, 2,713 wounded" in infobox and "600 killed" in infobox
    assert "35,000 killed or captured" in infobox
    assert "120 civilians killed" in infobox          # the column past the sides
    section = html[html.index('id="casualties"'):]
    section = section[:section.index("</section>")]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    assert "All events 65 60–80 4" in text
    assert "Testland Army 30 — 2" in text
    assert "Free Rebels 50 45–65 2" in text
    assert "(sources: 25–45)" in text
    assert events["disputed"].get_absolute_url().replace("&", "&amp;") in section


def test_offensive_page_without_casualties_says_nothing_of_them(client):
    conflict = make_conflict()
    make_event(conflict)
    html = client.get(conflict.get_absolute_url()).content.decode()
    assert 'id="casualties"' not in html and "Casualties and losses" not in html


def test_key_moments_launch_captures_recaptures_and_end(client):
    conflict = make_conflict(start_date=D(2016, 5, 1), end_date=D(2016, 6, 1))
    town, hill, city = make_place(name="Townville"), make_place(name="Hill 5"), make_place(name="Big City")
    make_event(conflict, text="Background: the town fell in 2015.", kind="capture", date=D(2015, 1, 1),
               background=True, places=[town])
    launch = make_event(conflict, text="On 1 May, the army launched the offensive.", kind="attack", date=D(2016, 5, 1))
    taken = make_event(conflict, text="Near Big City, the army captured Townville.", kind="capture",
                       date=D(2016, 5, 3), places=[city, town])
    make_event(conflict, text="The army captured Townville again.", kind="capture", date=D(2016, 5, 4),
               places=[town])
    retaken = make_event(conflict, text="The rebels recaptured Townville.", kind="recapture", date=D(2016, 5, 6),
                         places=[town])
    hill_taken = make_event(conflict, text="The army seized Hill 5.", kind="capture", date=D(2016, 5, 9),
                            places=[hill])
    end = make_event(conflict, text="On 1 June, the offensive ended.", kind="announcement", date=D(2016, 6, 1))
    make_event(conflict, text="Aftermath: the army captured Hill 5.", kind="capture", date=D(2016, 7, 1),
               places=[hill])
    moments = key_moments(conflict)
    assert [(m.label, m.event.pk) for m in moments] == [
        ("Launch", launch.pk), ("Capture of Townville", taken.pk), ("Recapture of Townville", retaken.pk),
        ("Capture of Hill 5", hill_taken.pk), ("End", end.pk)]
    html = client.get(conflict.get_absolute_url()).content.decode()
    section = html[html.index('id="key-moments"'):]
    section = section[:section.index("</section>")]
    for moment in moments:
        assert f'href="{moment.event.get_absolute_url()}"'.replace("&", "&amp;") in section
    assert "Capture of Townville" in section and ">End<" in section


def test_key_moments_are_bounded_and_spread(client):
    conflict = make_conflict(start_date=D(2016, 1, 1), end_date=None)
    places = [make_place(name=f"Village {i}") for i in range(30)]
    for i, place in enumerate(places):
        make_event(conflict, text=f"The army captured {place.name}.", kind="capture",
                   date=D(2016, 1, 1) + datetime.timedelta(days=i + 1), places=[place])
    moments = key_moments(conflict)
    captures = [m for m in moments if m.kind == "capture"]
    assert len(captures) == CAPTURES_SHOWN
    assert moments[0].kind == "launch" and moments[0].event.text == "The army captured Village 0."
    assert captures[0].label == "Capture of Village 1" and captures[-1].label == "Capture of Village 29"
    assert "end" not in [m.kind for m in moments]  # no stated end
    assert Event.objects.filter(conflict=conflict).count() == 30

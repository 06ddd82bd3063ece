"""What each page shows, and that markup in the data is shown as text everywhere."""
import datetime

import pytest
from django.utils.html import escape

from conflicts.models import Side
from tests.factories import (
    make_conflict,
    make_event,
    make_force,
    make_participation,
    make_person,
    make_place,
    make_role,
    make_side,
    make_source,
)
from tests.site.builders import EVIL, build_world, without_site_scripts

pytestmark = pytest.mark.django_db

ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def pages(world):
    return {
        "home": "/",
        "offensive": world.conflict.get_absolute_url(),
        "parent conflict": world.parent.get_absolute_url(),
        "timeline": "/timeline/",
        "commanders": "/commanders/",
        "commander": world.person.get_absolute_url(),
        "force": world.force.get_absolute_url(),
        "unit": world.forces[1].get_absolute_url(),
        "place": world.place.get_absolute_url(),
        "source": world.source.get_absolute_url(),
        "search": "/search/?q=script",
        "search for a name": "/search/?q=Person",
        "event": world.events[3].get_absolute_url(),
    }


def test_markup_in_data_is_text_on_every_page(client):
    world = build_world(20, evil=True)
    for name, url in pages(world).items():
        html = client.get(url).content.decode()
        assert EVIL not in html, name
        assert "<script" not in without_site_scripts(html), name
        assert ESCAPED in html, name


def test_markup_in_aliases_is_text(client):
    world = build_world(10, evil=True)
    for url in ("/commanders/", world.person.get_absolute_url(), world.force.get_absolute_url(),
                world.place.get_absolute_url(), "/commanders/?q=Nickname"):
        html = client.get(url).content.decode()
        assert "Nickname" in html or "Alias of unit" in html or "Other name" in html, url
        assert "<script" not in without_site_scripts(html), url


def test_offensive_page_infobox(client):
    world = build_world(20)
    html = client.get(world.conflict.get_absolute_url()).content.decode()
    assert f'<a href="{world.parent.get_absolute_url()}">{world.parent.name}</a>' in html  # part of
    assert '<time datetime="2015-10-16">16 October – 15 December 2015</time>' in html  # period
    assert "Aleppo Governorate" in html and "Government victory" in html and "Claim one" in html
    assert "(since 23 Oct.)" in html  # qualifier note
    assert "Maj. Gen." in html and "Supreme commander" in html
    assert "killed in action" in html
    assert "2,000 fighters" in html
    assert world.conflict.summary in html
    assert '<svg class="chart chart-wide"' in html and "<table class=\"chart-table\">" in html
    assert f'href="{world.roles[0].source_url()}"' in html  # infobox values link to their source


def test_unit_tree_follows_parents_listed_for_the_side(client):
    side = make_side()
    army = make_force(name="Syrian Army")
    division = make_force(name="4th Mechanized Division", parent=army)
    brigade = make_force(name="46th Brigade", parent=division)
    other = make_force(name="Unlisted parent")
    loose = make_force(name="Loose unit", parent=other)
    for i, force in enumerate([army, division, brigade, loose]):
        make_participation(side, force, role="unit", order=i)
    response = client.get(side.conflict.get_absolute_url())
    (box,) = response.context["sides"]
    assert [n.force.name for n in box.units] == ["Syrian Army", "Loose unit"]
    assert [n.force.name for n in box.units[0].children] == ["4th Mechanized Division"]
    assert [n.force.name for n in box.units[0].children[0].children] == ["46th Brigade"]


def test_unit_tree_survives_a_parent_cycle(client):
    side = make_side()
    a, b = make_force(name="A"), make_force(name="B")
    a.parent = b
    a.save()
    b.parent = a
    b.save()
    make_participation(side, a, role="unit")
    make_participation(side, b, role="unit")
    response = client.get(side.conflict.get_absolute_url())
    assert sorted(n.force.name for n in response.context["sides"][0].units) == ["A", "B"]


def test_chart_colours_events_by_the_side_of_the_forces_they_name(client):
    conflict = make_conflict(start_date=datetime.date(2016, 5, 1), end_date=datetime.date(2016, 5, 10))
    one, two = make_side(conflict), make_side(conflict)
    f1, f2 = make_force(), make_force()
    make_participation(one, f1)
    make_participation(two, f2)
    make_event(conflict, date=datetime.date(2016, 5, 2)).forces.add(f1)
    make_event(conflict, date=datetime.date(2016, 5, 2)).forces.add(f1, f2)
    make_event(conflict, date=datetime.date(2016, 5, 3))
    make_event(conflict, date=datetime.date(2016, 7, 3))  # aftermath: outside the chart
    make_event(conflict, date=datetime.date(2016, 5, 1), precision="month")  # not day-precise
    chart = client.get(conflict.get_absolute_url()).context["chart"]
    assert [(row.date.day, row.counts) for row in chart.rows] == [
        (2, {"side-1": 1, "several": 1}), (3, {"none": 1})]
    assert chart.outside == 1
    assert [s.key for s in chart.series] == ["side-1", "several", "none"]
    assert chart.svg.count("<rect") - chart.svg.count('class="hit"') == 3
    assert "<title>2 May 2016: 2 events (1 Force " in chart.svg


def test_chart_bars_link_to_their_day_and_the_figures_are_readable(client):
    """Issue 17 (5): ticks and axis titles, each day a link to its events, figures without a mouse, a
    drawing for phones, and how many events name no side."""
    import re

    from reader.charts import value_ticks
    conflict = make_conflict(start_date=datetime.date(2016, 5, 1), end_date=datetime.date(2016, 5, 10))
    side = make_side(conflict)
    force = make_force()
    make_participation(side, force)
    for _ in range(7):
        make_event(conflict, date=datetime.date(2016, 5, 4)).forces.add(force)
    make_event(conflict, date=datetime.date(2016, 5, 6))
    make_event(conflict, date=datetime.date(2016, 5, 6))
    response = client.get(conflict.get_absolute_url())
    chart, html = response.context["chart"], response.content.decode()
    assert value_ticks(7) == [0, 2, 4, 6, 8] and value_ticks(57) == [0, 20, 40, 60]
    for svg in (chart.svg, chart.svg_narrow):
        ticks = re.findall(r'dominant-baseline="middle">(\d+)</text>', svg)
        assert ticks == ["0", "2", "4", "6", "8"]
        assert svg.count('class="axis-title"') == 2 and ">Events per day</text>" in svg
        links = re.findall(r'<a href="([^"]+)" tabindex="-1" class="bar">', svg)
        assert links == ["?after=2016-05-04&amp;before=2016-05-04#timeline",
                         "?after=2016-05-06&amp;before=2016-05-06#timeline"]
        assert '<text x="' in svg and 'class="label figure" text-anchor="middle">7</text>' in svg
    assert 'class="chart chart-narrow" viewBox="0 0 360 ' in html
    assert chart.no_side == 2
    assert "2 of 9 events name no force of any side (grey)." in html
    assert [row.date.day for row in chart.busiest] == [4, 6]
    busiest = html.split('<p class="busiest">', 1)[1].split("</p>", 1)[0]
    assert '<a href="?after=2016-05-04&amp;before=2016-05-04#timeline">4 May 2016</a> (7)' in busiest
    # a bar's link shows that day's events on the offensive's timeline
    day = client.get(conflict.get_absolute_url() + "?after=2016-05-06&before=2016-05-06")
    assert {e.date for e in day.context["page_obj"].object_list} == {datetime.date(2016, 5, 6)}
    assert len(day.context["page_obj"].object_list) == 2


def test_offensive_without_events_has_no_chart(client):
    side = make_side()
    html = client.get(side.conflict.get_absolute_url()).content.decode()
    assert "<svg" not in html and "No events" in html


def test_timeline_groups_by_date_as_written(client):
    conflict = make_conflict()
    make_side(conflict)
    make_event(conflict, date=datetime.date(2015, 12, 1), precision="month", text="Sometime in December.")
    make_event(conflict, date=datetime.date(2015, 12, 1), text="On the first.")
    make_event(conflict, date=datetime.date(2015, 10, 21), end_date=datetime.date(2015, 10, 22), text="Range.")
    html = client.get("/timeline/").content.decode()
    assert html.index("21–22 October 2015") < html.index(">December 2015<") < html.index("1 December 2015")
    assert "1 December 2015" in html and ">December 2015</time>" in html


def test_commander_page(client):
    world = build_world(20)
    person = world.people[1]  # killed
    html = client.get(person.get_absolute_url()).content.decode()
    assert "killed in action" in html
    assert world.conflict.name in html
    assert f"Nickname {person.pk}" in html
    assert world.source.get_absolute_url() in html  # sources
    assert 'id="event-' in html  # events naming the person
    assert f'href="{world.events[1].source_url()}"' in html  # event source link


def test_force_page(client):
    world = build_world(20)
    top = world.force
    html = client.get(top.get_absolute_url()).content.decode()
    assert world.forces[1].name in html  # child unit
    # each side named by its label or belligerents (Side.display_name), as a commander's page names it
    side = Side.objects.get(pk=world.sides[0].pk)
    assert f'belligerent on the side of <a href="{world.conflict.get_absolute_url()}#side-1">' in html
    assert f">{escape(side.display_name)}</a>" in html and "(since 23 Oct.)" in html
    assert "unit on the side of" in html and "on side 1" not in html
    assert world.people[0].name in html  # commander whose role names it
    unit_html = client.get(world.forces[1].get_absolute_url()).content.decode()
    assert f'part of <a href="{top.get_absolute_url()}">' in unit_html


def test_commander_page_states_a_role_once_and_names_what_its_source_link_sources(client):
    tiger = make_force(name="Tiger Forces")
    person = make_person(name="Suheil al-Hassan")
    conflict = make_conflict(name="Palmyra offensive (March 2016)")
    make_role(person=person, conflict=conflict, role="Tiger Forces", force=tiger, source=make_source(),
              span_start=0, span_end=5)
    html = client.get(person.get_absolute_url()).content.decode()
    assert f'<td data-label="Role"><a href="{tiger.get_absolute_url()}">Tiger Forces</a></td>' in html
    assert "Tiger Forces (" not in html
    # the link's text says what it sources (a phone shows "Source: source" otherwise), no aria-label over it
    assert ">role in Palmyra offensive (March 2016)</a>" in html
    assert 'aria-label="source of' not in html
    # a role naming a force otherwise keeps both
    other = make_role(person=make_person(), role="Commander", force=tiger)
    html = client.get(other.person.get_absolute_url()).content.decode()
    assert f'Commander (<a href="{tiger.get_absolute_url()}">Tiger Forces</a>)' in html


def test_no_timeline_link_for_no_events(client):
    world = build_world(20)
    for record, name in ((world.person, "person"), (world.force, "force")):
        html = client.get(record.get_absolute_url()).content.decode()
        assert f"?{name}={record.slug}\">filter them on the timeline</a>" in html
    person, force = make_person(), make_force()
    for record in (person, force):
        html = client.get(record.get_absolute_url()).content.decode()
        assert "0 events" in html and "filter them on the timeline" not in html


def test_a_force_page_drops_a_commanders_role_that_repeats_its_name(client):
    tiger = make_force(name="Tiger Forces")
    make_role(role="Tiger Forces", force=tiger)
    make_role(role="Deputy commander", force=tiger)
    html = client.get(tiger.get_absolute_url()).content.decode()
    assert '<span class="role">Tiger Forces</span>' not in html
    assert '<span class="role">Deputy commander</span>' in html


def test_favicon(client):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon["Content-Type"].startswith("image/svg+xml")
    assert b"<script" not in b"".join(icon.streaming_content)


def test_place_page(client):
    world = build_world(20)
    html = client.get(world.place.get_absolute_url()).content.decode()
    assert f"Other name {world.place.pk}" in html
    assert "village 0" in html  # as written
    assert world.conflict.name in html


def test_source_page_links_spans_to_records(client):
    world = build_world(20)
    html = client.get(world.source.get_absolute_url()).content.decode()
    for record in (world.events[0], world.roles[0], world.conflict):
        anchor = record.source_url().split("#")[1]
        assert f'<mark id="{anchor}">' in html
    assert html.count('class="span-link"') >= 20 + 20 + 3
    assert f'href="{world.person.get_absolute_url()}"' in html


def test_commanders_list_filters(client):
    world = build_world(20)
    other = build_world(10)
    everyone = client.get("/commanders/").context["page_obj"].paginator.count
    assert everyone == len(world.people) + len(other.people)
    by_offensive = client.get(f"/commanders/?offensive={world.conflict.slug}").context["object_list"]
    assert set(by_offensive) == set(world.people)
    killed = client.get(f"/commanders/?offensive={world.conflict.slug}&fate=killed").context["object_list"]
    assert {p.pk for p in killed} == {r.person_id for r in world.roles if r.fate == "killed"}
    side_two = client.get(f"/commanders/?side={world.sides[1].pk}").context["object_list"]
    assert {p.pk for p in side_two} == {r.person_id for r in world.roles if r.side_id == world.sides[1].pk}
    by_alias = client.get(f"/commanders/?q=Nickname+{world.people[2].pk}").context["object_list"]
    assert list(by_alias) == [world.people[2]]


def test_role_without_side_and_no_source_is_shown(client):
    role = make_role(role="Adviser")
    make_side(role.conflict)
    html = client.get(role.conflict.get_absolute_url()).content.decode()
    assert "Commanders (side not stated)" in html and "Adviser" in html


def test_unknown_slugs_are_404(client):
    for url in ("/offensives/nope/", "/forces/nope/", "/places/nope/", "/commanders/nope/", "/sources/999/"):
        assert client.get(url).status_code == 404


def test_place_names_are_listed_once(client):
    from events.models import PlaceAlias

    place = make_place(name="Khan Touman")
    PlaceAlias.objects.create(place=place, name="Khan Tuman", key="khan tuman")
    make_event(places=[place]).place_links.update(name_as_written="Khan Tuman")
    make_event(places=[place]).place_links.update(name_as_written="Khan Touman")
    html = client.get(place.get_absolute_url()).content.decode()
    assert "Also written:</span> Khan Tuman</p>" in html


def test_force_page_shows_its_chain_of_parents(client):
    armed = make_force(name="Syrian Armed Forces")
    army = make_force(name="Syrian Army", parent=armed)
    division = make_force(name="4th Mechanized Division", parent=army)
    brigade = make_force(name="46th Brigade", parent=division)
    html = client.get(brigade.get_absolute_url()).content.decode()
    assert "4th Mechanized Division</a> › <a" in html and "Syrian Army</a> › <a" in html
    assert "Syrian Armed Forces</a>." in html


def test_a_strength_states_its_qualifier_once(client):
    from conflicts.models import Strength
    world = build_world(2)
    side = world.conflict.sides.order_by("number").first()
    Strength.objects.create(side=side, text="2,000+ (per Syrian Army)", number=2000, qualifier="per Syrian Army",
                            order=1)
    html = client.get(world.conflict.get_absolute_url()).content.decode()
    assert html.count("(per Syrian Army)") == 1

"""Wars and campaigns (issue 17, point 3): a conflict's parts on its page and in its timeline, and the
home page filtered and sorted by war, country, year and outcome."""
import datetime

import pytest

from conflicts.models import Conflict
from tests.factories import make_conflict, make_event, make_force, make_participation, make_side

pytestmark = pytest.mark.django_db

D = datetime.date


def offensive(name, start, end=None, *, parents=(), place="", status="", events=0, **kwargs):
    conflict = make_conflict(name=name, start_date=start, end_date=end, place=place, status=status, **kwargs)
    side = make_side(conflict, number=1)
    make_participation(side, make_force(name=f"Army of {name}"), role="belligerent")
    for parent in parents:
        conflict.parents.add(parent)
    for i in range(events):
        make_event(conflict, date=start + datetime.timedelta(days=i), text=f"Event {i} of {name}.")
    return conflict


@pytest.fixture
def wars():
    civil_war = make_conflict(name="Syrian Civil War", slug="syrian-civil-war", kind="war", start_date=None,
                              end_date=None)
    battle = make_conflict(name="Battle of Aleppo", slug="battle-of-aleppo", kind="battle", start_date=None,
                           end_date=None)
    battle.parents.add(civil_war)
    other_war = make_conflict(name="Iraqi Civil War", slug="iraqi-civil-war", kind="war", start_date=None,
                              end_date=None)
    aleppo = offensive("Aleppo offensive", D(2015, 10, 16), D(2015, 12, 21), parents=[battle, civil_war],
                       place="Aleppo Governorate, Syria", status="Syrian government victory", events=3)
    palmyra = offensive("Palmyra offensive", D(2016, 12, 8), None, parents=[civil_war],
                        place="Palmyra, Homs Governorate, Syria", status="ISIL victory", events=2)
    khan = offensive("Khan Tuman offensive", D(2016, 4, 1), D(2016, 5, 6), parents=[battle],
                     place="Khan Tuman, Aleppo, Syria", status="Rebel victory", events=1)  # through the battle
    mosul = offensive("Mosul offensive", D(2016, 10, 17), D(2017, 7, 20), parents=[other_war],
                      place="Mosul, Iraq", status="Iraqi government victory", events=4)
    return {"civil_war": civil_war, "battle": battle, "aleppo": aleppo, "palmyra": palmyra, "khan": khan,
            "mosul": mosul, "other_war": other_war}


def names(response):
    return [c.name for c in response.context["offensives"]]


def test_a_war_lists_its_parts_and_its_timeline_holds_their_events(client, wars):
    response = client.get(wars["civil_war"].get_absolute_url())
    html = response.content.decode()
    parts = html.split('id="parts"', 1)[1].split("</section>", 1)[0]
    # its offensives, then the battle part of it (no dates stated: last)
    assert [p.name for p in response.context["parts"]] == ["Aleppo offensive", "Palmyra offensive",
                                                           "Battle of Aleppo"]
    assert "Syrian government victory" in parts and "ISIL victory" in parts
    assert "16 October – 21 December 2015" in parts
    assert "8 December 2016</time> – <span class=\"muted\">end not stated" in parts
    assert "Army of Aleppo offensive" in parts  # its sides, named
    assert '<td class="num">3</td>' in parts and '<td class="num">2</td>' in parts
    # its timeline: its parts' events and those of the battle's offensives, each naming its offensive
    timeline = response.context["page_obj"].paginator.count
    assert timeline == 3 + 2 + 1
    assert 'class="offensive" href="/offensives/' in html
    assert 'href="/?war=syrian-civil-war"' in parts
    # the timeline page's offensive filter takes offensives, not wars: no link to an empty timeline
    assert "all offensives' timeline" not in html and "6 events of the conflicts part of it" in html


def test_an_offensive_without_parts_keeps_its_own_timeline(client, wars):
    response = client.get(wars["aleppo"].get_absolute_url())
    assert response.context["parts"] == []
    assert response.context["page_obj"].paginator.count == 3
    assert 'id="parts"' not in response.content.decode()


def test_home_filters_by_war_directly_or_through_a_battle(client, wars):
    assert names(client.get("/?war=syrian-civil-war")) == ["Aleppo offensive", "Khan Tuman offensive",
                                                          "Palmyra offensive"]
    assert names(client.get("/?war=battle-of-aleppo")) == ["Aleppo offensive", "Khan Tuman offensive"]
    assert names(client.get("/?war=iraqi")) == ["Mosul offensive"]  # part of a name
    assert names(client.get("/?war=no+such+war")) == []


def test_home_filters_by_country_year_and_outcome(client, wars):
    assert names(client.get("/?country=Iraq")) == ["Mosul offensive"]
    assert names(client.get("/?year=2017")) == ["Mosul offensive"]  # overlaps 2017
    # no stated end: counted for the year it began, not for every year since
    assert names(client.get("/?year=2016")) == ["Khan Tuman offensive", "Mosul offensive", "Palmyra offensive"]
    assert "Palmyra offensive" not in names(client.get("/?year=2018"))
    assert names(client.get("/?outcome=government+victory")) == ["Aleppo offensive", "Mosul offensive"]
    assert names(client.get("/?country=Syria&year=2016&outcome=victory")) == ["Khan Tuman offensive",
                                                                             "Palmyra offensive"]


def test_the_country_box_lists_countries_not_offensives(client, wars):
    html = client.get("/").content.decode()
    form = html.split('<form class="filters"', 1)[1].split("</form>", 1)[0]
    assert '<option value="Iraq">' in form and '<option value="Syria">' in form
    assert "<option value=\"aleppo" not in form and "<option value=\"syrian-civil-war" not in form
    assert 'data-autocomplete="war"' in form


def test_home_sorts(client, wars):
    assert names(client.get("/?order=newest"))[0] == "Palmyra offensive"
    assert names(client.get("/?order=name")) == sorted(names(client.get("/")))
    assert names(client.get("/?order=events"))[:2] == ["Mosul offensive", "Aleppo offensive"]
    assert names(client.get("/?order=country"))[0] == "Mosul offensive"  # Iraq before Syria
    assert names(client.get("/?order=outcome"))[0] == "Palmyra offensive"  # "ISIL victory" first
    # by the first conflict it is part of: Battle of Aleppo, then Iraqi Civil War, then Syrian Civil War
    assert names(client.get("/?order=war")) == ["Aleppo offensive", "Khan Tuman offensive", "Mosul offensive",
                                                "Palmyra offensive"]


def test_bad_filter_values_are_form_errors_not_crashes(client, wars):
    for query in ("year=abc", "year=99999", "country=Atlantis", "order=sideways"):
        response = client.get(f"/?{query}")
        assert response.status_code == 200, query
        assert 'class="error"' in response.content.decode(), query


def test_no_stated_end_never_looks_like_a_one_day_battle(client, wars):
    html = client.get("/").content.decode()
    row = html.split(">Palmyra offensive</a>", 1)[1].split("</tr>", 1)[0]
    assert "8 December 2016</time> – <span class=\"muted\">end not stated</span>" in row


def test_autocomplete_suggests_wars(client, wars):
    found = client.get("/autocomplete/?kind=war&q=civil").json()["results"]
    assert {r["value"] for r in found} == {"syrian-civil-war", "iraqi-civil-war"}


def test_country_is_derived_from_the_place_on_every_save():
    conflict = make_conflict(place="Aleppo Governorate, Syria")
    assert conflict.country == "Syria"
    conflict.place = "Mosul, Iraq"
    conflict.save(update_fields=["place"])
    assert Conflict.objects.get(pk=conflict.pk).country == "Iraq"
    conflict.place = "somewhere"
    conflict.save()
    assert Conflict.objects.get(pk=conflict.pk).country == ""

"""The reader's pages on the two imported sample sources (Aleppo 2015, Palmyra 2016)."""
import io
import re

import pytest
from django.core.management import call_command

from conflicts.models import Conflict
from people.models import Person

pytestmark = pytest.mark.django_db

ALEPPO = "aleppo-offensive-october-december-2015"


@pytest.fixture
def seeds():
    call_command("import_sources", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    return Conflict.objects.get(slug=ALEPPO)


def commander_item(html, name):
    """The infobox list item of a commander (one <li>)."""
    match = re.search(r"<li>(?:(?!</li>).)*?" + re.escape(name) + r"(?:(?!</li>).)*?</li>", html, re.S)
    assert match, name
    return match.group(0)


def test_home_lists_both_offensives_with_counts(client, seeds):
    html = client.get("/").content.decode()
    assert "Aleppo offensive (October–December 2015)" in html
    assert "16 October – 21 December 2015" in html
    assert "Palmyra offensive" in html
    assert "Syrian government victory" in html


def test_aleppo_infobox(client, seeds):
    response = client.get(seeds.get_absolute_url())
    html = response.content.decode()
    soleimani = commander_item(html, "Qasem Soleimani")
    assert "Maj. Gen." in soleimani and "Supreme commander" in soleimani and "killed" not in soleimani
    taheri = commander_item(html, "Saeed Sayyah Taheri")
    assert "Col." in taheri and "killed in action" in taheri and "IRGC commander" in taheri
    assert 'href="/sources/' in soleimani  # the role links to its sentence

    units = {node.force.name: node for box in response.context["sides"] for node in _walk(box.units)}
    division = units["4th Mechanized Division"]
    assert "46th Brigade" in [child.force.name for child in division.children]
    assert "4th Mechanized Division" in [c.force.name for c in units["Syrian Army"].children]
    assert "Battle of Aleppo" in html  # part of
    assert "(since 23 Oct.)" in html


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def test_aleppo_timeline_covers_the_offensive_and_its_aftermath(client, seeds):
    response = client.get(seeds.get_absolute_url())
    chart = response.context["chart"]
    assert (chart.first.isoformat(), chart.last.isoformat()) == ("2015-10-16", "2015-12-21")
    assert chart.outside > 0  # background (12 October) and aftermath (2016) are listed, not charted

    events = list(seeds.events.for_timeline())
    day_events = [e for e in events if not e.background]
    assert day_events[0].date.isoformat() == "2015-10-16"
    assert any(e.date.isoformat() == "2015-12-21" for e in events)
    assert any(e.date.year == 2016 and e.section == "Aftermath" for e in events)

    last_page = client.get(seeds.get_absolute_url() + "?page=last").content.decode()
    assert "21 December 2015" in last_page and "11 January 2016" in last_page
    first_page = response.content.decode()
    assert ">July 2015</time>" in first_page  # month precision, not "1 July 2015"
    assert "21–22 October 2015" in first_page and "31 October – 2 November 2015" in first_page


def test_commander_and_source_pages(client, seeds):
    person = Person.objects.get(slug="qasem-soleimani")
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Supreme commander" in html and seeds.name in html
    role = person.roles.get()
    source_html = client.get(role.source.get_absolute_url()).content.decode()
    assert f'<mark id="span-{role.span_start}-{role.span_end}">' in source_html
    assert "Qasem Soleimani" in source_html


def test_timeline_filters_on_seeds(client, seeds):
    response = client.get(f"/timeline/?offensive={ALEPPO}&place=Khan+Tuman")
    assert response.context["paginator"].count >= 1
    assert all("Khan T" in e.text for e in response.context["object_list"])
    palmyra = client.get("/offensives/palmyra-offensive-december-2016/").content.decode()
    assert "12 December 2016" in palmyra

"""A review of every page at 1366 and 390 px: the source's headings in an event's passage, the links after
a marked span, the filter boxes' names, the folded filters and counts on phones, the jump's month, the
background badge, and the map's labels (the map: tests/test_maps.py)."""
import datetime
import re

import pytest

from conflicts.models import Conflict
from events.models import Event
from reader.highlight import SpanRecord, highlight_passage
from tests.factories import make_conflict, make_event, make_force, make_place, make_side, make_source

pytestmark = pytest.mark.django_db


def ids(response):
    return [event.pk for event in response.context["object_list"]]


def box(html, name):
    return re.search(rf'<input type="text" name="{name}"(?: value="([^"]*)")?', html).group(1)


# ------------------------------------------------------------------------- the passage on an event's page

TEXT = ("Lead.\n\n==Offensive==\n\n===Northern districts===\n"
        "On 5 May the Army took Sakhour.\nMore.\n\n\n")


def test_a_passage_shows_headings_without_their_markers_and_no_blank_lines_at_its_ends():
    sentence = "On 5 May the Army took Sakhour."
    start = TEXT.index(sentence)
    place = TEXT.index("Sakhour")
    records = [SpanRecord(start, start + len(sentence), "source", "this sentence", "/s/"),
               SpanRecord(place, place + 7, "place", "Sakhour", "/places/sakhour/")]
    passage = TEXT[TEXT.index("\n"):]          # a passage from the document's first newline: blank lines first
    html = str(highlight_passage(passage, records, offset=TEXT.index("\n")))
    assert "=" not in html.replace('aria-label="', "").replace('title="', "").replace('id="', "").replace(
        'href="', "").replace('class="', "")
    assert html.startswith('<p class="passage-heading">Offensive</p><p class="passage-heading">Northern districts</p>')
    # the marks keep the document's offsets: the anchors the source page uses
    assert (f'<mark id="span-{start}-{start + len(sentence)}">On 5 May the Army took '
            f'<mark id="span-{place}-{place + 7}">Sakhour</mark>') in html
    assert html.endswith("\nMore.</p>")       # the sentence's paragraph runs on; no trailing blank line
    assert "\n\n" not in html


def test_a_passage_cut_inside_a_line_shows_the_cut():
    html = str(highlight_passage("middle of a line\n==Next==\nstart of", [], cut_before=True, cut_after=True))
    assert html == '<p>… middle of a line</p><p class="passage-heading">Next</p><p>start of …</p>'


def test_the_event_page_shows_the_passage_as_paragraphs(client):
    text = "= Battle =\n\n==Offensive==\n\n===Northern districts===\nOn 5 May the Army took Sakhour.\n\n"
    sentence = "On 5 May the Army took Sakhour."
    start = text.index(sentence)
    event = make_event(text=sentence, source=make_source(text=text), span_start=start,
                       span_end=start + len(sentence), places=[make_place(name="Sakhour")])
    link = event.place_links.get()
    link.source, link.span_start, link.span_end = event.source, text.index("Sakhour"), text.index("Sakhour") + 7
    link.save()
    html = client.get(event.get_absolute_url()).content.decode()
    passage = html.split('<div class="source-text passage" lang="en">', 1)[1].split("</div>", 1)[0]
    assert "==" not in passage and passage.startswith('<p class="passage-heading">Battle</p>')
    assert '<p class="passage-heading">Northern districts</p>' in passage
    assert f'<mark id="span-{start}-{start + len(sentence)}">' in passage
    # the links after the marks are named by what they mark, not only by their kind
    assert 'aria-label="place: Sakhour"' in passage and ">place</a>" in passage


# -------------------------------------------------------------------------------- the timeline's entries

def test_a_background_event_in_a_background_section_has_one_badge(client):
    conflict = make_conflict()
    make_event(conflict, section="Background", background=True)
    make_event(conflict, section="Preparations", background=True)
    html = client.get("/timeline/").content.decode()
    assert html.count('<span class="background">background</span>') == 2
    assert '<span class="section">Background</span>' not in html
    assert '<span class="section">Preparations</span>' in html


# ---------------------------------------------------------------------------------------- filter boxes

@pytest.fixture
def hezbollahs():
    conflict = make_conflict(name="Aleppo offensive", slug="aleppo-offensive")
    make_side(conflict, number=1)  # an offensive in its own right
    main = make_force(name="Hezbollah", slug="hezbollah")
    other = make_force(name="Hezbollah Al-Nujaba", slug="hezbollah-al-nujaba")
    a, b = make_event(conflict), make_event(conflict)
    a.forces.add(main)
    b.forces.add(other)
    return conflict, main, other, a, b


def test_a_box_holding_a_slug_shows_the_name_and_the_name_filters_the_same(client, hezbollahs):
    conflict, main, other, a, b = hezbollahs
    by_slug = client.get("/timeline/?offensive=aleppo-offensive&force=hezbollah")
    html = by_slug.content.decode()
    assert box(html, "offensive") == "Aleppo offensive" and box(html, "force") == "Hezbollah"
    assert ids(by_slug) == [a.pk]
    # the form submitted again (the names in the boxes) selects the same events; part of a name, as before,
    # selects every force whose name holds it
    assert ids(client.get("/timeline/?offensive=Aleppo+offensive&force=Hezbollah")) == [a.pk]
    assert ids(client.get("/timeline/?force=hezbollah+al")) == [b.pk]
    assert sorted(ids(client.get("/timeline/?force=Hezbol"))) == sorted([a.pk, b.pk])
    # what the reader typed stays as typed
    assert box(client.get("/timeline/?force=Hezbol").content.decode(), "force") == "Hezbol"


def test_a_name_shared_by_two_records_keeps_the_slug_in_the_box(client, hezbollahs):
    make_force(name="Hezbollah", slug="hezbollah-2")
    html = client.get("/timeline/?force=hezbollah").content.decode()
    assert box(html, "force") == "hezbollah"


def test_the_home_pages_war_box_shows_the_wars_name(client):
    war = make_conflict(name="Syrian Civil War", slug="syrian-civil-war")
    part = make_conflict(name="Aleppo offensive", slug="aleppo-offensive")
    part.parents.add(war)
    make_conflict(name="Russian intervention in the Syrian Civil War", slug="russian-intervention")
    response = client.get("/?war=syrian-civil-war")
    assert box(response.content.decode(), "war") == "Syrian Civil War"
    again = client.get("/?war=Syrian+Civil+War")
    assert [c.pk for c in again.context["offensives"]] == [c.pk for c in response.context["offensives"]]


# ------------------------------------------------------------------------------ folds on phones; the jump

def test_filters_and_counts_are_folded_unless_a_filter_is_set(client, hezbollahs):
    conflict = hezbollahs[0]
    html = client.get("/timeline/").content.decode()
    assert '<details class="fold filters-fold">' in html and '<details class="fold counts-fold">' in html
    html = client.get("/timeline/?force=hezbollah&kind=").content.decode()
    assert '<details class="fold filters-fold" open>' in html and '<details class="fold counts-fold" open>' in html
    assert "(1 set)" in html
    # the offensive's timeline too; the home page's filters are not folded
    assert '<details class="fold filters-fold">' in client.get(conflict.get_absolute_url()).content.decode()
    assert '<details class="fold filters-fold" open>' in client.get(
        conflict.get_absolute_url() + "?kind=capture").content.decode()
    assert "filters-fold" not in client.get("/").content.decode()


def test_the_jump_form_shows_the_month_jumped_to(client):
    conflict = make_conflict()
    for day in (datetime.date(2015, 10, 3), datetime.date(2015, 11, 4), datetime.date(2016, 1, 5)):
        make_event(conflict, date=day)
    landing = client.get("/timeline/?year=2015&month=11", follow=True)
    form = landing.content.decode().split('<form class="jump"', 1)[1].split("</form>", 1)[0]
    assert '<option value="11" selected>November</option>' in form
    assert '<option value="2015" selected>2015</option>' in form
    assert Event.objects.count() == len(ids(landing)) and Conflict.objects.count() == 1

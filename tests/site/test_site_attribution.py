"""Attribution of the sources' text: the source page, the foot of an offensive's page, the coordinates
in its infobox, and the timeline's exports (issue: Wikipedia's own formats)."""
import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conflicts.models import Conflict
from reader.display import coordinates
from reader.export import ATTRIBUTION_COLUMNS, COLUMNS
from sources.attribution import attribution, licence_url, revision_url, web_url
from sources.models import Claim, SourceDocument
from tests.factories import make_conflict, make_event, make_side, make_source
from tests.site.builders import EVIL, without_site_scripts

ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
WHEN = datetime.datetime(2024, 5, 5, 14, 3, tzinfo=datetime.UTC)
RETRIEVED = datetime.datetime(2024, 5, 6, 9, 30, tzinfo=datetime.UTC)
WIKI = {"format": "wikitext", "site": "Wikipedia", "url": "https://en.wikipedia.org/wiki/Battle_of_Debaltseve",
        "revision_id": 1222, "revision_time": WHEN, "retrieved_at": RETRIEVED, "licence": "CC BY-SA 4.0",
        "title": "Battle of Debaltseve"}
REVISION = "https://en.wikipedia.org/w/index.php?title=Battle_of_Debaltseve&amp;oldid=1222"
DEED = "https://creativecommons.org/licenses/by-sa/4.0/"


def wiki_source(**kwargs) -> SourceDocument:
    return make_source(**{**WIKI, "original": b"'''Battle''' {{Infobox}}", **kwargs})


def claim(document, record) -> Claim:
    return Claim.objects.create(document=document, record=record, key=f"k{document.pk}", values={})


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def sentence_html(html: str) -> list[str]:
    """The attribution sentences of a page, tags and all."""
    return re.findall(r"Text from the article .*?\.(?=</(?:p|dd)>)", html)


# -------------------------------------------------------------------- the helper (no database)

@pytest.mark.parametrize(("licence", "deed"), [
    ("CC BY-SA 4.0", DEED), ("cc-by-sa-3.0", "https://creativecommons.org/licenses/by-sa/3.0/"),
    ("Creative Commons Attribution-ShareAlike 4.0 International", DEED),
    ("CC BY 2.5", "https://creativecommons.org/licenses/by/2.5/"),
    ("GFDL", "https://www.gnu.org/licenses/fdl-1.3.html"),
    ("CC BY-SA 9.9", None), ("All rights reserved", None), ("", None),
])
def test_licence_deeds(licence, deed):
    assert licence_url(licence) == deed


@pytest.mark.parametrize(("url", "permanent"), [
    ("https://en.wikipedia.org/wiki/Battle_of_Debaltseve",
     "https://en.wikipedia.org/w/index.php?title=Battle_of_Debaltseve&oldid=7"),
    ("https://en.wikipedia.org/wiki/Al-Bab%20offensive_(2016)#Background",
     "https://en.wikipedia.org/w/index.php?title=Al-Bab_offensive_(2016)&oldid=7"),
    ("https://en.wikipedia.org/wiki/Tom_%26_Jerry?x=1", "https://en.wikipedia.org/w/index.php?title=Tom_%26_Jerry&oldid=7"),
    ("https://de.wikipedia.org/w/index.php?title=Schlacht&action=history",
     "https://de.wikipedia.org/w/index.php?title=Schlacht&oldid=7"),
    ("https://example.org/article/1", None), ("javascript:alert(1)//wiki/x", None), ("", None),
])
def test_revision_links_only_for_wiki_page_urls(url, permanent):
    assert revision_url(url, 7) == permanent
    assert revision_url(url, None) is None


def test_only_web_urls_are_links():
    assert web_url("https://en.wikipedia.org/wiki/X") == "https://en.wikipedia.org/wiki/X"
    for url in ("javascript:alert(1)", "data:text/html,x", "//evil.example/x", "/wiki/X", "wiki/X", ""):
        assert web_url(url) is None, url


def test_the_plain_text_sentence_says_only_what_is_stated():
    full = SourceDocument(**WIKI)
    assert attribution(full).sentence() == (
        "Text from the article “Battle of Debaltseve” (Wikipedia, https://en.wikipedia.org/wiki/Battle_of_Debaltseve)"
        ", revision 1222 of 5 May 2024, licensed CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/).")
    retrieved = SourceDocument(title="T", url="https://example.org/t", retrieved_at=RETRIEVED)
    assert attribution(retrieved).sentence() == ("Text from the article “T” (https://example.org/t), "
                                                 "retrieved 6 May 2024.")
    plain = SourceDocument(name="notes.txt", format="plain")
    assert not attribution(plain).stated


@pytest.mark.parametrize(("lat", "lon", "shown"), [
    (Decimal("48.333000"), Decimal("38.400000"), "48.333°N 38.4°E"),
    (Decimal("-33.868800"), Decimal("-151.209300"), "33.8688°S 151.2093°W"),
    (Decimal("40.000000"), Decimal("0.000000"), "40°N 0°E"),
    (Decimal("48.3"), None, ""), (None, None, ""),
])
def test_coordinates_are_written_in_degrees(lat, lon, shown):
    assert coordinates(Conflict(latitude=lat, longitude=lon)) == shown


# -------------------------------------------------------------------- the source page

@pytest.mark.django_db
def test_the_source_page_shows_every_element_of_the_attribution(client):
    source = wiki_source()
    html = client.get(source.get_absolute_url()).content.decode()
    assert "<dt>Site</dt><dd>Wikipedia</dd>" in html
    assert ('<dt>Canonical URL</dt><dd class="url"><a href="https://en.wikipedia.org/wiki/Battle_of_Debaltseve">'
            "https://en.wikipedia.org/wiki/Battle_of_Debaltseve</a></dd>") in html
    assert f'<dt>Revision</dt><dd><a href="{REVISION}">1222</a></dd>' in html
    assert '<time datetime="2024-05-05T14:03:00+00:00">5 May 2024, 14:03 UTC</time>' in html
    assert '<time datetime="2024-05-06T09:30:00+00:00">6 May 2024, 09:30 UTC</time>' in html
    assert f'<dt>Licence</dt><dd><a href="{DEED}" rel="license">CC BY-SA 4.0</a></dd>' in html
    assert f'<code class="hash">{source.sha256}</code>' in html
    assert sentence_html(html) == [
        'Text from the article <a href="https://en.wikipedia.org/wiki/Battle_of_Debaltseve">Battle of Debaltseve</a> '
        f'(Wikipedia), revision <a href="{REVISION}">1222</a> of 5 May 2024, licensed '
        f'<a href="{DEED}" rel="license">CC BY-SA 4.0</a>.']


@pytest.mark.django_db
def test_a_plain_text_document_shows_none_of_the_empty_elements(client):
    source = make_source(name="notes.txt", format="plain")
    html = client.get(source.get_absolute_url()).content.decode()
    for label in ("Site", "Canonical URL", "Revision", "Revision time", "Retrieved", "Licence", "Attribution"):
        assert f"<dt>{label}</dt>" not in html, label
    assert "Text from the article" not in html
    assert f"<dt>SHA-256</dt><dd><code class=\"hash\">{source.sha256}</code></dd>" in html


@pytest.mark.django_db
def test_an_unknown_licence_and_a_non_wiki_url_are_text_and_plain_links(client):
    source = make_source(licence="Some licence", url="https://example.org/report/7", revision_id=9, site="Example")
    html = client.get(source.get_absolute_url()).content.decode()
    assert "<dt>Licence</dt><dd>Some licence</dd>" in html
    assert "<dt>Revision</dt><dd>9</dd>" in html   # no permanent link outside a wiki
    assert sentence_html(html) == ['Text from the article <a href="https://example.org/report/7">'
                                   f"{source.title}</a> (Example), revision 9, licensed Some licence."]


@pytest.mark.django_db
def test_markup_in_the_attribution_is_text(client):
    source = wiki_source(title=f"Battle {EVIL}", site=f"Wiki {EVIL}", licence=f"CC {EVIL}",
                         url=f"javascript:alert(1)//{EVIL}")
    conflict = make_conflict(source=source)
    make_side(conflict)
    for url in (source.get_absolute_url(), conflict.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<script" not in without_site_scripts(html) and 'href="javascript' not in html, url
        assert ESCAPED in html, url
        assert f"Text from the article “Battle {ESCAPED}” (Wiki {ESCAPED})" in html, url


# -------------------------------------------------------------------- the offensive page

@pytest.mark.django_db
def test_the_offensive_page_attributes_each_licensed_source_once(client):
    shown_from = wiki_source()
    mirror = wiki_source(title="Battle of Debaltseve (mirror)", url="https://mirror.example/wiki/Debaltseve",
                         site="Mirror", licence="CC BY-SA 3.0", revision_id=None, revision_time=None)
    plain = make_source(name="notes.txt", format="plain")                        # states no page or licence
    failed = wiki_source(title="Failed", status=SourceDocument.Status.FAILED)     # did not load
    conflict = make_conflict(source=shown_from)
    make_side(conflict)
    for document in (shown_from, mirror, plain, failed):
        claim(document, conflict)
    html = client.get(conflict.get_absolute_url()).content.decode()
    start = html.index('<footer class="attributions"')
    footer = html[start:html.index("</footer>", start)]
    sentences = sentence_html(footer)
    assert len(sentences) == 2
    assert sentences[0].startswith('Text from the article <a href="https://en.wikipedia.org/wiki/Battle_of_Debaltseve">'
                                   "Battle of Debaltseve</a> (Wikipedia), revision")
    assert sentences[1] == ('Text from the article <a href="https://mirror.example/wiki/Debaltseve">Battle of '
                            'Debaltseve (mirror)</a> (Mirror), retrieved 6 May 2024, licensed <a href='
                            '"https://creativecommons.org/licenses/by-sa/3.0/" rel="license">CC BY-SA 3.0</a>.')
    assert "Failed" not in footer and "notes.txt" not in footer


@pytest.mark.django_db
def test_an_offensive_without_attributed_sources_has_no_attribution_foot(client):
    conflict = make_conflict(source=make_source())
    make_side(conflict)
    html = client.get(conflict.get_absolute_url()).content.decode()
    assert 'class="attributions"' not in html and "Text from the article" not in html


@pytest.mark.django_db
def test_coordinates_in_the_infobox_only_when_stated(client):
    conflict = make_conflict(latitude=Decimal("48.333"), longitude=Decimal("38.4"))
    make_side(conflict)
    html = client.get(conflict.get_absolute_url()).content.decode()
    assert "<dt>Coordinates</dt><dd>48.333°N 38.4°E</dd>" in html
    other = make_conflict()
    make_side(other)
    assert "Coordinates" not in client.get(other.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_attribution_foot_costs_no_query_per_source(client):
    ContentType.objects.get_for_model(Conflict)  # cached, as in a serving process
    conflict = make_conflict(source=wiki_source())
    make_side(conflict)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(conflict.get_absolute_url()).status_code == 200
        return len(ctx)

    claim(wiki_source(title="Second"), conflict)
    few = count()
    for i in range(8):
        claim(wiki_source(title=f"Copy {i}"), conflict)
    assert count() == few
    assert len(sentence_html(client.get(conflict.get_absolute_url()).content.decode())) == 10


# -------------------------------------------------------------------- exports

@pytest.mark.django_db
def test_export_rows_carry_the_source_attribution(client):
    conflict = make_conflict()
    make_side(conflict)
    source = wiki_source()
    event = make_event(conflict, source=source, span_start=0, span_end=5)
    make_event(conflict, text="A sentence an editor wrote.")                 # no source: empty columns
    rows = json.loads(body(client.get(f"/timeline/?format=json&offensive={conflict.slug}")))
    by_id = {row["id"]: row for row in rows}
    row = by_id[event.pk]
    assert tuple(row) == COLUMNS
    assert {column: row[column] for column in ATTRIBUTION_COLUMNS} == {
        "source_title": "Battle of Debaltseve",
        "source_site": "Wikipedia",
        "source_canonical_url": "https://en.wikipedia.org/wiki/Battle_of_Debaltseve",
        "source_revision": 1222,
        "source_revision_url": "https://en.wikipedia.org/w/index.php?title=Battle_of_Debaltseve&oldid=1222",
        "source_revision_time": "2024-05-05T14:03:00+00:00",
        "source_retrieved_at": "2024-05-06T09:30:00+00:00",
        "source_licence": "CC BY-SA 4.0",
        "source_licence_url": DEED,
        "source_attribution": attribution(source).sentence(),
    }
    assert row["source_url"].startswith(f"http://testserver/sources/{source.pk}/#span-")   # unchanged
    other = next(r for r in rows if r["id"] != event.pk)
    assert all(other[column] is None for column in ATTRIBUTION_COLUMNS)

    table = list(csv.reader(io.StringIO(body(client.get(f"/timeline/?format=csv&offensive={conflict.slug}")))))
    cells = {int(r[0]): dict(zip(COLUMNS, r, strict=True)) for r in table[1:]}
    assert cells[event.pk]["source_revision"] == "1222"
    assert cells[event.pk]["source_licence"] == "CC BY-SA 4.0"
    assert cells[event.pk]["source_attribution"].startswith("Text from the article “Battle of Debaltseve”")


@pytest.mark.django_db
def test_export_cells_from_a_document_cannot_run_as_formulas(client):
    make_event(source=wiki_source(title='=HYPERLINK("http://example.com")', site="+Wiki", licence="@licence"))
    table = list(csv.reader(io.StringIO(body(client.get("/timeline/?format=csv")))))
    row = dict(zip(COLUMNS, table[1], strict=True))
    assert row["source_title"].startswith("'=") and row["source_site"] == "'+Wiki"
    assert row["source_licence"] == "'@licence"


@pytest.mark.django_db
def test_the_export_query_count_is_flat_and_never_loads_text_or_original(client):
    def run() -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            body(client.get("/timeline/?format=json"))
        return [q["sql"] for q in ctx.captured_queries]

    conflict = make_conflict()
    make_event(conflict, source=wiki_source())
    few = run()
    for _ in range(30):
        make_event(conflict, source=wiki_source())
    many = run()
    assert len(many) == len(few)
    assert not [sql for sql in many if '"original"' in sql or '"sources_sourcedocument"."text"' in sql]

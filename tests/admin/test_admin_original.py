"""A source document's admin: "Download original" (the bytes as read), its attribution, and pages that
do not load the bytes or, in the change list, the text."""
from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sources.admin import original_file_name
from sources.models import SourceDocument
from tests.factories import make_event, make_source

pytestmark = pytest.mark.django_db

WIKITEXT = "'''Battle of Debaltseve''' {{Infobox military conflict}}\n\u00e9\u00e8 \x00 <script>x</script>".encode()


def wiki_source(**kwargs) -> SourceDocument:
    fields = {"name": "Battle_of_Debaltseve.wiki", "title": "Battle of Debaltseve", "format": "wikitext",
              "original": WIKITEXT, "sha256": hashlib.sha256(WIKITEXT).hexdigest(), "site": "Wikipedia",
              "url": "https://en.wikipedia.org/wiki/Battle_of_Debaltseve", "revision_id": 1222,
              "revision_time": datetime.datetime(2024, 5, 5, 14, 3, tzinfo=datetime.UTC),
              "retrieved_at": datetime.datetime(2024, 5, 6, 9, 30, tzinfo=datetime.UTC), "licence": "CC BY-SA 4.0"}
    return make_source(**{**fields, **kwargs})


def download_url(document) -> str:
    return reverse("admin:sources_sourcedocument_original", args=[document.pk])


def test_staff_with_view_permission_download_the_exact_bytes(editor_client):
    document = wiki_source()
    response = editor_client.get(download_url(document))
    assert response.status_code == 200
    assert response.content == WIKITEXT
    assert hashlib.sha256(response.content).hexdigest() == document.sha256
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="Battle_of_Debaltseve.wiki"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(WIKITEXT))
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_superusers_download_too(super_client):
    document = wiki_source(format="html", name="Debaltseve.html", original=b"<html><script>x</script></html>")
    response = super_client.get(download_url(document))
    assert response.content == b"<html><script>x</script></html>"
    assert response["Content-Disposition"] == 'attachment; filename="Debaltseve.html"'


def test_anonymous_and_non_staff_users_are_sent_to_the_login_page(client):
    document = wiki_source()
    response = client.get(download_url(document))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    client.force_login(User.objects.create_user("reader"))   # logged in, not staff
    response = client.get(download_url(document))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    assert WIKITEXT not in response.content


def test_staff_without_view_permission_get_403(client):
    document = wiki_source()
    user = User.objects.create_user("clerk", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(user)
    assert client.get(download_url(document)).status_code == 403
    assert client.get(reverse("admin:sources_sourcedocument_original", args=[document.pk + 999])).status_code == 403


def test_missing_documents_and_documents_without_original_are_404(editor_client):
    assert editor_client.get(reverse("admin:sources_sourcedocument_original", args=[999999])).status_code == 404
    old = make_source()   # imported before the bytes were kept
    assert editor_client.get(download_url(old)).status_code == 404


@pytest.mark.parametrize(("name", "fmt", "expected"), [
    ("Battle_of_Debaltseve.wiki", "wikitext", "Battle_of_Debaltseve.wiki"),
    ("export/Battle of Debaltseve", "wikitext", "Battle_of_Debaltseve.wiki"),
    ("Debaltseve.htm", "html", "Debaltseve.html"),
    ("notes.txt", "plain", "notes.txt"),
    ("notes", "structured", "notes.txt"),
    ("St. Petersburg offensive", "wikitext", "St._Petersburg_offensive.wiki"),
    ('../../etc/passwd"; x=.wiki', "wikitext", "passwd_x.wiki"),
    ("..\\..\\windows\\evil\r\nSet-Cookie: a=b.txt", "plain", "evil_Set-Cookie_a_b.txt"),
    ("Бахмут.wiki", "wikitext", "Бахмут.wiki"),
    ("\u202egnp.wiki", "wikitext", "gnp.wiki"),
    ("...", "html", "document-7.html"),
])
def test_download_file_names_are_safe(name, fmt, expected):
    assert original_file_name(SourceDocument(pk=7, name=name, format=fmt)) == expected


def test_non_ascii_file_names_are_encoded_in_the_header(editor_client):
    document = wiki_source(name="Бахмут.wiki")
    disposition = editor_client.get(download_url(document))["Content-Disposition"]
    assert disposition == "attachment; filename*=utf-8''%D0%91%D0%B0%D1%85%D0%BC%D1%83%D1%82.wiki"


def test_the_change_page_shows_download_sha256_and_attribution(editor_client):
    document = wiki_source()
    html = editor_client.get(reverse("admin:sources_sourcedocument_change", args=[document.pk])).content.decode()
    assert f'<a class="button" href="{download_url(document)}" download>Download original</a>' in html
    assert f"{len(WIKITEXT):,} bytes" in html and f"sha256 <code>{document.sha256}</code>" in html
    assert "<h2>Attribution</h2>" in html or ">Attribution<" in html
    assert ('<a href="https://en.wikipedia.org/w/index.php?title=Battle_of_Debaltseve&amp;oldid=1222">1222</a>'
            in html)
    assert '<a href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA 4.0</a>' in html
    assert "Text from the article “Battle of Debaltseve” (Wikipedia, https://en.wikipedia.org/wiki/" in html
    assert 'name="licence"' not in html and 'name="site"' not in html   # read-only


def test_the_change_page_of_a_plain_document_says_what_is_missing(editor_client):
    document = make_source()
    html = editor_client.get(reverse("admin:sources_sourcedocument_change", args=[document.pk])).content.decode()
    assert "Download original" not in html
    assert "not stored" in html and document.sha256 in html
    assert "the document states no page and no licence" in html


def test_markup_in_attribution_fields_is_text_in_admin(editor_client):
    evil = '<script>alert("x")</script>'
    document = wiki_source(site=evil, licence=evil, title=evil, url=f"javascript:alert(1)//{evil}")
    html = editor_client.get(reverse("admin:sources_sourcedocument_change", args=[document.pk])).content.decode()
    assert evil not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html


def test_source_admin_pages_do_not_load_the_original_and_the_list_not_the_text(editor_client):
    documents = [wiki_source(name=f"d{i}.wiki", identity=f"d{i}") for i in range(3)]
    event = make_event(source=documents[0], span_start=0, span_end=5)

    def selects(url) -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            assert editor_client.get(url).status_code == 200
        # the columns each query selects; the change page's byte count (LENGTH) is computed in the database
        return [re.sub(r"LENGTH\([^)]*\)", "", q["sql"].split(" FROM ")[0]) for q in ctx.captured_queries
                if q["sql"].startswith("SELECT")]

    listing = selects(reverse("admin:sources_sourcedocument_changelist"))
    assert not [s for s in listing if '."original"' in s or '"sources_sourcedocument"."text"' in s]
    change = selects(reverse("admin:sources_sourcedocument_change", args=[documents[0].pk]))
    assert not [s for s in change if '."original"' in s]
    assert [s for s in change if '"sources_sourcedocument"."text"' in s]   # the text is shown there
    record = selects(reverse("admin:events_event_change", args=[event.pk]))   # its excerpt and claims
    assert not [s for s in record if '."original"' in s]
    for name in ("admin:events_event_changelist", "admin:sources_deletedrecord_changelist",
                 "admin:sources_knownname_changelist", "admin:conflicts_forcealias_changelist"):
        assert not [s for s in selects(reverse(name)) if '."original"' in s], name

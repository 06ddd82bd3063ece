"""Wikipedia's own formats (issue 14): one article, four renderings, one extraction.

Ten real offensives, each written by us as a structured document, a plain scraped page, MediaWiki
wikitext and a saved HTML page (``tests/formats/README.md``), with one gold per offensive. The
structured, wikitext and HTML renderings give the same extraction, and it scores 1.000 against the
gold; the plain rendering gives the same within what plain text can carry. Then the XML export of
them all and 45 other pages, through ``import_sources``: pages imported, skipped with their reason,
a cut file, compressed files, revisions, and the attribution stored on each document.
"""
from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from conflicts.models import Conflict
from importer import pipeline
from sources.models import SourceDocument
from sources.parsing import parse
from sources.parsing.export import to_json
from tests.parsing.test_gold import score_doc

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "export"))
import build_export as bx  # noqa: E402 - the fixture builder lives beside its pages

GOLD = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((HERE / "gold").glob("*.json"))}
RENDERINGS = {"structured": ".txt", "wikitext": ".wiki", "html": ".html"}
TITLES = sorted(GOLD)


def rendering(fmt: str, stem: str) -> Path:
    return HERE / fmt / f"{stem}{RENDERINGS.get(fmt, '.txt')}"


def extraction(fmt: str, stem: str) -> dict:
    path = rendering(fmt, stem)
    title = stem.replace("_", " ") if fmt == "wikitext" else None   # a .wiki file carries no title
    found = to_json(parse(path.read_bytes(), title=title), path.name)
    found.pop("document")
    return found


def test_the_corpus_has_ten_offensives_in_four_renderings():
    assert len(TITLES) >= 10
    for stem in TITLES:
        for fmt in (*RENDERINGS, "plain"):
            assert rendering(fmt, stem).is_file(), (fmt, stem)


@pytest.mark.parametrize("stem", TITLES)
def test_structured_wikitext_and_html_renderings_give_one_extraction(stem):
    structured = extraction("structured", stem)
    assert extraction("wikitext", stem) == structured
    assert extraction("html", stem) == structured


def assert_perfect(gold: dict, found: dict) -> None:
    s = score_doc(gold, found)
    ev = s["events"]
    assert ev["matched"] == ev["gold"], f"event recall {ev['matched']}/{ev['gold']}"
    assert ev["dated"] == ev["gold"], f"date accuracy {ev['dated']}/{ev['gold']}"
    assert ev["pred_matched"] == ev["pred"], f"{ev['pred'] - ev['pred_matched']} events that are not in the gold"
    for part in ("commanders", "units", "belligerents"):
        assert s[part][2] == 1.0, f"{part} F1 {s[part][2]:.3f}"
    assert s["infobox"] == (3, 3)


@pytest.mark.parametrize("fmt", RENDERINGS)
@pytest.mark.parametrize("stem", TITLES)
def test_each_rendering_scores_one_against_the_gold(stem, fmt):
    assert_perfect(GOLD[stem], extraction(fmt, stem))


@pytest.mark.parametrize("stem", TITLES)
def test_the_plain_rendering_gives_the_same_within_what_plain_text_carries(stem):
    """Plain text has no infobox keys, side boundaries, unit nesting, KIA images or headings (README):
    its events and dates are the article's; its sides are what a flattened run can be split into."""
    gold, found = GOLD[stem], extraction("plain", stem)
    s = score_doc(gold, found)
    ev = s["events"]
    assert ev["matched"] >= 0.9 * ev["gold"], f"event recall {ev['matched']}/{ev['gold']}"
    assert ev["dated"] >= 0.9 * ev["gold"], f"date accuracy {ev['dated']}/{ev['gold']}"
    assert ev["pred_matched"] >= 0.8 * ev["pred"]
    assert all(e["section"] is None for e in found["events"])   # plain pages have no headings


# -- the XML export, through the command -------------------------------------------------------------

def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_sources", *map(str, args), "--no-progress", stdout=out, stderr=err)
    except CommandError as exc:
        err.write(f"\nCommandError: {exc}")
    return out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def pages() -> list[tuple[str, str]]:
    return bx.corpus_pages(bx.ROOT)


@pytest.fixture
def export(tmp_path, pages) -> Path:
    path = tmp_path / "enwiki-offensives.xml"
    path.write_bytes(bx.build_export(pages))
    return path


def kinds_of(pages) -> dict[str, str]:
    kinds = dict(bx.PAGE_KINDS)
    kinds.update({stem.replace("_", " "): "gold" for stem in TITLES})
    return {title: kinds[title] for title, _ in pages}


@pytest.mark.django_db
def test_an_export_imports_its_offensives_and_skips_the_other_pages_with_reasons(export, pages):
    out, err = run(export)
    kinds = kinds_of(pages)
    articles = [t for t, k in kinds.items() if k in ("gold", "offensive", "war", "broken")]
    not_offensives = [t for t, k in kinds.items() if k == "other"]
    assert f"Documents: {len(articles)} created, 0 updated, 0 unchanged, 0 failed" in out
    assert f"{len(not_offensives)} not an offensive, 1 redirect" in out
    assert "Debaltseve_offensive.wiki: skipped: redirect (to Battle of Debaltseve)" in out
    assert SourceDocument.objects.count() == len(articles)
    # each page is a document of its own, known by its canonical URL, with its revision and licence
    doc = SourceDocument.objects.get(title="Battle of Debaltseve")
    assert doc.identity == doc.url == "https://en.wikipedia.org/wiki/Battle_of_Debaltseve"
    assert doc.name == "enwiki-offensives.xml/Battle_of_Debaltseve.wiki"
    assert doc.format == "wikitext" and doc.licence == "CC BY-SA 4.0" and doc.site == "Wikipedia"
    assert doc.revision_id and doc.revision_time.isoformat() == "2024-05-05T10:15:00+00:00"
    assert doc.retrieved_at is not None
    # the stored text is the readable article; the original wikitext is kept with its hash
    assert "{{" not in doc.text and "<ref" not in doc.text and "[[" not in doc.text
    assert bytes(doc.original).startswith(b"{{") and doc.sha256 == bx_sha256(bytes(doc.original))
    conflict = Conflict.objects.get(name="Battle of Debaltseve")
    assert (conflict.latitude, conflict.longitude) == (Decimal("48.35"), Decimal("38.4"))
    # the same export again: nothing changes, and read again (--force) it changes no row
    out, _ = run(export)
    assert f"Documents: 0 created, 0 updated, {len(articles)} unchanged, 0 failed" in out
    out, _ = run(export, "--force")
    assert f"Documents: 0 created, 0 updated, {len(articles)} unchanged, 0 failed. Records: 0 created, 0 updated" in out


def bx_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.django_db
def test_json_names_each_page_export_slash_title_and_the_golds_score_one(export):
    out, _ = run(export, "--dry-run", "--json")
    documents = {Path(d["document"]).stem: d for d in json.loads(out)}
    for stem in TITLES:
        found = documents[stem]
        assert found["document"] == f"{export}/{stem}.wiki"
        assert_perfect(GOLD[stem], found)


@pytest.mark.django_db
@pytest.mark.parametrize("compress", [bz2.compress, gzip.compress], ids=["bz2", "gzip"])
def test_a_compressed_export_is_read_like_a_plain_one(tmp_path, pages, compress):
    path = tmp_path / "dump.xml.bin"            # recognised by its content, whatever its name
    path.write_bytes(compress(bx.build_export(pages)))
    out, _ = run(path)
    assert "0 failed" in out and SourceDocument.objects.filter(title="Battle of Kursk").exists()


@pytest.mark.django_db
def test_an_export_cut_in_the_middle_loads_the_pages_before_the_cut_and_names_the_page_it_broke_in(tmp_path, pages):
    data = bx.build_export(pages)
    path = tmp_path / "cut.xml"
    path.write_bytes(bx.truncate(data, 0.5))
    out, err = run(path)
    assert "CommandError: 1 of" in err
    error = next(line for line in out.splitlines() if "the export breaks at line" in line)
    assert "the file is cut" in error and "inside the page" in error and "cut.xml/" in error
    assert SourceDocument.objects.count() > 5      # the pages before the cut loaded


@pytest.mark.django_db
def test_the_size_limit_applies_to_each_page_of_an_export_not_to_the_file(tmp_path, pages):
    path = tmp_path / "export.xml"
    path.write_bytes(bx.build_export(pages))
    limit = 9_000
    out, err = run(path, "--max-bytes", limit)
    big = [t for t, text in pages if len(text) > limit]
    assert big, "the fixture needs pages over the limit"
    assert out.count("longer than the limit of 9,000 bytes per document") == len(big)
    assert f"{len(big)} of " in err
    assert SourceDocument.objects.exists()


@pytest.mark.django_db
def test_a_newer_revision_updates_the_page_and_an_older_one_is_not_read_over_it(tmp_path):
    text = rendering("wikitext", "Battle_of_Debaltseve").read_text(encoding="utf-8")
    title = "Battle of Debaltseve"
    older, newer = tmp_path / "a.xml", tmp_path / "b.xml"
    older.write_bytes(bx.build_export([(title, text)], first_rev_id=100))
    newer.write_bytes(bx.build_export([(title, text + "\n[[Category:2015 in Ukraine]]")], first_rev_id=200))
    run(older)
    out, _ = run(newer)
    assert "Documents: 0 created, 1 updated" in out
    assert SourceDocument.objects.get().revision_id == 200
    out, _ = run(older)
    assert "revision 100 is older than the stored revision 200 of this page" in out
    assert SourceDocument.objects.get().revision_id == 200


@pytest.mark.django_db
def test_a_saved_html_page_is_known_by_its_canonical_url_and_keeps_its_attribution(tmp_path):
    path = rendering("html", "Battle_of_Sirte_(2016)")
    out, _ = run(path)
    doc = SourceDocument.objects.get()
    assert doc.identity == doc.url == "https://en.wikipedia.org/wiki/Battle_of_Sirte_(2016)"
    assert doc.format == "html" and doc.licence == "CC BY-SA 4.0" and doc.revision_id
    assert "<" not in doc.text and bytes(doc.original) == path.read_bytes()
    out, _ = run(path)
    assert "1 unchanged" in out


@pytest.mark.django_db
def test_a_wikitext_file_takes_its_title_from_the_option_or_its_infobox(tmp_path):
    path = rendering("wikitext", "Battle_of_Kursk")
    run(path, "--title", "Battle of Kursk", "--source-url", "https://en.wikipedia.org/wiki/Battle_of_Kursk")
    doc = SourceDocument.objects.get()
    assert (doc.title, doc.identity, doc.format) == ("Battle of Kursk", "https://en.wikipedia.org/wiki/Battle_of_Kursk",
                                                     "wikitext")
    copy = tmp_path / "kursk.wiki"
    copy.write_bytes(path.read_bytes())
    run(copy)
    assert SourceDocument.objects.get(name="kursk.wiki").title == "Battle of Kursk"   # from |conflict=


@pytest.mark.django_db
def test_a_folder_mixing_formats_is_read_by_content(tmp_path, pages):
    folder = tmp_path / "docs"
    folder.mkdir()
    for fmt in ("structured", "plain", "html"):
        name = f"{fmt}-kursk{RENDERINGS.get(fmt, '.txt')}"
        (folder / name).write_bytes(rendering(fmt, "Battle_of_Kursk").read_bytes())
    (folder / "kursk.json").write_text(json.dumps(GOLD["Battle_of_Kursk"]))          # gold kept beside: skipped
    (folder / "pages.xml").write_bytes(bx.build_export([p for p in pages if p[0] == "Battle of Inchon"]))
    (folder / "index.html").write_text("<!DOCTYPE html><html><body><p>My saved pages</p></body></html>")
    out, _ = run(folder)
    assert "Documents: 4 created" in out
    assert "not a document (JSON data)" in out and "index.html: skipped: not a document (HTML or XML markup" in out
    formats = sorted(SourceDocument.objects.values_list("format", flat=True))
    assert formats == ["html", "plain", "structured", "wikitext"]


@pytest.mark.django_db
def test_an_export_shows_one_progress_bar_counting_its_pages(export, pages):
    seen = []
    pipeline.import_paths([export], options=pipeline.ImportOptions(dry_run=True),
                          progress=lambda count, total, path: seen.append((count, total, path.name)))
    readable = [t for t, _ in pages]
    assert [(c, t) for c, t, _ in seen] == [(n, len(readable)) for n in range(1, len(readable) + 1)]
    assert {name for _, _, name in seen} == {t.replace(" ", "_") + ".wiki" for t in readable}

"""The MediaWiki export fixture builder (build_export.py) and the pages it is built from."""
from __future__ import annotations

import bz2
import gzip
import re
import xml.etree.ElementTree as ET

import build_export as bx
import pytest

PAGES = bx.HERE / "pages"


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, str]]:
    return bx.corpus_pages(bx.ROOT)


@pytest.fixture(scope="module")
def export(corpus) -> bytes:
    return bx.build_export(corpus)


def test_every_page_file_has_a_kind_and_every_kind_a_file():
    titles = {bx.normalize_title(p.stem) for p in PAGES.glob("*.wiki")}
    assert titles == set(bx.PAGE_KINDS)
    assert len(titles) >= 42
    kinds = list(bx.PAGE_KINDS.values())
    assert kinds.count("redirect") == 1 and kinds.count("broken") == 2 and kinds.count("war") == 2
    assert kinds.count("offensive") >= 10 and kinds.count("other") >= 28


def test_page_files_are_what_their_kind_says():
    for title, kind in bx.PAGE_KINDS.items():
        text = bx.read_wikitext(PAGES / (title.replace(" ", "_") + ".wiki"))
        assert (bx.redirect_target(text) is not None) == (kind == "redirect"), title
        if kind in ("offensive", "war"):
            assert "{{Infobox military conflict" in text, title
            assert text.count("{{") == text.count("}}"), title
            for field in ("combatant1", "combatant2", "commander1", "commander2", "units1", "units2",
                          "{{start date", "{{coord"):
                assert field in text, (title, field)
        elif kind == "other":
            assert "{{Infobox military conflict" not in text, title
            assert text.count("{{") == text.count("}}") and text.count("[[") == text.count("]]"), title
    assert bx.redirect_target(bx.read_wikitext(PAGES / "Debaltseve_offensive.wiki")) == "Battle of Debaltseve"
    unclosed = bx.read_wikitext(PAGES / "Broken_infobox_page.wiki")
    assert unclosed.count("{{") > unclosed.count("}}")


def test_export_holds_every_page(corpus, export):
    assert bx.check_export(export, corpus) == []
    found = bx.parse_export(export)
    assert [p["title"] for p in found] == [t for t, _ in corpus]
    assert {t for t, _ in corpus} >= set(bx.PAGE_KINDS)
    assert [p["id"] for p in found] == list(range(1000, 1000 + len(corpus)))
    assert [p["rev_id"] for p in found] == list(range(1_200_000_000, 1_200_000_000 + len(corpus)))
    assert {p["timestamp"] for p in found} == {"2024-05-05T10:15:00Z"}
    assert [p["title"] for p in found if p["redirect"]] == ["Debaltseve offensive"]


def test_export_is_deterministic(corpus, export):
    assert bx.build_export(list(reversed(corpus))) == export
    assert bx.build_export(corpus, first_page_id=5) != export


def test_bytes_and_sha1_are_mediawiki_s():
    assert bx.sha1_base36("") == "phoiac9h4m842xq45sp7s6u21eteeq1"  # MediaWiki's sha1 of an empty revision
    data = bx.build_export([("Võ Nguyên Giáp", "Giáp & <ref>\"x\"</ref>\r\nend")])
    assert b'<text bytes="27" xml:space="preserve">' in data
    assert b"Gi\xc3\xa1p &amp; &lt;ref&gt;&quot;x&quot;&lt;/ref&gt;&#13;\nend</text>" in data
    (page,) = bx.parse_export(data)
    assert page["text"] == "Giáp & <ref>\"x\"</ref>\r\nend"
    assert re.fullmatch(r"[0-9a-z]{31}", page["sha1"])


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="duplicate"):
        bx.build_export([("A", "x"), ("A", "y")])
    with pytest.raises(ValueError, match="XML 1.0"):
        bx.build_export([("A", "bell \x07")])
    with pytest.raises(ValueError, match="title"):
        bx.build_export([("A [[b]]", "x")])


@pytest.mark.parametrize("at", [0, 0.2, 0.5, 0.77, 1])
def test_truncated_export_ends_inside_a_text(export, at):
    cut = bx.truncate(export, at)
    assert export.startswith(cut) and len(cut) < len(export)
    cut.decode("utf-8")  # no character split
    tail = cut[cut.rfind(b"<text"):]
    assert b"</text>" not in tail and b'xml:space="preserve">' in tail
    with pytest.raises(ET.ParseError):
        bx.parse_export(cut)


def test_script_writes_plain_bz2_and_gzip(tmp_path, export):
    for name, unpack in (("e.xml", bytes), ("e.xml.bz2", bz2.decompress), ("e.xml.gz", gzip.decompress)):
        assert bx.main([str(tmp_path / name), "--quiet"]) == 0
        first = (tmp_path / name).read_bytes()
        assert unpack(first) == export
        assert bx.main([str(tmp_path / name), "--quiet"]) == 0
        assert (tmp_path / name).read_bytes() == first

"""Files that cannot be read raise ParseError with a line; odd encodings and line endings still parse."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from sources.parsing import PARSER_VERSION, parse
from sources.parsing.records import ParseError
from tests.conftest import SAMPLES

HERE = Path(__file__).parent
BAD = HERE / "documents" / "bad"
PLAIN = HERE / "documents" / "plain"
SEED = HERE.parents[1] / "fixtures" / "sources" / "001_b1d4a69e7f8d3536.txt"


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("empty.txt", None),
        ("binary.bin", 1),   # where the first NUL byte is
        ("no_title_structured.txt", 1),
        ("no_title_plain.txt", 1),
        ("broken_infobox_line.txt", 5),
        ("broken_infobox_empty.txt", 3),
    ],
)
def test_bad_files(name, line):
    with pytest.raises(ParseError) as info:
        parse((BAD / name).read_bytes(), name=name)
    assert info.value.line == line
    assert str(info.value)


def test_whitespace_only_text():
    with pytest.raises(ParseError):
        parse("  \n\n ")


def test_structured_without_title_line():
    with pytest.raises(ParseError) as info:
        parse("\n\nInfobox\n- Date: 1916\n", format="structured")
    assert info.value.line == 3


def test_version_is_a_hash_of_the_parser_source():
    assert re.fullmatch(r"[0-9a-f]{12}", PARSER_VERSION)


def test_cp1252_and_latin1():
    text = (PLAIN / "kursk_1943.txt").read_text(encoding="utf-8")
    doc = parse(text.encode("cp1252"))
    assert doc.sides[1].commanders[1].name == "Günther von Kluge"
    latin = text.replace("\u2013", "-")
    assert parse(latin.encode("latin-1")).title == "Battle of Kursk"


def test_utf16():
    data = SEED.read_text(encoding="utf-8").encode("utf-16")
    doc = parse(data)
    assert doc.title == "Aleppo offensive (October–December 2015)"
    assert len(doc.sides) == 3


def test_bom_and_crlf_keep_spans():
    raw = SEED.read_text(encoding="utf-8")
    data = codecs.BOM_UTF8 + raw.replace("\n", "\r\n").encode("utf-8")
    doc = parse(data)
    assert doc.title_span.start == 2  # offsets are into the normalised text (no BOM, \n endings)
    for side in doc.sides:
        for b in side.belligerents:
            assert b.name in raw[b.span.start : b.span.end]
    for f in doc.fields:
        assert raw[f.span.start : f.span.end] == f.value


def test_str_input_with_bom_and_crlf():
    raw = (PLAIN / "inchon_1950.txt").read_text(encoding="utf-8")
    doc = parse("\ufeff" + raw.replace("\n", "\r\n"))
    assert doc.title == "Battle of Inchon"
    assert raw[doc.sides[0].units[0].span.start : doc.sides[0].units[0].span.end] == "X Corps"


def test_unknown_format():
    with pytest.raises(ValueError):
        parse("= T =", format="xml")


def test_bytes_the_decoder_replaced_are_problems_of_the_document():
    aleppo = (SAMPLES / "001_b1d4a69e7f8d3536.txt").read_bytes()
    data = aleppo.replace(b"Russian airstrikes", b"Russian \x8dairstrikes", 1)
    doc = parse(data)
    line = data[:data.index(b"\x8d")].count(b"\n") + 1
    assert [p.line for p in doc.problems if "invalid UTF-8 byte 8d" in p.message] == [line]

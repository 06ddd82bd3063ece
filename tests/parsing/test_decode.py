"""``text.decode_report``: no silent coercion (issue 15). A few bad bytes keep UTF-8 and are reported,
Windows-1252 stays Windows-1252, UTF-16 without a BOM is text, binary is refused with a line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sources.parsing.records import ParseError
from sources.parsing.text import Decoded, decode, decode_report

SEED = Path(__file__).parents[2] / "fixtures" / "sources" / "001_b1d4a69e7f8d3536.txt"
TEXT = SEED.read_text(encoding="utf-8")
DATA = SEED.read_bytes()


def test_clean_utf8_has_no_problems_and_decode_is_the_same():
    decoded = decode_report(DATA)
    assert decoded == Decoded(TEXT, "utf-8", ())
    assert decode(DATA) == (TEXT, "utf-8")


def test_two_bad_bytes_keep_utf8_and_are_reported_with_line_and_offset():
    data = bytearray(DATA)
    data[500] = 0x81
    data[5000] = 0xFF
    decoded = decode_report(bytes(data))
    assert decoded.encoding == "utf-8"
    assert "–" in decoded.text                      # the en dashes are not mojibake
    assert decoded.text.count("\ufffd") == 2
    lines = [DATA[:500].count(b"\n") + 1, DATA[:5000].count(b"\n") + 1]
    assert [p.line for p in decoded.problems] == lines
    assert "byte offset 500" in decoded.problems[0].message
    assert "byte offset 5000" in decoded.problems[1].message
    # the replacement keeps every other character where it was
    assert decoded.text[:200] == TEXT[:200]


def test_windows_1252_stays_windows_1252_without_problems():
    decoded = decode_report(TEXT.encode("cp1252", "replace"))
    assert decoded.encoding == "cp1252"
    assert decoded.problems == ()
    assert "–" in decoded.text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_text(encoding):
    decoded = decode_report(TEXT.encode(encoding))
    assert (decoded.text, decoded.encoding, decoded.problems) == (TEXT, encoding, ())


def test_utf32_with_bom():
    assert decode_report(TEXT.encode("utf-32")).text == TEXT


def test_a_nul_byte_in_text_is_replaced_and_reported():
    decoded = decode_report(DATA[:1000] + b"\x00" + DATA[1000:])
    assert "\x00" not in decoded.text
    (problem,) = decoded.problems
    assert problem.line == DATA[:1000].count(b"\n") + 1
    assert "U+0000" in problem.message


def test_cesu_surrogate_is_one_reported_replacement():
    decoded = decode_report(DATA[:1000] + b"\xed\xa0\x80" + DATA[1000:])
    assert decoded.text.count("\ufffd") == 1
    assert "CESU-8" in decoded.problems[0].message


@pytest.mark.parametrize(("data", "words", "line"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary", 3),   # \r\n, then \n
    (b"\x81\x8d\x8f\x90\x9d" * 20, "neither UTF-8 nor Windows-1252", 1),
    (b"text\n" * 3 + b"\x01\x02\x03\x04\x05\x06\x07\x08" * 10, "binary", 4),
    (b"\xff\xfe" + "= T =\n".encode("utf-16-le")[:-1], "ends in the middle of a character", 1),
])
def test_refused_with_a_message_and_a_line(data, words, line):
    with pytest.raises(ParseError) as info:
        decode_report(data)
    assert words in info.value.message
    assert info.value.line == line


def test_empty_has_no_line():
    with pytest.raises(ParseError) as info:
        decode_report(b" \n\t\n")
    assert info.value.message == "the file is empty"

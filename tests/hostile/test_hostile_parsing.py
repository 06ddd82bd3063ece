"""Hostile inputs for the parsing layer (issue 15), generated here: each one is refused with a clean
``ParseError`` whose message and line say what is wrong, or parsed with the right warnings and no
false value (``hostile_fuzzing.check_document``: real dates in range, ranges forwards, spans inside
the text, problems on lines of it). No timings here: those are in ``bench/fuzz.py``.
"""
from __future__ import annotations

import codecs
import datetime
from pathlib import Path

import pytest
from hostile_fuzzing import check_document
from hostile_shapes import HEAD, PLAIN_LEAD, dated, day, headings

from sources.parsing import parse
from sources.parsing.export import to_json
from sources.parsing.records import ParseError
from sources.parsing.text import decode_report

ROOT = Path(__file__).resolve().parents[2]
SEED = (ROOT / "fixtures" / "sources" / "001_b1d4a69e7f8d3536.txt").read_bytes()
PLAIN_SEED = (ROOT / "fixtures" / "sources" / "000_062e724f942c86c7.txt").read_bytes()
D = datetime.date


def parsed(data: bytes | str, **kwargs):
    doc = parse(data, name="hostile.txt", **kwargs)
    text = decode_report(data).text if isinstance(data, bytes) else data.replace("\r\n", "\n").replace("\r", "\n")
    check_document(doc, text)
    return doc


def said(doc, line: int) -> str:
    """The problems reported on ``line``, one per line of output."""
    return "\n".join(p.message for p in doc.problems if p.line == line)


# ---------------------------------------------------------------- refused, with a message and a line

@pytest.mark.parametrize(("data", "words", "line"), [
    pytest.param(b"", "the file is empty", None, id="empty file"),
    pytest.param(b" \n\t\r\n", "the file is empty", None, id="white space only"),
    pytest.param(codecs.BOM_UTF16_LE + "  \n ".encode("utf-16-le"), "has no text", 1, id="UTF-16 spaces"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary (NUL bytes", 3, id="PNG"),
    pytest.param(b"= T =\n\nsome text\n" + b"\x00" * 10, "binary (NUL bytes", 4, id="NUL bytes"),
    pytest.param(b"= T =\n" + b"\x01\x02\x03\x04\x05" * 20, "binary (many control characters", 2, id="controls"),
    pytest.param(b"\x81\x8d\x8f\x90\x9d" * 20, "neither UTF-8 nor Windows-1252", 1, id="undecodable"),
    pytest.param(codecs.BOM_UTF16_LE + "= T =\nx\n".encode("utf-16-le")[:-1], "ends in the middle of a character",
                 2, id="UTF-16 cut in a character"),
    pytest.param(b"Infobox\n- Date: 1916\n\n= T =\n", "must start with a '= Title =' line", 1,
                 id="infobox before the title"),
    pytest.param(b"= T =\n\nInfobox\n- Conflict: X\n- Date 16 October\n", "infobox line is not '- Key: value'", 5,
                 id="broken infobox line"),
    pytest.param(b"= T =\n\nInfobox\n\n- Date: 1916\n", "has no '- Key: value' lines", 3, id="empty infobox"),
    pytest.param(b"Syria Russia and more words but no lead sentence at all\n[1] On 3 May 2015 x.\n", "no title", 1,
                 id="plain without a lead"),
    pytest.param(b"= =\n\nInfobox\n- Date: 1916\n", "must start with a '= Title =' line", 1, id="empty title"),
    pytest.param(b"\n\n\n= =\n", "no title", 4, id="empty title after blank lines"),
])
def test_refused_with_message_and_line(data, words, line):
    with pytest.raises(ParseError) as info:
        parse(data, name="hostile.txt")
    assert words in info.value.message
    assert info.value.line == line
    assert "\n" not in str(info.value) and len(str(info.value)) < 300


# ---------------------------------------------------------------- encodings: no silent coercion
# The decoder's problems come with ``decode_report``; ``parse`` reads the same text (carrying them into
# ``DocumentRecord.problems`` is a line in ``sources/parsing/__init__.py``, see the issue 15 notes).

def _line(data: bytes, at: int) -> int:
    return data[:at].count(b"\n") + 1


def test_two_bad_bytes_keep_utf8_and_the_record():
    data = bytearray(SEED)
    first, second = SEED.index(b"Sheikh"), SEED.rindex(b"offensive")
    data[first] = 0x81
    data[second] = 0xFF
    decoded = decode_report(bytes(data))
    assert decoded.encoding == "utf-8" and decoded.text.count("\ufffd") == 2
    assert [p.line for p in decoded.problems] == [_line(SEED, first), _line(SEED, second)]
    assert f"byte offset {first}" in decoded.problems[0].message and "U+FFFD" in decoded.problems[0].message
    doc, clean = parsed(bytes(data)), parse(SEED)
    assert doc.title == clean.title and len(doc.events) == len(clean.events)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16-le", "utf-16-be", "utf-16", "utf-32"])
def test_other_encodings_give_the_same_record(encoding):
    data = SEED.decode("utf-8").encode(encoding)
    assert to_json(parsed(data), "x") == to_json(parse(SEED), "x")
    assert parsed(data).problems == parse(SEED).problems


def test_nul_byte_mid_file_is_replaced_and_reported():
    at = PLAIN_SEED.index(b"\n[44]")
    data = PLAIN_SEED[:at] + b"\x00" + PLAIN_SEED[at:]
    (problem,) = decode_report(data).problems
    assert problem.line == _line(PLAIN_SEED, at) and "U+0000" in problem.message
    assert to_json(parsed(data), "x")["events"] == to_json(parse(PLAIN_SEED), "x")["events"]


def test_lone_surrogate_written_as_cesu():
    at = SEED.index(b"Soleimani")
    data = SEED[:at] + b"\xed\xa0\x80" + SEED[at:]
    (problem,) = decode_report(data).problems
    assert problem.line == _line(SEED, at) and "CESU-8" in problem.message
    assert parsed(data).sides[0].commanders[0].name == "Qasem \ufffdSoleimani"


def test_carriage_returns_only_count_lines():
    text = HEAD + "==Events==\n" + dated(290) + "\n\nOn 31 February 2016, the army attacked.\n"
    doc = parsed(text.replace("\n", "\r").encode())
    assert "31 February 2016" in said(doc, text.count("\n", 0, text.index("On 31")) + 1)


# ---------------------------------------------------------------- impossible dates: warnings, no false date

def _dated_doc(sentence: str) -> tuple[str, int]:
    """A document with ``sentence`` in a paragraph of its own between two good dated ones."""
    before = HEAD + "==Events==\n" + "On 20 October 2015, the army captured Hadher.\n\n"
    text = before + sentence + "\n\nOn 25 October 2015, the army captured Tal Hadiya.\n"
    return text, before.count("\n") + 1


@pytest.mark.parametrize(("sentence", "words"), [
    ("On 31 February 2016, the army attacked Zitan.", "February 2016 has 29 days"),
    ("On 0 October, rebels attacked Zitan.", "days start at 1"),
    ("On 0 October 2015, rebels attacked Zitan.", "days start at 1"),
    ("On 29 February 2015, the army attacked Zitan.", "February 2015 has 28 days"),
    ("On 32 December, the army attacked Zitan.", "December has 31 days"),
    ("On 13/45/2015 the army attacked Zitan.", "'13/45/2015' is not a date"),
    ("On 31/31/31 the army attacked Zitan.", "'31/31/31' is not a date"),
    ("On 3/4/2015 the army attacked Zitan.", "is ambiguous"),
    ("On 3 May 0, the army attacked Zitan.", "the year 0 is outside"),
    ("On 3 May 9999 the army attacked Zitan.", "the year 9999 is outside"),
    ("On 3 May -500 the army attacked Zitan.", "the year -500 is outside"),
    ("On 3 May 500 BC the army attacked Zitan.", "the year 500 BC is outside"),
    ("In 500 BC, the army attacked Zitan.", "the year 500 BC is outside"),
    ("In March 2100, the army attacked Zitan.", "the year 2100 is outside"),
    ("On 3 May 1000000000000000000000000000000 the army attacked Zitan.", "(31 digits) is out of range"),
    ("99999999999 days later, the army attacked Zitan.", "beyond the calendar"),
])
def test_impossible_dates_are_warnings_and_the_sentence_keeps_no_false_date(sentence, words):
    text, line = _dated_doc(sentence)
    doc = parsed(text)
    assert words in said(doc, line)
    assert [(e.date, e.end_date) for e in doc.events] == [(D(2015, 10, 20), None), (D(2015, 10, 25), None)]


def test_a_reversed_range_in_prose_keeps_its_start_and_loses_its_end():
    text, line = _dated_doc("Between 30 and 2 October, the army shelled Zitan.")
    doc = parsed(text)
    assert "ends before it starts" in said(doc, line)
    event = next(e for e in doc.events if "Zitan" in e.text)
    assert (event.date, event.end_date) == (D(2015, 10, 30), None)


def test_29_february_in_a_leap_year_is_a_date():
    doc = parsed(HEAD.replace("2015", "2016") + "On 29 February, the army attacked Zitan.\n")
    assert [e.date for e in doc.events] == [D(2016, 2, 29)] and doc.problems == []


def test_a_zero_width_joiner_in_a_date_does_not_lower_its_precision():
    doc = parsed(HEAD + "On 3\u200d May 2015, the army attacked Zitan.\n")
    assert [(e.date, e.precision) for e in doc.events] == [(D(2015, 5, 3), "day")]


# ---------------------------------------------------------------- the infobox

def _infobox(*lines: str) -> str:
    return "= Test offensive =\n\nInfobox\n" + "".join(f"- {ln}\n" for ln in lines) + "\n" + dated(300) + "\n"


@pytest.mark.parametrize(("value", "start", "end", "words"), [
    ("30 – 2 October 2015", D(2015, 10, 30), None, "ends before it starts: the end is dropped"),
    ("Between 30 and 2 October 2015", D(2015, 10, 30), None, "ends before it starts: the end is dropped"),
    ("5 May 2016 – 2 June 2015", D(2016, 5, 5), None, "ends before it starts: the end is dropped"),
    ("31 February 2016", None, None, "February 2016 has no day 31"),
    ("3 May 9999", None, None, "the year 9999 is outside"),
    ("500 BC", None, None, "the year 500 BC is outside"),
    ("16 October 2015 – 3 May 9999", D(2015, 10, 16), None, "the end is dropped"),
    ("28 December – 3 January 1944", D(1943, 12, 28), D(1944, 1, 3), None),
    ("December – January 1944", D(1943, 12, 1), D(1944, 1, 1), None),
])
def test_infobox_dates(value, start, end, words):
    doc = parsed(_infobox(f"Date: {value}"))
    assert (doc.start.date if doc.start else None, doc.end.date if doc.end else None) == (start, end)
    if words:
        assert words in said(doc, 4)
    else:
        assert said(doc, 4) == ""


def test_repeated_keys_are_merged_or_reported():
    doc = parsed(_infobox("Date: 16 October – 21 December 2015", "Commander1: Qasem Soleimani", "Place: Aleppo",
                          "Commander1: Suheil al-Hassan", "Date: 1 January 2016", "Place: Homs"))
    assert [c.name for c in doc.sides[0].commanders] == ["Qasem Soleimani", "Suheil al-Hassan"]
    assert (doc.start.date, doc.end.date, doc.place) == (D(2015, 10, 16), D(2015, 12, 21), "Aleppo")
    assert "added to the first's" in said(doc, 7)
    assert "first value is kept" in said(doc, 8) and "'1 January 2016'" in said(doc, 8)
    assert "first value is kept" in said(doc, 9) and "'Homs'" in said(doc, 9)


def test_an_infobox_of_5000_keys():
    doc = parsed(_infobox(*(f"Key{i}: value {i}" for i in range(5000))))
    assert len(doc.extra) == 5000 and len(doc.fields) == 5000 and len(doc.events) == 1


def test_side_numbers_of_10_to_the_30():
    doc = parsed(_infobox("Combatant1: Syria", "Combatant" + "1" + "0" * 30 + ": Mars"))
    assert len(doc.sides) == 1 and "is not valid" in said(doc, 5)


def test_strength_of_10_to_the_30_is_exact_and_longer_figures_are_none():
    doc = parsed(_infobox("Strength1: " + "1" + "0" * 30 + " fighters, " + "9" * 400 + " men, 3.5 million"))
    assert [s.number for s in doc.sides[0].strength] == [10 ** 30, None, 3_500_000]


def test_a_commander_with_10000_kia_markers():
    doc = parsed(_infobox("Commander1: Ali" + " KIA" * 10000))
    (commander,) = doc.sides[0].commanders
    assert (commander.name, commander.kia) == ("Ali", True)


def test_deeply_repeated_unit_markers():
    doc = parsed(_infobox("Units1: Army, * Corps, " + "*" * 500 + " Lost, ** Division, ****** Orphan"))
    units = [(u.name, u.parent, u.depth) for u in doc.sides[0].units]
    assert units == [("Army", None, 0), ("Corps", "Army", 1), ("Lost", None, 500), ("Division", "Corps", 2),
                     ("Orphan", None, 6)]


# ---------------------------------------------------------------- structure and size

def test_a_title_of_10000_characters_is_kept_whole():
    doc = parsed("= " + "T" * 10000 + " =\n\n" + dated(0) + "\n")
    assert doc.title == "T" * 10000 and (doc.title_span.start, doc.title_span.end) == (2, 10002)


@pytest.mark.parametrize("title", ["...", "阿勒颇攻势 (2015)", "\u202eevisneffo\u202c", "Ka\u0301fr Nu\u0308bl"])
def test_titles_in_any_script_or_punctuation_only(title):
    assert parsed(f"= {title} =\n\n{dated(0)}\n").title == title


def test_an_unterminated_heading_is_prose_not_a_section():
    doc = parsed(HEAD + "==Events==\n" + dated(1) + "\n\n==Aftermath\n" + dated(2) + "\n")
    assert [e.section for e in doc.events] == ["Events", "Events"]


def test_a_line_of_100000_equal_signs():
    # a heading of '=' only, with no name: the sentence after it is in no section
    doc = parsed(HEAD + "==Events==\n" + "=" * 100000 + "\n" + dated(1) + "\n")
    assert [(e.date, e.section) for e in doc.events] == [(day(1), None)]


def test_a_megabyte_line_of_sentences():
    text = HEAD + " ".join(dated(i) for i in range(18000)) + "\n"
    assert len(text) > 1_000_000
    doc = parsed(text)
    assert len(doc.events) == 18000 and [e.date for e in doc.events[:400]] == [day(i) for i in range(400)]


def test_2000_headings_each_with_a_dated_sentence():
    doc = parsed(headings(2000))
    assert [(e.date, e.section) for e in doc.events] == [(day(i), f"Section {i}") for i in range(2000)]


def test_10000_citation_markers():
    doc = parsed(HEAD + "On 3 May 2015, the army attacked" + "".join(f"[{i}]" for i in range(10000)) + " Tal.\n")
    (event,) = doc.events
    assert len(event.citations) == 10000 and event.text == "On 3 May 2015, the army attacked Tal."


def test_rtl_and_combining_characters_keep_their_spans():
    text = (HEAD + "On 3 May 2015, the army captured Ka\u0301fr Nu\u0308bl and \u202eTal\u202c near "
            "\u0627\u0644\u0628\u0627\u0628.\n")
    doc = parsed(text)
    (event,) = doc.events
    assert event.date == D(2015, 5, 3)
    for p in event.places:
        assert text[p.span.start:p.span.end] == p.name


def test_a_plain_infobox_run_of_5000_names_is_reported_not_imported():
    doc = parsed("Government victory Syria " + " ".join(f"al-Name{i}" for i in range(5000)) + " " + PLAIN_LEAD + "\n")
    assert doc.title == "Hostile offensive (January 2015)"
    long = [p.message for p in doc.problems if "could not split" in p.message]
    assert long and all(len(m) < 400 for m in long)


def test_huge_numbers_in_prose_do_not_become_dates_or_figures():
    doc = parsed(HEAD + "On 3 May 2015, " + "1" + "0" * 30 + " soldiers attacked Zitan.\n")
    assert [e.date for e in doc.events] == [D(2015, 5, 3)]


@pytest.mark.parametrize("fmt", ["structured", "plain"])
def test_each_seed_forced_into_the_other_format(fmt):
    for data in (SEED, PLAIN_SEED):
        try:
            parsed(data, format=fmt)
        except ParseError as exc:
            assert exc.message and exc.line

"""Structured documents: infobox splitting, dates, spans, prose blocks."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from sources.parsing import detect_format, parse
from sources.parsing.infodate import parse_period
from sources.parsing.structured import parse_structured
from sources.parsing.text import decode

HERE = Path(__file__).parent
DOCS = HERE / "documents" / "structured"
SEED = HERE.parents[1] / "fixtures" / "sources" / "001_b1d4a69e7f8d3536.txt"


def load(path: Path):
    text, _ = decode(path.read_bytes())
    return text, parse(path.read_bytes(), name=path.name)


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("16 October – 21 December 2015, ()", "2015-10-16", "2015-12-21"),
        ("March 1943", "1943-03-01", "1943-03-01"),
        ("3 – 9 June 1944", "1944-06-03", "1944-06-09"),
        ("July 12, 1943 – August 23, 1943", "1943-07-12", "1943-08-23"),
        ("24 February 2022 – present", "2022-02-24", None),
        ("1916", "1916-01-01", "1916-01-01"),
        ("late 2015", "2015-01-01", "2015-01-01"),
        ("June 3 – 9, 1944", "1944-06-03", "1944-06-09"),
        ("28 December 1943 – 3 January 1944", "1943-12-28", "1944-01-03"),
        ("6 September – 2 October 2022 (26 days)", "2022-09-06", "2022-10-02"),
        ("December 1943 – April 1944", "1943-12-01", "1944-04-01"),
    ],
)
def test_period_styles(value, start, end):
    s, e, ok = parse_period(value)
    assert ok
    assert s.date.isoformat() == start
    assert (e.date.isoformat() if e else None) == end


def test_precisions():
    assert parse_period("March 1943")[0].precision == "month"
    assert parse_period("1916")[0].precision == "year"
    assert parse_period("3 – 9 June 1944")[1].precision == "day"


def test_seed_infobox():
    text, doc = load(SEED)
    assert detect_format(text) == "structured"
    assert doc.format == "structured"
    assert doc.title == "Aleppo offensive (October–December 2015)"
    assert text[doc.title_span.start : doc.title_span.end] == doc.title
    assert doc.start.date == datetime.date(2015, 10, 16) and doc.end.date == datetime.date(2015, 12, 21)
    assert doc.part_of == [
        "Battle of Aleppo",
        "Syrian Civil War",
        "Russian military intervention in the Syrian Civil War",
    ]
    assert len(doc.territory) == 3
    assert [len(s.belligerents) for s in doc.sides] == [9, 3, 1]
    c2 = {c.name: c for c in doc.sides[1].commanders}
    assert c2["Moder Abdul Salam Hamdoun"].kia and c2["Ismail Sanif"].kia
    assert c2["Faysal Shareef"].alias == "Abu 'Ameer"
    c1 = {c.name: c for c in doc.sides[0].commanders}
    assert c1["Muhammad al-Sa’id"].role == "Liwa Al-Quds leader"
    assert c1["Qasem Soleimani"].rank == "Maj. Gen."
    assert c1["Aleksandr Dvornikov"].rank is None
    units = {u.name: u for u in doc.sides[0].units}
    assert units["46th Brigade"].parent == "4th Mechanized Division" and units["46th Brigade"].depth == 3
    assert units["Al-Quds Brigade"].parent == "Syrian Armed Forces"
    assert units["Spetsnaz GRU advisors"].parent == "Russian Armed Forces"
    assert doc.sides[0].strength[0].number == 2000
    assert [f.key for f in doc.fields][:3] == ["Conflict", "Partof", "Date"]
    assert len(doc.fields) == 18
    assert doc.problems == []


def test_seed_spans_cover_values():
    text, doc = load(SEED)
    for f in doc.fields:
        assert text[f.span.start : f.span.end] == f.value
    for side in doc.sides:
        for item in side.belligerents + side.commanders + side.units:
            assert item.name in text[item.span.start : item.span.end]
        for st in side.strength:
            assert text[st.span.start : st.span.end] == st.text
    for b in doc.sides[2].belligerents:
        assert text[b.span.start : b.span.end] == "Islamic State (since 23 Oct.)"


def test_seed_blocks():
    text, _ = decode(SEED.read_bytes())
    _, blocks = parse_structured(text)
    assert blocks[0].section is None and blocks[0].text.startswith("The Aleppo offensive")
    assert blocks[2].section == "Preparations"
    assert all(not b.text.lstrip().startswith(("=", "- ")) for b in blocks)
    assert all(text[b.start : b.start + len(b.text)] == b.text for b in blocks)
    sections = {b.section for b in blocks}
    assert "Syrian Government offensive" in sections and "See also" not in sections
    assert blocks[-1].section == "Strategic analysis"


def test_citadel_other_keys_and_us_dates():
    text, doc = load(DOCS / "citadel_1943.txt")
    assert doc.start.date == datetime.date(1943, 7, 5) and doc.end.date == datetime.date(1943, 7, 16)
    assert doc.status == "Soviet defensive victory"  # from "Result"
    assert doc.extra == {"Casualties1": "54,182", "Casualties2": "177,847"}
    assert doc.part_of == ["Eastern Front of World War II"]
    units = {u.name: u.parent for u in doc.sides[0].units}
    assert units["1st SS Panzer Division"] == "II SS Panzer Corps"
    assert units["Army Detachment Kempf"] == "Army Group South"
    assert units["9th Army"] == "Army Group Centre"
    assert doc.sides[0].commanders[2].role == "Ninth Army"
    assert doc.sides[1].commanders[0].role == "Stavka representative"
    assert doc.sides[0].strength[0].text == "777,000 men" and doc.sides[0].strength[0].number == 777000


def test_kharkiv_territory_partof_fates():
    text, doc = load(DOCS / "kharkiv_2022.txt")
    assert doc.part_of == ["Russian invasion of Ukraine", "Russo-Ukrainian War"]
    assert doc.territory == [
        "Ukraine recaptures over 12,000 km2 of territory, including Izium, Kupiansk and Lyman",
        "Russian forces withdraw from most of Kharkiv Oblast",
    ]
    b = doc.sides[1].belligerents[1]
    assert (b.name, b.note) == ("Luhansk People's Republic", "LPR militia")
    c = doc.sides[1].commanders[1]
    assert (c.rank, c.name, c.alias, c.kia) == ("Lt. Gen.", "Roman Berdnikov", "Berdnik", False)
    assert any("POW" in p.message for p in doc.problems)
    assert doc.sides[0].commanders[1].rank == "Col. Gen."
    assert doc.sides[1].units[-1].name == "Rosgvardiya"
    assert doc.sides[1].strength[1].qualifier == "estimate" and doc.sides[1].strength[1].number == 10000


def test_invasion_open_end():
    _, doc = load(DOCS / "invasion_2022.txt")
    assert doc.start.date == datetime.date(2022, 2, 24) and doc.end is None
    assert doc.status == "Ongoing"
    assert doc.extra["Casualties and losses"] == "heavy on both sides"
    assert [c.role for c in doc.sides[0].commanders] == ["President of Russia", "Chief of the General Staff"]
    assert [s.text for s in doc.sides[1].strength] == ["196,600 (active)", "900,000 (reserve)"]


@pytest.mark.parametrize("path", sorted(DOCS.glob("*.txt")), ids=lambda p: p.name)
def test_own_structured_documents_spans(path):
    text, doc = load(path)
    assert doc.format == "structured" and doc.start is not None
    for side in doc.sides:
        assert side.belligerents
        for item in side.belligerents + side.commanders + side.units:
            assert item.name in text[item.span.start : item.span.end]


# ---------------------------------------------------------------- repeated keys (issue 15)

REPEATED = """= Test offensive =

Infobox
- Date: 16 October – 21 December 2015
- Place: Aleppo
- Combatant1: Syria
- Commander1: Qasem Soleimani
- Units1: Syrian Armed Forces
- Strength1: 3,000
- Casualties1: 50 killed
- Date: 1 January 2016
- Place: Homs
- Status: Ongoing
- Result: Victory
- Combatant1: Russia
- Commander1: Aleksandr Dvornikov
- Units1: * Syrian Army, ** 4th Division
- Strength1: 5,000
- Casualties1: 20 wounded

On 20 October 2015, the army captured Hadher.
"""


def test_repeated_list_keys_are_merged_and_single_keys_keep_the_first_value():
    doc = parse(REPEATED)
    (side,) = doc.sides
    assert [b.name for b in side.belligerents] == ["Syria", "Russia"]
    assert [c.name for c in side.commanders] == ["Qasem Soleimani", "Aleksandr Dvornikov"]
    # the second Units1 line goes on from the first: its '*' unit hangs under the first's unit
    assert [(u.name, u.parent) for u in side.units] == [
        ("Syrian Armed Forces", None), ("Syrian Army", "Syrian Armed Forces"), ("4th Division", "Syrian Army")]
    assert [s.number for s in side.strength] == [3000, 5000]
    assert doc.extra["Casualties1"] == "50 killed; 20 wounded"
    assert (doc.start.date.isoformat(), doc.end.date.isoformat()) == ("2015-10-16", "2015-12-21")
    assert (doc.place, doc.status) == ("Aleppo", "Ongoing")
    said = {p.line: p.message for p in doc.problems}
    assert "the first value is kept" in said[11] and "'1 January 2016'" in said[11]
    assert "the first value is kept" in said[12] and "'Homs'" in said[12]
    assert "as 'Status'" in said[14]
    for line in (15, 16, 17, 18, 19):
        assert "added to the first's" in said[line]


def test_side_numbers_out_of_range_are_reported_not_created():
    doc = parse("= T =\n\nInfobox\n- Combatant1: Syria\n- Combatant" + "9" * 5000 + ": X\n- Commander0: Y\n\n"
                "On 20 October 2015, the army captured Hadher.\n")
    assert len(doc.sides) == 1
    said = {p.line: p.message for p in doc.problems}
    assert "is not valid (sides are numbered 1 to 20)" in said[5] and len(said[5]) < 400
    assert "is not valid" in said[6]


# ---------------------------------------------------------------- group labels and ranks

LABELS = """= Test offensive =

Infobox
- Date: 1 March – 27 March 2016
- Combatant1: 20px Syria, Iran, Allied militias:, Hezbollah, Liwa Fatemiyoun (until May), Supported by:, Russia
- Combatant2: Iraq, Supported by, 20px United States
- Commander1: Sen. Lt. Alexander Prokhorenko KIA (officer), 1st Lt. Baldomero Lopez, First Lt. John Doe, \
Second Lieutenant Jane Roe, Lt. Cdr. Ali Hassan
- Commander2: Col. Ali Shaheen

On 2 March 2016, the army attacked.
"""


def test_a_group_label_is_the_note_of_the_names_after_it():
    doc = parse(LABELS)
    side1, side2 = doc.sides
    assert [(b.name, b.note) for b in side1.belligerents] == [
        ("Syria", None), ("Iran", None), ("Hezbollah", "Allied militias"),
        ("Liwa Fatemiyoun", "until May"),             # its own bracket wins over the label
        ("Russia", "Supported by")]
    # "Supported by" names no party even without its colon
    assert [(b.name, b.note) for b in side2.belligerents] == [("Iraq", None), ("United States", "Supported by")]


def test_ordinal_and_senior_lieutenant_ranks():
    doc = parse(LABELS)
    assert [(c.rank, c.name) for c in doc.sides[0].commanders] == [
        ("Sen. Lt.", "Alexander Prokhorenko"), ("1st Lt.", "Baldomero Lopez"), ("First Lt.", "John Doe"),
        ("Second Lieutenant", "Jane Roe"), ("Lt. Cdr.", "Ali Hassan")]
    assert doc.sides[0].commanders[0].kia

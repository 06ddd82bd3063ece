"""Plain (scraped) documents: the flattened infobox run, the lead, title and period."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies

from sources.parsing import detect_format, parse
from sources.parsing import lexicon as lx
from sources.parsing.plain import Lexicon, parse_plain
from sources.parsing.sides import KnownForces
from sources.parsing.text import decode

HERE = Path(__file__).parent
DOCS = HERE / "documents" / "plain"
SEED = HERE.parents[1] / "fixtures" / "sources" / "000_062e724f942c86c7.txt"


def load(path: Path, known=()):
    text, _ = decode(path.read_bytes())
    return text, parse(path.read_bytes(), name=path.name, known_forces=known)


def summary(doc):
    return [
        (
            [b.name for b in s.belligerents],
            [c.name for c in s.commanders],
            [u.name for u in s.units],
            [x.text for x in s.strength],
        )
        for s in doc.sides
    ]


def test_seed():
    text, doc = load(SEED)
    assert detect_format(text) == "plain" and doc.format == "plain"
    assert doc.title == "Palmyra offensive (December 2016)"
    assert doc.status == "Partial ISIL victory"
    assert doc.start.date == datetime.date(2016, 12, 8) and doc.end is None
    assert doc.part_of == [] and doc.place is None
    side1, side2 = doc.sides
    assert [b.name for b in side1.belligerents] == [
        "Syria",
        "Russia",
        "Iran",
        "Liwa Fatemiyoun",
        "Liwa Zainebiyoun",
        "Kata'ib al-Imam Ali",
        "Hezbollah",
    ]
    assert [b.note for b in side1.belligerents][2:4] == [None, "Allied militias"]
    assert [u.name for u in side1.units][:3] == [
        "Syrian Armed Forces",
        "Russian Armed Forces",
        "Iranian Armed Forces",
    ]
    assert side1.strength[0].number == 3000
    assert side1.strength[0].qualifier == "by the beginning of the offensive"
    assert [b.name for b in side2.belligerents] == ["ISIL"]
    assert "Foreign intervention" in doc.extra["navigation"]
    assert doc.lead.startswith("The Palmyra offensive in December 2016 was")
    assert text[doc.lead_span.start :].startswith("The Palmyra offensive")


def test_seed_spans():
    text, doc = load(SEED)
    for side in doc.sides:
        for item in side.belligerents + side.units:
            assert item.name in re.sub(r"\[\d+\]", " ", text[item.span.start : item.span.end]).replace(
                "  ", " "
            )
    s = doc.sides[0].strength[0]
    assert text[s.span.start : s.span.end] == "3,000+ fighters[19] (by the beginning of the offensive)"
    assert text[doc.title_span.start : doc.title_span.end] == "Palmyra offensive in December 2016"


def test_seed_blocks():
    text, _ = decode(SEED.read_bytes())
    _, blocks = parse_plain(text)
    assert blocks[0].text.startswith("The Palmyra offensive in December 2016 was")
    assert text[blocks[0].start : blocks[0].start + len(blocks[0].text)] == blocks[0].text
    assert len(blocks) == text.strip().count("\n") + 1
    assert all(b.section is None for b in blocks)
    assert [b.line for b in blocks][:3] == [1, 2, 3]


def test_known_forces_split_runs():
    text = (
        "Decisive Foo victory Foo Republic Bar Liberation Front Baz People's Militia 5,000 fighters "
        "The Qux offensive in March 2020 was an operation. The Foo launched the offensive on 3 March 2020."
    )
    plain = parse(text)
    known = parse(text, known_forces=["Foo Republic", "Bar Liberation Front", "Baz People's Militia"])
    assert [b.name for b in known.sides[0].belligerents] == [
        "Foo Republic",
        "Bar Liberation Front",
        "Baz People's Militia",
    ]
    assert known.title == "Qux offensive (March 2020)" and known.start.date == datetime.date(2020, 3, 3)
    # without the names the run is not split into invented entities
    assert len(plain.sides[0].belligerents) <= 3


def test_unsplittable_run_is_a_problem():
    text = (
        "Stalemate Alpha Bravo Charlie Delta Echo Foxtrot Golf 100 men The Hotel offensive was an operation."
    )
    doc = parse(text)
    assert doc.sides[0].belligerents == []
    assert any("could not split" in p.message for p in doc.problems)
    assert doc.start is None and any("launch date" in p.message for p in doc.problems)


EXPECTED = {
    "kursk_1943.txt": {
        "title": "Battle of Kursk",
        "start": "1943-07-05",
        "end": "1943-08-23",
        "status": "Decisive Soviet victory",
        "sides": [
            (
                ["Soviet Union"],
                ["Georgy Zhukov", "Konstantin Rokossovsky", "Nikolai Vatutin"],
                ["Central Front", "Voronezh Front", "Steppe Front"],
                ["1,910,361 men", "5,128 tanks", "25,013 guns"],
            ),
            (
                ["Germany"],
                ["Erich von Manstein", "Günther von Kluge"],
                ["Army Group Centre", "Army Group South"],
                ["780,900 men", "2,928 tanks"],
            ),
        ],
    },
    "tet_1968.txt": {
        "title": "Tet Offensive",
        "start": "1968-01-31",
        "end": None,
        "status": "Allied military victory",
        "sides": [
            (
                ["South Vietnam", "United States", "South Korea", "Australia"],
                ["William Westmoreland", "Cao Văn Viên"],
                [],
                ["1,100,000 troops (approximate)"],
            ),
            (
                ["North Vietnam", "Viet Cong"],
                ["Võ Nguyên Giáp", "Văn Tiến Dũng"],
                [],
                ["323,000–595,000 troops"],
            ),
        ],
    },
    "mosul_2016.txt": {
        "title": "Battle of Mosul",
        "start": "2016-10-17",
        "end": "2017-07-10",
        "status": "Iraqi victory",
        "sides": [
            (
                ["Iraq", "CJTF–OIR", "United States", "United Kingdom", "France"],
                ["Abdulwahab al-Saadi", "Stephen J. Townsend"],
                ["Iraqi Armed Forces", "Iraqi Army", "Counter Terrorism Service", "9th Armoured Division"],
                ["94,000–108,000 Iraqi troops"],
            ),
            (["Kurdistan Region"], ["Masoud Barzani"], ["Peshmerga"], ["40,000 fighters"]),
            (
                ["Islamic State"],
                ["Abu Bakr al-Baghdadi", "Abu Abdul Rahman al-Shamari"],
                ["Military of ISIL"],
                ["3,000–5,000 militants (estimated)"],
            ),
        ],
    },
    "kharkiv_2022.txt": {
        "title": "Kharkiv counteroffensive (September 2022)",
        "start": "2022-09-06",
        "end": None,
        "status": "Ukrainian victory",
        "sides": [
            (
                ["Ukraine"],
                ["Valerii Zaluzhnyi", "Oleksandr Syrskyi"],
                ["Armed Forces of Ukraine", "Ukrainian Ground Forces", "92nd Mechanized Brigade"],
                ["Unknown"],
            ),
            (
                ["Russia", "Luhansk People's Republic"],
                ["Andrey Serdyukov"],
                ["Russian Armed Forces", "1st Guards Tank Army"],
                ["Unknown"],
            ),
        ],
    },
    "bagration_1944.txt": {
        "title": "Operation Bagration",
        "start": "1944-06-22",
        "end": "1944-08-19",
        "status": "Decisive Soviet victory",
        "sides": [
            (
                ["Soviet Union"],
                ["Aleksandr Vasilevsky", "Georgy Zhukov", "Ivan Bagramyan"],
                [
                    "1st Baltic Front",
                    "3rd Belorussian Front",
                    "2nd Belorussian Front",
                    "1st Belorussian Front",
                ],
                ["2,331,700 men", "5,818 tanks"],
            ),
            (
                ["Germany"],
                ["Ernst Busch", "Walter Model"],
                ["Army Group Centre", "Third Panzer Army", "Fourth Army", "Ninth Army"],
                ["849,000 men"],
            ),
        ],
    },
    "marawi_2017.txt": {
        "title": "Battle of Marawi",
        "start": "2017-05-23",
        "end": "2017-10-23",
        "status": "Philippine government victory",
        "sides": [
            (
                ["Philippines"],
                ["Eduardo Año", "Carlito Galvez Jr."],
                ["Armed Forces of the Philippines", "Philippine Army", "Philippine Marine Corps"],
                ["6,500 troops"],
            ),
            (
                ["Islamic State", "Maute Group", "Abu Sayyaf"],
                ["Isnilon Hapilon", "Omar Maute", "Abdullah Maute"],
                [],
                ["1,000 militants (initial)"],
            ),
        ],
    },
    "hodeidah_2018.txt": {
        "title": "Battle of Hodeidah",
        "start": "2018-06-13",
        "end": None,
        "status": "Stalemate",
        "sides": [
            (
                ["Yemen", "Saudi Arabia", "United Arab Emirates", "National Resistance"],
                ["Tareq Saleh"],
                ["Giants Brigades"],
                ["25,000+ troops", "Unknown"],
            ),
            (["Houthis"], ["Abdul-Malik al-Houthi"], [], ["Unknown"]),
        ],
    },
    "inchon_1950.txt": {
        "title": "Battle of Inchon",
        "start": "1950-09-15",
        "end": "1950-09-19",
        "status": "Decisive United Nations victory",
        "sides": [
            (
                ["United Nations", "United States", "South Korea", "United Kingdom"],
                ["Douglas MacArthur", "Edward Almond"],
                ["X Corps", "1st Marine Division", "7th Infantry Division"],
                ["40,000 troops"],
            ),
            (["North Korea"], ["Wol Ki Chan"], [], ["6,500 troops"]),
        ],
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_own_plain_documents(name):
    text, doc = load(DOCS / name)
    want = EXPECTED[name]
    assert doc.format == "plain"
    assert doc.title == want["title"]
    assert doc.status == want["status"]
    assert doc.start.date.isoformat() == want["start"]
    assert (doc.end.date.isoformat() if doc.end else None) == want["end"]
    assert summary(doc) == [tuple(s) for s in want["sides"]]
    for side in doc.sides:
        for item in side.belligerents + side.commanders + side.units:
            covered = re.sub(r"\s+", " ", re.sub(r"\[\d+\]", " ", text[item.span.start : item.span.end]))
            assert item.name.split()[0] in covered and item.name.split()[-1] in covered
        for st in side.strength:
            assert re.sub(r"\[\d+\]", "", text[st.span.start : st.span.end]).replace("  ", " ") == st.text


def test_details_of_own_documents():
    _, kursk = load(DOCS / "kursk_1943.txt")
    assert kursk.sides[0].commanders[0].rank == "Marshal"
    assert kursk.sides[1].commanders[0].rank == "Field Marshal"
    assert kursk.extra["casualties1"] == "254,470 killed; 608,833 wounded"
    _, marawi = load(DOCS / "marawi_2017.txt")
    assert all(c.kia for c in marawi.sides[1].commanders)
    _, mosul = load(DOCS / "mosul_2016.txt")
    assert [b.note for b in mosul.sides[0].belligerents] == [
        None,
        None,
        "Supported by",
        "Supported by",
        "Supported by",
    ]
    assert mosul.sides[1].commanders[0].role == "President of Kurdistan Region"
    assert "American-led intervention" in mosul.extra["navigation"]
    _, hod = load(DOCS / "hodeidah_2018.txt")
    assert hod.sides[0].belligerents[0].note == "Hadi government"
    assert hod.sides[1].commanders[0].role == "Houthi leader"
    assert "Yemeni Civil War" in hod.extra["navigation"] and len(hod.sides) == 2
    _, tet = load(DOCS / "tet_1968.txt")
    assert len(tet.sides) == 2  # "Allied" names no party: no side is added


@pytest.mark.parametrize(("lead", "title"), [
    ("The Palmyra offensive (March 2016) was an operation of the Syrian Army.", "Palmyra offensive (March 2016)"),
    ("The Battle of Ramadi (2015–2016) was a military campaign.", "Battle of Ramadi (2015–2016)"),
    ("The Aleppo offensive (October–December 2015) was an offensive.", "Aleppo offensive (October–December 2015)"),
    # a bracket that is not the period is no part of the title
    ("The Battle of Sirte (Operation Solid Structure) was a campaign.", "Battle of Sirte"),
])
def test_a_period_in_brackets_after_the_name_stays_in_the_title(lead, title):
    doc = parse(f"Decisive Foo victory Foo Republic Bar Front 5,000 fighters {lead} "
                "The Foo launched the offensive on 3 March 2016.")
    assert doc.title == title


def test_a_day_without_a_year_is_in_the_year_the_text_gives():
    # the only year is stated after the sentence: "6 September" is that year's, not the year before's
    text = ("Decisive Foo victory Foo Republic Bar Front 5,000 fighters The Qux offensive was an operation. "
            "The offensive began on 6 September near Balakliia.\n"
            "Russian troops had entered Kupiansk on 27 February 2022.")
    doc = parse(text)
    assert doc.events[0].date == datetime.date(2022, 9, 6)


# ---- the run's lexicon: made once, extended --------------------------------------------------------
_NAMES = ["Syrian Arab Army", "Hezbollah", "hezbollah", "Syria", "Islamic State", "Russia", "Free Syrian Army",
          "National Defence Forces", "Liwa al-Quds", "syrian arab army", "Kurdistan Workers' Party",
          *list(lx.COUNTRIES)[:5], *list(lx.PARTIES)[:5]]


@settings(max_examples=200, deadline=None)
@given(strategies.lists(strategies.lists(strategies.sampled_from(_NAMES), max_size=6), min_size=1, max_size=5))
def test_a_runs_lexicon_extended_with_new_names_is_the_lexicon_made_from_all_of_them(batches):
    """What a run keeps (``Lexicon.of`` on one ``KnownForces``, extended between documents) gives every
    document the lexicon it would get from the whole list made anew: the same names, the same spelling of
    each (the first known one, before a country's or a party's), the same lengths."""
    known = KnownForces()
    for batch in batches:
        known.extend(batch)
        kept, fresh = Lexicon.of(known), Lexicon(list(known))
        assert (kept.names, kept.longest, kept.lengths) == (fresh.names, fresh.longest, fresh.lengths)
        kept.add("A Name This Document Learned")     # a document's own names stay in its copy
        assert ("a", "name", "this", "document", "learned") not in Lexicon.of(known).names

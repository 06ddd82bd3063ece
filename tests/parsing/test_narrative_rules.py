"""Narrative rules that real prose needs (issue 13), each a table of paragraphs written for these
tests: the events they give, with their dates."""
from __future__ import annotations

import datetime

import pytest

from sources.parsing.dates import parse_date
from sources.parsing.events import extract_events, split_sentences
from sources.parsing.records import Block, PartialDate


def d(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def events_of(text: str, start: str | None = None, year: int | None = None):
    blocks, pos = [], 0
    for para in text.split("\n\n"):
        blocks.append(Block(text=para, start=pos, line=1))
        pos += len(para) + 2
    found = extract_events(blocks, start=PartialDate(d(start)) if start else None, year=year)
    return [(e.text.split(",")[0].split(" ")[0:3], e.date.isoformat(),
             e.end_date.isoformat() if e.end_date else None, e.precision) for e in found]


def dates_of(text: str, start: str | None = None, year: int | None = None):
    return [(date, end, precision) for _, date, end, precision in events_of(text, start, year)]


# (paragraphs, offensive start, expected (date, end_date, precision) of each event in order)
ORDINALS = [
    # the narrative's month
    ("On 17 September 1944, the paratroopers landed. On the 20th, they crossed the river. "
     "By the 21st, the battalion at the bridge had surrendered.", None,
     [("1944-09-17", None, "day"), ("1944-09-20", None, "day"), ("1944-09-21", None, "day")]),
    # across a month change: the day is past, so the next month
    ("On 28 January 1991, the column moved. On the 2nd, it reached the border.", None,
     [("1991-01-28", None, "day"), ("1991-02-02", None, "day")]),
    # after a date before the offensive: the offensive's month
    ("At the end of January 1991, the enemy took a border town.\n\n"
     "On the 24th, at four in the morning, the ground attack began. Early on the 28th, a ceasefire began.",
     "1991-02-24",
     [("1991-01-01", None, "month"), ("1991-02-24", None, "day"), ("1991-02-28", None, "day")]),
    # "of the 16th", "ended on the 18th"
    ("On 1 December 1944, the front was quiet. In the early morning of the 16th, the attack began. "
     "The battle ended on the 18th, as the last units withdrew.", None,
     [("1944-12-01", None, "day"), ("1944-12-16", None, "day"), ("1944-12-18", None, "day")]),
    # a unit's ordinal is no date
    ("On 5 June 1944, the paratroopers of the 82nd Airborne Division landed. The 101st Airborne followed them.",
     None, [("1944-06-05", None, "day"), ("1944-06-05", None, "day")]),
]

RANGES = [
    ("On 17 September 1944, the landings began. Over the following three days, the corps advanced north.", None,
     [("1944-09-17", None, "day"), ("1944-09-18", "1944-09-20", "day")]),
    ("On 4 November 2020, the attackers reached the road. Over the following two days, they climbed the cliffs.",
     None, [("2020-11-04", None, "day"), ("2020-11-05", "2020-11-06", "day")]),
    ("The siege began on 13 March 1954. Between March and early May, the garrison received reinforcements.", None,
     [("1954-03-13", None, "day"), ("1954-03-01", "1954-05-01", "month")]),
    ("The siege began on 13 March 1954. From March to early May, the enemy dug trenches.", None,
     [("1954-03-13", None, "day"), ("1954-03-01", "1954-05-01", "month")]),
    ("The battle was fought from late November to mid-December 1950 around the reservoir.", None,
     [("1950-11-01", "1950-12-01", "month")]),
    ("The assault lasted from December 1994 to March 1995.", None, [("1994-12-01", "1995-03-01", "month")]),
    ("From April to early June 2020, drones destroyed many air defence systems.", None,
     [("2020-04-01", "2020-06-01", "month")]),
]

LOOK_BACK = [
    # "One year earlier": the year before, year precision, and the narrative stays where it was
    ("On 11 January 2013, aircraft struck the columns. One year earlier, rebels had launched a rebellion. "
     "On 14 January, the town fell.", None,
     [("2013-01-11", None, "day"), ("2012-01-01", None, "year"), ("2013-01-14", None, "day")]),
    ("On 26 April 1954, the outposts fell. Two months earlier, the enemy had moved its guns.", None,
     [("1954-04-26", None, "day"), ("1954-02-01", None, "month")]),
]

# a yearless narrative takes the year it is given (a title's "(2016)")
YEARLESS = [
    ("On 31 May, the forces crossed the river. On 5 June, the commander died of his wounds.", 2016,
     [("2016-05-31", None, "day"), ("2016-06-05", None, "day")]),
]


@pytest.mark.parametrize("text, start, expected", ORDINALS + RANGES + LOOK_BACK)
def test_dates_of_the_narrative(text, start, expected):
    assert dates_of(text, start) == [(d_, e, p) for d_, e, p in expected]


@pytest.mark.parametrize("text, year, expected", YEARLESS)
def test_a_given_year_dates_a_yearless_narrative(text, year, expected):
    assert dates_of(text, year=year) == expected


@pytest.mark.parametrize("text, sentences", [
    ('He called on them to open a "humanitarian corridor." The same day, the columns set out.', 2),
    ('The reply was a single word, "Nuts!" The next day, the siege went on.', 2),
    ('She said it was "the most important day of my life." On 8 February, a bomber attacked.', 2),
    ('He asked "why?" and walked on.', 1),
    ("The brig. Gen. Smith arrived. Then he left.", 2),
])
def test_sentences_ending_in_a_quotation(text, sentences):
    assert len(split_sentences(text)) == sentences


@pytest.mark.parametrize("undated", [
    "Its aim was to outflank the defences and end the war by Christmas.",
    "It decided the war.",
    "Observers have described the battle as the group's last stand.",
    "The battle was described as ISIL's last stand in the city.",
    "A later report described the city as the most destroyed on Earth.",
    "The operation was codenamed Operation Example.",
    "General Example hoped to draw the enemy into a set-piece battle.",
    "The command expected the main attack further south.",
    "The destruction of the army group was the greatest defeat of the war.",
    "The town lies on the road between the two cities.",
])
def test_analysis_sentences_are_not_events(undated):
    text = f"On 5 May 1945, the troops attacked the city. {undated}"
    assert [e[1] for e in events_of(text)] == ["1945-05-05"]


@pytest.mark.parametrize("continued", [
    "The next morning, the brigade decided to stay in the city.",
    "The brigade decided to stay in the city centre.",
    "Many of the men who survived were captured.",
])
def test_narrative_status_continues_the_date(continued):
    text = f"On 5 May 1945, the troops attacked the city. {continued}"
    assert len(events_of(text)) == 2


def test_an_ordinal_alone_needs_a_narrative():
    assert parse_date("On the 24th, the attack began.") is None


def test_a_one_sentence_paragraph_continues_the_date():
    text = ("On 29 August 2014, the columns set out along the agreed routes.\n\n"
            "Many of the men who survived were captured.\n\n"
            "On 2 September, the last units reached their lines. The battle was over.")
    assert [e[1] for e in events_of(text)][:2] == ["2014-08-29", "2014-08-29"]


def test_a_closing_one_sentence_paragraph_is_a_summing_up():
    text = ("On 25 September 1944, the last paratroopers crossed the river.\n\n"
            "The failure left the Allies with a salient that led nowhere.")
    assert [e[1] for e in events_of(text)] == ["1944-09-25"]


@pytest.mark.parametrize("name", ["22 May Hospital", "6 October Bridge", "26 September Square"])
def test_a_date_in_a_name_does_not_date_the_sentence(name):
    text = f"The army attacked in June 2018. In November, fighting reached the area of the {name}."
    assert [e[1] for e in events_of(text)] == ["2018-06-01", "2018-11-01"]

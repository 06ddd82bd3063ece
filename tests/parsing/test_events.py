"""Event extraction: sentence splitting, continuation, citations, spans, time of day, kinds, places,
and the acceptance test against the gold extraction of the two seed documents."""
from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest

from sources.parsing.events import extract_events, split_sentences, time_of_day
from sources.parsing.kinds import classify_kind
from sources.parsing.places import find_places
from sources.parsing.records import Block, PartialDate
from sources.parsing.text import norm

HERE = Path(__file__).parent
SEEDS = HERE.parents[1] / "fixtures" / "sources"
STRUCTURED_SEED = "001_b1d4a69e7f8d3536.txt"
PLAIN_SEED = "000_062e724f942c86c7.txt"
ALEPPO_GOLD = "aleppo-offensive-october-december-2015.json"
PALMYRA_GOLD = "palmyra-offensive-december-2016.json"


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def blocks_of(text: str, section: str | None = None) -> list[Block]:
    """One block per paragraph (blank-line separated) of a test text."""
    out, pos = [], 0
    for para in text.split("\n\n"):
        if para.strip():
            out.append(Block(para, pos, section))
        pos += len(para) + 2
    return out


def lines_of(text: str) -> list[Block]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append(Block(line, pos, None))
        pos += len(line) + 1
    return out


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


# ---------------------------------------------------------------- sentence splitting

def test_split_keeps_abbreviations_together():
    text = ("At 10 A.M. (Damascus Time) on the morning of 16 October, the army attacked. Maj. Gen. Qasem "
            "Soleimani led it. Col. J. R. Smith of the U.S. Army arrived on 15 Oct. 2016 with Lt. Gen. "
            "Brown. The next day, the town fell.")
    assert sentences(text) == [
        "At 10 A.M. (Damascus Time) on the morning of 16 October, the army attacked.",
        "Maj. Gen. Qasem Soleimani led it.",
        "Col. J. R. Smith of the U.S. Army arrived on 15 Oct. 2016 with Lt. Gen. Brown.",
        "The next day, the town fell.",
    ]


def test_split_weak_abbreviation_before_a_sentence_start():
    text = "The division landed in the U.S. The next day, it moved on Sept. 3 to St. Louis."
    assert sentences(text) == ["The division landed in the U.S.",
                               "The next day, it moved on Sept. 3 to St. Louis."]


def test_split_not_inside_quotes_and_citations_stay():
    text = ('A rebel said "the regime is weak. We will win." on 20 October.[12] '
            "Meanwhile, people fled.[13][14] [15] Later, the army returned.")
    assert sentences(text) == [
        'A rebel said "the regime is weak. We will win." on 20 October.[12]',
        "Meanwhile, people fled.[13][14]",
        "[15] Later, the army returned.",
    ]


def test_comma_splice_is_one_sentence():
    text = ("On 21 November, rebels launched a counter-offensive at Tal al-Eiss, By 23 November, they won. "
            "Then x.")
    assert sentences(text)[0].endswith("they won.")


# ---------------------------------------------------------------- events

def test_dated_and_continuation_sentences():
    text = ("On 5 May 1945, Soviet troops attacked the city. They captured the railway station. "
            "The battle may have been planned long before. The town is historically important.\n\n"
            "Historians disagree about the operation. On 9 May, the garrison surrendered. "
            "Two days later, the last pocket fell.")
    events = extract_events(blocks_of(text), start=PartialDate(d("1945-05-01")))
    assert [(e.text.split(",")[0][:20], e.date.isoformat()) for e in events] == [
        ("On 5 May 1945", "1945-05-05"),
        ("They captured the ra", "1945-05-05"),
        ("On 9 May", "1945-05-09"),
        ("Two days later", "1945-05-11"),
    ]
    assert [e.order for e in events] == [0, 1, 2, 3]


@pytest.mark.parametrize("undated", [
    "Historians still argue over how many tanks each side lost.",
    "Analysts credited the airstrikes with much of the success.",
    "The intervention was widely regarded as a military success.",
    "The city was left more heavily damaged than any other city in the country.",
    "Much of the city's housing had been damaged, and reconstruction took years.",
    "French and Malian troops retook the main towns of the north within three weeks.",
    "The battle cost the brigades heavily and left much of the city in ruins.",
    "The lines south of the city were held by a thin screen of militia.",
])
def test_judgement_and_summary_do_not_continue_the_narrative(undated):
    text = f"On 30 January 2005, the city voted under heavy guard. {undated}"
    events = extract_events(blocks_of(text))
    assert [e.text for e in events] == ["On 30 January 2005, the city voted under heavy guard."]


def test_a_part_of_the_day_continues_the_date_across_a_heading():
    first = "Early on 15 September 1950, the Marines landed on Green Beach."
    second = ("In the late afternoon, the 5th Marines went over the sea wall. "
              "A lieutenant was killed at Red Beach when he smothered a grenade.")
    blocks = [Block(first, 0, "Landing"), Block(second, len(first) + 2, "Red Beach")]
    events = extract_events(blocks)
    assert [(e.section, e.date.isoformat()) for e in events] == [
        ("Landing", "1950-09-15"), ("Red Beach", "1950-09-15"), ("Red Beach", "1950-09-15")]


def test_a_year_compared_with_is_not_the_date():
    text = ("On 17 October 2016, the army launched the offensive. "
            "It was the largest military operation in Iraq since 2003.")
    events = extract_events(blocks_of(text))
    assert len(events) == 1


def test_continuation_does_not_cross_paragraphs():
    text = "On 3 March 2003, the division crossed the border.\n\nThe general was pleased with the progress."
    events = extract_events(blocks_of(text))
    assert len(events) == 1


def test_plain_lines_continue_but_background_does_not():
    text = ("Ukrainian forces launched a counteroffensive on 29 August 2022.\n"
            "[4] The brigade advanced towards Kherson.\n"
            "[5] Russia had already reinforced the city and still held the bridgehead.\n"
            "[6] The city is strategically important.\n"
            "On 9 November, Russia announced a withdrawal from Kherson.")
    events = extract_events(lines_of(text))
    assert [e.date.isoformat() for e in events] == ["2022-08-29", "2022-08-29", "2022-11-09"]
    assert events[1].citations == ("4",)


def test_relative_dates_chain_and_range_inheritance():
    text = ("Between 12 and 14 June 1944, the paratroopers held the causeway. "
            "By this time, losses were heavy. The next day, the Germans counterattacked. "
            "Three days later, Carentan was secured. A week later, Cherbourg was attacked. "
            "That evening, the port was bombed.")
    events = extract_events(blocks_of(text))
    got = [(e.date.isoformat(), e.end_date and e.end_date.isoformat(), e.time_of_day) for e in events]
    assert got == [
        ("1944-06-12", "1944-06-14", None),
        ("1944-06-12", "1944-06-14", None),
        ("1944-06-15", None, None),
        ("1944-06-18", None, None),
        ("1944-06-25", None, None),
        ("1944-06-25", None, "night"),
    ]


def test_december_to_january_rollover_and_background():
    text = ("In May 2014, the town was lost.\n\nOn 28 December, the army attacked the town. "
            "On 2 January, it was retaken.")
    events = extract_events(blocks_of(text), start=PartialDate(d("2014-12-20")),
                            end=PartialDate(d("2015-01-10")))
    assert [e.date.isoformat() for e in events] == ["2014-05-01", "2014-12-28", "2015-01-02"]
    assert [e.precision for e in events] == ["month", "day", "day"]
    assert [e.background for e in events] == [True, False, False]


def test_reported_previous_day():
    text = "The ministry stated on 16 March 2023 that its artillery had struck the depot on the previous day."
    (event,) = extract_events(blocks_of(text))
    assert event.date == d("2023-03-15")


def test_own_date_wins_over_previous_day_in_a_subordinate_clause():
    text = ("On 8 December 2016, ISIL attacked. The army counter-attacked on 9 December, to recapture the "
            "positions it lost the previous day.")
    events = extract_events(blocks_of(text))
    assert events[1].date == d("2016-12-09")


def test_title_date_in_brackets_is_not_an_event():
    text = "The Mosul offensive (October 2016 – July 2017) was a military campaign. It was long."
    assert extract_events(blocks_of(text)) == []


def test_spans_and_citations():
    doc = ("= X =\n\n[3] On 4 April 1951, the Chinese attacked the hill.[5][6] Later that day, the hill fell "
           "near Kapyong.[7]\n")
    start = doc.index("[3]")
    line = doc[start:doc.index("\n", start)]
    events = extract_events([Block(line, start, None)])
    assert len(events) == 2
    for e in events:
        assert e.text in re.sub(r"\[\d+\]", "", doc[e.span.start:e.span.end])
    assert events[0].citations == ("3", "5", "6")
    assert events[1].citations == ("7",)
    assert events[1].time_of_day == "later"
    assert [p.name for p in events[1].places] == ["Kapyong"]
    p = events[1].places[0]
    assert doc[p.span.start:p.span.end] == "Kapyong"


def test_year_from_default_or_nearest_explicit_year():
    text = "On 3 June, the rebels attacked.\nOn 4 June 2015, they retreated."
    assert [e.date.year for e in extract_events(lines_of(text))] == [2015, 2015]
    events = extract_events(lines_of("On 3 June, the rebels attacked."), year=1999)
    assert [e.date.year for e in events] == [1999]


@pytest.mark.parametrize("sentence,expected", [
    ("Early on 12 December, ISIL launched an attack.", "early"),
    ("The Army recaptured the mountain during the early morning.", "early"),
    ("At dawn on 6 June, the troops landed.", "early"),
    ("On the morning of 16 October, the army attacked.", "morning"),
    ("The next morning, the assault resumed.", "morning"),
    ("Later that day, government forces regained their positions.", "later"),
    ("The group later captured the Tar Mountain.", "later"),
    ("Three days later, the town fell.", None),
    ("At the end of the day, the rebels recaptured the village.", "end-of-day"),
    ("By the end of 11 November, the rebels recaptured several areas.", "end-of-day"),
    ("By the end of the month, tanks would arrive.", None),
    ("On the night of 3–4 June, commandos raided the port.", "night"),
    ("That evening, the bridge was blown.", "night"),
    ("The commander was killed in the fighting during the day.", None),
    ("In early March 2016, the army advanced.", None),
])
def test_time_of_day(sentence, expected):
    assert time_of_day(sentence) == expected


@pytest.mark.parametrize("sentence,expected", [
    ("On 5 June 1967, Israeli forces captured the town after heavy fighting.", "capture"),
    ("The Marines retook the airfield on 2 March.", "recapture"),
    ("The rebels launched an assault on the base, which was repelled.", "attack"),
    ("The division launched a counterattack near the river.", "counterattack"),
    ("Coalition warplanes bombed a convoy, killing 30 fighters.", "airstrike"),
    ("Unable to hold the city, the garrison withdrew to the south.", "withdrawal"),
    ("Fresh reinforcements arrived at the front.", "reinforcement"),
    ("Twelve soldiers were killed and 30 wounded.", "casualties"),
    ("The ministry stated the situation was under control.", "announcement"),
    ("The ministry stated on 4 May that it had carried out airstrikes near the port.", "airstrike"),
    ("Thousands of civilians fled the city.", "other"),
    ("The fighters seized three tanks and a truck.", "other"),
    ("The army launched an offensive to recapture the city.", "attack"),
])
def test_kinds(sentence, expected):
    assert classify_kind(sentence) == expected


@pytest.mark.parametrize("sentence,expected", [
    ("Soviet troops captured the village of Prokhorovka and advanced towards Kursk.",
     ["Prokhorovka", "Kursk"]),
    ("The 1st Marine Division withdrew from the Chosin Reservoir to Hungnam.",
     ["Chosin Reservoir", "Hungnam"]),
    ("Iraqi forces entered al-Qaim town near the Syrian border.", ["al-Qaim"]),
    ("Houthi fighters attacked Hodeidah Airport in the Al Hudaydah Governorate.", ["Hodeidah Airport"]),
    ("Ukrainian troops advanced in the northern Kharkiv countryside and near Izium.", ["Izium"]),
    ("The brigade reached the outskirts of Mosul's al-Zuhur neighborhood.", ["Mosul", "al-Zuhur"]),
    ("The army shelled Bakhmut, Soledar and Klishchiivka in Ukraine.",
     ["Bakhmut", "Soledar", "Klishchiivka"]),
    ("Gen. MacArthur flew to Tokyo with the U.S. Eighth Army.", ["Tokyo"]),
    ("The division captured Hill 303 (known as Waegwan Hill).", ["Hill 303"]),
    ("Seoul was recaptured by UN forces on 28 September.", ["Seoul"]),
    ("Russian forces withdrew from Izium towards Lyman.", ["Izium", "Lyman"]),
])
def test_places(sentence, expected):
    assert [p.name for p in find_places(sentence)] == expected


# ---------------------------------------------------------------- acceptance against the seeds' gold

def _gold(name: str) -> dict:
    return json.loads((HERE / "gold" / name).read_text(encoding="utf-8"))


_HEADING = re.compile(r"^(=+)\s*(.*?)\s*\1\s*$")


def structured_blocks(doc: str) -> list[Block]:
    """Prose paragraphs after the infobox: nearest heading as section, no headings, no list lines."""
    blocks, pos, section, in_infobox = [], 0, None, False
    for line in doc.split("\n"):
        start, pos = pos, pos + len(line) + 1
        stripped = line.strip()
        if stripped == "Infobox":
            in_infobox = True
            continue
        if in_infobox:
            if not stripped:
                in_infobox = False
            continue
        m = _HEADING.match(stripped)
        if m:
            if len(m.group(1)) >= 2:
                section = m.group(2)
            continue
        if not stripped or stripped.startswith("- "):
            continue
        blocks.append(Block(line, start, section, line=doc.count("\n", 0, start) + 1))
    return blocks


def plain_blocks(doc: str) -> list[Block]:
    lines = doc.split("\n")
    first = lines[0]
    lead = first.index("The Palmyra offensive")
    blocks = [Block(first[lead:], lead, None, line=1)]
    pos = len(first) + 1
    for number, line in enumerate(lines[1:], start=2):
        if line.strip():
            blocks.append(Block(line, pos, None, line=number))
        pos += len(line) + 1
    return blocks


def _compare(doc: str, events, gold: dict) -> dict:
    predicted = [(norm(e.text), e) for e in events]
    used: set[int] = set()
    matched = []
    for g in gold["events"]:
        key = norm(re.sub(r"^(?:\[\d+\])+\s*", "", g["starts_with"]))
        for i, (text, e) in enumerate(predicted):
            if i not in used and text.startswith(key):
                used.add(i)
                matched.append((g, e))
                break
        else:
            matched.append((g, None))
    found = [(g, e) for g, e in matched if e is not None]
    same = {
        "date": sum(e.date.isoformat() == g["date"] and (e.end_date.isoformat() if e.end_date else None)
                    == g["end_date"] for g, e in found),
        "precision": sum(e.precision == g["precision"] for g, e in found),
        "time_of_day": sum(e.time_of_day == g["time_of_day"] for g, e in found),
        "section": sum(e.section == g["section"] for g, e in found),
        "places": sum([p.name for p in e.places] == g["places"] for g, e in found),
        "kind": sum(e.kind == g["kind"] for g, e in found),
    }
    for e in events:
        written = doc[e.span.start:e.span.end]
        written = re.sub(r"(?<=\S)\[\d+\](?=\w)", " ", re.sub(r"\[\d+\](?!\w)", "", written))
        assert norm(e.text) == norm(written)     # the span is exactly the sentence
        for p in e.places:
            assert doc[p.span.start:p.span.end] == p.name
    return {"gold": len(gold["events"]), "predicted": len(events), "matched": len(found), "same": same,
            "missing": [g["starts_with"] for g, e in matched if e is None],
            "unmatched": [e.text[:60] for i, (_, e) in enumerate(predicted) if i not in used],
            "diffs": [(g["starts_with"], k, g[k], v) for g, e in found
                      for k, v in (("date", e.date.isoformat()), ("time_of_day", e.time_of_day),
                                   ("precision", e.precision), ("places", [p.name for p in e.places]),
                                   ("kind", e.kind), ("section", e.section)) if g[k] != v]}


CASES = [
    (STRUCTURED_SEED, ALEPPO_GOLD, structured_blocks, {"start": PartialDate(d("2015-10-16")),
                                                       "end": PartialDate(d("2015-12-21"))}),
    (PLAIN_SEED, PALMYRA_GOLD, plain_blocks, {}),
]


@pytest.mark.parametrize("seed,gold_name,builder,period", CASES, ids=["structured", "plain"])
def test_seed_against_gold(seed, gold_name, builder, period):
    gold = _gold(gold_name)
    doc = (SEEDS / seed).read_text(encoding="utf-8")
    events = extract_events(builder(doc), **period)
    report = _compare(doc, events, gold)
    n = report["gold"]
    assert report["diffs"] == []
    assert report["missing"] == []                      # event_recall 1.000
    assert report["unmatched"] == []                    # event_precision 1.000
    assert report["same"]["date"] == n                  # date_accuracy 1.000
    assert report["same"]["precision"] == n
    assert report["same"]["time_of_day"] == n
    assert report["same"]["section"] == n
    assert report["same"]["places"] == n
    assert report["same"]["kind"] == n

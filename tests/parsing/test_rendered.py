"""Plain documents with a title line and a rendered infobox (issue 13): the three layouts of the
infobox, site chrome, lead forms, references lists, and the errors of documents that have neither a
title nor a lead. The texts are written for these tests."""
import datetime

import pytest

from sources.parsing import ParseError, parse
from sources.parsing.dates import infer_year
from sources.parsing.export import to_json

D = datetime.date

ONE_PER_LINE = """Battle of Exampleton
From Wikipedia, the free encyclopedia
Extended-protected article
For other uses, see Exampleton (disambiguation).
Battle of Exampleton
Part of the Example war
A column of tanks near the river
Date3 March – 9 April 2015[1]
(1 month and 6 days)
Location
Exampleton, Example Province
12°30′N 45°15′E
Result
Government victory[2]
Territorial
changes
Government retakes Exampleton
Belligerents
 Examplia
Supported by:
 Freedonia

 Northern Front
• Hill Brigade
Commanders and leaders
Iraq Lt. Gen. John Q. Public
(field commander)
Mary Major
Unknown

Abu Example †
Sam Sample (DOW)
(deputy)
Units involved
Examplian Army
• 4th Division
• 7th Brigade
Federal Police

Hill Brigade
Strength
30,000 (est.)[3]

900 fighters
Casualties and losses
120 killed
Unknown
Exampleton is located in Example Province
Location of Exampleton
The Battle of Exampleton was fought in March and April 2015 between the army of Examplia and the Northern Front for the town of Exampleton.[4]

Offensive
On 3 March, the army attacked the town from the south.[5] The next day, it took the bridge.[6]

On 20 March, the last fighters left the town.[7]

See also
Battle of Otherton (2014)
References
^ "Army takes Exampleton". Example News. 10 April 2015. Retrieved 11 April 2015.
^ "Fighting in Exampleton". Example Post. 4 March 2015. Archived from the original on 5 March 2015.
"""


def test_one_value_per_line():
    doc = parse(ONE_PER_LINE)
    assert doc.format == "plain"
    assert doc.title == "Battle of Exampleton"
    assert (doc.start.date, doc.end.date) == (D(2015, 3, 3), D(2015, 4, 9))
    assert doc.status == "Government victory"
    assert doc.place == "Exampleton, Example Province"
    assert doc.part_of == ["Example war"]
    assert doc.territory == ["Government retakes Exampleton"]
    assert doc.coordinates is not None
    one, two = doc.sides
    assert [(b.name, b.note) for b in one.belligerents] == [("Examplia", None), ("Freedonia", "Supported by")]
    assert [b.name for b in two.belligerents] == ["Northern Front", "Hill Brigade"]
    assert [(c.name, c.rank, c.role, c.kia) for c in one.commanders] == [
        ("John Q. Public", "Lt. Gen.", "field commander", False), ("Mary Major", None, None, False)]
    assert [(c.name, c.role, c.kia) for c in two.commanders] == [
        ("Abu Example", None, True), ("Sam Sample", "deputy", True)]
    assert [(u.name, u.parent) for u in one.units] == [
        ("Examplian Army", None), ("4th Division", "Examplian Army"), ("7th Brigade", "Examplian Army"),
        ("Federal Police", None)]
    assert [s.text for s in one.strength] == ["30,000 (est.)"] and [s.text for s in two.strength] == ["900 fighters"]
    assert not doc.sides_unresolved
    texts = [e.text for e in doc.events]
    assert [e.date for e in doc.events] == [D(2015, 3, 1), D(2015, 3, 3), D(2015, 3, 4), D(2015, 3, 20)]
    assert not any("Retrieved" in t or "Archived" in t or "Otherton" in t for t in texts)
    for v in [doc.title] + [b.name for s in doc.sides for b in s.belligerents]:
        assert v in doc.text


TABS = """Example offensive (2016)
Part of the Example war
Date\t6 November 2016 – 23 February 2017
Location\tExampleton, Syria
Result\tRebel victory
Belligerents\tExamplia
Example Rebel Army\tFreedonian Legion
Commanders and leaders\tJohn Public (chief of staff)
Mary Major (special forces)\tUnknown
Strength\tSeveral thousand\tUnknown
The Example offensive was a campaign of the Examplian army and its allies, launched in November 2016 to take Exampleton.
On 21 December, sixteen soldiers were killed near the town.
"""


def test_tab_separated_cells():
    doc = parse(TABS)
    assert doc.title == "Example offensive (2016)"
    one, two = doc.sides
    assert [b.name for b in one.belligerents] == ["Examplia", "Example Rebel Army"]
    assert [b.name for b in two.belligerents] == ["Freedonian Legion"]
    assert [(c.name, c.role) for c in one.commanders] == [("John Public", "chief of staff"),
                                                          ("Mary Major", "special forces")]
    assert two.commanders == []
    assert [e.date for e in doc.events][-1] == D(2016, 12, 21)


GLUED = """Battle of Exampleton (2016) Part of the Example war Date12 May – 6 December 2016 (6 months, 3 weeks and 3 days) Location31°12′26″N 16°35′30″E Exampleton, Examplia ResultGovernment victory Belligerents Examplia United Kingdom[1] Freedonia Commanders and leaders John Public (Chairman of the Council) Mary Major (spokesman) Unknown Strength 6,000+ fighters 1,000–3,000 militants[2] Casualties and losses 712 killed
Between May and December 2016, forces of Examplia fought the militants for the coastal city of Exampleton.
[3] On 12 May, the army launched its offensive on the city.
"""


def test_labels_glued_to_values_on_one_line():
    doc = parse(GLUED)
    assert doc.title == "Battle of Exampleton (2016)"
    assert (doc.start.date, doc.end.date) == (D(2016, 5, 12), D(2016, 12, 6))
    assert doc.place == "Exampleton, Examplia" and doc.status == "Government victory"
    (side,) = doc.sides
    assert [b.name for b in side.belligerents] == ["Examplia", "United Kingdom", "Freedonia"]
    assert [(c.name, c.role) for c in side.commanders] == [("John Public", "Chairman of the Council"),
                                                           ("Mary Major", "spokesman")]
    assert [s.text for s in side.strength] == ["6,000+ fighters", "1,000–3,000 militants"]
    assert doc.sides_unresolved
    assert any("unresolved" in p.message for p in doc.problems)


@pytest.mark.parametrize("lead, title", [
    ("The siege of Exampleton (Examplish: Hisar), also known as the battle of Exampleton, was launched by "
     "the militants on 13 September 2014 against the town.", "Siege of Exampleton"),
    ("In the Battle of Exampleton (2017), the Example Forces set out to take the city of Exampleton.",
     "Battle of Exampleton (2017)"),
    ("The al-Example offensive was a campaign of the army launched on 5 June 2016 to take the town.",
     "Al-Example offensive"),
    ("The as-Sample offensive was an operation of the army, launched on 5 June 2016.", "As-Sample offensive"),
])
def test_lead_forms_of_a_flattened_first_line(lead, title):
    text = f"Rebel victory Examplia Freedonia John Public {lead}\n[1] On 6 June 2016, the army took the town.\n"
    assert parse(text, format="plain").title == title


def test_the_title_year_dates_a_narrative_without_years():
    text = ("Example offensive (2016)\nFrom Wikipedia, the free encyclopedia\n"
            "The Example offensive was an operation of the Example Forces to take the town of Exampleton.\n"
            "On 5 June, the Example Forces crossed the river.\n")
    doc = parse(text)
    assert doc.title == "Example offensive (2016)"
    assert [e.date for e in doc.events] == [D(2016, 6, 5)]


@pytest.mark.parametrize("text, line, words", [
    ("Rebel victory Examplia Freedonia and nothing that reads as a lead sentence\n", 1, "no title"),
    ("Battle of Exampleton\nFrom Wikipedia, the free encyclopedia\nDate3 March 2015\nLocation\nExampleton\n",
     1, "no lead"),
])
def test_no_title_or_no_lead_is_one_clear_error(text, line, words):
    with pytest.raises(ParseError) as err:
        parse(text, format="plain")
    assert err.value.line == line and words in err.value.message


@pytest.mark.parametrize("month, day, ref, year", [
    (9, 6, D(2022, 2, 27), 2022),      # forward within the year, though 2021 is nearer
    (4, 2, D(2022, 9, 10), 2022),      # a look back within the year
    (1, 2, D(2015, 12, 20), 2016),     # December -> January
    (4, 2, D(2015, 12, 1), 2016),      # "On 2 April" after "late December 2015" (Manbij, 2016)
    (12, 28, D(2016, 1, 5), 2015),     # back over New Year
])
def test_infer_year_follows_the_narrative(month, day, ref, year):
    assert infer_year(month, day, ref) == year


def test_the_extraction_says_when_the_sides_are_unresolved():
    assert to_json(parse(GLUED), "x.txt")["sides_unresolved"] is True
    assert "sides_unresolved" not in to_json(parse(ONE_PER_LINE), "y.txt")


@pytest.mark.parametrize("lead, rest, start, precision", [
    # the launch of the battle itself, not of the campaign before it
    ("In the Battle of Exampleton (2017), the Example Forces set out to take the city.",
     "[1] The forces began the campaign to isolate the city on 6 November 2016.\n"
     "[2] On 6 June 2017, their spokesman announced the start of the battle for the city.\n",
     D(2017, 6, 6), "day"),
    ("The siege of Exampleton, also known as the battle of Exampleton, was launched by the militants on "
     "13 September 2014 against the town.", "[1] On 6 October, the militants entered the town.\n",
     D(2014, 9, 13), "day"),
    # a launch stated to the month only: the first of the month
    ("The Exampleton offensive was a military operation of the army in March 2016.",
     "[1] The army began its advance on Exampleton in early March 2016, moving east.\n",
     D(2016, 3, 1), "month"),
])
def test_the_stated_launch_starts_a_plain_offensive(lead, rest, start, precision):
    doc = parse(f"Government victory Syria Russia {lead}\n{rest}", format="plain")
    assert (doc.start.date, doc.start.precision) == (start, precision)


def test_a_title_of_two_months():
    doc = parse("Government victory Iraq The Example offensive of May and June 2016 was an operation of the "
                "army.\n[1] On 22 May 2016, the army attacked.\n", format="plain")
    assert doc.title == "Example offensive (May and June 2016)"


def test_a_lead_on_the_glued_infobox_line_is_the_lead_not_casualties():
    """A mirror that glues the infobox and the lead onto the title's line ("... Casualties and losses 11
    killed (Malian army) 100+ killed The Battle of Diabaly was fought ..."): the infobox ends where the
    lead begins; the lead is an event, not a casualty figure ("2013 between ...")."""
    from tests.parsing.test_sides import DIABALY
    head, rest = DIABALY.split("\nFrom Wikipedia, the free encyclopedia\n")
    infobox, lead, body = rest.split("\n", 2)
    text = f"{head} {infobox} Casualties and losses 12 killed (Malian army) 100+ killed {lead}\n{body}"
    doc = parse(text, name="diabaly_2013.txt")
    assert doc.title == "Battle of Diabaly"
    assert doc.lead.startswith("The Battle of Diabaly was fought in January 2013")
    assert doc.events[0].text.startswith("The Battle of Diabaly was fought")
    assert doc.extra["casualties1"] == "12 killed (Malian army)"
    assert doc.extra["casualties2"] == "100+ killed"
    assert [[b.name for b in s.belligerents] for s in doc.sides] == [["France", "Mali"],
                                                                     ["Al-Qaeda in the Islamic Maghreb"]]


HUE_LIKE = """Battle of Huế
From Wikipedia, the free encyclopedia
Date31 January – 2 March 1968
Location
Huế, South Vietnam
Result
American and South Vietnamese victory
• The city is retaken
• Most of it is destroyed[4]
Belligerents
 South Vietnam
 United States

 North Vietnam
 Viet Cong
Casualties and losses
668 killed
2,400+ killed
Civilians: 5,800 dead or missing
Battle of Huế is located in Vietnam
Battle of Huế
The Battle of Huế was one of the longest battles of the Vietnam War, fought after North Vietnamese forces seized the city on 31 January 1968.[2]
"""


def test_rendered_casualties_one_line_per_side_and_the_result_lines_after_the_first():
    """"Casualties and losses" one line per side with no blank line between them (and a civilians' line,
    a cell of its own as Casualties3 in a structured infobox; a map caption after it dropped); the
    Result's lines after the first kept beside the status."""
    doc = parse(HUE_LIKE, name="hue.txt")
    assert [[b.name for b in s.belligerents] for s in doc.sides] == [["South Vietnam", "United States"],
                                                                     ["North Vietnam", "Viet Cong"]]
    assert {k: v for k, v in doc.extra.items() if k.startswith("casualties")} == {
        "casualties1": "668 killed", "casualties2": "2,400+ killed", "casualties3": "Civilians: 5,800 dead or missing"}
    assert doc.status == "American and South Vietnamese victory"
    assert doc.extra["Result"] == "The city is retaken; Most of it is destroyed"


def test_rendered_casualties_that_do_not_match_the_sides_stay_as_written():
    text = HUE_LIKE.replace("2,400+ killed\n", "2,400+ killed\n1,000 wounded\n")
    doc = parse(text, name="hue.txt")
    assert doc.extra["casualties1"] == "668 killed; 2,400+ killed; 1,000 wounded; Civilians: 5,800 dead or missing"
    assert "casualties2" not in doc.extra

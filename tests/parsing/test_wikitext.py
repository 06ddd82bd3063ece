"""Wikitext rendering: a MediaWiki page -> the structured format (``sources.parsing.wikitext``).

Every snippet is written for these tests (the facts of real offensives, in words of our own)."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest

from sources.parsing import coords
from sources.parsing.records import ParseError
from sources.parsing.rendering import Rendering, SourceMeta
from sources.parsing.structured import field, heading, parse_structured, title
from sources.parsing.wikitext import is_redirect, render_wikitext

MODULE = Path(__file__).resolve().parents[2] / "sources" / "parsing" / "wikitext.py"


def render(text: str, **kwargs) -> Rendering:
    return render_wikitext(text, **kwargs)


def box(params: str, name: str = "Infobox military conflict") -> str:
    """An infobox with ``params`` (``| key = value`` lines) and a lead sentence after it."""
    return "{{" + name + "\n" + params.strip("\n") + "\n}}\nThe offensive began at dawn.\n"


def fields(text: str) -> dict[str, str]:
    """The ``- Key: value`` lines of a rendering, by key."""
    out = {}
    for line in text.split("\n"):
        m = field(line)
        if m:
            out[m[0]] = m[1]
    return out


def body(text: str) -> str:
    """A rendering less its title line and infobox block: the prose."""
    lines = text.split("\n")
    i = 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and lines[i] == "Infobox":
        while i < len(lines) and lines[i].strip():
            i += 1
    return "\n".join(lines[i:]).strip("\n")


def prose(snippet: str) -> str:
    """The prose of a page without an infobox that is only ``snippet``."""
    return body(render(snippet, title="Test page").text)


def value(params: str, key: str) -> str | None:
    return fields(render(box(params), title="Test offensive").text).get(key)


# ---- redirects ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("#REDIRECT [[Battle of Mosul (2016–2017)]]", "Battle of Mosul (2016–2017)"),
        ("#redirect [[Battle of Mosul (2016–2017)]]", "Battle of Mosul (2016–2017)"),
        ("#Redirect[[Operation Euphrates Shield]]\n{{R from move}}", "Operation Euphrates Shield"),
        ("#REDIRECT: [[Tet_Offensive]]", "Tet Offensive"),
        ("#REDIRECT [[Battle of Aleppo (2012–2016)#Aftermath]]", "Battle of Aleppo (2012–2016)"),
        ("  \n#WEITERLEITUNG [[Unternehmen Zitadelle]]", "Unternehmen Zitadelle"),
        ("#REDIRECT [[:Operation Bagration]]", "Operation Bagration"),
    ],
)
def test_redirects_name_their_target(text, target):
    assert is_redirect(text) == target


@pytest.mark.parametrize(
    "text",
    ["The '''Tet Offensive''' began in 1968.", "#REDIRECT", "#REDIRECT to the Tet Offensive",
     "# a numbered item [[Hue]]", "Text\n#REDIRECT [[Hue]]", ""],
)
def test_other_pages_are_no_redirect(text):
    assert is_redirect(text) is None


def test_a_redirect_page_renders_its_title_and_names_the_target():
    meta = SourceMeta(site="Wikipedia")
    r = render("#REDIRECT [[Battle of Mosul (2016–2017)]]\n{{R from move}}", title="Mosul offensive", meta=meta)
    assert r.text == "= Mosul offensive =\n"
    assert r.meta is meta and meta.redirect == "Battle of Mosul (2016–2017)" and meta.title == "Mosul offensive"
    assert not r.offensive


# ---- titles, empty pages, meta ---------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", " \t\n"])
def test_an_empty_page_is_refused(text):
    with pytest.raises(ParseError) as err:
        render(text, title="Battle of Kursk")
    assert err.value.message == "the page is empty" and err.value.line == 1


def test_a_page_without_title_or_conflict_is_refused():
    with pytest.raises(ParseError) as err:
        render("The '''Battle of Kursk''' was fought in 1943.")
    assert err.value.message == "the wikitext names no title: give one with --title"
    assert err.value.line == 1


def test_the_title_comes_from_the_conflict_parameter_rendered_to_text():
    r = render(box("| conflict = ''[[Operation Citadel|Battle of Kursk]]''<ref>x</ref>\n| combatant1 = [[Germany]]"))
    assert r.text.startswith("= Battle of Kursk =\n")
    assert r.meta.title == "Battle of Kursk"


def test_a_given_title_wins_over_the_conflict_and_meta_is_passed_through():
    meta = SourceMeta(canonical_url="https://en.wikipedia.org/wiki/Battle_of_Kursk", revision_id=12)
    r = render(box("| conflict = Operation Citadel\n| combatant1 = [[Germany]]"), title="Battle of Kursk", meta=meta)
    assert r.text.startswith("= Battle of Kursk =\n")
    assert r.meta is meta
    assert meta.title == "Battle of Kursk" and meta.revision_id == 12
    assert fields(r.text)["Conflict"] == "Operation Citadel"


def test_a_title_is_one_line():
    r = render(box("| conflict = Battle of Mosul<br />(2016–2017)\n| combatant1 = Iraq"))
    assert r.text.split("\n")[0] == "= Battle of Mosul (2016–2017) ="
    assert render("Text.", title="  Battle  of\nKursk ").text.split("\n")[0] == "= Battle of Kursk ="


def test_without_meta_a_new_one_is_made():
    r = render("Text.", title="Tet Offensive")
    assert isinstance(r.meta, SourceMeta) and r.meta.title == "Tet Offensive" and r.meta.redirect is None


# ---- the infobox ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    ["Infobox military conflict", "Infobox Military Conflict", "infobox military conflict",
     "Infobox_military_conflict", "Infobox military operation", "Infobox battle", "Infobox Battle",
     "Template:Infobox military conflict", "Infobox  military conflict <!-- keep -->"],
)
def test_infobox_names(name):
    r = render(box("| conflict = Battle of Kursk\n| combatant1 = [[Nazi Germany|Germany]]", name=name))
    assert r.offensive
    assert fields(r.text) == {"Conflict": "Battle of Kursk", "Combatant1": "Germany"}


def test_the_infobox_may_follow_hatnotes_and_descriptions():
    text = ("{{Short description|1943 battle on the Eastern Front}}\n{{About|the 1943 battle|other uses|Kursk "
            "(disambiguation)}}\n{{Use dmy dates|date=May 2020}}\n{{pp-semi}}\n" +
            box("| conflict = Battle of Kursk\n| combatant1 = [[Soviet Union]]\n| combatant2 = [[Germany]]"))
    r = render(text)
    assert r.offensive
    assert r.text == ("= Battle of Kursk =\n\nInfobox\n- Conflict: Battle of Kursk\n- Combatant1: Soviet Union\n"
                      "- Combatant2: Germany\n\nThe offensive began at dawn.\n")


def test_a_page_without_the_infobox_is_no_offensive_but_is_rendered():
    text = ("{{Infobox settlement\n| name = Mosul\n| population = 1,000,000\n}}\n"
            "'''Mosul''' is a city in northern [[Iraq]].\n\n== History ==\nThe city was taken in 2014.\n")
    r = render(text, title="Mosul")
    assert not r.offensive
    assert r.text == "= Mosul =\n\nMosul is a city in northern Iraq.\n\n==History==\nThe city was taken in 2014.\n"
    assert r.problems == []
    doc, _ = parse_structured(r.text)
    assert doc.title == "Mosul" and doc.sides == []


def test_the_fields_come_in_order_and_other_parameters_are_dropped():
    text = box("""
| combatant2 = [[Islamic State of Iraq and the Levant|ISIL]]
| image = [[File:Mosul offensive map.svg|300px]]
| caption = Government advances by November 2016
| map_type = Iraq
| territory = Iraqi forces recapture the city
| result = Iraqi victory
| coordinates = {{coord|36|20|N|43|08|E}}
| place = [[Mosul]], [[Nineveh Governorate]], Iraq
| date = 16 October 2016 – 20 July 2017
| partof = the [[War in Iraq (2013–2017)]]
| conflict = Battle of Mosul
| combatant1 = [[Iraq]]
| commander1 = [[Haider al-Abadi]]
| units1 = [[Iraqi Army]]
| strength1 = 94,000
| casualties1 = 1,200 killed
| strength2 = 8,000
| casualties2 = 16,500 killed
| casualties3 = 9,000 civilians killed
""")
    lines = render(text).text.split("\n")
    assert lines[2:] == [
        "Infobox",
        "- Conflict: Battle of Mosul",
        "- Partof: the War in Iraq (2013–2017)",
        "- Date: 16 October 2016 – 20 July 2017",
        "- Place: Mosul, Nineveh Governorate, Iraq",
        "- Coordinates: 36.333333°N 43.133333°E",
        "- Status: Iraqi victory",
        "- Territory: Iraqi forces recapture the city",
        "- Combatant1: Iraq",
        "- Combatant2: ISIL",
        "- Commander1: Haider al-Abadi",
        "- Units1: Iraqi Army",
        "- Strength1: 94,000",
        "- Strength2: 8,000",
        "- Casualties1: 1,200 killed",
        "- Casualties2: 16,500 killed",
        "- Casualties3: 9,000 civilians killed",
        "",
        "The offensive began at dawn.",
        "",
    ]


def test_empty_parameters_give_no_line():
    r = render(box("| conflict = Tet Offensive\n| partof = \n| date = <!-- to be added -->\n| place =<ref>x</ref>\n"
                   "| combatant1 = [[South Vietnam]]\n| combatant2 = \n| commander2 = {{plainlist|\n}}"))
    assert fields(r.text) == {"Conflict": "Tet Offensive", "Combatant1": "South Vietnam"}


def test_status_is_the_result_or_else_the_status_parameter():
    assert value("| result = Soviet victory\n| status = over\n| combatant1 = A", "Status") == "Soviet victory"
    assert value("| status = Ongoing\n| combatant1 = A", "Status") == "Ongoing"


def test_infobox_military_operation_names():
    r = render(box("| name = Operation Euphrates Shield\n| location = [[Aleppo Governorate]], Syria\n"
                   "| outcome = Turkish victory\n| executed_by = [[Turkey]]<br>[[Syrian National Army]]\n"
                   "| commanded_by = [[Zekai Aksakallı]]", name="Infobox military operation"))
    assert r.text.startswith("= Operation Euphrates Shield =\n")
    assert fields(r.text) == {"Conflict": "Operation Euphrates Shield", "Place": "Aleppo Governorate, Syria",
                              "Status": "Turkish victory", "Combatant1": "Turkey, Syrian National Army",
                              "Commander1": "Zekai Aksakallı"}


def test_values_are_single_lines():
    r = render(box("| conflict = Tet\nOffensive\n| result = North Vietnamese\nstrategic victory\n"
                   "| combatant1 = [[South Vietnam]]\n[[United States]]"))
    for line in r.text.split("\n"):
        assert "\n" not in line
    assert fields(r.text)["Combatant1"] == "South Vietnam, United States"
    assert fields(r.text)["Status"] == "North Vietnamese, strategic victory"
    assert r.text.startswith("= Tet Offensive =\n")


# ---- lists in parameters ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cell",
    [
        "[[Iraq]]<br>[[Kurdistan Region]]<br />[[CJTF-OIR]]",
        "[[Iraq]]<br/>[[Kurdistan Region]]<BR>[[CJTF-OIR]]",
        "[[Iraq]]\n[[Kurdistan Region]]\n[[CJTF-OIR]]",
        "{{plainlist|\n* [[Iraq]]\n* [[Kurdistan Region]]\n* [[CJTF-OIR]]\n}}",
        "{{Plainlist|\n*[[Iraq]]\n*[[Kurdistan Region]]\n*[[CJTF-OIR]]}}",
        "{{Plainlist|* [[Iraq]]\n* [[Kurdistan Region]]\n* [[CJTF-OIR]]}}",
        "{{ubl|[[Iraq]]|[[Kurdistan Region]]|[[CJTF-OIR]]}}",
        "{{unbulleted list|[[Iraq]]|[[Kurdistan Region]]|[[CJTF-OIR]]}}",
        "{{flatlist|\n* [[Iraq]]\n* [[Kurdistan Region]]\n* [[CJTF-OIR]]\n}}",
        "{{hlist|[[Iraq]]|[[Kurdistan Region]]|[[CJTF-OIR]]}}",
        "[[Iraq]]<hr>[[Kurdistan Region]]<hr />[[CJTF-OIR]]",
        "[[Iraq]]\n----\n[[Kurdistan Region]]\n----\n[[CJTF-OIR]]",
        "[[Iraq]] ---- [[Kurdistan Region]] ---- [[CJTF-OIR]]",
        "[[Iraq]],<br>[[Kurdistan Region]],<br>[[CJTF-OIR]]",
        "{{collapsible list|title=[[Iraq]]|[[Kurdistan Region]]|[[CJTF-OIR]]}}",
    ],
)
def test_list_forms_join_with_commas(cell):
    assert value(f"| combatant1 = {cell}", "Combatant1") == "Iraq, Kurdistan Region, CJTF-OIR"


def test_a_bracket_alone_on_its_line_is_the_note_of_the_item_before():
    assert value("| combatant1 = [[Free Syrian Army]]<br /><small>(until 2016)</small>\n", "Combatant1") == \
        "Free Syrian Army (until 2016)"
    assert value("| strength1 = 5,000<br>(estimated)", "Strength1") == "5,000 (estimated)"


# ---- sides ------------------------------------------------------------------------------------------------
def test_three_sides_and_lettered_combatants():
    r = render(box("""
| conflict = Operation Euphrates Shield
| combatant1 = {{flagicon|Turkey}} [[Turkey]]
| combatant1a = {{flagicon image|Flag of the Syrian National Army.svg}} [[Syrian National Army]]
| combatant1b = [[Sultan Murad Division]] <small>(from September)</small>
| combatant2 = {{flagicon|ISIL}} [[Islamic State of Iraq and the Levant|ISIL]]
| combatant3 = [[Syrian Democratic Forces|SDF]]
| combatant3a = [[Manbij Military Council]]
"""))
    f = fields(r.text)
    assert f["Combatant1"] == "Turkey, Syrian National Army, Sultan Murad Division (from September)"
    assert f["Combatant2"] == "ISIL"
    assert f["Combatant3"] == "SDF, Manbij Military Council"
    doc, _ = parse_structured(r.text)
    assert [[b.name for b in s.belligerents] for s in doc.sides] == [
        ["Turkey", "Syrian National Army", "Sultan Murad Division"], ["ISIL"], ["SDF", "Manbij Military Council"]]
    assert doc.sides[0].belligerents[2].note == "from September"
    assert doc.problems == []


def test_side_fields_come_in_parameter_number_order():
    r = render(box("| combatant3 = C\n| combatant1 = A\n| combatant2 = B\n| commander2 = Y\n| commander1 = X"),
               title="T")
    keys = [line.split(":")[0] for line in r.text.split("\n") if line.startswith("- ")]
    assert keys == ["- Combatant1", "- Combatant2", "- Combatant3", "- Commander1", "- Commander2"]


def test_four_sides_and_two_digit_parameter_numbers():
    r = render(box("| combatant1 = A\n| combatant2 = B\n| combatant3 = C\n| combatant4 = D\n| combatant10 = J"),
               title="T")
    f = fields(r.text)
    assert [f[f"Combatant{n}"] for n in (1, 2, 3, 4, 10)] == ["A", "B", "C", "D", "J"]


def test_an_infobox_without_combatants_is_a_problem():
    text = "{{Short description|x}}\n" + box("| conflict = Tet Offensive\n| date = 30 January 1968")
    r = render(text)
    assert r.offensive
    assert [(p.line, p.message) for p in r.problems] == [(2, "the infobox names no combatants")]


# ---- commanders ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("[[Qasem Soleimani]]<br /><small>(Quds Force commander)</small>", "Qasem Soleimani (Quds Force commander)"),
        ("[[Qasem Soleimani]] <small>(Quds Force commander)</small>", "Qasem Soleimani (Quds Force commander)"),
        ("[[Qasem Soleimani]] (Quds Force commander)", "Qasem Soleimani (Quds Force commander)"),
        ("[[Issam Zahreddine]]{{KIA}}", "Issam Zahreddine KIA"),
        ("[[Issam Zahreddine]] {{KIA}}<br><small>(104th Brigade)</small>", "Issam Zahreddine KIA (104th Brigade)"),
        ("[[Issam Zahreddine]] <small>(104th Brigade)</small> {{KIA}}", "Issam Zahreddine KIA (104th Brigade)"),
        ("[[Abu Omar al-Shishani]]{{DOW}}", "Abu Omar al-Shishani DOW"),
        ("[[Friedrich Paulus]] {{POW}}", "Friedrich Paulus POW"),
        ("[[Erich von Manstein]] †", "Erich von Manstein †"),
        ('[[Suheil al-Hassan]] "The Tiger"', 'Suheil al-Hassan "The Tiger"'),
        ("[[Lieutenant general|Lt. Gen.]] [[Abdul-Amir Rashid Yarallah]]", "Lt. Gen. Abdul-Amir Rashid Yarallah"),
    ],
)
def test_commander_forms(cell, written):
    assert value(f"| combatant1 = Syria\n| commander1 = {cell}", "Commander1") == written


def test_commanders_read_back_with_rank_role_alias_and_fate():
    r = render(box("""
| combatant1 = [[Syria]]
| commander1 = {{plainlist|
* [[General officer|Gen.]] [[Suheil al-Hassan]] "The Tiger"<br><small>(Tiger Forces commander)</small>
* [[Issam Zahreddine]]{{KIA}} <small>(Republican Guard)</small>
* [[Ali Abdullah Ayyoub]]
}}
"""), title="T")
    assert fields(r.text)["Commander1"] == ('Gen. Suheil al-Hassan "The Tiger" (Tiger Forces commander), '
                                            "Issam Zahreddine KIA (Republican Guard), Ali Abdullah Ayyoub")
    doc, _ = parse_structured(r.text)
    got = [(c.rank, c.name, c.alias, c.role, c.kia) for c in doc.sides[0].commanders]
    assert got == [("Gen.", "Suheil al-Hassan", "The Tiger", "Tiger Forces commander", False),
                   (None, "Issam Zahreddine", None, "Republican Guard", True),
                   (None, "Ali Abdullah Ayyoub", None, None, False)]


# ---- units --------------------------------------------------------------------------------------------------
def test_nested_units_in_a_plainlist():
    r = render(box("""
| combatant1 = [[Syria]]
| units1 = {{plainlist|
* {{flagicon|Syria}} [[Syrian Armed Forces]]
** [[Syrian Army]]
*** [[4th Armoured Division (Syria)|4th Armoured Division]]
*** [[Tiger Forces]]
** [[National Defence Forces]]
* {{flagicon|Russia}} [[Russian Armed Forces]]
** [[Russian Aerospace Forces|Aerospace Forces]]
}}
"""), title="T")
    assert fields(r.text)["Units1"] == ("Syrian Armed Forces, * Syrian Army, ** 4th Armoured Division, "
                                        "** Tiger Forces, * National Defence Forces, Russian Armed Forces, "
                                        "* Aerospace Forces")
    doc, _ = parse_structured(r.text)
    units = [(u.name, u.depth, u.parent) for u in doc.sides[0].units]
    assert units == [
        ("Syrian Armed Forces", 0, None), ("Syrian Army", 1, "Syrian Armed Forces"),
        ("4th Armoured Division", 2, "Syrian Army"), ("Tiger Forces", 2, "Syrian Army"),
        ("National Defence Forces", 1, "Syrian Armed Forces"), ("Russian Armed Forces", 0, None),
        ("Aerospace Forces", 1, "Russian Armed Forces")]


def test_nested_units_below_an_unbulleted_top():
    assert value("| combatant1 = Iraq\n| units1 = [[Iraqi Army]]<br>* [[9th Armoured Division (Iraq)|9th Division]]"
                 "<br>** [[35th Brigade]]\n[[Counter Terrorism Service]]", "Units1") == \
        "Iraqi Army, * 9th Division, ** 35th Brigade, Counter Terrorism Service"


def test_units_of_one_side_split_over_lettered_parameters():
    assert value("| combatant1 = Iraq\n| units1 = [[Iraqi Army]]\n| units1a = * [[Golden Division]]", "Units1") == \
        "Iraqi Army, * Golden Division"


# ---- templates to text -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("snippet", "text"),
    [
        ("{{flagicon|Syria}} [[Syria]]", "Syria"),
        ("{{flagdeco|Iran}} [[Iran]]", "Iran"),
        ("{{flag|Russia}}", "Russia"),
        ("{{flag|Russia|name=Russian Federation}}", "Russian Federation"),
        ("{{flagcountry|Iraq}}", "Iraq"),
        ("{{flagu|Turkey}}", "Turkey"),
        ("{{start date|2016|3|2}}", "2 March 2016"),
        ("{{start date|2016|3|2|df=y}}", "2 March 2016"),
        ("{{Start date|1943|07|05|df=yes}}", "5 July 1943"),
        ("{{end date|2016|3}}", "March 2016"),
        ("{{end date|2016}}", "2016"),
        ("{{start and end dates|2016|3|2|2016|3|27}}", "2 March 2016 – 27 March 2016"),
        ("{{date|2016-03-02}}", "2 March 2016"),
        ("{{date|2 March 2016}}", "2 March 2016"),
        ("{{nowrap|100 km}}", "100 km"),
        ("{{small|(estimated)}}", "(estimated)"),
        ("{{nobold|Tet Offensive}}", "Tet Offensive"),
        ("{{lang|vi|Tổng tiến công}}", "Tổng tiến công"),
        ("{{lang-ar|معركة الموصل}}", "معركة الموصل"),
        ("{{convert|408|km2}}", "408 km2"),
        ("{{convert|10|-|15|km|mi}}", "10–15 km"),
        ("{{circa}} 1800", "c. 1800"),
        ("{{c.|1800}}", "c. 1800"),
        ("{{circa|1800}}", "c. 1800"),
        ("{{ill|Ahmad Haidar|ar|أحمد حيدر}}", "Ahmad Haidar"),
        ("{{sortname|Suheil|al-Hassan}}", "Suheil al-Hassan"),
        ("A{{snd}}B", "A – B"),
        ("5{{ndash}}6", "5–6"),
    ],
)
def test_templates_to_text(snippet, text):
    assert prose(f"Before {snippet} after.") == f"Before {text} after."


@pytest.mark.parametrize(
    "snippet",
    [
        "{{efn|The figure excludes militia.}}", "{{efn|name=a|Note with [[link]].}}", "{{refn|group=n|A note.}}",
        "{{sfn|Cockburn|2015|p=12}}", "{{cn}}", "{{citation needed|date=May 2016}}", "{{Citation needed}}",
        "{{cite web|url=http://example.org|title=Report}}", "{{Cite news |title=Report |work=Paper}}",
        "{{cite book|last=Glantz|title=Kursk}}", "<ref>{{cite web|url=http://example.org}}</ref>",
        "<ref name=\"bbc\">BBC report.</ref>", "<ref name=bbc />", "<ref name=\"bbc\"/>",
        "<ref group=n>A note with ''italics''.</ref>", "<!-- a hidden remark -->", "{{unknown template|x|y=z}}",
        "{{dubious|date=May 2016}}", "{{#if:x|y}}", "{{{1|}}}", "__NOTOC__", "<math>x^2</math>",
    ],
)
def test_references_notes_and_unknown_templates_give_nothing(snippet):
    r = render(f"Soviet forces held the salient{snippet} in July 1943.", title="Battle of Kursk")
    assert body(r.text) == "Soviet forces held the salient in July 1943."
    assert r.problems == []


def test_no_space_is_left_before_punctuation_by_a_removed_reference():
    assert prose("The city fell <ref>a</ref> . Then <ref name=x/> , it was held {{sfn|A|2016}} .") == \
        "The city fell. Then, it was held."


def test_fates_and_text_templates():
    assert prose("[[Issam Zahreddine]]{{KIA}} and [[Abu Omar al-Shishani]]{{DOW}} and [[Friedrich Paulus]]{{POW}}") \
        == "Issam Zahreddine KIA and Abu Omar al-Shishani DOW and Friedrich Paulus POW"


# ---- links and markup ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("snippet", "text"),
    [
        ("[[Mosul]]", "Mosul"),
        ("[[Battle of Mosul (2016–2017)|Battle of Mosul]]", "Battle of Mosul"),
        ("[[Battle of Mosul (2016–2017)]]", "Battle of Mosul (2016–2017)"),
        ("[[Battle of Mosul (2016–2017)|]]", "Battle of Mosul"),
        ("[[tank]]s", "tanks"),
        ("[[Iraqi Army|''Iraqi'' Army]]", "Iraqi Army"),
        ("[[:Category:Battles of World War II]]", "Category:Battles of World War II"),
        ("[http://example.org the ministry's statement]", "the ministry's statement"),
        ("'''bold''' and ''italic'' and '''''both'''''", "bold and italic and both"),
        ("A&nbsp;B &ndash; C &amp; D", "A B – C & D"),
        ("<small>small</small> <span style=\"color:red\">red</span> <sup>sup</sup>", "small red sup"),
        ("<nowiki>{{not a template}}</nowiki>", "{{not a template}}"),
    ],
)
def test_links_and_markup_to_text(snippet, text):
    assert prose(f"Before {snippet} after.") == f"Before {text} after."


@pytest.mark.parametrize(
    "snippet",
    [
        "[[File:Mosul offensive map.svg|thumb|upright=1.2|The front in [[November]] 2016]]",
        "[[Image:Kursk 1943.jpg|left|200px|Tanks]]",
        "[[Category:Battles of World War II]]",
        "[[fr:Bataille de Koursk]]",
        "[[de:Unternehmen Zitadelle]]",
        "[[zh-yue:庫爾斯克戰役]]",
        "[http://example.org]",
    ],
)
def test_files_categories_and_interlanguage_links_give_nothing(snippet):
    assert prose(f"The salient held.{snippet}") == "The salient held."


def test_galleries_maths_and_tables_in_prose_are_dropped():
    text = """The offensive had three phases.
{| class="wikitable"
|-
! Phase !! Dates
|-
| First || 5–12 July
|}
<gallery>
File:Kursk tank.jpg|A tank
</gallery>
<table><tr><td>cell</td></tr></table>
The salient was held."""
    assert prose(text) == "The offensive had three phases.\n\nThe salient was held."


def test_html_comments_over_lines_do_not_split_a_paragraph():
    assert prose("The first line\n<!-- a remark\nover two lines -->\ngoes on.") == "The first line goes on."


# ---- sections, paragraphs, lists ------------------------------------------------------------------------------
def test_headings_keep_their_level_and_lose_their_spaces():
    text = ("Lead.\n\n== Background ==\nFirst.\n\n=== Earlier fighting ===\nSecond.\n\n==== Detail ====\nThird.\n\n"
            "==Offensive==\nFourth.")
    assert prose(text) == ("Lead.\n\n==Background==\nFirst.\n\n===Earlier fighting===\nSecond.\n\n"
                           "====Detail====\nThird.\n\n==Offensive==\nFourth.")
    r = render(text, title="T")
    assert [heading(line) for line in r.text.split("\n") if line.startswith("==")] == [
        "Background", "Earlier fighting", "Detail", "Offensive"]


def test_heading_markup_is_rendered():
    assert prose("== The [[Battle of Kursk|battle]]<ref>x</ref> ==\nText.") == "==The battle==\nText."


@pytest.mark.parametrize(
    "name",
    ["References", "Notes", "Citations", "Footnotes", "Sources", "Bibliography", "Further reading",
     "External links", "See also", "references", "Notes and references"],
)
def test_reference_sections_are_dropped(name):
    text = (f"Lead.\n\n== Aftermath ==\nKept.\n\n== {name} ==\n{{{{Reflist}}}}\n* [http://x.org A source]\n"
            "* Glantz, David. ''Kursk''.\n\n=== Sub-part ===\nAlso dropped.\n\n== Legacy ==\nKept too.")
    assert prose(text) == "Lead.\n\n==Aftermath==\nKept.\n\n==Legacy==\nKept too."


def test_navboxes_hatnotes_and_page_templates_give_nothing():
    text = """{{Short description|1968 campaign}}
{{Use mdy dates|date=March 2020}}
{{For|the 1972 offensive|Easter Offensive}}
{{Redirect|Tet|the holiday|Tết}}
{{TOC limit|3}}
__TOC__
The campaign began on 30 January.

== Background ==
{{Main|Vietnam War}}
{{See also|Battle of Khe Sanh}}
{{Further|Hue}}
The plan was made in 1967.

{{Campaignbox Vietnam War}}
{{Navbox|name=Vietnam|title=Vietnam}}
{{Authority control}}
[[Category:Battles of the Vietnam War]]
"""
    assert prose(text) == "The campaign began on 30 January.\n\n==Background==\nThe plan was made in 1967."


def test_paragraphs_join_soft_line_breaks_and_are_separated_by_one_blank_line():
    text = "First line\nof the first paragraph.\n\n\n\nSecond   paragraph  with   spaces.   \n\nThird."
    assert prose(text) == "First line of the first paragraph.\n\nSecond paragraph with spaces.\n\nThird."


def test_bullet_items_are_lines_of_their_own():
    text = "The units were:\n* the [[Tiger Forces]]\n* the [[Desert Hawks Brigade]]\n** a sub-unit\n# numbered\nAfter."
    assert prose(text) == ("The units were:\n\nthe Tiger Forces\nthe Desert Hawks Brigade\na sub-unit\nnumbered\n\n"
                           "After.")


def test_no_line_has_trailing_spaces_and_the_text_ends_with_one_newline():
    r = render("Lead.   \n\n== A ==  \nText  <ref>x</ref>\n\n", title="T")
    assert all(line == line.rstrip() for line in r.text.split("\n"))
    assert r.text.endswith("==A==\nText\n")


def test_prose_lines_the_structured_parser_would_misread_are_escaped():
    text = ("Lead.\n\n- Combatant1: [[Atlantis]]\n\n=== not a heading\n\n-- dashes --\n\n=Equals=\n\n"
            "Infobox\n\n- a see-also line")
    r = render(text, title="T")
    for line in r.text.split("\n")[1:]:
        assert not line.startswith(("-", "=")) or heading(line.strip()) is not None
    doc, _ = parse_structured(r.text)
    assert doc.fields == [] and doc.sides == []
    assert "Combatant1: Atlantis" in r.text and "not a heading" in r.text


def test_a_first_prose_line_reading_infobox_is_not_an_infobox_block():
    r = render("Infobox\n\n- Conflict: none\n\nText.", title="T")
    doc, _ = parse_structured(r.text)
    assert doc.fields == [] and r.text == "= T =\n\nConflict: none\n\nText.\n"


def test_quotes_are_text():
    assert prose("He said:\n{{quote|We will retake the city.|A commander}}\nThen.") == \
        "He said:\n\nWe will retake the city.\n\nThen."


# ---- coordinates ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "lat", "lon"),
    [
        ("{{coord|34.55|38.27}}", 34.55, 38.27),
        ("{{coord|34.551|N|38.268|E}}", 34.551, 38.268),
        ("{{coord|34|33|N|38|16|E}}", 34.55, 38.266667),
        ("{{coord|34|33|4|N|38|16|5|E}}", 34.551111, 38.268056),
        ("{{coord|34|33|N|38|16|E|display=inline,title}}", 34.55, 38.266667),
        ("{{Coord|36|20|N|43|08|E|region:IQ_type:city|display=title}}", 36.333333, 43.133333),
        ("{{coord|51|30|N|36|03|E|type:event|name=Kursk}}", 51.5, 36.05),
        ("{{coord|-34.6|-58.38|format=dms}}", -34.6, -58.38),
        ("{{coord|10|45|S|106|40|W}}", -10.75, -106.666667),
        ("34°33′N 38°16′E", 34.55, 38.266667),
        ("34.551°N 38.268°E", 34.551, 38.268),
    ],
)
def test_coordinates_in_each_form(cell, lat, lon):
    r = render(box(f"| conflict = Palmyra offensive\n| combatant1 = Syria\n| coordinates = {cell}"))
    assert r.coordinates == (lat, lon)
    assert fields(r.text)["Coordinates"] == coords.format_coordinates(lat, lon)
    assert coords.parse_coordinates(fields(r.text)["Coordinates"]) == (lat, lon)
    assert r.problems == []


def test_coordinates_in_the_place_are_read_and_removed_from_it():
    r = render(box("| conflict = Battle of Mosul\n| combatant1 = Iraq\n"
                   "| place = [[Mosul]], Iraq<br>{{coord|36|20|N|43|08|E|display=inline}}"))
    f = fields(r.text)
    assert f["Place"] == "Mosul, Iraq"
    assert f["Coordinates"] == "36.333333°N 43.133333°E"
    assert r.coordinates == (36.333333, 43.133333)


def test_the_coordinates_parameter_wins_over_the_place():
    r = render(box("| combatant1 = Iraq\n| place = Mosul {{coord|1|2}}\n| coordinates = {{coord|36.34|43.13}}"),
               title="T")
    assert r.coordinates == (36.34, 43.13)


def test_the_page_coordinates_are_used_without_infobox_coordinates():
    text = "{{coord|51|30|N|36|03|E|display=title}}\n" + box("| conflict = Battle of Kursk\n| combatant1 = USSR")
    r = render(text)
    assert r.coordinates == (51.5, 36.05) and fields(r.text)["Coordinates"] == "51.5°N 36.05°E"
    no_box = render("{{coord|51|30|N|36|03|E|display=title}}\nThe '''Battle of Kursk'''.", title="Battle of Kursk")
    assert no_box.coordinates == (51.5, 36.05) and body(no_box.text) == "The Battle of Kursk."


def test_inline_coordinates_in_prose_are_written_out():
    assert prose("The town lies at {{coord|34.55|38.27}}.") == "The town lies at 34.55°N 38.27°E."


@pytest.mark.parametrize("cell", ["{{coord|abc|def}}", "{{coord|95|N|10|E}}", "{{coord|34|70|N|38|E}}",
                                  "{{coord|34|N|38}}", "somewhere in the desert"])
def test_unreadable_coordinates_are_a_problem_on_their_line(cell):
    r = render(box(f"| conflict = Palmyra offensive\n| combatant1 = Syria\n| coordinates = {cell}"))
    assert r.coordinates is None and "Coordinates" not in fields(r.text)
    assert [p.line for p in r.problems] == [4]
    assert "coordinates" in r.problems[0].message


# ---- problems ---------------------------------------------------------------------------------------------------
def test_an_unclosed_template_in_prose_is_a_problem_on_its_line():
    text = "Lead.\n\nThe army {{cite web|url=http://x.org advanced.\nNext line.\n\n== A ==\nMore."
    r = render(text, title="T")
    assert [(p.line, p.message) for p in r.problems] == [(3, "a template is not closed ('{{' without '}}')")]
    assert body(r.text) == "Lead.\n\nThe army Next line.\n\n==A==\nMore."


def test_an_unclosed_link_is_a_problem_on_its_line():
    r = render("Lead.\n<!--\n-->\nForces entered [[Mosul on 10 July.\n\nMore [[text]].", title="T")
    assert [(p.line, p.message) for p in r.problems] == [(4, "a link is not closed ('[[' without ']]')")]
    assert body(r.text) == "Lead. Forces entered Mosul on 10 July.\n\nMore text."


def test_an_unclosed_template_inside_a_reference_is_a_problem():
    r = render("Lead.\nThe city fell.<ref>{{cite news|title=Mosul</ref> Then.", title="T")
    assert [p.line for p in r.problems] == [2]
    assert body(r.text) == "Lead. The city fell. Then."


def test_an_unclosed_infobox_renders_what_can_be_read():
    text = """{{Short description|2016 offensive}}
{{Infobox military conflict
| conflict = Palmyra offensive (March 2016)
| date = {{start date|2016|3|2}} – {{end date|2016|3|27}}
| combatant1 = [[Syria]]<br>[[Russia]]
| combatant2 = [[Islamic State of Iraq and the Levant|ISIL]]
| commander1 = [[Suheil al-Hassan]]
The '''Palmyra offensive''' was launched in March 2016.

== Offensive ==
On 27 March, the army took the city.
"""
    r = render(text)
    assert r.offensive
    assert [(p.line, p.message) for p in r.problems] == [
        (2, "the infobox is not closed ('{{' without '}}'): read up to line 7")]
    assert r.text == """= Palmyra offensive (March 2016) =

Infobox
- Conflict: Palmyra offensive (March 2016)
- Date: 2 March 2016 – 27 March 2016
- Combatant1: Syria, Russia
- Combatant2: ISIL
- Commander1: Suheil al-Hassan

The Palmyra offensive was launched in March 2016.

==Offensive==
On 27 March, the army took the city.
"""


def test_an_infobox_unclosed_to_the_end_of_the_page_still_renders():
    r = render("{{Infobox military conflict\n| conflict = Tet Offensive\n| combatant1 = {{plainlist|\n"
               "* [[South Vietnam]]\n* [[United States]]")
    assert r.offensive and r.problems[0].line == 1 and "not closed" in r.problems[0].message
    assert fields(r.text) == {"Conflict": "Tet Offensive", "Combatant1": "South Vietnam, United States"}


def test_problem_lines_count_in_the_original_page():
    text = "<!--\nline 2\nline 3\n-->\n<ref>\nline 6\n</ref>\n{| \n|a\n|}\nLine 11 {{cite web|url=x\n"
    r = render(text, title="T")
    assert [p.line for p in r.problems] == [11]


def test_many_unclosed_templates_are_counted_not_listed():
    r = render("Text {{a|b\n" * 200, title="T")
    assert len(r.problems) == 51
    assert r.problems[-1].message == "150 more unclosed templates or links are not listed"
    assert body(r.text) == " ".join(["Text"] * 200)


# ---- round trip --------------------------------------------------------------------------------------------------
OFFENSIVE = """{{Short description|Military operation in the Syrian Civil War}}
{{Use dmy dates|date=April 2016}}
{{Infobox military conflict
| conflict    = Palmyra offensive (March 2016)
| partof      = the [[Syrian Civil War]] and the [[Russian military intervention in the Syrian Civil War]]
| image       = [[File:Palmyra offensive (March 2016).svg|300px]]
| caption     = The front before the offensive
| date        = {{start date|2016|3|2|df=y}} – {{end date|2016|3|27|df=y}}<br />({{Age in days|2016|3|2|2016|3|27}})
| place       = [[Palmyra]], [[Homs Governorate]], [[Syria]]
| coordinates = {{coord|34|33|N|38|16|E|display=inline,title}}
| result      = Syrian government victory<ref name="sana">{{cite news|title=Army takes Palmyra|work=SANA}}</ref>
* The army recaptures Palmyra and its citadel
| territory   = Government forces capture {{convert|1000|km2}}
| combatant1  = {{flagicon|Syria}} [[Syrian Arab Republic|Syria]]<br />{{flagicon|Russia}} [[Russia]]<br />
{{flagicon image|Flag of Hezbollah.svg}} [[Hezbollah]]
| combatant2  = {{flagicon image|ISIS flag.svg}} [[Islamic State of Iraq and the Levant|ISIL]]
| commander1  = {{plainlist|
* [[Major general|Maj. Gen.]] [[Suheil al-Hassan]] "The Tiger"<br><small>(Tiger Forces)</small>
* [[Alexander Prokhorenko]]{{KIA}} <small>(forward air controller)</small>
}}
| commander2  = [[Omar al-Shishani|Abu Omar al-Shishani]]
| units1      = {{plainlist|
* [[Syrian Armed Forces]]
** [[Syrian Army]]
*** [[Tiger Forces]]
* [[Russian Armed Forces]]
** [[Special Operations Forces (Russia)|Special Operations Forces]]
}}
| units2      = [[Military of ISIL]]
| strength1   = 5,000<ref>{{cite web|url=http://example.org}}</ref>
| strength2   = 4,000{{sfn|Smith|2016|p=3}}
| casualties1 = 188 killed
| casualties2 = 400+ killed
}}
The '''Palmyra offensive (March 2016)''' was a military offensive by the [[Syrian Army]],<ref name="sana" />
backed by [[Russian Aerospace Forces|Russian aircraft]], to retake [[Palmyra]] from [[ISIL]].

== Offensive ==
On 2 March 2016, the army advanced towards the city from the west.
On 24 March, government forces entered the city.{{cn|date=April 2016}}

=== Capture of the city ===
On 27 March, the army captured Palmyra and its citadel.<ref>{{cite news|title=Citadel retaken}}</ref>

== See also ==
* [[Palmyra offensive (2017)]]

== References ==
{{Reflist}}

{{Campaignbox Syrian Civil War}}
[[Category:Military operations of the Syrian civil war in 2016]]
"""


def test_round_trip_through_the_structured_parser():
    r = render(OFFENSIVE)
    assert r.offensive and r.problems == []
    assert r.coordinates == (34.55, 38.266667)
    doc, blocks = parse_structured(r.text)
    assert doc.title == "Palmyra offensive (March 2016)"
    assert doc.start.date == datetime.date(2016, 3, 2) and doc.end.date == datetime.date(2016, 3, 27)
    assert doc.start.precision == doc.end.precision == "day"
    assert doc.part_of == ["Syrian Civil War", "Russian military intervention in the Syrian Civil War"]
    assert doc.place == "Palmyra, Homs Governorate, Syria"
    assert doc.status == "Syrian government victory, The army recaptures Palmyra and its citadel"
    assert doc.territory == ["Government forces capture 1000 km2"]
    assert [[b.name for b in s.belligerents] for s in doc.sides] == [["Syria", "Russia", "Hezbollah"], ["ISIL"]]
    assert [(c.rank, c.name, c.alias, c.role, c.kia) for c in doc.sides[0].commanders] == [
        ("Maj. Gen.", "Suheil al-Hassan", "The Tiger", "Tiger Forces", False),
        (None, "Alexander Prokhorenko", None, "forward air controller", True)]
    assert [c.name for c in doc.sides[1].commanders] == ["Abu Omar al-Shishani"]
    assert [(u.name, u.depth, u.parent) for u in doc.sides[0].units] == [
        ("Syrian Armed Forces", 0, None), ("Syrian Army", 1, "Syrian Armed Forces"),
        ("Tiger Forces", 2, "Syrian Army"), ("Russian Armed Forces", 0, None),
        ("Special Operations Forces", 1, "Russian Armed Forces")]
    assert [u.name for u in doc.sides[1].units] == ["Military of ISIL"]
    assert [s.number for s in doc.sides[0].strength] == [5000]
    assert [s.number for s in doc.sides[1].strength] == [4000]
    assert doc.extra == {"Casualties1": "188 killed", "Casualties2": "400+ killed"}
    assert doc.lead == ("The Palmyra offensive (March 2016) was a military offensive by the Syrian Army, backed by "
                        "Russian aircraft, to retake Palmyra from ISIL.")
    assert [(b.section, b.text) for b in blocks] == [
        (None, doc.lead),
        ("Offensive", "On 2 March 2016, the army advanced towards the city from the west. On 24 March, government "
                      "forces entered the city."),
        ("Capture of the city", "On 27 March, the army captured Palmyra and its citadel."),
    ]
    assert doc.problems == []


def test_the_rendering_has_the_structured_shape():
    text = render(OFFENSIVE).text
    lines = text.split("\n")
    assert title(lines[0]) == "Palmyra offensive (March 2016)"
    assert lines[1] == "" and lines[2] == "Infobox"
    assert "[[" not in text and "{{" not in text and "<" not in text and "'''" not in text
    assert "Category" not in text and "Reflist" not in text and "See also" not in text


# ---- size and the module itself ----------------------------------------------------------------------------------
def test_a_five_megabyte_page_renders():
    paragraph = ("On 17 March, [[Syrian Army|government forces]] took the hills near [[Palmyra]] and advanced five "
                 "kilometres towards the city,<ref>{{cite web|url=http://example.org|title=Report}}</ref> while the "
                 "''Guardian'' reported heavy losses on both sides of the front line that week.{{sfn|Smith|2016}}\n\n")
    sections = "".join(f"== Phase {i} ==\n" + paragraph * 50 for i in range(350))
    text = OFFENSIVE.split("== See also ==")[0] + sections
    assert len(text) > 5_000_000
    r = render(text)
    doc, blocks = parse_structured(r.text)
    assert len(blocks) == 3 + 350 * 50 and doc.problems == [] and r.problems == []


@pytest.mark.parametrize(
    "junk",
    ["{{" * 1_000_000, "[[" * 1_000_000, "a {{b|c\n" * 100_000, "a [[b|c\n" * 100_000, "}}]]" * 500_000,
     "=" * 1_000_000, "*" * 1_000_000, "'''''" * 200_000, "<!--" * 200_000, "<ref>" * 200_000],
)
def test_hostile_pages_render(junk):
    r = render("Lead.\n" + junk + "\nEnd.", title="T")
    assert r.text.startswith("= T =\n") and r.text.endswith("\n")
    parse_structured(r.text)


def test_the_module_is_pure_python_with_imports_at_the_top():
    tree = ast.parse(MODULE.read_text())
    top = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            assert id(node) in top, f"an import inside a function on line {node.lineno}"
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            assert not any(n.startswith("django") for n in names)


def test_the_infobox_module_invoked_directly_is_the_infobox():
    r = render(box("| conflict = Battle of X\n| combatant1 = [[Syria]]\n| combatant2 = [[ISIL]]",
                   name="#invoke:Infobox military conflict|main"), title="Battle of X")
    assert r.offensive
    assert fields(r.text) == {"Conflict": "Battle of X", "Combatant1": "Syria", "Combatant2": "ISIL"}

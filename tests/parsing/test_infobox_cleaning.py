"""Infobox markup of real pages in structured documents (issue 13): no record is ever made from a
label, a placeholder or markup, and fates, roles and tenure land in their fields."""
import pytest

from sources.parsing import parse
from sources.parsing.infobox import belligerents, commanders, units
from sources.parsing.text import strip_citations


def _c(value):
    return strip_citations(value)


@pytest.mark.parametrize("value, expected", [
    ("---- ' Syrian Arab Republic, 20px Russia", [("Syrian Arab Republic", None), ("Russia", None)]),
    ("* 18px Al-Rahman Legion, **17px Jaysh al-Islam", [("Al-Rahman Legion", None), ("Jaysh al-Islam", None)]),
    ("Russia, Allied militias:, Liwa al-Quds<hr>, Hezbollah",
     [("Russia", None), ("Liwa al-Quds", "Allied militias"), ("Hezbollah", "Allied militias")]),
    ("20px Soviet Union, Support:, 20px Polish People's Army",
     [("Soviet Union", None), ("Polish People's Army", "Support")]),
    ("Libya, Supported by, NATO", [("Libya", None), ("NATO", "Supported by")]),
    ("Saudi Arabia, Airstrikes:, United States", [("Saudi Arabia", None), ("United States", "Airstrikes")]),
    ("Iraq, , ', Unknown", [("Iraq", None)]),
])
def test_belligerents(value, expected):
    assert [(b.name, b.note) for b in belligerents(_c(value))] == expected


@pytest.mark.parametrize("value, expected", [
    ("Killed: Abu Qatada al-Afri", [("Abu Qatada al-Afri", None, None, True)]),
    ("Maj. Gen. Viktor Vorobyov KIA, Col. Ivan Savin KIA, (131st Motor Rifle Brigade), KIA",
     [("Viktor Vorobyov", "Maj. Gen.", None, True), ("Ivan Savin", "Col.", "131st Motor Rifle Brigade", True)]),
    ("Aslan Maskhadov, (Chief of Staff), Shamil Basayev, , Ruslan GelayevKIA",
     [("Aslan Maskhadov", None, "Chief of Staff", False), ("Shamil Basayev", None, None, False),
      ("Ruslan Gelayev", None, None, True)]),
    ("(Commander of the Army) Lt. Gen. Sarath Fonseka, () Col. Theepan",
     [("Sarath Fonseka", "Lt. Gen.", "Commander of the Army", False), ("Theepan", "Col.", None, False)]),
    ("Muhammad al-Said, (Liwa al-Quds leader) ---- (Commander of Russian forces in Syria) Aleksandr Zhuravlyov",
     [("Muhammad al-Said", None, "Liwa al-Quds leader", False),
      ("Aleksandr Zhuravlyov", None, "Commander of Russian forces in Syria", False)]),
    ("Col. Allan D. MacLean (DOW), 31st Regimental Combat Team commander, until 29 November), Lt. Col. Don Faith",
     [("Allan D. MacLean", "Col.", "31st Regimental Combat Team commander, until 29 November", True),
      ("Don Faith", "Lt. Col.", None, False)]),
    ("Field Marshal Ernst Busch, Army Group Centre commander, until 28 June), Field Marshal Walter Model",
     [("Ernst Busch", "Field Marshal", "Army Group Centre commander, until 28 June", False),
      ("Walter Model", "Field Marshal", None, False)]),
    ("Lt. Col. Denys Prokopenko (POW), (Azov Regiment)", [("Denys Prokopenko", "Lt. Col.", "Azov Regiment", False)]),
    ("Wagner Group:, Yevgeny Prigozhin, Eastern front, Unknown", [("Yevgeny Prigozhin", None, None, False)]),
    ("V. Adm. Arthur Dewey Struble, Brig. Jagath Dias",
     [("Arthur Dewey Struble", "V. Adm.", None, False), ("Jagath Dias", "Brig.", None, False)]),
    ("Abu Omar al-Shishani †", [("Abu Omar al-Shishani", None, None, True)]),
])
def test_commanders(value, expected):
    assert [(c.name, c.rank, c.role, c.kia) for c in commanders(_c(value))] == expected


@pytest.mark.parametrize("value, expected", [
    ("Syrian Armed Forces, Liwa al-Quds<hr>, IRGC, * 12px Quds Force",
     [("Syrian Armed Forces", None), ("Liwa al-Quds", None), ("IRGC", None), ("Quds Force", "IRGC")]),
    ("Iraqi Army, * 9th Division, Airstrikes, United States Air Force",
     [("Iraqi Army", None), ("9th Division", "Iraqi Army"), ("United States Air Force", None)]),
    ("Eastern front, Iraqi Army, * 9th Division, Northern front, * Peshmerga",
     [("Iraqi Army", None), ("9th Division", "Iraqi Army"), ("Peshmerga", None)]),
    ("Central Front, * 13th Army, Western Front", [("Central Front", None), ("13th Army", "Central Front"),
                                                    ("Western Front", None)]),
])
def test_units(value, expected):
    assert [(u.name, u.parent) for u in units(_c(value))] == expected


def test_a_casualties_column_makes_no_side():
    text = ("= Battle of Example =\n\nInfobox\n- Combatant1: Examplia\n- Combatant2: Freedonia\n"
            "- Casualties1: 10 killed\n- Casualties2: 20 killed\n- Casualties3: 300 civilians killed\n\n"
            "On 3 March 2015, the army attacked.\n")
    doc = parse(text)
    assert len(doc.sides) == 2 and doc.extra["Casualties3"] == "300 civilians killed"

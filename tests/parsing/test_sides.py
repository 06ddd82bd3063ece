"""Sides of a plain infobox run that does not part them, told apart by evidence (issue 13,
``sources/parsing/sides.py``), or left one side and marked unresolved when the evidence leaves a doubt.

The documents are our own, written from the facts of the Second Battle of Ramadi (December 2015) in
the flattened shape (line 1 runs the infobox into the lead) and of the Battle of Diabaly (January 2013)
in the glued shape (labels glued to their values)."""
from __future__ import annotations

from pathlib import Path

import pytest

from sources.parsing import parse
from sources.parsing.records import Belligerent, SideRecord, Span
from sources.parsing.sides import KnownForces, KnownSides, acronym, split

HERE = Path(__file__).resolve().parent / "documents" / "plain"
RAMADI = (HERE / "ramadi_2015.txt").read_text(encoding="utf-8")
DIABALY = (HERE / "diabaly_2013.txt").read_text(encoding="utf-8")
# the same page with a lead that names no actor or target, and no commander in the prose
RAMADI_BARE = RAMADI.replace(
    "was a military operation of the Iraqi Army and the Counter Terrorism Service, supported by airstrikes of "
    "the CJTF–OIR, to retake the city of Ramadi from ISIL, which had captured it in May 2015.",
    "was fought in December 2015 for the city of Ramadi.").replace("Iraqi Major General Ismail al-Mahlawi",
                                                                   "The command")


def sides(doc) -> list[dict[str, list[str]]]:
    return [{"belligerents": [b.name for b in s.belligerents], "commanders": [c.name for c in s.commanders],
             "units": [u.name for u in s.units], "strength": [x.text for x in s.strength]} for s in doc.sides]


RAMADI_SIDES = [
    {"belligerents": ["Iraq", "CJTF–OIR"], "commanders": ["Ismail al-Mahlawi"],
     "units": ["Iraqi Army", "Counter Terrorism Service"], "strength": ["10,000 soldiers"]},
    {"belligerents": ["Islamic State of Iraq and the Levant"], "commanders": [], "units": ["Military of ISIL"],
     "strength": ["600–1,000 militants"]},
]


def messages(doc) -> list[str]:
    return [p.message for p in doc.problems]


def test_the_lead_units_and_prose_split_a_flattened_run():
    """"an operation of the Iraqi Army and the Counter Terrorism Service, supported by ... the CJTF–OIR,
    to retake ... from ISIL"; "Iraqi Army" names Iraq, "Military of ISIL" the Islamic State of Iraq and
    the Levant; "Iraqi Major General Ismail al-Mahlawi"; two strength entries, one per side."""
    doc = parse(RAMADI, name="ramadi_2015.txt")
    assert not doc.sides_unresolved
    assert sides(doc) == RAMADI_SIDES
    said = messages(doc)
    assert any(m.startswith("the sides, which the infobox does not part, were told apart by evidence") for m in said)
    assert not any("marked unresolved" in m for m in said)


def test_without_evidence_the_run_stays_one_side_marked_unresolved_with_the_doubt():
    doc = parse(RAMADI_BARE, name="ramadi_2015.txt")
    assert doc.sides_unresolved
    assert len(doc.sides) == 1 and len(doc.sides[0].belligerents) == 3
    doubt = next(m for m in messages(doc) if "could not be told apart by evidence" in m)
    assert "the belligerents could be cut after 'Iraq' or after 'CJTF–OIR'" in doubt


def known_mosul() -> KnownSides:
    """What an earlier document (the Battle of Mosul, 2016-2017, say) told apart."""
    known = KnownSides()
    known.add("mosul", 1, forces=["Iraq", "CJTF–OIR", "Iraqi Army", "Counter Terrorism Service"],
              people=["Ismail al-Mahlawi"])
    known.add("mosul", 2, forces=["Islamic State of Iraq and the Levant", "ISIL", "Military of ISIL"])
    return known


def test_the_sides_of_other_documents_split_a_run_its_own_text_does_not():
    doc = parse(RAMADI_BARE, name="ramadi_2015.txt", known_forces=KnownForces(["CJTF–OIR"], known_mosul()))
    assert not doc.sides_unresolved
    assert sides(doc) == RAMADI_SIDES
    assert any("pairs of names on known sides in other documents" in m for m in messages(doc))


def test_known_enemies_are_never_put_on_one_side_the_contradiction_is_said():
    """Other documents put Iraq and the CJTF–OIR on two sides, the lead on one: no split, no guess."""
    known = KnownSides()
    known.add("elsewhere", 1, forces=["Iraq"])
    known.add("elsewhere", 2, forces=["CJTF–OIR"])
    doc = parse(RAMADI, name="ramadi_2015.txt", known_forces=KnownForces([], known))
    assert doc.sides_unresolved
    assert any("the evidence contradicts itself" in m for m in messages(doc))


def test_documents_that_disagree_about_two_forces_say_nothing_of_them():
    """The United States fought Iraq in 2003 and beside it in 2016: no evidence either way."""
    known = KnownSides()
    known.add("baghdad-2003", 1, forces=["United States"])
    known.add("baghdad-2003", 2, forces=["Iraq"])
    known.add("fallujah-2016", 1, forces=["Iraq", "United States"])
    assert known.relation(known.sides_of("Iraq"), known.sides_of("United States")) is None
    assert known.relation(known.sides_of("iraq"), known.sides_of("Islamic State")) is None
    known.add("fallujah-2016", 2, forces=["Islamic State"])
    assert known.relation(known.sides_of("Iraq"), known.sides_of("Islamic State")) == "other"
    assert known.relation(known.sides_of("United States"), known.sides_of("Iraq")) is None
    other = KnownSides()
    other.update(known)
    assert other.sides_of("Islamic State") == {("fallujah-2016", 2)}


def test_a_glued_rendered_infobox_is_split_by_the_result_roles_and_prose():
    """"ResultFranco-Malian victory" (France and Mali on one side), "Col. Seydou Sogoba (Malian army)",
    "AQIM commander Abdelhamid Abou Zeid"; "200 soldiers Unknown" is one strength per side."""
    doc = parse(DIABALY, name="diabaly_2013.txt")
    assert doc.format == "plain" and doc.title == "Battle of Diabaly"
    assert not doc.sides_unresolved
    assert sides(doc) == [
        {"belligerents": ["France", "Mali"], "commanders": ["Seydou Sogoba"], "units": [],
         "strength": ["200 soldiers"]},
        {"belligerents": ["Al-Qaeda in the Islamic Maghreb"], "commanders": ["Abdelhamid Abou Zeid"], "units": [],
         "strength": ["Unknown"]},
    ]
    assert not any("does not part the sides" in m for m in messages(doc))


def test_a_result_that_names_one_party_alone_does_not_split():
    """"Malian victory" names the winner, not where its side ends: the glued run stays unresolved."""
    text = DIABALY.replace("ResultFranco-Malian victory", "ResultMalian victory").replace(
        "AQIM commander Abdelhamid", "Abdelhamid")
    doc = parse(text, name="diabaly_2013.txt")
    assert doc.sides_unresolved
    assert len(doc.sides) == 1


@pytest.mark.parametrize("name, expected", [
    ("Islamic State of Iraq and the Levant", "isil"),
    ("Donetsk People's Republic", "dpr"),
    ("Al-Qaeda in the Islamic Maghreb", "aqim"),
    ("Government of National Accord", "gna"),
    ("Syrian Democratic Forces", "sdf"),
    ("United States", ""),                       # two letters name too many things
    ("Chechen pro-Moscow militia", ""),
])
def test_acronyms(name, expected):
    assert acronym(name) == expected


def test_a_person_after_a_known_force_is_a_commander_when_the_prose_gives_a_rank():
    """With the forces known, "Islamic State of Iraq and the Levant Ismail al-Mahlawi" parts after the
    known name; the prose's "Iraqi Major General Ismail al-Mahlawi" makes the rest a commander, not a
    belligerent put on the Islamic State's side."""
    names = ["Iraq", "CJTF–OIR", "Islamic State of Iraq and the Levant", "Iraqi Army", "Counter Terrorism Service",
             "Military of ISIL"]
    doc = parse(RAMADI, name="ramadi_2015.txt", known_forces=KnownForces(names, known_mosul()))
    assert sides(doc) == RAMADI_SIDES


def _parties(*names: str) -> SideRecord:
    return SideRecord(number=1, belligerents=[Belligerent(name=n, note=None, span=Span(0, 0)) for n in names])


@pytest.mark.parametrize("lead, expected", [
    # the carrier of the offensive against its target: Syria and Russia apart from ISIL only with both named
    ("The offensive was an operation of the Syrian Army and the Russian Aerospace Forces against ISIL.",
     [["Syria", "Russia"], ["ISIL"]]),
    ("The offensive was launched by Syria and Russia to take the city from ISIL.", [["Syria", "Russia"], ["ISIL"]]),
    # "with air support from Russia" is no target, so Russia's side is not known: no split
    ("The offensive was an operation of the Syrian Army, with air support from Russia, against ISIL.", None),
    # "the largest city of Syria" does not carry the offensive
    ("The offensive took the largest city of Syria from ISIL.", None),
])
def test_the_lead_names_who_carries_the_offensive_and_against_whom(lead, expected):
    decision = split(_parties("Syria", "Russia", "ISIL"), lead=lead)
    got = None if decision.sides is None else [[b.name for b in s.belligerents] for s in decision.sides]
    assert got == expected

"""People and forces in a flattened infobox run (issue 13): a run the splitter cannot cut by the
names it knows is cut by the shape of people's names. Texts written for these tests."""
import pytest

from sources.parsing import parse

LEAD = "The Example offensive of May 2016 was an operation of the army. On 3 May 2016, the army attacked."


def sides(text, known=()):
    doc = parse(text, format="plain", known_forces=known)
    return ([b.name for s in doc.sides for b in s.belligerents], [c.name for s in doc.sides for c in s.commanders],
            [u.name for s in doc.sides for u in s.units], doc)


@pytest.mark.parametrize("run, commanders, units", [
    # people between the parties and a force that ends like one
    ("Ukraine Russia Valerii Zaluzhnyi Oleksandr Syrskyi Ukrainian Ground Forces",
     ["Valerii Zaluzhnyi", "Oleksandr Syrskyi"], ["Ukrainian Ground Forces"]),
    # Arabic articles and a force starter
    ("Iraq Abdul Wahab al-Saadi Hadi al-Amiri Abu Mahdi al-Muhandis Iraqi Army Kata'ib Hezbollah",
     ["Abdul Wahab al-Saadi", "Hadi al-Amiri", "Abu Mahdi al-Muhandis"], ["Iraqi Army", "Kata'ib Hezbollah"]),
])
def test_people_beside_forces(run, commanders, units):
    _, found_commanders, found_units, _ = sides(f"Government victory {run} 2,000 soldiers {LEAD}\n")
    assert found_commanders == commanders
    assert found_units == units


def test_people_named_again_in_the_text():
    text = (f"Government victory Syria Rojda Felat Talal Silo Examplian Army 2,000 soldiers {LEAD}\n"
            "[1] On 6 June 2016, spokesman Talal Silo announced the attack, which Felat led.\n")
    _, commanders, _, _ = sides(text, known=["Examplian Army"])
    assert commanders == ["Rojda Felat", "Talal Silo"]


def test_capitalised_words_alone_stay_unsplit():
    _, commanders, _, doc = sides(f"Stalemate Alpha Bravo Charlie Delta Echo Foxtrot Golf 100 men {LEAD}\n")
    assert commanders == [] and any("could not split" in p.message for p in doc.problems)


def test_a_one_sided_run_is_marked_unresolved():
    belligerents, _, _, doc = sides(f"Ukrainian victory Ukraine Russia 2,000 soldiers {LEAD}\n")
    assert belligerents == ["Ukraine", "Russia"] and doc.sides_unresolved and len(doc.sides) == 1

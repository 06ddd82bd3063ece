"""Issue 7 on real data: after importing both seeds, each real entity is one record with its spellings."""
import pytest
from django.core.management import call_command

from conflicts.models import Force, ForceAlias
from events.models import Place, PlaceAlias
from people.models import Person
from sources import resolve
from tests.conftest import SAMPLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds(db):
    call_command("import_sources", str(SAMPLES), "--no-progress", stdout=None)


def place_named(name: str) -> Place:
    matches = Place.objects.filter(name=name) | Place.objects.filter(aliases__name=name)
    return matches.distinct().get()


def test_spellings_of_one_place_are_one_record(seeds):
    assert place_named("Khan Tuman") == place_named("Khan Touman")
    assert place_named("Al-Hader") == place_named("Al-Hadher") == place_named("Al-Hadhir")
    assert place_named("Khanaser-Ethria highway") == place_named("Khanasser–Ithriya Highway")
    # every event of each spelling is on the one page
    khan_tuman = place_named("Khan Tuman")
    assert khan_tuman.events.count() == 4


def test_distinct_places_stay_apart(seeds):
    assert place_named("Hama") != place_named("al-Hamra")
    assert place_named("Banes") != place_named("Banes farms")
    assert place_named("Ithriyah") != place_named("Tal Ithriya hill")


def test_automatic_joins_are_recorded_with_their_score(seeds):
    alias = PlaceAlias.objects.get(name__in=["Khan Tuman", "Khan Touman"])
    assert alias.origin == "resolver" and alias.score >= resolve.THRESHOLD
    assert alias.source is not None


def test_one_person_for_soleimani_linked_to_every_spelling(seeds):
    soleimani = Person.objects.get(name__icontains="Soleimani")
    assert not Person.objects.filter(name__icontains="Suleimani").exists()
    texts = list(soleimani.events.values_list("text", flat=True))
    assert any("Major General Suleimani traveled" in t for t in texts)
    assert any("Gen. Soleimani was reportedly sent" in t for t in texts)


def force_named(name: str) -> Force:
    matches = Force.objects.filter(name=name) | Force.objects.filter(aliases__name=name)
    return matches.distinct().get()


def test_one_force_each_for_forces_both_seeds_name(seeds):
    assert Force.objects.filter(name="Hezbollah").count() == 1
    assert Force.objects.filter(name="Liwa Fatemiyoun").count() == 1
    assert not ForceAlias.objects.filter(name__in=["Hezbollah", "Liwa Fatemiyoun"]).exists()


@pytest.mark.parametrize("names", [
    # formations that differ only by their number (Aleppo's order of battle)
    ["46th Brigade", "82nd Brigade", "155th Brigade", "43rd Brigade", "66th Brigade"],
    ["4th Mechanized Division", "10th Armoured Division", "Division 13"],
    # one name inside another, or one word apart
    ["Hezbollah", "Kata'ib Hezbollah"],
    ["Liwa Fatemiyoun", "Liwa Zainebiyoun"],
    ["Division 13", "Sultan Murad Division"],
    ["Syrian Army", "Syrian Armed Forces", "Russian Armed Forces", "Iranian Armed Forces"],
])
def test_forces_with_close_names_stay_apart(seeds, names):
    """Each name the seeds give is a record of its own (found by name or alias): none was joined to another."""
    records = {name: force_named(name) for name in names}
    assert len({force.pk for force in records.values()}) == len(names), records


def test_no_person_is_a_rank_a_role_or_a_fragment(seeds):
    names = list(Person.objects.values_list("name", flat=True))
    assert len(names) == 24
    for name in names:
        assert resolve.is_plausible_person(name), name
        assert not name.lower().startswith(("maj.", "gen.", "col.", "commander", "supreme"))
        assert "KIA" not in name and "px" not in name and "(" not in name

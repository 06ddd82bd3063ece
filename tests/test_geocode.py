"""Coordinates of places (issue 17, maps): the importer geocodes new places in the offensive's country,
``geocode_places`` fills the stored ones idempotently, and an editor's coordinates survive both."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from events.models import Place
from importer.geocode import geocode_places, offensive_country
from sources.gazetteer import default_gazetteer
from tests.conftest import SAMPLES
from tests.factories import make_conflict, make_event, make_place, make_side

pytestmark = pytest.mark.django_db

ALEPPO = SAMPLES / "001_b1d4a69e7f8d3536.txt"
PALMYRA = SAMPLES / "000_062e724f942c86c7.txt"
GAZETTEER = Place.CoordinatesOrigin.GAZETTEER


def run_import(*paths, force=False) -> str:
    out = io.StringIO()
    call_command("import_sources", *map(str, paths), "--no-progress", *(["--force"] if force else []),
                 stdout=out, stderr=out)
    return out.getvalue()


def geocode_command() -> str:
    out = io.StringIO()
    call_command("geocode_places", stdout=out)
    return out.getvalue()


def located() -> dict[str, tuple]:
    return {p.name: (p.latitude, p.longitude, p.coordinates_origin, p.geonames_id, p.coordinates_score)
            for p in Place.objects.exclude(latitude=None)}


def test_the_importer_gives_new_places_the_gazetteers_coordinates_in_the_offensives_country():
    run_import(PALMYRA, ALEPPO)
    places = located()
    # Palmyra's place line names no country: its belligerents' countries, weighed by its places
    palmyra = Place.objects.get(name="Palmyra")
    assert (palmyra.geonames_id, palmyra.coordinates_origin, palmyra.coordinates_score) == (163808, GAZETTEER, 100.0)
    assert (palmyra.latitude, palmyra.longitude) == (Decimal("34.56240"), Decimal("38.28402"))
    assert {"Aleppo", "Al-Hadher", "As-Safira"} <= set(places)
    assert Place.objects.get(name="Aleppo").geonames_id == 170063
    # never outside Syria: Arak and Moscow (named by the Palmyra offensive) are towns of Iran and Russia
    assert "Arak" not in places and "Moscow" not in places
    assert all(34 < lat < 37.5 and 35.5 < lon < 42.5 for lat, lon, *_ in places.values())
    # places the gazetteer does not know have none
    assert Place.objects.get(name="Tiyas T-4 Airbase").latitude is None


def test_geocode_places_fills_stored_places_once_and_is_idempotent():
    run_import(PALMYRA, ALEPPO)
    expected = located()
    Place.objects.update(latitude=None, longitude=None, coordinates_origin="", geonames_id=None,
                         coordinates_score=None)
    first = geocode_command()
    assert f"located: {len(expected)};" in first
    assert located() == expected
    second = geocode_command()
    assert "located: 0;" in second and f"already located: {len(expected)};" in second
    assert located() == expected


def test_an_editors_coordinates_are_kept_by_reimport_and_by_the_command():
    run_import(PALMYRA, ALEPPO)
    palmyra = Place.objects.get(name="Palmyra")
    palmyra.latitude, palmyra.longitude = Decimal("34.55000"), Decimal("38.26667")
    palmyra.coordinates_origin = Place.CoordinatesOrigin.EDITOR
    palmyra.geonames_id = palmyra.coordinates_score = None
    palmyra.locked_fields = ["latitude", "longitude"]
    palmyra.save()
    hand_made = make_place(name="Aleppo Citadel", latitude=Decimal("36.19944"), longitude=Decimal("37.16278"),
                           coordinates_origin=Place.CoordinatesOrigin.EDITOR)
    run_import(PALMYRA, ALEPPO, force=True)
    report = geocode_places()
    palmyra.refresh_from_db()
    hand_made.refresh_from_db()
    assert (palmyra.latitude, palmyra.longitude, palmyra.coordinates_origin) == \
        (Decimal("34.55000"), Decimal("38.26667"), "editor")
    assert palmyra.geonames_id is None
    assert (hand_made.latitude, hand_made.coordinates_origin) == (Decimal("36.19944"), "editor")
    assert report.kept == 2 and report.located == 0


def test_a_locked_coordinate_is_kept_whatever_its_origin_says():
    conflict = make_conflict(place="Homs Governorate, Syria")
    place = make_place(name="Palmyra", locked_fields=["latitude"])
    make_event(conflict=conflict, places=[place])
    assert geocode_places().kept == 1
    place.refresh_from_db()
    assert place.latitude is None


def test_the_command_uses_the_country_of_the_offensives_naming_the_place():
    syria = make_conflict(place="Homs Governorate, Syria")
    nowhere = make_conflict(place="")
    in_syria, unplaced = make_place(name="Palmyra"), make_place(name="Aleppo")
    make_event(conflict=syria, places=[in_syria])
    make_event(conflict=nowhere, places=[unplaced])    # no country, no belligerent: no guess
    report = geocode_places()
    in_syria.refresh_from_db()
    unplaced.refresh_from_db()
    assert (in_syria.geonames_id, report.located, report.unmatched) == (163808, 1, 1)
    assert unplaced.latitude is None


def test_offensive_country_from_place_line_or_belligerents():
    gazetteer = default_gazetteer()
    assert offensive_country(gazetteer, "Aleppo Governorate, Syria", [], []) == "SY"
    assert offensive_country(gazetteer, "", ["Syrian Arab Republic", "Iran"], ["Palmyra", "Arak", "Amiriyeh"],
                             "Palmyra offensive (December 2016)") == "SY"
    assert offensive_country(gazetteer, "", ["Islamic State"], ["Palmyra"]) is None


def test_a_side_without_countries_is_no_country():
    conflict = make_conflict(place="")
    make_side(conflict=conflict)
    place = make_place(name="Palmyra")
    make_event(conflict=conflict, places=[place])
    assert geocode_places().unmatched == 1

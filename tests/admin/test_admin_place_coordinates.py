"""Place coordinates in admin (issue 17, maps): their origin, GeoNames entry and score shown; an editor's
coordinates replace the gazetteer's, are locked, and survive ``geocode_places``."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from importer.geocode import geocode_places
from tests.admin.test_admin_locking import form_data, management
from tests.factories import make_conflict, make_event, make_place, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def palmyra():
    place = make_place(name="Palmyra", source=make_source(), latitude=Decimal("34.56240"),
                       longitude=Decimal("38.28402"), coordinates_origin="gazetteer", geonames_id=163808,
                       coordinates_score=100.0)
    make_event(conflict=make_conflict(place="Homs Governorate, Syria"), places=[place])
    return place


def post(client, place, **changes):
    data = {**form_data(place, **changes), **management("aliases")}
    for name in ("coordinates_origin", "geonames_id", "coordinates_score"):
        data.pop(name, None)   # read-only in the form
    return client.post(reverse("admin:events_place_change", args=[place.pk]), data)


def test_the_change_form_shows_where_the_coordinates_come_from(super_client, palmyra):
    html = super_client.get(reverse("admin:events_place_change", args=[palmyra.pk])).content.decode()
    assert "gazetteer (GeoNames)" in html
    assert 'href="https://www.geonames.org/163808/"' in html
    assert "100.0" in html
    changelist = super_client.get(reverse("admin:events_place_changelist") + "?coordinates_origin__exact=gazetteer")
    assert "Palmyra" in changelist.content.decode()


def test_an_editors_coordinates_replace_the_match_and_are_kept(super_client, palmyra):
    response = post(super_client, palmyra, latitude="34.55000", longitude="38.26667")
    assert response.status_code == 302, response.content.decode()[:2000]
    palmyra.refresh_from_db()
    assert (palmyra.latitude, palmyra.longitude) == (Decimal("34.55000"), Decimal("38.26667"))
    assert (palmyra.coordinates_origin, palmyra.geonames_id, palmyra.coordinates_score) == ("editor", None, None)
    assert {"latitude", "longitude"} <= set(palmyra.locked_fields)
    geocode_places()
    palmyra.refresh_from_db()
    assert (palmyra.latitude, palmyra.coordinates_origin) == (Decimal("34.55000"), "editor")


def test_clearing_the_coordinates_is_an_editors_decision_too(super_client, palmyra):
    assert post(super_client, palmyra, latitude="", longitude="").status_code == 302
    palmyra.refresh_from_db()
    assert (palmyra.latitude, palmyra.coordinates_origin, palmyra.geonames_id) == (None, "", None)
    assert geocode_places().kept == 1          # locked: the gazetteer does not bring them back
    palmyra.refresh_from_db()
    assert palmyra.latitude is None

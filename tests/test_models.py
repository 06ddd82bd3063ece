"""Model invariants live in the database: these tests hit the constraints, not Python validation."""
import datetime

import pytest
from django.db import IntegrityError, transaction

from conflicts.models import Side
from events.models import Event
from tests.factories import (
    make_conflict,
    make_event,
    make_force,
    make_participation,
    make_person,
    make_place,
    make_role,
    make_side,
    make_source,
)

pytestmark = pytest.mark.django_db


def assert_rejected(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_event_end_date_not_before_date():
    conflict = make_conflict()
    assert_rejected(lambda: make_event(conflict, date=datetime.date(2016, 5, 2), end_date=datetime.date(2016, 5, 1)))
    make_event(conflict, date=datetime.date(2016, 5, 2), end_date=datetime.date(2016, 5, 2))


def test_event_precision_kind_and_time_of_day_are_valid_values():
    assert_rejected(lambda: make_event(precision="week"))
    assert_rejected(lambda: make_event(kind="massacre"))
    assert_rejected(lambda: make_event(time_of_day="noon"))


def test_conflict_end_not_before_start_and_slug_unique():
    assert_rejected(lambda: make_conflict(start_date=datetime.date(2016, 5, 2), end_date=datetime.date(2016, 1, 1)))
    make_conflict(slug="aleppo")
    assert_rejected(lambda: make_conflict(slug="aleppo"))
    make_conflict(start_date=None, end_date=None)  # a war named only as a parent has no dates


def test_unique_slugs_for_forces_people_places():
    make_force(slug="hezbollah")
    assert_rejected(lambda: make_force(slug="hezbollah"))
    make_person(slug="qasem-soleimani")
    assert_rejected(lambda: make_person(slug="qasem-soleimani"))
    make_place(slug="khan-tuman")
    assert_rejected(lambda: make_place(slug="khan-tuman"))


def test_side_number_unique_per_conflict():
    conflict = make_conflict()
    make_side(conflict, number=1)
    assert_rejected(lambda: Side.objects.create(conflict=conflict, number=1))
    assert_rejected(lambda: Side.objects.create(conflict=conflict, number=0))


def test_span_end_not_before_start():
    source = make_source()
    assert_rejected(lambda: make_event(source=source, span_start=10, span_end=5))
    event = make_event(source=source, span_start=5, span_end=10)
    assert event.source_url() == f"/sources/{source.pk}/#span-5-10"


def test_place_coordinates_in_range():
    assert_rejected(lambda: make_place(latitude=91))
    assert_rejected(lambda: make_place(longitude=-181))
    make_place(latitude="36.1", longitude="37.0")


def test_force_cannot_be_its_own_parent():
    force = make_force()
    force.parent = force
    assert_rejected(force.save)


def test_str_and_urls():
    source = make_source(title="Aleppo offensive (October–December 2015)")
    conflict = make_conflict(name="Aleppo offensive (October–December 2015)", slug="aleppo-offensive-2015")
    side = make_side(conflict, number=1)
    force = make_force(name="Liwa Fatemiyoun", slug="liwa-fatemiyoun")
    participation = make_participation(side, force, note="since 23 Oct.")
    person = make_person(name="Qasem Soleimani", slug="qasem-soleimani")
    role = make_role(person, conflict, side=side, role="Supreme commander", rank="Maj. Gen.")
    place = make_place(name="Khan Tuman", slug="khan-tuman")
    event = make_event(conflict, date=datetime.date(2015, 12, 20), text="On 20 December, the Syrian Army captured it.")

    assert str(source) == "Aleppo offensive (October–December 2015)"
    assert str(conflict) == "Aleppo offensive (October–December 2015)"
    assert str(side) == "Aleppo offensive (October–December 2015): side 1"
    assert str(participation) == "Liwa Fatemiyoun (belligerent, Aleppo offensive (October–December 2015): side 1)"
    assert str(role) == "Qasem Soleimani (Supreme commander), Aleppo offensive (October–December 2015)"
    assert str(place) == "Khan Tuman"
    assert str(event) == "2015-12-20: On 20 December, the Syrian Army captured it."
    assert conflict.get_absolute_url() == "/offensives/aleppo-offensive-2015/"
    assert force.get_absolute_url() == "/forces/liwa-fatemiyoun/"
    assert person.get_absolute_url() == "/commanders/qasem-soleimani/"
    assert place.get_absolute_url() == "/places/khan-tuman/"
    assert source.get_absolute_url() == f"/sources/{source.pk}/"
    assert event.get_absolute_url() == f"/events/{event.pk}/"
    assert Event.objects.for_timeline().get() == event


@pytest.mark.parametrize(("date", "end", "precision", "expected"), [
    (datetime.date(2016, 3, 5), None, "day", datetime.date(2016, 3, 5)),
    (datetime.date(2016, 3, 5), datetime.date(2016, 3, 9), "day", datetime.date(2016, 3, 9)),
    (datetime.date(2016, 2, 1), None, "month", datetime.date(2016, 2, 29)),
    (datetime.date(2015, 10, 1), datetime.date(2015, 12, 1), "month", datetime.date(2015, 12, 31)),
    (datetime.date(2015, 1, 1), None, "year", datetime.date(2015, 12, 31)),
])
def test_event_period_end_is_derived_on_save(date, end, precision, expected):
    event = make_event(make_conflict(), date=date, end_date=end, precision=precision)
    event.refresh_from_db()
    assert event.period_end == expected
    event.precision, event.end_date = "day", None
    event.save(update_fields=["precision", "end_date"])
    event.refresh_from_db()
    assert event.period_end == date

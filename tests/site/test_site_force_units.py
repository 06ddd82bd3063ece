"""A force's events include its units' down to two levels (``EventQuerySet.mentioning_forces``), on the
force's page, in the timeline's force box and in the offensives that name it."""
import pytest

from events.models import Event
from tests.factories import make_conflict, make_event, make_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    """A force, its unit, that unit's unit and one level further, another force; an event naming each."""
    army = make_force(name="Syrian Army", slug="army")
    division = make_force(name="4th Division", parent=army)
    brigade = make_force(name="46th Brigade", parent=division)
    battalion = make_force(name="3rd Battalion", parent=brigade)
    other = make_force(name="Rebels", slug="rebels")
    events = {}
    for force in (army, division, brigade, battalion, other):
        events[force.name] = make_event(make_conflict())
        events[force.name].forces.add(force)
    return army, events


def test_a_force_takes_its_units_two_levels_down(chain):
    army, events = chain
    found = set(Event.objects.mentioning_forces([army]).values_list("pk", flat=True))
    assert found == {events[name].pk for name in ("Syrian Army", "4th Division", "46th Brigade")}
    # a queryset of forces, a list of ids and a list of records select the same events
    assert set(Event.objects.mentioning_forces(type(army).objects.filter(slug="army"))
               .values_list("pk", flat=True)) == found
    assert set(Event.objects.mentioning_forces([army.pk]).values_list("pk", flat=True)) == found


def test_an_event_naming_a_force_and_its_unit_is_listed_once(chain):
    army, events = chain
    division = army.children.get()
    events["Syrian Army"].forces.add(division)
    assert Event.objects.mentioning_forces([army]).filter(pk=events["Syrian Army"].pk).count() == 1


def test_force_page_and_box_list_the_units_events(client, chain):
    army, events = chain
    expected = {events[name].pk for name in ("Syrian Army", "4th Division", "46th Brigade")}
    page = client.get(army.get_absolute_url())
    assert {e.pk for e in page.context["page_obj"].object_list} == expected
    timeline = client.get("/timeline/?force=army")
    assert {e.pk for e in timeline.context["object_list"]} == expected
    # a box holding words: every force whose name contains them, with their units
    assert {e.pk for e in client.get("/timeline/?force=Rebel").context["object_list"]} == {events["Rebels"].pk}


def test_a_force_nobody_names_has_no_events(client):
    lonely = make_force(name="Nobody's force", slug="lonely")
    make_event().forces.add(make_force())
    assert not Event.objects.mentioning_forces([lonely]).exists()
    assert list(client.get("/timeline/?force=lonely").context["object_list"]) == []

"""Merging duplicates (one record keeps every link and every name) and splitting a name off again."""
from __future__ import annotations

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from conflicts.models import Force, ForceAlias, Participation
from events.models import EventPlace, Place, PlaceAlias
from people.models import CommandRole, Person, PersonAlias
from sources.merge import merge_records, split_alias
from sources.models import Alias, ResolutionDecision
from sources.names import name_key
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


def history(obj):
    ct = ContentType.objects.get_for_model(obj)
    return list(LogEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("action_time", "pk"))


def test_merge_two_places_through_admin(editor_client, editor):
    tuman = make_place(name="Khan Tuman", slug="khan-tuman", latitude=None)
    touman = make_place(name="Khan Touman", slug="khan-touman", latitude="36.12345", longitude="36.98765")
    PlaceAlias.objects.create(place=touman, name="Khan Toman", key="khan toman", origin="resolver", score=90)
    conflict = make_conflict()
    e1 = make_event(conflict, places=[tuman])
    e2 = make_event(conflict, places=[touman])
    both = make_event(conflict, places=[tuman, touman])
    e1.forces.add(make_force())

    url = reverse("admin:events_place_changelist")
    page = editor_client.post(url, {"action": "merge_selected", "_selected_action": [tuman.pk, touman.pk]})
    assert page.status_code == 200
    assert b"Choose the place to keep" in page.content and b"Khan Toman" in page.content
    assert b"2 event places" in page.content
    response = editor_client.post(url, {"action": "merge_selected", "_selected_action": [tuman.pk, touman.pk],
                                        "confirm": "yes", "keep": tuman.pk})
    assert response.status_code == 302

    assert list(Place.objects.all()) == [tuman]
    tuman.refresh_from_db()
    aliases = {a.name: a.origin for a in tuman.aliases.all()}
    assert aliases == {"Khan Touman": Alias.Origin.MERGE, "Khan Toman": Alias.Origin.RESOLVER}
    assert set(tuman.events.all()) == {e1, e2, both}
    assert EventPlace.objects.filter(event=both).count() == 1   # the duplicate link was folded
    assert str(tuman.latitude) == "36.12345"                     # blank filled from the merged place
    decisions = ResolutionDecision.objects.filter(kind="place", record_id=tuman.pk, decision="join")
    assert {d.name for d in decisions} == {"Khan Touman", "Khan Toman"}
    assert all(d.key for d in decisions)

    kept = history(tuman)
    assert [e.action_flag for e in kept] == [CHANGE]
    assert "Khan Touman" in kept[0].change_message and kept[0].user == editor
    gone = LogEntry.objects.filter(action_flag=DELETION, object_id=str(touman.pk)).get()
    assert gone.object_repr == "Khan Touman"
    # the history page lists the merge
    page = editor_client.get(reverse("admin:events_place_history", args=[tuman.pk]))
    assert b"Merged Khan Touman" in page.content


def test_merge_people_folds_duplicate_roles_and_keeps_names():
    conflict = make_conflict()
    other_conflict = make_conflict()
    keep = make_person(name="Qasem Soleimani", slug="qasem-soleimani")
    dup = make_person(name="Qassem Suleimani", slug="qassem-suleimani", notes="IRGC Quds Force")
    PersonAlias.objects.create(person=dup, name="Soleimani", key="soleimani")
    PersonAlias.objects.create(person=keep, name="Soleimani", key="soleimani")
    make_role(person=keep, conflict=conflict, role="")
    make_role(person=dup, conflict=conflict, role="Commander", fate="wounded")
    make_role(person=dup, conflict=other_conflict)
    event = make_event(conflict)
    event.people.add(keep, dup)

    result = merge_records(keep, [dup])

    assert list(Person.objects.all()) == [keep]
    roles = CommandRole.objects.filter(person=keep).order_by("conflict_id")
    assert [r.conflict for r in roles] == [conflict, other_conflict]
    assert roles[0].role == "Commander" and roles[0].fate == "wounded"   # blanks filled from the folded role
    assert list(event.people.all()) == [keep]
    assert sorted(keep.aliases.values_list("name", flat=True)) == ["Qassem Suleimani", "Soleimani"]
    keep.refresh_from_db()
    assert keep.notes == "IRGC Quds Force"
    assert result.dropped_duplicates["command roles"] == 1


def test_merge_forces_with_participations_and_units():
    side = make_side()
    army = make_force(name="Syrian Arab Army", slug="saa", kind="armed_force")
    army2 = make_force(name="Syrian Army", slug="syrian-army", kind="armed_force")
    unit = make_force(name="4th Division", slug="4th-division", kind="unit", parent=army2)
    make_participation(side=side, force=army, role="belligerent")
    make_participation(side=side, force=army2, role="belligerent", note="since 23 Oct.")
    make_participation(side=side, force=army2, role="unit")
    role = make_role(conflict=side.conflict, force=army2)

    merge_records(army, [army2])

    assert not Force.objects.filter(pk=army2.pk).exists()
    unit.refresh_from_db()
    role.refresh_from_db()
    assert unit.parent == army and role.force == army
    parts = Participation.objects.filter(side=side).order_by("role")
    assert [(p.force, p.role, p.note) for p in parts] == [(army, "belligerent", "since 23 Oct."), (army, "unit", "")]
    assert ForceAlias.objects.get(force=army).name == "Syrian Army"


def test_merge_a_unit_into_its_parent():
    parent = make_force(name="Hezbollah", slug="hezbollah")
    child = make_force(name="Hizballah", slug="hizballah", parent=parent)
    merge_records(child, [parent])   # keep the child: its parent link to the merged record goes
    child.refresh_from_db()
    assert child.parent is None and Force.objects.count() == 1


def test_merge_imported_record_locks_filled_fields():
    source = make_source()
    keep = make_place(name="Al-Eis", slug="al-eis", source=source, span_start=0, span_end=3)
    other = make_place(name="Al-Ais", slug="al-ais", latitude="36.0", longitude="37.0")
    merge_records(keep, [other])
    keep.refresh_from_db()
    assert keep.locked_fields == ["latitude", "longitude"]


def test_merge_action_needs_delete_permission(client, editors_group):
    from django.contrib.auth.models import Permission, User

    user = User.objects.create_user("viewer", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_place", "change_place"]))
    client.force_login(user)
    a, b = make_place(), make_place()
    response = client.post(reverse("admin:events_place_changelist"),
                           {"action": "merge_selected", "_selected_action": [a.pk, b.pk], "confirm": "yes",
                            "keep": a.pk})
    assert Place.objects.count() == 2
    assert response.status_code in (200, 302)


def test_split_off_alias_through_admin(editor_client):
    conflict = make_conflict()
    ithriya = make_place(name="Ithriya", slug="ithriya", kind="settlement")
    alias = PlaceAlias.objects.create(place=ithriya, name="Ethria", key=name_key("Ethria", "place"),
                                      origin="resolver", score=88)
    wrong = make_event(conflict)
    EventPlace.objects.create(event=wrong, place=ithriya, name_as_written="Ethria")
    right = make_event(conflict, places=[ithriya])

    # the alias inline links to the split page
    page = editor_client.get(reverse("admin:events_place_change", args=[ithriya.pk]))
    split_url = reverse("admin:events_placealias_split", args=[alias.pk])
    assert split_url.encode() in page.content
    assert b"Ethria" in editor_client.get(split_url).content
    response = editor_client.post(split_url, {"confirm": "yes"})
    assert response.status_code == 302

    ethria = Place.objects.get(name="Ethria")
    assert ethria.slug == "ethria" and ethria.kind == "settlement"
    assert list(ethria.events.all()) == [wrong]
    assert list(ithriya.events.all()) == [right]
    assert not ithriya.aliases.exists()
    assert ResolutionDecision.objects.get(kind="place", record_id=ithriya.pk).decision == "forbid"
    assert ResolutionDecision.objects.get(kind="place", record_id=ethria.pk).decision == "join"
    assert [e.action_flag for e in history(ethria)] == [ADDITION]
    assert [e.action_flag for e in history(ithriya)] == [CHANGE]


def test_split_action_on_resolver_aliases(editor_client):
    person = make_person(name="Abu Bakr al-Baghdadi", slug="baghdadi")
    alias = PersonAlias.objects.create(person=person, name="Abu Omar al-Baghdadi", key="x", origin="resolver")
    role = make_role(person=person, name_as_written="Abu Omar al-Baghdadi")
    url = reverse("admin:people_personalias_changelist")
    assert editor_client.get(url, {"origin__exact": "resolver"}).context["cl"].result_count == 1
    page = editor_client.post(url, {"action": "split_off", "_selected_action": [alias.pk]})
    assert b"Abu Omar al-Baghdadi" in page.content
    response = editor_client.post(url, {"action": "split_off", "_selected_action": [alias.pk], "confirm": "yes"})
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.person.name == "Abu Omar al-Baghdadi"


def test_split_alias_function_moves_named_sentences():
    force = make_force(name="Liwa al-Quds", slug="liwa-al-quds")
    alias = ForceAlias.objects.create(force=force, name="Quds Force", key="quds force", origin="resolver")
    event = make_event(text="The Quds Force sent advisers.")
    other = make_event(text="Liwa al-Quds attacked.")
    event.forces.add(force)
    other.forces.add(force)
    result = split_alias(alias)
    assert list(result.new.events.all()) == [event]
    assert list(force.events.all()) == [other]

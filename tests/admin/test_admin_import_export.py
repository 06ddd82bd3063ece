"""Import-export in admin: CSV, XLSX and JSON round trips change nothing; bad rows say what is wrong."""
from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.formats import base_formats

from conflicts.models import Force
from events.models import Event, Place, PlaceAlias
from people.models import CommandRole, Person
from tests.factories import (
    make_conflict,
    make_event,
    make_force,
    make_person,
    make_place,
    make_role,
    make_side,
    make_source,
)

pytestmark = pytest.mark.django_db

FORMATS = {"csv": (0, base_formats.CSV), "xlsx": (1, base_formats.XLSX), "json": (2, base_formats.JSON)}
RESOURCES = {  # admin url name -> resource class name
    "events_event": "EventResource",
    "events_place": "PlaceResource",
    "people_person": "PersonResource",
    "people_commandrole": "CommandRoleResource",
    "conflicts_force": "ForceResource",
}


@pytest.fixture
def world():
    """A small database with the awkward values: quotes, commas, newlines, non-ASCII, empties, locks."""
    source = make_source(text="= Test =\n\nOn 2 May 2016, the “Tiger Forces” captured Khan Ṭūmān, Aleppo.\n")
    conflict = make_conflict(name="Aleppo offensive (2016)", slug="aleppo-2016", source=source, span_start=0,
                             span_end=8)
    side1 = make_side(conflict, label="Government")
    make_side(conflict)
    army = make_force(name="Syrian Arab Army", slug="saa", kind="armed_force", source=source, span_start=12,
                      span_end=20)
    tigers = make_force(name="Tiger Forces", slug="tiger-forces", kind="unit", parent=army,
                        description='Elite unit, "Qawat al-Nimr"\nsecond line')
    tigers.aliases.create(name="Qawat al-Nimr", key="qawat nimr", origin="import")
    person = make_person(name="Suheil al-Hassan", slug="suheil-al-hassan", notes="", source=source, span_start=1,
                         span_end=5, locked_fields=["notes"])
    person.aliases.create(name="Suhail al-Hasan", key="suhail hasan", origin="resolver", score=91.5)
    other = make_person(name="Ahmad, the “Sheikh”", slug="ahmad")
    make_role(person=person, conflict=conflict, side=side1, rank="Maj. Gen.", role="Commander", force=tigers,
              fate="wounded", name_as_written="Suheil al-Hassan", source=source, span_start=2, span_end=9)
    make_role(person=other, conflict=conflict, side=None)
    khan = make_place(name="Khan Ṭūmān", slug="khan-tuman", latitude="36.12345", longitude="-7.50000")
    PlaceAlias.objects.create(place=khan, name="Khan Touman", key="khan touman", origin="resolver", score=90)
    hill = make_place(name="Hill 1, “the crest”", slug="hill-1", kind="hill")
    e1 = make_event(conflict, places=[khan, hill], source_key="aleppo-2016-on-2-may",
                    text='On 2 May 2016, the “Tiger Forces” captured Khan Ṭūmān, Aleppo; "heavy" fighting.',
                    citations=["3", "4"], casualties=12, time_of_day="morning", background=True,
                    end_date=datetime.date(2016, 5, 4), section="Offensive / Phase 1", source=source,
                    span_start=10, span_end=60, locked_fields=["text"])
    e1.forces.add(army, tigers)
    e1.people.add(person)
    make_event(conflict, source_key="aleppo-2016-dec", date=datetime.date(2016, 12, 1), precision="month",
               text="In December, nothing.\nA second line.", kind="other")
    return {"conflict": conflict, "event": e1, "person": person, "place": khan, "force": tigers}


def snapshot():
    """Every row of every project table (M2M link tables included), for before/after comparison."""
    rows = {}
    for app in ("sources", "conflicts", "people", "events"):
        for model in apps.get_app_config(app).get_models():
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
            for m2m in model._meta.many_to_many:
                through = m2m.remote_field.through
                rows[through._meta.label] = list(through.objects.order_by("pk").values())
    return rows


def admin_export(client, name, fmt):
    index, _ = FORMATS[fmt]
    resource = RESOURCES[name]
    url = reverse(f"admin:{name}_export")
    form = client.get(url).context["form"]
    data = {"format": index, "resource": 0}
    data.update({field: "on" for field in form.fields if field.startswith(resource.lower() + "_")})
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    return response.content


def admin_import_preview(client, name, fmt, content):
    index, _ = FORMATS[fmt]
    upload = SimpleUploadedFile(f"export.{fmt}", content)
    response = client.post(reverse(f"admin:{name}_import"), {"import_file": upload, "format": index, "resource": 0})
    assert response.status_code == 200
    return response


def admin_import_confirm(client, name, preview):
    form = preview.context["confirm_form"]
    response = client.post(reverse(f"admin:{name}_process_import"), form.initial)
    assert response.status_code == 302
    return response


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", RESOURCES)
def test_export_import_round_trip_changes_nothing(editor_client, world, name, fmt):
    before = snapshot()
    content = admin_export(editor_client, name, fmt)
    preview = admin_import_preview(editor_client, name, fmt, content)
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors(), [
        (r.errors, r.validation_error) for r in result.rows]
    assert result.totals["skip"] == len(result.rows) > 0, dict(result.totals)
    admin_import_confirm(editor_client, name, preview)
    assert snapshot() == before
    assert not LogEntry.objects.exists()   # skipped rows leave no history


def test_export_has_natural_keys_and_provenance(editor_client, world):
    dataset = base_formats.CSV().create_dataset(admin_export(editor_client, "events_event", "csv").decode())
    row = next(r for r in dataset.dict if r["source_key"] == "aleppo-2016-on-2-may")
    assert row["conflict"] == "aleppo-2016"
    assert row["places"] == "hill-1|khan-tuman"
    assert set(row["forces"].split("|")) == {"saa", "tiger-forces"}
    assert row["source"] == world["event"].source.name and row["locked_fields"] == '["text"]'
    assert "id" not in dataset.headers
    roles = base_formats.CSV().create_dataset(admin_export(editor_client, "people_commandrole", "csv").decode())
    assert {(r["conflict"], r["person"], r["side"]) for r in roles.dict} == {
        ("aleppo-2016", "suheil-al-hassan", "1"), ("aleppo-2016", "ahmad", "")}
    places = base_formats.CSV().create_dataset(admin_export(editor_client, "events_place", "csv").decode())
    assert {r["slug"]: r["aliases"] for r in places.dict}["khan-tuman"] == "Khan Touman"


def test_bad_rows_get_clear_errors_and_nothing_is_imported(editor_client, world):
    content = admin_export(editor_client, "events_event", "csv").decode()
    dataset = base_formats.CSV().create_dataset(content)
    dataset.append_col(lambda r: r, header="unused")  # unknown columns are ignored
    rows = [dict(zip(dataset.headers, r, strict=True)) for r in dataset]
    rows[0]["conflict"] = "no-such-offensive"
    rows[1]["date"] = "31 February"
    rows[1]["places"] = "khan-tuman|atlantis"
    bad = base_formats.CSV().export_data(_dataset(dataset.headers, rows))
    before = snapshot()
    preview = admin_import_preview(editor_client, "events_event", "csv", bad.encode())
    page = preview.content.decode()
    assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
    result = preview.context["result"]
    assert result.has_validation_errors() or result.has_errors()
    messages = " ".join(str(r.validation_error or "") + " ".join(str(e.error) for e in r.errors)
                        for r in result.rows)
    assert "no-such-offensive" in messages and "unknown conflict slug" in messages
    assert "no-such-offensive" in page
    assert "unknown place slug “atlantis”" in messages and "“31 February” is not a date" in messages
    assert snapshot() == before


def _dataset(headers, rows):
    import tablib

    data = tablib.Dataset(headers=headers)
    for row in rows:
        data.append([row[h] for h in headers])
    return data


def test_unknown_person_in_command_role_key_is_a_row_error(editor_client, world):
    csv = "conflict,person,side,rank,role,force,fate,name_as_written,order\naleppo-2016,nobody,1,,,,,,0\n"
    preview = admin_import_preview(editor_client, "people_commandrole", "csv", csv.encode())
    assert "unknown person slug “nobody”" in preview.content.decode()
    csv = "conflict,person,side,rank,role,force,fate,name_as_written,order\naleppo-2016,ahmad,7,,,,,,0\n"
    preview = admin_import_preview(editor_client, "people_commandrole", "csv", csv.encode())
    assert "no side 7 in conflict “aleppo-2016”" in preview.content.decode()


def test_changed_row_is_imported_locked_and_logged(editor_client, editor, world):
    content = admin_export(editor_client, "events_event", "csv").decode()
    dataset = base_formats.CSV().create_dataset(content)
    rows = [dict(zip(dataset.headers, r, strict=True)) for r in dataset]
    key = "aleppo-2016-on-2-may"
    row = next(r for r in rows if r["source_key"] == key)
    row["date"], row["kind"], row["places"] = "2016-05-03", "attack", "khan-tuman"
    preview = admin_import_preview(editor_client, "events_event", "csv",
                                   base_formats.CSV().export_data(_dataset(dataset.headers, rows)).encode())
    assert preview.context["result"].totals["update"] == 1
    assert preview.context["result"].totals["skip"] == 1
    assert Event.objects.get(source_key=key).date == datetime.date(2016, 5, 2)   # the preview wrote nothing
    admin_import_confirm(editor_client, "events_event", preview)
    event = Event.objects.get(source_key=key)
    assert event.date == datetime.date(2016, 5, 3) and event.kind == "attack"
    assert list(event.places.all()) == [world["place"]]
    assert event.locked_fields == ["text", "date", "kind", "places"]
    entry = LogEntry.objects.get(object_id=str(event.pk))
    assert entry.action_flag == CHANGE and entry.user == editor


def test_changed_fate_through_role_import_is_locked(editor_client, world):
    content = admin_export(editor_client, "people_commandrole", "json")
    dataset = base_formats.JSON().create_dataset(content.decode())
    rows = [dict(zip(dataset.headers, r, strict=True)) for r in dataset]
    next(r for r in rows if r["person"] == "suheil-al-hassan")["fate"] = "killed"
    data = base_formats.JSON().export_data(_dataset(dataset.headers, rows))
    preview = admin_import_preview(editor_client, "people_commandrole", "json", data.encode())
    admin_import_confirm(editor_client, "people_commandrole", preview)
    role = CommandRole.objects.get(person=world["person"])
    assert role.fate == "killed" and role.locked_fields == ["fate"]


def test_new_rows_are_created_without_locks(editor_client, world):
    csv = "slug,name,kind,latitude,longitude\nnew-hill,New hill,hill,,\n"
    preview = admin_import_preview(editor_client, "events_place", "csv", csv.encode())
    admin_import_confirm(editor_client, "events_place", preview)
    place = Place.objects.get(slug="new-hill")
    assert place.kind == "hill" and place.locked_fields == [] and place.source is None
    csv = "slug,name,kind,parent\nnew-unit,New unit,unit,saa\n"
    admin_import_confirm(editor_client, "conflicts_force",
                         admin_import_preview(editor_client, "conflicts_force", "csv", csv.encode()))
    assert Force.objects.get(slug="new-unit").parent.slug == "saa"
    assert Person.objects.count() == 2

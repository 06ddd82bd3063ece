"""The admin import's preview at size (issue 18 item 5): a long file lists its first rows that change under
the totals and the columns they change, a short one every row; the confirm imports every row, without
working out the preview's cells; the queries do not grow with the rows."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from import_export.formats import base_formats

from events.models import Event
from sources.resources import SourcedResource
from tests.admin.test_admin_import_export import _dataset, admin_export, admin_import_confirm, admin_import_preview
from tests.factories import make_conflict, make_force, make_place, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    """Six imported events (a document as their source: their changes lock), each at a place and with a force."""
    source = make_source()
    conflict = make_conflict(slug="bench", source=source)
    place, force = make_place(slug="village"), make_force(slug="unit")
    made = []
    for i in range(6):
        event = Event.objects.create(conflict=conflict, source=source, source_key=f"bench-{i}", text=f"Event {i}.",
                                     date="2016-05-02", kind="capture", order=i)
        event.places.add(place, through_defaults={"name_as_written": "Village"})
        event.forces.add(force)
        made.append(event)
    return made


def exported_rows(client):
    dataset = base_formats.CSV().create_dataset(admin_export(client, "events_event", "csv").decode())
    return dataset.headers, [dict(zip(dataset.headers, r, strict=True)) for r in dataset]


def csv_of(headers, rows) -> bytes:
    return base_formats.CSV().export_data(_dataset(headers, rows)).encode()


def test_a_long_file_lists_its_first_changed_rows_under_the_totals(editor_client, events, monkeypatch):
    monkeypatch.setattr(SourcedResource, "PREVIEW_ROWS", 2)
    headers, rows = exported_rows(editor_client)
    for row in rows:
        if row["source_key"] in ("bench-1", "bench-3", "bench-4", "bench-5"):
            row["kind"] = "attack"
    next(r for r in rows if r["source_key"] == "bench-5")["forces"] = ""
    preview = admin_import_preview(editor_client, "events_event", "csv", csv_of(headers, rows))
    result = preview.context["result"]
    assert dict(result.totals) == {"new": 0, "update": 4, "delete": 0, "skip": 2, "error": 0, "invalid": 0}
    listed = result.listed_rows()
    assert [r.import_type for r in listed] == ["update", "update"]  # unchanged rows are not listed
    assert [r.number for r in listed] == [2, 4]                       # the file's first changed rows
    kind = result.diff_headers.index("kind")
    assert "<del" in str(listed[0].diff[kind]) and "attack" in str(listed[0].diff[kind])
    assert result.column_changes == [("kind", 4), ("forces", 1)]
    page = preview.content.decode()
    assert "6 rows in the file" in page and "0 new, 4 to update, 2 unchanged (skipped)." in page
    assert "kind (4 rows), forces (1 row)" in page
    assert "Listed below: the first 2 of the 4 rows that change something" in page
    assert page.count('<tr class="update">') == 2 and 'class="skip"' not in page
    admin_import_confirm(editor_client, "events_event", preview)   # every row is imported, listed or not
    changed = Event.objects.filter(kind="attack").order_by("source_key")
    assert [e.source_key for e in changed] == ["bench-1", "bench-3", "bench-4", "bench-5"]
    assert all("kind" in e.locked_fields for e in changed)
    assert list(Event.objects.get(source_key="bench-5").forces.all()) == []


def test_a_short_file_lists_every_row(editor_client, events):
    headers, rows = exported_rows(editor_client)
    rows[0]["kind"] = "attack"
    result = admin_import_preview(editor_client, "events_event", "csv", csv_of(headers, rows)).context["result"]
    listed = result.listed_rows()
    assert len(listed) == len(rows) == 6 and result.all_listed
    assert [r.import_type for r in listed].count("skip") == 5
    places = result.diff_headers.index("places")
    assert all(str(r.diff[places]) == "village" for r in listed)


def test_rows_with_errors_are_listed_up_to_the_limit(editor_client, events, monkeypatch):
    monkeypatch.setattr(SourcedResource, "ERROR_ROWS", 2)
    headers, rows = exported_rows(editor_client)
    for row in rows[:3]:
        row["places"] = "atlantis"
    preview = admin_import_preview(editor_client, "events_event", "csv", csv_of(headers, rows))
    result = preview.context["result"]
    assert len(result.invalid_rows) == 3 and len(result.listed_invalid_rows()) == 2
    page = preview.content.decode()
    assert "The first 2 of the 3 rows with errors are listed." in page
    assert page.count("unknown place slug “atlantis”") == 2
    assert preview.context.get("confirm_form") is None


def test_a_changed_value_is_still_validated(editor_client, events):
    headers, rows = exported_rows(editor_client)
    rows[0]["kind"] = "volcano"
    rows[1]["end_date"] = "2016-05-01"   # before its date
    result = admin_import_preview(editor_client, "events_event", "csv", csv_of(headers, rows)).context["result"]
    messages = [str(r.error) for r in result.invalid_rows]
    assert len(messages) == 2 and "volcano" in messages[0] and "event_end_not_before_start" in messages[1]


def test_the_confirm_works_out_no_preview_cells(editor_client, events, monkeypatch):
    headers, rows = exported_rows(editor_client)
    for row in rows:
        row["kind"] = "attack"
    preview = admin_import_preview(editor_client, "events_event", "csv", csv_of(headers, rows))

    def refuse(*args, **kwargs):
        raise AssertionError("the confirm made the preview's cells")

    monkeypatch.setattr(SourcedResource, "preview_cells", refuse)
    admin_import_confirm(editor_client, "events_event", preview)
    assert Event.objects.filter(kind="attack").count() == 6


def test_the_preview_costs_the_same_queries_for_more_rows(editor_client, events):
    headers, rows = exported_rows(editor_client)
    for row in rows:
        row["kind"], row["forces"] = "attack", ""

    def queries(some):
        with CaptureQueriesContext(connection) as ctx:
            admin_import_preview(editor_client, "events_event", "csv", csv_of(headers, some))
        return len(ctx.captured_queries)

    assert queries(rows[:2]) == queries(rows)


def test_a_file_of_some_columns_changes_and_shows_only_those(editor_client, events, django_assert_max_num_queries):
    csv = "source_key,kind\nbench-0,attack\nbench-1,capture\n"
    with django_assert_max_num_queries(40):
        preview = admin_import_preview(editor_client, "events_event", "csv", csv.encode())
    result = preview.context["result"]
    assert result.totals["update"] == 1 and result.totals["skip"] == 1
    row = next(r for r in result.rows if r.import_type == "update")
    headers = result.diff_headers
    assert str(row.diff[headers.index("places")]) == "village" and str(row.diff[headers.index("forces")]) == "unit"
    assert "<del" in str(row.diff[headers.index("kind")])
    admin_import_confirm(editor_client, "events_event", preview)
    event = Event.objects.get(source_key="bench-0")
    assert event.kind == "attack" and event.locked_fields == ["kind"]
    assert [p.slug for p in event.places.all()] == ["village"] and [f.slug for f in event.forces.all()] == ["unit"]

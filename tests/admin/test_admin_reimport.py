"""Editors win over the importer: an admin correction survives a forced re-import of its document."""
from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.urls import reverse

from events.models import Event
from people.models import CommandRole
from tests.conftest import SAMPLES

pytestmark = pytest.mark.django_db

ALEPPO = SAMPLES / "001_b1d4a69e7f8d3536.txt"


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_sources", *map(str, args), "--no-progress", stdout=out, stderr=out)
    return out.getvalue()


def change_form_data(client, url, **changes):
    """The change form's own initial data (as a browser would post it), with ``changes``."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()   # prepared as the widget renders it
        if field.show_hidden_initial:
            data[f"initial-{name}"] = field.prepare_value(form[name].initial)
        if value is None:
            value = ""
        data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        fs = formset.formset
        data.update({f"{fs.prefix}-{k}": v for k, v in fs.management_form.initial.items()})
        for i, f in enumerate(fs.forms):
            for name in f.fields:
                value = f[name].value()
                data[f"{fs.prefix}-{i}-{name}"] = "" if value is None else value
    data.update(changes)
    return data


def test_editors_date_and_fate_survive_a_forced_reimport(editor_client):
    run(ALEPPO)
    event = Event.objects.filter(source__name=ALEPPO.name, end_date__isnull=True).order_by("date", "order")[3]
    role = CommandRole.objects.filter(source__name=ALEPPO.name, fate="").order_by("order").first()
    assert event.source_id and role.source_id
    new_date = event.date + datetime.timedelta(days=1)

    url = reverse("admin:events_event_change", args=[event.pk])
    response = editor_client.post(url, change_form_data(editor_client, url, date=new_date.isoformat()))
    assert response.status_code == 302, response.context["adminform"].form.errors
    url = reverse("admin:people_commandrole_change", args=[role.pk])
    response = editor_client.post(url, change_form_data(editor_client, url, fate="killed"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    role.refresh_from_db()
    assert event.locked_fields == ["date"] and role.locked_fields == ["fate"]
    untouched = {e.pk: model_to_dict(e) for e in Event.objects.exclude(pk=event.pk)}

    output = run(ALEPPO, "--force")

    event.refresh_from_db()
    role.refresh_from_db()
    assert event.date == new_date and event.locked_fields == ["date"]
    assert role.fate == "killed" and role.locked_fields == ["fate"]
    assert {e.pk: model_to_dict(e) for e in Event.objects.exclude(pk=event.pk)} == untouched
    assert "kept" in output.lower()


def test_import_export_correction_survives_a_forced_reimport(editor_client):
    """The same promise for a correction made through an import-export spreadsheet."""
    from tests.admin.test_admin_import_export import admin_export, admin_import_confirm, admin_import_preview

    run(ALEPPO)
    content = json.loads(admin_export(editor_client, "events_event", "json"))
    row = content[0]
    row["text"] = row["text"] + " (corrected)"
    preview = admin_import_preview(editor_client, "events_event", "json", json.dumps([row]).encode())
    admin_import_confirm(editor_client, "events_event", preview)
    event = Event.objects.get(source_key=row["source_key"])
    assert event.locked_fields == ["text"]
    run(ALEPPO, "--force")
    event.refresh_from_db()
    assert event.text.endswith("(corrected)")

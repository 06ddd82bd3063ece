"""The Editors group: records yes, source deletion and user management no; history everywhere."""
from __future__ import annotations

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse

from tests.factories import make_event, make_source

pytestmark = pytest.mark.django_db


def test_create_editors_group_is_idempotent(capsys):
    call_command("create_editors_group")
    group = Group.objects.get(name="Editors")
    perms = set(group.permissions.values_list("codename", flat=True))
    call_command("create_editors_group")
    assert Group.objects.filter(name="Editors").count() == 1
    assert set(group.permissions.values_list("codename", flat=True)) == perms
    assert "Unchanged" in capsys.readouterr().out
    assert {"view_sourcedocument", "change_event", "delete_event", "add_person", "change_commandrole",
            "delete_place", "delete_force", "add_placealias", "view_conflict", "change_conflict"} <= perms
    assert not {"delete_sourcedocument", "change_sourcedocument", "add_sourcedocument", "delete_conflict"} & perms
    assert not [p for p in perms if p.endswith(("_user", "_group", "_permission", "_logentry"))]
    assert not User.objects.exists()   # no default account


def test_editor_cannot_delete_a_source_document(editor_client, editor):
    source = make_source()
    assert editor.has_perm("sources.view_sourcedocument")
    assert not editor.has_perm("sources.delete_sourcedocument")
    assert not editor.has_perm("sources.change_sourcedocument")
    assert editor_client.get(reverse("admin:sources_sourcedocument_change", args=[source.pk])).status_code == 200
    assert editor_client.get(reverse("admin:sources_sourcedocument_delete", args=[source.pk])).status_code == 403
    assert editor_client.post(reverse("admin:sources_sourcedocument_delete", args=[source.pk]),
                              {"post": "yes"}).status_code == 403
    source.refresh_from_db()


def test_source_document_text_is_read_only_even_for_superusers(super_client):
    source = make_source(text="= T =\n\nOn 1 May 2016, <b>x</b> happened.\n", problems=[{"line": 3, "message": "odd"}])
    url = reverse("admin:sources_sourcedocument_change", args=[source.pk])
    page = super_client.get(url).content.decode()
    assert 'name="text"' not in page and "&lt;b&gt;x&lt;/b&gt;" in page and "line 3: odd" in page
    super_client.post(url, {"text": "changed"})
    source.refresh_from_db()
    assert source.text.startswith("= T =")
    listing = super_client.get(reverse("admin:sources_sourcedocument_changelist")).content.decode()
    assert source.name in listing
    assert super_client.get(reverse("admin:sources_sourcedocument_add")).status_code == 403


def test_editor_cannot_manage_users_or_groups(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    index = editor_client.get(reverse("admin:index")).content.decode()
    assert "Events" in index and "Users" not in index


def test_staff_without_the_group_sees_nothing(client):
    user = User.objects.create_user("someone", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:events_event_changelist")).status_code == 403


def test_history_after_a_change(editor_client, editor):
    event = make_event(source=make_source(), span_start=0, span_end=5)
    url = reverse("admin:events_event_change", args=[event.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in {"forces", "people"}}
    data.update({"text": "Corrected by an editor.", "initial-citations": "[]", "citations": "[]",
                 "locked_fields": [], "place_links-TOTAL_FORMS": 0, "place_links-INITIAL_FORMS": 0})
    assert editor_client.post(url, data).status_code == 302
    entry = LogEntry.objects.get(object_id=str(event.pk))
    assert entry.action_flag == CHANGE and entry.user == editor
    page = editor_client.get(reverse("admin:events_event_history", args=[event.pk])).content.decode()
    assert "Changed Text" in page and "editor" in page

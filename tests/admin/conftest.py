"""Admin fixtures: the Editors group (from its management command) and logged-in clients."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command


@pytest.fixture
def editors_group(db) -> Group:
    call_command("create_editors_group", verbosity=0)
    return Group.objects.get(name="Editors")


@pytest.fixture
def editor(editors_group) -> User:
    user = User.objects.create_user("editor", email="editor@example.org", is_staff=True)
    user.groups.add(editors_group)
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("boss", email="boss@example.org")


@pytest.fixture
def super_client(client, superuser):
    client.force_login(superuser)
    return client

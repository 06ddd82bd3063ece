"""``python manage.py create_editors_group``: the "Editors" group, with exactly the editors' permissions.

Idempotent: running it again resets the group's permissions to this list (extra permissions an
administrator added by hand are removed, so the group always means the same thing). Editors can
view, add and change every record, delete the records they fix (not offensives), and only view
source documents. They cannot delete source documents, and they manage no users or groups. No
account is created: make people with ``createsuperuser`` or in admin, then add them to the group
and tick "staff status".
"""
from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

GROUP = "Editors"
ALL = ("view", "add", "change", "delete")
NO_DELETE = ("view", "add", "change")

#: app label -> model -> actions
PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "sources": {"sourcedocument": ("view",), "resolutiondecision": ALL, "deletedrecord": ("view", "delete"),
                "knownname": ALL, "claim": ("view",)},
    "conflicts": {"conflict": NO_DELETE, "side": ALL, "force": ALL, "forcealias": ALL, "participation": ALL,
                  "strength": ALL},
    "people": {"person": ALL, "personalias": ALL, "commandrole": ALL},
    "events": {"event": ALL, "eventplace": ALL, "place": ALL, "placealias": ALL},
    "importer": {"importrun": ("view",), "documentimport": ("view",), "reviewitem": ("view", "change")},
}


def editor_permissions() -> list[Permission]:
    wanted = {(app, f"{action}_{model}") for app, models in PERMISSIONS.items()
              for model, actions in models.items() for action in actions}
    found = list(Permission.objects.filter(content_type__app_label__in=PERMISSIONS)
                 .select_related("content_type"))
    perms = [p for p in found if (p.content_type.app_label, p.codename) in wanted]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in perms}
    if missing:
        raise CommandError(f"Permissions missing (run `manage.py migrate` first): {sorted(missing)}")
    return perms


class Command(BaseCommand):
    help = "Create or update the “Editors” group (view/add/change records; no source deletion, no user admin)."

    def handle(self, *args, **options):
        group, created = Group.objects.get_or_create(name=GROUP)
        perms = editor_permissions()
        before = set(group.permissions.values_list("pk", flat=True))
        group.permissions.set(perms)
        after = {p.pk for p in perms}
        verb = "Created" if created else ("Updated" if before != after else "Unchanged:")
        self.stdout.write(self.style.SUCCESS(f"{verb} group “{GROUP}” with {len(perms)} permissions."))

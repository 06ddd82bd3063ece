"""``python manage.py fill_review_queue``: the review queue's items in data imported before the queue existed.

Imports raise items as they load each document; this finds those that need no re-import (sides not
told apart, close resolver joins, sources that disagree, records no longer in their source). Sentences
dated by continuation are only known to the parser: ``import_sources --force`` raises them. Decided
items are left as they are, so running it again changes nothing.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from importer.review import REASONS, backfill


class Command(BaseCommand):
    help = "Fill the review queue from the data already imported (items decided before are kept as decided)."

    def add_arguments(self, parser):
        parser.add_argument("--reason", action="append", choices=sorted(REASONS),
                            help="Only this reason (repeatable); default: every reason that can.")

    def handle(self, *args, reason=None, **options):
        with transaction.atomic():
            counts = backfill(reason)
        self.stdout.write(", ".join(f"{n} {what}" for what, n in counts.items() if what != "dropped"))

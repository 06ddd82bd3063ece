"""Enable pg_trgm for the site search's name similarity (conflicts/search.py).

``TrigramExtension`` (``CreateExtension``) does nothing on databases other than PostgreSQL, so
the migration is a no-op on SQLite.
"""
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("conflicts", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
    ]

"""Trigram GIN indexes on ``UPPER(name)`` of people and person aliases (PostgreSQL only;
nothing elsewhere): they serve ``name__icontains`` and the similarity operators ``%`` and ``%>`` of the
one search path (``sources.querysets.AliasedQuerySet.search``, ``reader.search``), so "Suleimani" finds
Soleimani from the index (issue 16)."""
from django.db import migrations

INDEXES = {
    "person_name_upper_trgm": "people_person USING gin (UPPER(name) gin_trgm_ops)",
    "personalias_name_upper_trgm": "people_personalias USING gin (UPPER(name) gin_trgm_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0002_in_source"),
        ("conflicts", "0002_trigram"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]

"""A trigram index on the events' text (PostgreSQL; nothing elsewhere).

The importer links a force a document introduces, or a new name of a known one, to the sentences of
documents loaded before it: ``importer.load._Loader.link_new_names_to_earlier_events`` narrows them
with ``text__icontains=name``, which Django writes ``UPPER(text) LIKE UPPER('%name%')``. This GIN
index (``pg_trgm``, enabled by ``conflicts.0002_trigram``) answers that from the index, so the cost of
a new name does not grow with the number of events stored (issue 12).
"""
from django.db import migrations

CREATE = "CREATE INDEX IF NOT EXISTS event_text_upper_trgm ON events_event USING gin (UPPER(text) gin_trgm_ops)"
DROP = "DROP INDEX IF EXISTS event_text_upper_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0002_in_source"),
        ("conflicts", "0002_trigram"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]

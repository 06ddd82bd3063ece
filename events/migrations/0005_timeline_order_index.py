"""An index in the timeline's order (``EventQuerySet.TIMELINE_ORDER``), so that a page of the timeline
is read from the index in order instead of sorting every matching event (issue 16).

Raw SQL per database rather than a ``Meta.indexes`` entry: PostgreSQL puts NULLs last in an ascending
index, so it needs ``end_date ASC NULLS FIRST`` to match the order; SQLite refuses ``NULLS FIRST`` in an
index but sorts NULLs first anyway.
"""
from django.db import migrations

COLUMNS = {
    "postgresql": '("date", "precision" DESC, "end_date" ASC NULLS FIRST, "conflict_id", "order", "id")',
    "sqlite": '("date", "precision" DESC, "end_date" ASC, "conflict_id", "order", "id")',
}


def create(apps, schema_editor):
    columns = COLUMNS.get(schema_editor.connection.vendor)
    if columns:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS event_timeline_order_idx ON events_event {columns}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in COLUMNS:
        schema_editor.execute("DROP INDEX IF EXISTS event_timeline_order_idx")


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0004_search_indexes"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]

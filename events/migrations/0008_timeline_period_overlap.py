"""An index of the events whose period is longer than their day (month and year precision, stated ranges),
so that a date filter finds those that began before its first day and still overlap it without reading
every later event (``reader.timeline.TimelinePaginator``: ``date < since AND period_end >= since AND
period_end > date``). Partial, so it holds only those few events; raw SQL like 0005's index, on both
databases (SQLite and PostgreSQL both take a partial index)."""
from django.db import migrations

INDEX = "CREATE INDEX IF NOT EXISTS event_period_overlap_idx ON events_event (period_end, date) WHERE period_end > date"


def create(apps, schema_editor):
    if schema_editor.connection.vendor in ("postgresql", "sqlite"):
        schema_editor.execute(INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in ("postgresql", "sqlite"):
        schema_editor.execute("DROP INDEX IF EXISTS event_period_overlap_idx")


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0007_place_coordinates"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]

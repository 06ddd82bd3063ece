"""Trigram GIN indexes on ``UPPER(name)`` of offensives, forces and force aliases (PostgreSQL only;
nothing elsewhere): they serve ``name__icontains`` and the similarity operators ``%`` and ``%>`` of the
one search path (``sources.querysets.AliasedQuerySet.search``, ``reader.search``), so "Hizbollah" finds
Hezbollah from the index (issue 16)."""
from django.db import migrations

INDEXES = {
    "conflict_name_upper_trgm": "conflicts_conflict USING gin (UPPER(name) gin_trgm_ops)",
    "force_name_upper_trgm": "conflicts_force USING gin (UPPER(name) gin_trgm_ops)",
    "forcealias_name_upper_trgm": "conflicts_forcealias USING gin (UPPER(name) gin_trgm_ops)",
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
        ("conflicts", "0004_wiki_sources"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]

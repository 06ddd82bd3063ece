"""Indexes for the one search path (issue 16), PostgreSQL only (nothing elsewhere).

- ``event_search_gin``: a GIN index on the very expression ``EventQuerySet.matching`` writes
  (``SearchVector("text", "section", config="english")``), so the timeline's words filter, /search/ and
  admin's event search read matches from the index instead of computing every row's vector. The
  expression must stay identical to the query's, or PostgreSQL will not use the index
  (``tests/site/test_site_search.py`` checks the plan).
- ``place_name_upper_trgm``, ``placealias_name_upper_trgm``: trigram GIN indexes on ``UPPER(name)``,
  which serve ``name__icontains`` (Django writes ``UPPER(name) LIKE UPPER(...)``) and the similarity
  operators ``%`` and ``%>`` of ``AliasedQuerySet.search`` (pg_trgm ignores case), so "palmira" finds
  Palmyra from the index. ``pg_trgm`` is enabled by ``conflicts.0002_trigram``.
"""
from django.db import migrations

INDEXES = {
    "event_search_gin": "events_event USING gin (to_tsvector('english'::regconfig, "
                        "COALESCE(text, '') || ' ' || COALESCE(section, '')))",
    "place_name_upper_trgm": "events_place USING gin (UPPER(name) gin_trgm_ops)",
    "placealias_name_upper_trgm": "events_placealias USING gin (UPPER(name) gin_trgm_ops)",
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
        ("events", "0003_event_text_trigram"),
        ("conflicts", "0002_trigram"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]

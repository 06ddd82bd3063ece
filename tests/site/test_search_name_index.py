"""The name search reads the trigram indexes (issue 16; PostgreSQL): pg_trgm's similarity operators are
priced at what they cost (conflicts 0009), so a table of a few thousand names is not scanned whole."""
import pytest
from django.db import connection

from conflicts.models import Force
from people.models import Person
from tests.factories import make_force, make_person

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")]


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # as autovacuum would have: the new names moved from the indexes' pending lists, statistics taken
        cursor.execute("SELECT gin_clean_pending_list('person_name_upper_trgm'::regclass),"
                       " gin_clean_pending_list('force_name_upper_trgm'::regclass)")
        cursor.execute("ANALYZE people_person; ANALYZE conflicts_force")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("query", ["captured", "Suleimani", "Islamic State of Iraq and the Levant"])
def test_name_search_reads_the_trigram_index(query):
    Person.objects.bulk_create(Person(name=f"Person {i} al-Name{i}", slug=f"p-{i}") for i in range(6000))
    Force.objects.bulk_create(Force(name=f"Force {i} Brigade", slug=f"f-{i}") for i in range(6000))
    soleimani = make_person(name="Qasem Soleimani")
    make_force(name="Islamic State of Iraq and the Levant")
    people_plan = plan(Person.objects.search(query)[:20])
    assert "person_name_upper_trgm" in people_plan and "Seq Scan on people_person u0" not in people_plan
    assert "force_name_upper_trgm" in plan(Force.objects.search(query)[:20])
    if query == "Suleimani":
        assert list(Person.objects.search(query)[:20]) == [soleimani]

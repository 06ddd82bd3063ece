"""The loader writes a document's records in bulk: its number of queries does not grow with the
number of units, commanders, strengths or places it states (issue 12). Query counts, not times."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conflicts.models import Force, Participation
from events.models import EventPlace, Place
from importer.load import build_resolver, import_file
from people.models import CommandRole

pytestmark = pytest.mark.django_db

UNITS = [f"{n}th Mountain Brigade" for n in range(11, 41)]
PEOPLE = ["Tarek Haddad", "Samir Khoury", "Nabil Mansour", "Walid Jaber", "Fadi Sabbagh", "Hassan Nasrallah",
          "Omar Tlass", "Yusuf Karam", "Bashir Qadri", "Ziad Halabi", "Imad Mughrabi", "Karim Attar",
          "Rami Dabbagh", "Said Bitar", "Jamil Hajjar", "Munir Sayegh", "Adel Khatib", "Ghassan Rifai",
          "Hisham Barakat", "Louay Shami"]
PLACES = ["Talbiseh", "Rastan", "Houla", "Kafr Laha", "Teir Maalah", "Ghanto", "Deir Foul", "Zaafaraneh",
          "Qaryatayn", "Mahin", "Sadad", "Furqlus", "Palmyra", "Arak", "Sukhnah", "Jubb al-Jarrah",
          "Shaer", "Hayyan", "Jazal", "Tiyas", "Humaymah", "Tadmur Citadel", "Abu Kamal", "Mayadin"]


def document(path, title: str, units: int, people: int, places: int) -> None:
    unit_lines = ", ".join(UNITS[:units])
    commanders = ", ".join(f"Gen. {name}" for name in PEOPLE[:people])
    prose = "".join(f"On {day % 27 + 1} May 2016, the brigade captured {place}.\n\n"
                    for day, place in enumerate(PLACES[:places]))
    path.write_text(
        f"= {title} =\n\nInfobox\n- Conflict: {title}\n- Date: 1 May 2016 – 30 May 2016\n"
        f"- Place: Homs, Syria\n- Combatant1: Syria\n- Combatant2: Free Syrian Army\n"
        f"- Commander1: {commanders}\n- Units1: {unit_lines}\n- Strength1: 5,000\n\n"
        f"==Offensive==\n{prose}", encoding="utf-8")


def queries(path) -> int:
    resolver = build_resolver()
    with CaptureQueriesContext(connection) as ctx:
        report = import_file(path, resolver=resolver)
    assert report.status == "created", report.error
    return len(ctx.captured_queries)


def test_known_units_commanders_and_places_cost_no_query_each(tmp_path):
    # the first document makes every force, person and place known
    document(tmp_path / "first.txt", "First Homs offensive", len(UNITS), len(PEOPLE), len(PLACES))
    import_file(tmp_path / "first.txt", resolver=build_resolver())
    document(tmp_path / "few.txt", "Second Homs offensive", 3, 2, 3)
    document(tmp_path / "many.txt", "Third Homs offensive", 30, 20, 24)
    few, many = queries(tmp_path / "few.txt"), queries(tmp_path / "many.txt")
    assert Participation.objects.filter(side__conflict__name="Third Homs offensive", role="unit").count() == 30
    assert CommandRole.objects.filter(conflict__name="Third Homs offensive").count() == 20
    assert EventPlace.objects.filter(event__conflict__name="Third Homs offensive").count() == 24
    assert Force.objects.filter(name__in=UNITS).count() == len(UNITS)    # no record made twice
    # 27 more units, 18 more commanders, 21 more places and their claims: the same statements (SQLite
    # splits a large insert into batches of its variable limit: at most one more statement per table)
    assert few <= many <= few + 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="keys are reserved from PostgreSQL's sequence")
def test_new_places_are_written_in_one_statement(tmp_path):
    document(tmp_path / "first.txt", "First Homs offensive", 1, 1, 0)    # the forces and the commander
    import_file(tmp_path / "first.txt", resolver=build_resolver())
    document(tmp_path / "few.txt", "Second Homs offensive", 1, 1, 3)
    document(tmp_path / "many.txt", "Third Homs offensive", 1, 1, 24)
    few = queries(tmp_path / "few.txt")
    Place.objects.all().delete()      # the places of the second document are new again
    many = queries(tmp_path / "many.txt")
    assert Place.objects.count() == 24
    assert EventPlace.objects.filter(event__conflict__name="Third Homs offensive").count() == 24
    assert many == few       # 21 more places: the same statements


@pytest.mark.skipif(connection.vendor != "postgresql", reason="keys are reserved from PostgreSQL's sequence")
def test_new_forces_and_people_are_written_together(tmp_path):
    """New units and commanders are written with one statement per table, and what is read of them later
    in the document (the forces a role names, the commanders the prose mentions) finds them."""
    document(tmp_path / "first.txt", "First Homs offensive", 1, 1, 3)   # both documents find the same known
    import_file(tmp_path / "first.txt", resolver=build_resolver())       # sides, places and one unit and person
    document(tmp_path / "few.txt", "Second Homs offensive", 3, 2, 3)
    few = queries(tmp_path / "few.txt")      # 2 new units, 1 new commander
    document(tmp_path / "many.txt", "Third Homs offensive", 30, 20, 3)
    many = queries(tmp_path / "many.txt")    # 27 new units, 18 new commanders
    from people.models import Person
    assert Force.objects.filter(name__in=UNITS).count() == 30 and Person.objects.count() == 20
    roles = CommandRole.objects.filter(conflict__name="Third Homs offensive")
    assert roles.count() == 20
    assert many <= few + 2      # 27 more units and 18 more commanders: about the same statements


@pytest.mark.skipif(connection.vendor != "postgresql", reason="new places are written together on PostgreSQL")
def test_a_new_place_another_run_made_meanwhile_is_that_record(tmp_path, monkeypatch):
    """Runs sharing a database: a place this document is about to write, made by another run since the
    document was read, is linked as that record, never stored twice or failing the document."""
    from importer import load
    document(tmp_path / "doc.txt", "Second Homs offensive", 1, 1, 3)
    read = load._Loader.read_entities

    def read_then_another_run_writes(loader):
        read(loader)
        Place.objects.create(name="Rastan", slug="rastan", kind="settlement")     # committed by the other run

    monkeypatch.setattr(load._Loader, "read_entities", read_then_another_run_writes)
    report = import_file(tmp_path / "doc.txt", resolver=build_resolver())
    assert report.status == "created", report.error
    rastan = Place.objects.get(slug="rastan")
    assert Place.objects.filter(name="Rastan").count() == 1
    assert EventPlace.objects.filter(place=rastan, event__conflict__name="Second Homs offensive").count() == 1
    assert report.resolver_stale and report.counts["events.place", "created"] == 2


def test_unchanged_documents_cost_no_query_each_and_a_changed_one_is_loaded(tmp_path):
    """A run reads what the database holds of its documents at once: an unchanged document costs no
    query (no lock, no lookup); one whose bytes changed since is loaded again."""
    from importer.pipeline import ImportOptions, import_paths

    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(6):
        document(folder / f"d{n}.txt", f"Homs offensive {n}", 2, 1, 2)
    options = ImportOptions(root=tmp_path, jobs=1)
    assert import_paths([folder], options=options).statuses == {"created": 6}

    def run(paths):
        with CaptureQueriesContext(connection) as ctx:
            report = import_paths(paths, options=options)
        return report, len(ctx.captured_queries)

    few, few_queries = run([folder / "d0.txt", folder / "d1.txt"])
    many, many_queries = run([folder])
    assert few.statuses == {"unchanged": 2} and many.statuses == {"unchanged": 6}
    assert many_queries == few_queries
    document(folder / "d3.txt", "Homs offensive 3", 3, 1, 2)      # one more unit: changed bytes
    assert run([folder])[0].statuses == {"unchanged": 5, "updated": 1}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="keys are reserved from PostgreSQL's sequence")
def test_a_runs_id_pool_takes_keys_from_the_sequence_once_per_chunk():
    from importer.bulk import IdPool
    from sources.models import Claim

    pool = IdPool()
    with CaptureQueriesContext(connection) as ctx:
        keys = [pool.take(Claim, n) for n in (3, 1, 40, 0, 7)]
    assert len(ctx.captured_queries) == 1            # one reservation serves several documents
    flat = [k for ks in keys for k in ks]
    assert [len(ks) for ks in keys] == [3, 1, 40, 0, 7] and flat == sorted(set(flat))   # ascending, each once
    with CaptureQueriesContext(connection) as ctx:
        more = pool.take(Claim, IdPool.CHUNK)       # past what is left: one more reservation
    assert len(ctx.captured_queries) == 1 and more[0] > flat[-1] and len(set(more)) == IdPool.CHUNK


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_a_copy_that_breaks_a_unique_key_raises_djangos_integrity_error():
    """What another run wrote meanwhile makes the document's load fail with ``IntegrityError``, which
    the pipeline retries (psycopg's own exception would fail the document for good)."""
    from django.db import IntegrityError, transaction

    from importer.bulk import insert

    Force.objects.create(name="Ukraine", slug="ukraine")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(Force, [Force(name="Ukraine", slug="ukraine")])

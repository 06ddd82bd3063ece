"""Several import runs over one PostgreSQL database and the same files (issue 12): each document is held
by one run, and no document or entity is stored twice. PostgreSQL only: SQLite has one writer."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.db.models import Count

from conflicts.models import Force
from events.models import Place
from importer import load
from importer.locks import NAMESPACE, document_lock, lock_key
from people.models import Person
from sources.models import SourceDocument

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ROOT / "tests" / "formats"

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),   # keep the migrations' data
    pytest.mark.skipif(os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
                       reason="concurrent runs need PostgreSQL (DATABASE_URL=postgres://...)"),
]


def other_session():
    """A second connection to the test database, as another run would hold."""
    s = connection.settings_dict
    return psycopg.connect(dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"] or None,
                           host=s["HOST"] or None, port=s["PORT"] or None, autocommit=True)


def test_a_document_held_by_another_run_is_reported_busy_and_not_loaded():
    path = FORMATS / "structured" / "Battle_of_Kursk.txt"
    identity = "formats/Battle_of_Kursk.txt"
    with other_session() as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [NAMESPACE, lock_key(identity)])
        report = load.import_file(path, identity=identity)
        assert report.status == "busy" and not SourceDocument.objects.exists()
        other.execute("SELECT pg_advisory_unlock(%s, %s)", [NAMESPACE, lock_key(identity)])
    report = load.import_file(path, identity=identity)     # the other run let it go
    assert report.status == "created"
    with document_lock(identity) as held:
        assert held


def test_two_runs_over_the_same_folder_store_each_document_and_entity_once(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for fmt, suffix in (("structured", ".txt"), ("wikitext", ".wiki"), ("html", ".html")):
        for path in sorted((FORMATS / fmt).glob(f"*{suffix}")):
            (folder / f"{fmt}-{path.name}").write_bytes(path.read_bytes())
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    command = [sys.executable, "manage.py", "import_sources", str(folder), "--no-progress", "--root", str(tmp_path)]
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    for run, output in zip(runs, outputs, strict=True):
        assert run.returncode == 0, output
    files = len(list(folder.iterdir()))
    assert SourceDocument.objects.count() == files      # each file once (a .wiki file has no URL of its own)
    # every document was created by exactly one of the runs; the other found it done or held
    created = sum(int(o.split("Documents: ")[1].split(" created")[0]) for o in outputs)
    assert created == files, outputs
    twice = {model.__name__: list(model.objects.values("name").annotate(n=Count("pk")).filter(n__gt=1))
             for model in (Force, Person, Place)}
    assert twice == {"Force": [], "Person": [], "Place": []}


def test_a_name_another_run_gave_to_a_record_meanwhile_makes_the_document_load_again(tmp_path):
    """A run's resolver is built before another run commits a record known, among others, by a name this
    run's document uses: the document must not make a second record of that name. The unique slug cannot
    see it (the record has another slug), so the loader checks its new names before it commits."""
    from conflicts.models import ForceAlias

    path = FORMATS / "structured" / "Battle_of_Ap_Bac.txt"
    stale = load.build_resolver()          # this run's resolver, built before the other run's records
    front = Force.objects.create(name="Regional Forces", slug="regional-forces")   # commits:
    ForceAlias.objects.create(force=front, name="Civil Guard", origin=ForceAlias.Origin.IMPORT)   # no test transaction
    report = load.import_file(path, identity="formats/Battle_of_Ap_Bac.txt", resolver=stale)
    assert report.status == "failed" and report.retry, report.error      # the pipeline loads it again ...
    assert "'Civil Guard'" in report.error and not SourceDocument.objects.exists()
    report = load.import_file(path, identity="formats/Battle_of_Ap_Bac.txt")   # ... with a resolver built now
    assert report.status == "created", report.error
    assert not Force.objects.filter(name="Civil Guard").exists()
    assert front.participations.exists()       # the document's "Civil Guard" is the other run's record

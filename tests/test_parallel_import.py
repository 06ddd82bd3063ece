"""``import_sources --jobs N`` (issue 12): documents read by worker processes, loaded in order. A parallel
run gives exactly the database of a sequential one, on the seeds and the formats corpus."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from importer import pipeline
from importer.pipeline import ImportOptions

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "fixtures" / "sources",
             *(ROOT / "tests" / "formats" / folder for folder in ("structured", "plain", "wikitext"))]
#: Fields that say when, not what: the run's own clock.
MOMENTS = {"created_at", "updated_at", "imported_at"}


def database_after(tmp_path: Path, jobs: int) -> list[dict]:
    """Every row of the project's apps after importing ``DOCUMENTS`` with ``--jobs`` into a new database."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/jobs{jobs}.sqlite3",
           "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    done = subprocess.run([*manage, "import_sources", *map(str, DOCUMENTS), "--no-progress", "--jobs", str(jobs),
                           "--root", str(ROOT)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    dump = tmp_path / f"jobs{jobs}.json"
    subprocess.run([*manage, "dumpdata", "sources", "conflicts", "people", "events", "-o", str(dump)],
                   cwd=ROOT, env=env, check=True)
    rows = json.loads(dump.read_text())
    for row in rows:
        for name in MOMENTS & set(row["fields"]):
            del row["fields"][name]
    return rows


def test_a_parallel_run_gives_the_database_of_a_sequential_run(tmp_path):
    sequential = database_after(tmp_path, 1)
    assert len([r for r in sequential if r["model"] == "sources.sourcedocument"]) == 32
    assert database_after(tmp_path, 2) == sequential


@pytest.mark.django_db
def test_workers_read_structured_documents_and_wiki_pages_and_leave_plain_ones_to_the_loader(tmp_path):
    formats = ROOT / "tests" / "formats"
    files = [formats / "structured" / "Battle_of_Kursk.txt", formats / "plain" / "Battle_of_Kursk.txt",
             formats / "wikitext" / "Battle_of_Inchon.wiki"]
    with pipeline._Readers(files, ImportOptions(jobs=2), enabled=True) as readers:
        assert readers.pool is not None
        results = [readers.take(path) for path in files]
    structured, plain, wiki = (parsed for _, parsed in results)
    assert structured.record.title == "Battle of Kursk" and structured.record.format == "structured"
    assert plain is None                       # read by the loading process, with the forces learned so far
    assert wiki.record.format == "wikitext" and wiki.record.title == "Battle of Inchon"
    with pipeline._Readers(files, ImportOptions(jobs=1), enabled=True) as readers:
        assert readers.pool is None and readers.take(files[0]) == (None, None)

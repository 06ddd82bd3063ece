"""import_sources end to end: idempotence, editors' corrections, bad files, dry runs, shared entities."""
from __future__ import annotations

import datetime
import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from conflicts.cache import current_generation
from conflicts.models import Conflict, Force, Participation
from events.models import Event, Place
from importer import pipeline
from people.models import CommandRole, Person
from sources import parsing
from sources.models import SourceDocument
from sources.parsing import PARSER_VERSION, source_version
from tests.conftest import SAMPLES

pytestmark = pytest.mark.django_db

ALEPPO = SAMPLES / "001_b1d4a69e7f8d3536.txt"
PALMYRA = SAMPLES / "000_062e724f942c86c7.txt"
MODELS = (SourceDocument, Conflict, Force, Participation, Person, CommandRole, Event, Place)


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_sources", *map(str, args), "--no-progress", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def snapshot() -> dict:
    """Every imported row, as values: equal snapshots mean nothing was written."""
    return {m.__name__: sorted(map(repr, m.objects.values())) for m in MODELS}


def test_import_twice_second_run_changes_nothing():
    first = run(SAMPLES)
    assert "Documents: 2 created" in first
    before = snapshot()
    second = run(SAMPLES)
    assert "0 created, 0 updated, 2 unchanged, 0 failed" in second
    assert snapshot() == before


def test_forced_reimport_of_unchanged_documents_writes_nothing():
    run(SAMPLES)
    before = snapshot()
    output = run(SAMPLES, "--force")
    assert "Records: 0 created, 0 updated" in output
    assert snapshot() == before


def test_a_unit_listed_under_two_parents_is_not_rewritten_by_a_forced_reimport(tmp_path,
                                                                               django_capture_on_commit_callbacks):
    """A document may list one unit under two parents (the same brigade in two divisions' lines, or two
    brigades of one number, which the resolver takes for one): the last statement is its parent, set once,
    so a forced re-import finds it unchanged (it used to set the first parent and then the last again:
    the document "updated", its unit rewritten twice)."""
    path = tmp_path / "two_parents.txt"
    path.write_text(
        "= Second Homs offensive =\n\nInfobox\n- Conflict: Second Homs offensive\n- Date: 1 May 2016 – 30 May 2016\n"
        "- Partof: the Syrian Civil War\n- Place: Homs, Syria\n- Combatant1: Syria\n- Combatant2: Free Syrian Army\n"
        "- Units1: Syrian Army, * 4th Division, ** 179th Brigade, * 9th Division, ** 179th Brigade\n\n"
        "==Offensive==\nOn 3 May 2016, the army captured Rastan.\n", encoding="utf-8")
    assert "1 created" in run(path)
    brigade = Force.objects.get(name="179th Brigade")
    assert brigade.parent.name == "9th Division"
    assert Conflict.objects.get(name="Second Homs offensive").parents.get().name == "Syrian Civil War"
    before, generation = snapshot(), current_generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:    # the generation advances on commit
        output = run(path, "--force")
    assert "0 updated, 1 unchanged" in output and "Records: 0 created, 0 updated" in output, output
    assert snapshot() == before
    assert current_generation() == generation and not callbacks   # its war, added again (all there already)


def test_default_path_is_the_sample_sources():
    run()
    assert set(SourceDocument.objects.values_list("name", flat=True)) == {ALEPPO.name, PALMYRA.name}


def test_parser_version_is_a_hash_of_the_parser_source(tmp_path):
    copy = tmp_path / "parsing"
    shutil.copytree(Path(parsing.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert source_version(copy) == PARSER_VERSION
    assert len(PARSER_VERSION) == 12 and int(PARSER_VERSION, 16) >= 0
    dates = copy / "dates.py"
    data = bytearray(dates.read_bytes())
    data[len(data) // 2] ^= 0x01   # one byte of the date engine
    dates.write_bytes(bytes(data))
    assert source_version(copy) != PARSER_VERSION


def test_documents_read_by_another_parser_are_parsed_again():
    run(ALEPPO)
    SourceDocument.objects.update(parser_version="0123456789ab")
    output = run(ALEPPO)
    assert "Documents: 0 created, 1 updated, 0 unchanged, 0 failed" in output
    assert SourceDocument.objects.get().parser_version == PARSER_VERSION
    assert "0 created, 0 updated, 1 unchanged" in run(ALEPPO)


def test_dry_run_writes_nothing():
    output = run(SAMPLES, "--dry-run")
    assert "Dry run: nothing was written." in output
    assert all(m.objects.count() == 0 for m in MODELS)


def test_aleppo_infobox_is_loaded():
    run(ALEPPO)
    conflict = Conflict.objects.get(slug="aleppo-offensive-october-december-2015")
    assert (conflict.start_date, conflict.end_date) == (datetime.date(2015, 10, 16), datetime.date(2015, 12, 21))
    assert conflict.status == "Syrian government victory"
    assert {p.name for p in conflict.parents.all()} == {
        "Battle of Aleppo", "Syrian Civil War", "Russian military intervention in the Syrian Civil War"}
    assert conflict.sides.count() == 3
    taheri = CommandRole.objects.get(person__name="Saeed Sayyah Taheri")
    assert (taheri.rank, taheri.role, taheri.fate) == ("Col.", "IRGC commander", CommandRole.Fate.KILLED)
    brigade = Force.objects.get(name="46th Brigade")
    assert brigade.parent.name == "4th Mechanized Division"
    assert brigade.parent.parent.name == "Syrian Army"
    isis = Participation.objects.get(side__conflict=conflict, force__name="Islamic State")
    assert isis.note == "since 23 Oct."
    # provenance: the span points at the name in the stored text
    text = SourceDocument.objects.get(name=ALEPPO.name).text
    assert "Saeed Sayyah Taheri" in text[taheri.span_start:taheri.span_end]


def test_both_seeds_share_forces():
    run(SAMPLES)
    fatemiyoun = Force.objects.get(name="Liwa Fatemiyoun")
    assert fatemiyoun.participations.values("side__conflict").distinct().count() == 2
    # Hezbollah is in Palmyra's infobox and in Aleppo's prose: one record, linked from both
    hezbollah = Force.objects.get(name="Hezbollah")
    assert hezbollah.participations.filter(side__conflict__slug="palmyra-offensive-december-2016").exists()
    assert hezbollah.events.filter(conflict__slug="aleppo-offensive-october-december-2015").exists()


def test_events_are_loaded_with_sources(db):
    run(ALEPPO)
    events = Event.objects.filter(conflict__slug="aleppo-offensive-october-december-2015")
    assert events.count() == 71
    first = events.get(text__startswith="Between 21 and 22 October")
    assert (first.date, first.end_date) == (datetime.date(2015, 10, 21), datetime.date(2015, 10, 22))
    text = first.source.text
    assert text[first.span_start:first.span_end].startswith("Between 21 and 22 October")


def lock(obj, **changes):
    for key, value in changes.items():
        setattr(obj, key, value)
    obj.locked_fields = sorted(set(obj.locked_fields) | set(changes))
    obj.save()


def test_editor_corrections_survive_forced_reimport():
    run(ALEPPO)
    event = Event.objects.get(text__startswith="On 28 October, Russian airstrikes")
    lock(event, date=datetime.date(2015, 10, 29))
    role = CommandRole.objects.get(person__name="Qasem Soleimani")
    lock(role, fate=CommandRole.Fate.WOUNDED)
    output = run(ALEPPO, "--force")
    event.refresh_from_db()
    role.refresh_from_db()
    assert event.date == datetime.date(2015, 10, 29)
    assert role.fate == CommandRole.Fate.WOUNDED
    assert "kept the editor's date" in output
    assert "kept the editor's fate" in output


def test_changed_document_updates_records_but_keeps_locks(tmp_path):
    doc = tmp_path / ALEPPO.name
    shutil.copy(ALEPPO, doc)
    run(doc)
    locked = Event.objects.get(text__startswith="On 28 October, Russian airstrikes")
    lock(locked, kind="other")
    dropped = Event.objects.get(text__startswith="On 5 November, rebels recaptured")
    text = doc.read_text(encoding="utf-8")
    text = text.replace("On 28 October, Russian airstrikes", "On 27 October, Russian airstrikes")
    text = text.replace("On 5 November, rebels recaptured two villages but despite this, "
                        "the Army captured the town of Kafr Haddad.", "")
    doc.write_text(text.replace("On 28 October, Russian airstrikes bombed", "On 28 October, Russian airstrikes bombed"),
                   encoding="utf-8")
    # the locked sentence changed its date in the source: it is the same event (one record, lock kept,
    # the new date taken, the span moved to the new words); the dropped sentence's event is withdrawn
    output = run(doc)
    assert "updated" in output
    assert not Event.objects.filter(pk=dropped.pk).exists()
    locked.refresh_from_db()
    assert (locked.kind, locked.date) == ("other", datetime.date(2015, 10, 27))
    assert locked.text.startswith("On 27 October, Russian airstrikes")
    assert "kept the editor's kind" in output
    assert Event.objects.filter(text__contains="Russian airstrikes bombed").count() == 1
    new_text = doc.read_text(encoding="utf-8")
    assert new_text[locked.span_start:locked.span_end].startswith("On 27 October, Russian airstrikes")


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    (b"= Title =\n\nInfobox\n- Date 16 October\n", "line"),
    (b"\x81\x8d\x8f\x90\x9d" * 20, "decoded"),
])
def test_bad_file_gets_one_clear_error_and_the_others_still_load(tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    shutil.copy(PALMYRA, tmp_path / PALMYRA.name)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 documents failed"):
        call_command("import_sources", str(tmp_path), "--no-progress", stdout=out, stderr=out)
    assert SourceDocument.objects.get(name=PALMYRA.name).status == SourceDocument.Status.IMPORTED
    assert Conflict.objects.filter(slug="palmyra-offensive-december-2016").exists()
    # the failed file is recorded for editors, with the error the summary printed (one line, naming it)
    failed = SourceDocument.objects.get(name="bad.txt")
    assert failed.status == SourceDocument.Status.FAILED
    (problem,) = failed.problems
    assert message in problem["message"]
    where = f"{bad}:{problem['line']}" if problem["line"] else str(bad)
    errors = [line.strip() for line in out.getvalue().splitlines() if line.strip().startswith(str(bad))]
    assert errors == [f"{where}: {problem['message']}"], out.getvalue()


def test_the_same_bad_file_again_is_reported_again_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("= Title =\n\nInfobox\n- Date 16 October\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 of 1 documents failed"):
        run(bad)
    first = SourceDocument.objects.values().get(name="bad.txt")
    with pytest.raises(CommandError, match="1 of 1 documents failed"):
        run(bad)
    assert SourceDocument.objects.values().get(name="bad.txt") == first    # not even its time


def test_error_line_names_the_file_and_the_line(tmp_path):
    bad = tmp_path / "broken.txt"
    bad.write_text("= Title =\n\nInfobox\n- Conflict: X\n- Date 16 October\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_sources", str(bad), "--no-progress", stdout=err, stderr=err)
    errors = [line.strip() for line in err.getvalue().splitlines() if "broken.txt:" in line]
    assert errors == [f"{bad}:5: infobox line is not '- Key: value': '- Date 16 October'"], err.getvalue()


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError):
        run(tmp_path / "nope.txt", PALMYRA)
    assert SourceDocument.objects.filter(name=PALMYRA.name).exists()


def test_json_output_is_one_object_per_document_in_the_gold_schema():
    out = io.StringIO()
    call_command("import_sources", str(PALMYRA), str(ALEPPO), "--dry-run", "--json", "--no-progress",
                 stdout=out, stderr=io.StringIO())
    docs = json.loads(out.getvalue())
    assert [d["document"] for d in docs] == [str(PALMYRA), str(ALEPPO)]
    assert list(docs[1]) == ["document", "title", "start", "end", "status", "place", "part_of", "territory",
                             "sides", "events", "import"]
    assert docs[1]["import"]["status"] == "created"
    assert {"action": "added", "model": "conflicts.conflict"}.items() <= docs[1]["import"]["changes"][0].items()
    assert all(e["text"] for d in docs for e in d["events"])
    assert SourceDocument.objects.count() == 0


def test_windows_encoding_bom_and_crlf(tmp_path):
    text = ALEPPO.read_text(encoding="utf-8")
    cp = tmp_path / "aleppo-crlf.txt"
    cp.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    run(cp)
    source = SourceDocument.objects.get(name=cp.name)
    assert "\r" not in source.text and not source.text.startswith("\ufeff")
    role = CommandRole.objects.get(person__name="Qasem Soleimani")
    assert "Qasem Soleimani" in source.text[role.span_start:role.span_end]


def test_records_an_editor_deleted_are_not_brought_back(admin_client):
    run(ALEPPO)
    event = Event.objects.get(text__startswith="On 28 October, Russian airstrikes")
    role = CommandRole.objects.get(person__name="Qasem Soleimani")
    assert admin_client.post(f"/admin/events/event/{event.pk}/delete/", {"post": "yes"}).status_code == 302
    assert admin_client.post(f"/admin/people/commandrole/{role.pk}/delete/", {"post": "yes"}).status_code == 302
    output = run(ALEPPO, "--force")
    assert not Event.objects.filter(text__startswith="On 28 October, Russian airstrikes").exists()
    assert not CommandRole.objects.filter(person__name="Qasem Soleimani").exists()
    assert output.count("not re-created (deleted by an editor)") == 2
    # removing the tombstone lets the importer take over again
    from sources.models import DeletedRecord
    DeletedRecord.objects.all().delete()
    run(ALEPPO, "--force")
    assert Event.objects.filter(text__startswith="On 28 October, Russian airstrikes").exists()


def test_unmigrated_database_stops_a_real_import_and_parses_only_on_a_dry_run(monkeypatch):
    monkeypatch.setattr(pipeline, "unapplied_migrations", lambda: ["sources.0099"])
    with pytest.raises(CommandError, match="run `python manage.py migrate` first"):
        run(ALEPPO)
    out = io.StringIO()
    call_command("import_sources", str(ALEPPO), "--dry-run", "--json", "--no-progress", stdout=out,
                 stderr=io.StringIO())
    (doc,) = json.loads(out.getvalue())
    assert len(doc["events"]) == 71
    assert SourceDocument.objects.count() == 0


def _offensive(title: str, combatants: str, sentence: str) -> str:
    return (f"= {title} =\n\nInfobox\n- Conflict: {title}\n- Date: 1 March 2010 – 30 March 2010\n"
            f"- Combatant1: {combatants}\n- Combatant2: Rebels\n\n==Events==\n{sentence}\n")


def test_a_force_named_later_takes_its_mentions_back_from_a_shorter_name(tmp_path):
    """An earlier sentence names "the Feshthukian Arab Army". A later document introduces the country
    "Feshthukia": linked to that sentence while no army is known. A still later one introduces the army,
    which takes the mention; a forced re-import then changes no link (the run's order does not)."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(_offensive("Battle of Weshkhaab", "Miratghan Brigades",
                                             "On 3 March 2010, the Feshthukian Arab Army captured Weshkhaab hill."))
    (folder / "b.txt").write_text(_offensive("Battle of Shuksaa", "Feshthukia",
                                             "On 4 March 2010, Feshthukia sent troops to Shuksaa."))
    (folder / "c.txt").write_text(_offensive("Battle of Rabshir", "Feshthukian Arab Army",
                                             "On 5 March 2010, fighting went on near Rabshir."))
    for name in ("a.txt", "b.txt", "c.txt"):       # one run each: a, then b, then c
        run(folder / name)
    event = Event.objects.get(text__startswith="On 3 March 2010")
    assert [f.name for f in event.forces.all()] == ["Feshthukian Arab Army"]
    before = snapshot(), sorted(Event.forces.through.objects.values_list("event_id", "force_id"))
    output = run(folder, "--force")
    assert "Records: 0 created, 0 updated" in output
    assert (snapshot(), sorted(Event.forces.through.objects.values_list("event_id", "force_id"))) == before


MOSUL = """= Battle of Mosul (2016–2017) =

Infobox
- Conflict: Battle of Mosul (2016–2017)
- Date: 16 October 2016 – 20 July 2017
- Place: Mosul, Iraq
- Status: Iraqi government victory
- Combatant1: Iraq, CJTF–OIR
- Combatant2: Islamic State of Iraq and the Levant
- Commander1: Lt. Gen. Abdul Ghani al-Assadi
- Units1: Iraqi Army, Counter Terrorism Service
- Units2: Military of ISIL

The Battle of Mosul was an operation of the Iraqi security forces to retake Mosul from ISIL.[1]

==Course==
On 17 October 2016, Iraqi forces advanced on the villages east of the city.[2]
"""


def test_a_plain_run_is_split_by_the_sides_another_document_loaded(tmp_path):
    """The importer passes the sides the database's offensives told apart (``load.known_sides``) to the
    parser: Ramadi's run, whose own text does not part the sides, is split by Mosul's; without Mosul it
    stays one side, marked unresolved."""
    from tests.parsing.test_sides import RAMADI_BARE
    # without its commander: a person's name right after a known force's name, which the prose does not
    # name with a rank or role, is read as a belligerent ("... the Levant Ismail al-Mahlawi"), a miss
    ramadi_text = RAMADI_BARE.replace("the Levant Ismail al-Mahlawi ", "the Levant ")
    (tmp_path / "ramadi.txt").write_text(ramadi_text, encoding="utf-8")
    run(tmp_path / "ramadi.txt")
    ramadi = Conflict.objects.get(name="Second Battle of Ramadi")
    assert ramadi.sides_unresolved
    (tmp_path / "mosul.txt").write_text(MOSUL, encoding="utf-8")
    run(tmp_path / "mosul.txt")
    run(tmp_path / "ramadi.txt", "--force")
    ramadi.refresh_from_db()
    assert not ramadi.sides_unresolved
    by_side = {}
    for p in Participation.objects.filter(side__conflict=ramadi, role="belligerent").select_related("side", "force"):
        by_side.setdefault(p.side.number, set()).add(p.force.name)
    assert by_side == {1: {"Iraq", "CJTF–OIR"}, 2: {"Islamic State of Iraq and the Levant"}}


def test_the_run_log_is_written_as_the_run_goes_and_the_run_lets_go_of_stored_changes(tmp_path, monkeypatch):
    """Memory grows with the largest document, not with the run: each document's changes are stored in the
    run's log a batch at a time, then dropped from its report (unless the caller wants them: --json)."""
    from importer.models import DocumentImport, ImportRun
    from importer.pipeline import ImportOptions, import_paths
    from importer.runlog import RunLog

    monkeypatch.setattr(RunLog, "BATCH", 1)
    stored_while_running = []
    add = RunLog.add

    def add_and_count(self, report):
        add(self, report)
        stored_while_running.append(DocumentImport.objects.filter(run=self.run).count())

    monkeypatch.setattr(RunLog, "add", add_and_count)
    folder = tmp_path / "docs"
    shutil.copytree(SAMPLES, folder)
    (folder / "bad.txt").write_bytes(b"\x00\x01\x02 not a document \x00" * 10)
    report = import_paths([folder], options=ImportOptions(jobs=1))
    assert stored_while_running == [1, 2, 3]           # each document stored when it was done
    assert all(d.changes == [] for d in report.documents)
    run = ImportRun.objects.get()
    assert (run.documents, run.failed) == (3, 1) and run.finished_at >= run.started_at
    logged = {d.identity.rsplit("/", 1)[-1]: d for d in run.imports.all()}
    assert logged["bad.txt"].status == "failed" and "bad.txt" in logged["bad.txt"].error
    aleppo = logged[ALEPPO.name]
    assert aleppo.status == "created" and aleppo.changes[0]["action"] == "added" and len(aleppo.changes) > 100
    kept = import_paths([folder], options=ImportOptions(jobs=1, force=True, records=True))
    assert all(d.changes == log.changes for d in kept.documents
               for log in DocumentImport.objects.filter(run=ImportRun.objects.latest("pk"), identity=d.identity))

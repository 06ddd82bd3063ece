"""Many documents, one truth (issue 11): every loss it listed, reproduced and shown gone.

Documents are known by identity, every record is a claim of the documents that state it, and a
re-import changes only its own document's claims.
"""
from __future__ import annotations

import datetime
import hashlib
import io
import re
import shutil

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conflicts.models import Conflict, Force, Participation, Side
from events.models import Event
from importer.models import ImportRun
from people.models import CommandRole
from sources.models import Claim, DeletedRecord, KnownName, SourceDocument
from sources.parsing import parse
from tests.conftest import SAMPLES

pytestmark = pytest.mark.django_db

ALEPPO = SAMPLES / "001_b1d4a69e7f8d3536.txt"
PALMYRA = SAMPLES / "000_062e724f942c86c7.txt"


def run(*args, root=None) -> str:
    out, err = io.StringIO(), io.StringIO()
    extra = ["--root", str(root)] if root else []
    call_command("import_sources", *map(str, args), *extra, "--no-progress", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def checksum() -> str:
    """Every row of the records and their claims (not import times): equal means nothing changed."""
    rows = []
    for model in (Conflict, Side, Force, Participation, CommandRole, Event, Claim):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in ("updated_at",)]
        rows.append(repr(sorted(model.objects.values_list(*fields))))
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def without_infobox(text: str) -> str:
    """A mirror's copy: the same title and prose, no infobox."""
    return re.sub(r"\nInfobox\n(- [^\n]*\n)+", "\n", text)


def test_same_file_name_in_two_folders_are_two_documents(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(ALEPPO, tmp_path / "a" / "doc.txt")
    shutil.copy(PALMYRA, tmp_path / "b" / "doc.txt")
    output = run(tmp_path, root=tmp_path)
    assert "Documents: 2 created" in output
    assert set(SourceDocument.objects.values_list("identity", flat=True)) == {"a/doc.txt", "b/doc.txt"}
    assert Conflict.objects.filter(sides__isnull=False).distinct().count() == 2
    aleppo = Conflict.objects.get(slug="aleppo-offensive-october-december-2015")
    assert aleppo.events.count() == 71


def test_identity_is_the_path_under_the_root_however_the_path_is_given(tmp_path):
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    shutil.copy(ALEPPO, tmp_path / "docs" / "sub" / "x.txt")
    run(tmp_path / "docs", root=tmp_path)
    output = run(tmp_path / "docs" / "sub" / "x.txt", root=tmp_path)
    assert "1 unchanged" in output
    assert list(SourceDocument.objects.values_list("identity", flat=True)) == ["docs/sub/x.txt"]


def test_a_moved_file_is_recognised_by_its_bytes(tmp_path):
    (tmp_path / "old").mkdir()
    shutil.copy(ALEPPO, tmp_path / "old" / "aleppo.txt")
    run(tmp_path / "old", root=tmp_path)
    events = set(Event.objects.values_list("pk", flat=True))
    (tmp_path / "old").rename(tmp_path / "new")
    run(tmp_path / "new", root=tmp_path)
    assert list(SourceDocument.objects.values_list("identity", flat=True)) == ["new/aleppo.txt"]
    assert set(Event.objects.values_list("pk", flat=True)) == events


def test_two_documents_with_the_same_title_both_keep_their_events(tmp_path):
    """A different document with the same title used to take the offensive and all its events over."""
    shutil.copy(ALEPPO, tmp_path / "first.txt")
    other = tmp_path / "second.txt"
    other.write_text("= Aleppo offensive (October–December 2015) =\n\n"
                     "On 3 November 2015, a convoy reached the Kuweires airbase.\n", encoding="utf-8")
    run(tmp_path / "first.txt", root=tmp_path)
    run(other, root=tmp_path)
    conflict = Conflict.objects.get(slug="aleppo-offensive-october-december-2015")
    assert conflict.events.count() == 72
    first, second = SourceDocument.objects.order_by("pk")
    assert Claim.objects.filter(document=first, object_id=conflict.pk, key="conflict:main").exists()
    assert Claim.objects.filter(document=second, object_id=conflict.pk, key="conflict:main").exists()
    assert conflict.events.filter(source=second).count() == 1
    # re-importing the first (forced) loses nothing of the second, and the reverse
    run(tmp_path / "first.txt", "--force", root=tmp_path)
    run(other, "--force", root=tmp_path)
    assert conflict.events.count() == 72
    assert conflict.sides.count() == 3


def test_a_mirror_copy_without_infobox_keeps_the_first_documents_claims(tmp_path):
    shutil.copy(ALEPPO, tmp_path / "wiki.txt")
    (tmp_path / "mirror.txt").write_text(without_infobox(ALEPPO.read_text(encoding="utf-8")), encoding="utf-8")
    run(tmp_path / "wiki.txt", root=tmp_path)
    conflict = Conflict.objects.get(slug="aleppo-offensive-october-december-2015")
    roles = CommandRole.objects.filter(conflict=conflict).count()
    run(tmp_path / "mirror.txt", root=tmp_path)
    conflict.refresh_from_db()
    assert (conflict.start_date, conflict.end_date) == (datetime.date(2015, 10, 16), datetime.date(2015, 12, 21))
    assert conflict.status == "Syrian government victory"
    assert conflict.sides.count() == 3
    assert CommandRole.objects.filter(conflict=conflict).count() == roles
    # the same sentences told by two documents: one event each, with two sources
    mirror = SourceDocument.objects.get(identity="mirror.txt")
    told_again = len(parse(mirror.text).events)
    assert told_again >= 65
    assert conflict.events.count() == 71
    assert Claim.objects.filter(content_type__model="event", document=mirror).count() == told_again


def test_a_reworded_deleted_sentence_stays_deleted(tmp_path):
    doc = tmp_path / "aleppo.txt"
    shutil.copy(ALEPPO, doc)
    run(doc, root=tmp_path)
    event = Event.objects.get(text__startswith="On 28 October, Russian airstrikes")
    DeletedRecord.remember(event)
    event.delete()
    doc.write_text(doc.read_text(encoding="utf-8").replace(
        "On 28 October, Russian airstrikes bombed", "On 28 October, Russian jets bombed"), encoding="utf-8")
    output = run(doc, root=tmp_path)
    assert not Event.objects.filter(text__contains="Russian jets bombed").exists()
    assert "not re-created (deleted by an editor)" in output


def test_a_locked_event_whose_sentence_is_gone_is_kept_and_not_highlighted(tmp_path):
    doc = tmp_path / "aleppo.txt"
    shutil.copy(ALEPPO, doc)
    run(doc, root=tmp_path)
    event = Event.objects.get(text__startswith="On 28 October, Russian airstrikes")
    event.kind, event.locked_fields = "other", ["kind"]
    event.save()
    text = doc.read_text(encoding="utf-8")
    sentence = next(s for s in text.split("\n") if "On 28 October, Russian airstrikes" in s)
    doc.write_text(text.replace(sentence, ""), encoding="utf-8")
    run(doc, root=tmp_path)
    event.refresh_from_db()
    assert not event.in_source
    assert event.source_url() is None
    assert not Claim.objects.filter(object_id=event.pk, content_type__model="event").exists()


def test_forced_reimport_of_an_unchanged_corpus_changes_no_row(tmp_path):
    shutil.copy(ALEPPO, tmp_path / "a.txt")
    (tmp_path / "b.txt").write_text(without_infobox(ALEPPO.read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copy(PALMYRA, tmp_path / "c.txt")
    run(tmp_path, root=tmp_path)
    before = checksum()
    output = run(tmp_path, "--force", root=tmp_path)
    assert "Records: 0 created, 0 updated" in output
    assert checksum() == before
    run(tmp_path, root=tmp_path)
    assert checksum() == before


@pytest.mark.django_db(transaction=True)
def test_migrations_carry_documents_records_and_locks_over_as_claims():
    executor = MigrationExecutor(connection)
    before = [("sources", "0002_deleted_records"), ("conflicts", "0002_trigram"), ("people", "0001_initial"),
              ("events", "0001_initial")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldDoc, OldConflict = old.get_model("sources", "SourceDocument"), old.get_model("conflicts", "Conflict")
    OldEvent = old.get_model("events", "Event")
    doc = OldDoc.objects.create(name="a.txt", path="docs/a.txt", sha256="0" * 64, text="= A =\nOn 1 May 2016, X.\n")
    conflict = OldConflict.objects.create(name="A", slug="a", source=doc, span_start=2, span_end=3)
    OldEvent.objects.create(source_key="a-1", conflict=conflict, date=datetime.date(2016, 5, 1),
                            text="On 1 May 2016, X.", source=doc, span_start=6, span_end=23, locked_fields=["date"])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    document = SourceDocument.objects.get()
    assert document.identity == "docs/a.txt"
    event = Event.objects.get()
    assert event.locked_fields == ["date"] and event.in_source
    claim = Claim.objects.get(content_type__model="event")
    assert (claim.document_id, claim.object_id, claim.span_start, claim.span_end) == (document.pk, event.pk, 6, 23)
    assert claim.values["date"] == "2016-05-01"
    assert Claim.objects.filter(content_type__model="conflict", object_id=conflict.pk).count() == 1


def test_each_run_is_logged_with_what_changed_per_document(tmp_path):
    doc = tmp_path / "aleppo.txt"
    shutil.copy(ALEPPO, doc)
    run(doc, root=tmp_path)
    doc.write_text(doc.read_text(encoding="utf-8").replace("On 28 October, Russian airstrikes bombed",
                                                          "On 27 October, Russian airstrikes bombed"), encoding="utf-8")
    run(doc, root=tmp_path)
    first, second = ImportRun.objects.order_by("started_at", "pk")
    assert first.imports.get().status == "created"
    assert any(c["action"] == "added" and c["model"] == "events.event" for c in first.imports.get().changes)
    logged = second.imports.get()
    assert (logged.identity, logged.status) == ("aleppo.txt", "updated")
    changed = [c for c in logged.changes if c["action"] == "changed" and c["model"] == "events.event"]
    assert len(changed) == 1
    assert changed[0]["fields"]["date"] == ["2015-10-28", "2015-10-27"]
    assert changed[0]["fields"]["text"][1].startswith("On 27 October")


def test_an_editor_sees_which_documents_state_a_record(tmp_path, admin_client):
    shutil.copy(ALEPPO, tmp_path / "wiki.txt")
    (tmp_path / "mirror.txt").write_text(without_infobox(ALEPPO.read_text(encoding="utf-8")), encoding="utf-8")
    run(tmp_path, root=tmp_path)
    event = Event.objects.get(text__startswith="On 28 October, Russian airstrikes")
    page = admin_client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert "Claims of source documents" in page
    assert page.count("date: 2015-10-28") == 2   # each document's claim with its date


def test_pages_show_the_other_sources_values_side_by_side(tmp_path, client):
    shutil.copy(ALEPPO, tmp_path / "wiki.txt")
    mirror = without_infobox(ALEPPO.read_text(encoding="utf-8")).replace(
        "On 28 October, Russian airstrikes", "On 29 October, Russian airstrikes")
    (tmp_path / "mirror.txt").write_text(mirror, encoding="utf-8")
    run(tmp_path / "wiki.txt", root=tmp_path)
    run(tmp_path / "mirror.txt", root=tmp_path)
    event = Event.objects.get(text__contains="Russian airstrikes bombed")
    assert event.date == datetime.date(2015, 10, 29)   # the most recent document's, both at day precision
    page = client.get(f"{event.conflict.get_absolute_url()}?after=2015-10-28&before=2015-10-29").content.decode()
    row = page[page.index(f'id="event-{event.pk}"'):]
    row = row[:row.index("</li>")]
    assert "Other sources say:" in row and "date 28 October 2015" in row
    assert "Also told by:" in row


def offensive(path, title: str, place: str, side1: str, side2: str, sentence: str) -> None:
    path.write_text(f"= {title} =\n\nInfobox\n- Conflict: {title}\n- Date: 1 May 2016 – 9 May 2016\n"
                    f"- Place: {place}\n- Combatant1: {side1}\n- Combatant2: {side2}\n\n{sentence}\n",
                    encoding="utf-8")


@pytest.mark.parametrize("family", [
    ["Islamic State of Iraq and the Levant", "ISIL", "ISIS", "Islamic State", "IS", "Daesh"],
    ["Syria", "Syrian Arab Republic", "Syrian Government"],
    ["SAA", "Syrian Army", "Syrian Arab Army"],
    ["Harakat al-Nujaba", "Harakat Hezbollah al-Nujaba"],
], ids=["isil", "syria", "saa", "nujaba"])
def test_acronyms_and_renamings_are_one_force(tmp_path, family):
    for n, name in enumerate(family):
        offensive(tmp_path / f"o{n}.txt", f"Offensive number {n}", "Aleppo, Syria", name, "Free Syrian Army",
                  f"On {n + 2} May 2016, fighters attacked the village of Tel Rifaat.")
    run(tmp_path, root=tmp_path)
    owners = {Participation.objects.get(side__conflict__name=f"Offensive number {n}", side__number=1).force_id
              for n in range(len(family))}
    assert len(owners) == 1


def test_an_acronym_a_document_introduces_joins_its_full_name(tmp_path):
    offensive(tmp_path / "a.txt", "First offensive", "Idlib, Syria", "Jaysh al-Ahrar Brigades", "Syria",
              "On 2 May 2016, the Jaysh al-Ahrar Brigades (JAB) attacked the village of Kafr Nubl.")
    offensive(tmp_path / "b.txt", "Second offensive", "Idlib, Syria", "JAB", "Syria",
              "On 3 May 2016, fighters attacked the village of Kafr Nubl.")
    run(tmp_path / "a.txt", root=tmp_path)
    run(tmp_path / "b.txt", root=tmp_path)
    first, second = (Participation.objects.get(side__conflict__name=name, side__number=1).force_id
                     for name in ("First offensive", "Second offensive"))
    assert first == second
    learned = KnownName.objects.get(name="JAB")
    assert (learned.same_as, learned.origin) == ("Jaysh al-Ahrar Brigades", KnownName.Origin.LEARNED)


def test_places_of_one_name_in_two_countries_stay_apart(tmp_path):
    offensive(tmp_path / "iraq.txt", "Qayyarah offensive", "Qayyarah, Nineveh Governorate, Iraq", "Iraq", "ISIL",
              "On 2 May 2016, Iraqi forces captured the village of al-Sirt.")
    offensive(tmp_path / "libya.txt", "Sirte offensive", "Sirte District, Libya", "Government of National Accord",
              "ISIL", "On 3 May 2016, government forces captured Sirte.")
    run(tmp_path, root=tmp_path)
    iraq = Event.objects.get(conflict__name="Qayyarah offensive").places.get()
    libya = Event.objects.get(conflict__name="Sirte offensive").places.get()
    assert iraq.pk != libya.pk


def test_the_known_names_ship_with_the_database():
    assert KnownName.objects.filter(origin=KnownName.Origin.SHIPPED, same_as="Islamic State of Iraq and the Levant",
                                    name="Daesh").exists()
    assert KnownName.objects.filter(origin=KnownName.Origin.SHIPPED).count() > 100


def test_documents_that_disagree_on_a_units_parent_re_import_without_changes(tmp_path):
    for n, parent in enumerate(("1st Army", "2nd Army")):
        (tmp_path / f"d{n}.txt").write_text(
            f"= Offensive {n} =\n\nInfobox\n- Conflict: Offensive {n}\n- Date: 1 May 2016 – 9 May 2016\n"
            f"- Place: Homs, Syria\n- Combatant1: Syria\n- Combatant2: Free Syrian Army\n"
            f"- Units1: {parent}, * 4th Mechanized Division\n\nOn 2 May 2016, the army attacked Talbiseh.\n",
            encoding="utf-8")
    run(tmp_path, root=tmp_path)
    unit = Participation.objects.filter(force__name="4th Mechanized Division").first().force
    assert unit.parent.name == "2nd Army"   # the most recent document's hierarchy
    before = checksum()
    for name in ("d1.txt", "d0.txt", "d1.txt"):
        output = run(tmp_path / name, "--force", root=tmp_path)
        assert "Records: 0 created, 0 updated" in output
    assert checksum() == before


def test_a_field_no_document_states_keeps_the_empty_value_a_document_gives():
    """The newest document names the record without the field (an offensive named only as another's
    parent: name and kind); an older one gives it empty (no territory): the empty value holds, not None
    (a corpus import failed on conflicts_conflict.territory NOT NULL)."""
    from importer.claims import choose
    newest = {"name": "Operation Serval", "kind": "operation"}
    older = {"name": "Operation Serval", "kind": "operation", "territory": [], "extra": {}, "status": ""}
    assert choose(Conflict, [newest, older]) == {"name": "Operation Serval", "kind": "operation",
                                                 "territory": [], "extra": {}, "status": ""}

"""The review queue (issue 18, item 3): imports raise an item for each doubt, once per key; editors'
decisions (accept, fix, reject) close items, apply where there is a mechanism, and survive re-imports.
Documents written for these tests."""
from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.urls import reverse

from conflicts.models import Conflict, Force
from events.models import Event, Place
from importer.models import ReviewItem
from importer.review import NEAR_THRESHOLD, REASONS, sentence_at
from sources import resolve
from sources.models import DeletedRecord, ResolutionDecision

pytestmark = pytest.mark.django_db

ALPHA = """= Alpha offensive =

Infobox
- Conflict: Alpha offensive
- Date: 1 May 2016 – 30 May 2016
- Place: Homs, Syria
- Status: Syrian Army victory
- Combatant1: Syria, Qalamoun Shield Forces
- Combatant2: Free Syrian Army

==Offensive==
On 3 May 2016, the army attacked the town of Rastan. The soldiers then withdrew to their positions.

On 9 May 2016, the rebels shelled the village of Talbiseh.

On 12 May 2016, government forces captured Ghanto.
"""
# the same offensive told again: another status, another day for the shelling
ALPHA_MIRROR = """= Alpha offensive =

Infobox
- Conflict: Alpha offensive
- Date: 1 May 2016 – 30 May 2016
- Status: Rebel victory
- Combatant1: Syria
- Combatant2: Free Syrian Army

==Offensive==
On 10 May 2016, the rebels shelled the village of Talbiseh.
"""
# another offensive naming the militia a little differently (the resolver joins it at 86.5)
BETA = """= Beta offensive =

Infobox
- Conflict: Beta offensive
- Date: 1 June 2016 – 30 June 2016
- Place: Damascus, Syria
- Combatant1: Syria, Qalamoun Shield
- Combatant2: Jaysh al-Islam

==Offensive==
On 4 June 2016, the army attacked Douma.
"""
# an offensive with no place line: its places are looked up in a country the importer infers (Syria)
GAMMA = """= Gamma offensive =

Infobox
- Conflict: Gamma offensive
- Date: 1 March 2016 – 27 March 2016
- Combatant1: Syria
- Combatant2: Islamic State of Iraq and the Levant

==Offensive==
On 27 March 2016, the army captured Palmyra.
"""
# a plain page whose infobox runs the sides together
FLATTENED = ("Stalemate Ukraine Russia 2,000 soldiers The Example offensive of May 2016 was an operation of the "
             "army. On 3 May 2016, the army attacked. The soldiers then withdrew.\n")


def run(folder, *names, force=False) -> str:
    out = io.StringIO()
    call_command("import_sources", *[str(folder / n) for n in names], "--no-progress", "--root", str(folder),
                 *(["--force"] if force else []), stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def corpus(tmp_path):
    for name, text in (("alpha.txt", ALPHA), ("alpha-mirror.txt", ALPHA_MIRROR), ("beta.txt", BETA),
                       ("example.txt", FLATTENED), ("gamma.txt", GAMMA)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    run(tmp_path, "alpha.txt", "beta.txt", "alpha-mirror.txt", "example.txt", "gamma.txt")
    # an editor corrected the Ghanto event; then its sentence left the source
    ghanto = Event.objects.get(text__contains="Ghanto")
    ghanto.kind, ghanto.locked_fields = "attack", ["kind"]
    ghanto.save()
    (tmp_path / "alpha.txt").write_text(ALPHA.replace("On 12 May 2016, government forces captured Ghanto.\n", ""),
                                        encoding="utf-8")
    run(tmp_path, "alpha.txt")
    return tmp_path


def open_items(reason=None):
    items = ReviewItem.objects.filter(status="open")
    return items.filter(reason=reason) if reason else items


def test_imports_raise_an_item_of_each_reason(corpus):
    assert set(open_items().values_list("reason", flat=True)) == set(REASONS)

    unresolved = open_items("sides_unresolved").get()
    assert unresolved.record == Conflict.objects.get(name="Example offensive (May 2016)")
    assert unresolved.evidence["candidates"] == ["Ukraine", "Russia"]

    continued = {i.evidence["sentence"]: i for i in open_items("continuation")}
    assert set(continued) == {"The soldiers then withdrew to their positions.", "The soldiers then withdrew."}
    item = continued["The soldiers then withdrew to their positions."]
    assert item.evidence["dated_by"] == "On 3 May 2016, the army attacked the town of Rastan."
    assert item.evidence["date"] == "3 May 2016"
    assert item.conflict.name == "Alpha offensive" and isinstance(item.record, Event)

    join = open_items("close_join").get()
    assert join.record == Force.objects.get(name="Qalamoun Shield Forces")
    assert join.evidence["name"] == "Qalamoun Shield"
    assert resolve.THRESHOLD <= join.evidence["candidates"][0]["score"] < resolve.THRESHOLD + NEAR_THRESHOLD
    assert "Qalamoun Shield" in join.evidence["sentence"]

    disagree = {i.evidence["field"]: i for i in open_items("disagree")}
    assert set(disagree) == {"status", "date"}
    assert {c["value"] for c in disagree["date"].evidence["candidates"]} == {"9 May 2016", "10 May 2016"}
    assert {c["value"] for c in disagree["status"].evidence["candidates"]} == {"Syrian Army victory", "Rebel victory"}

    gone = open_items("not_in_source").get()
    assert gone.record == Event.objects.get(text__contains="Ghanto", in_source=False)

    located = open_items("gazetteer").get()
    assert located.record == Place.objects.get(name="Palmyra", coordinates_origin="gazetteer")
    assert located.evidence["country_inferred"] is True and located.evidence["country"] == "SY"
    assert located.evidence["sentence"] == "On 27 March 2016, the army captured Palmyra."
    assert located.conflict.name == "Gamma offensive"
    assert not open_items("gazetteer").filter(conflict__name__in=["Alpha offensive", "Beta offensive"]).exists()


def test_a_reimport_finds_its_items_instead_of_adding_others(corpus):
    before = dict(ReviewItem.objects.values_list("key", "pk"))
    run(corpus, "alpha.txt", "beta.txt", "alpha-mirror.txt", "example.txt", force=True)
    assert dict(ReviewItem.objects.values_list("key", "pk")) == before


def test_an_item_whose_doubt_left_the_source_leaves_the_queue(corpus):
    (corpus / "alpha.txt").write_text(ALPHA.replace(" The soldiers then withdrew to their positions.", "")
                                      .replace("On 12 May 2016, government forces captured Ghanto.\n", ""))
    run(corpus, "alpha.txt")
    assert [i.evidence["sentence"] for i in open_items("continuation")] == ["The soldiers then withdrew."]


def test_a_document_that_parts_the_sides_settles_their_item(corpus):
    assert open_items("sides_unresolved").exists()
    (corpus / "example-structured.txt").write_text(
        "= Example offensive (May 2016) =\n\nInfobox\n- Conflict: Example offensive (May 2016)\n"
        "- Date: 1 May 2016 – 9 May 2016\n- Combatant1: Ukraine\n- Combatant2: Russia\n\n"
        "==Offensive==\nOn 3 May 2016, the army attacked.\n", encoding="utf-8")
    run(corpus, "example-structured.txt")
    assert not Conflict.objects.get(name="Example offensive (May 2016)").sides_unresolved
    assert not open_items("sides_unresolved").exists()


@pytest.fixture
def editor():
    call_command("create_editors_group", verbosity=0)
    user = User.objects.create_user("editor", password="x-long-passphrase", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def decide(client, item, decision, **extra):
    return client.post(reverse("admin:importer_reviewitem_decide", args=[item.pk]), {"decision": decision, **extra})


def test_decisions_apply_and_survive_a_reimport(corpus, editor_client, editor):
    join = open_items("close_join").get()
    disagree = open_items("disagree").get(evidence__field="date")
    gone = open_items("not_in_source").get()
    continued = open_items("continuation").first()
    unresolved = open_items("sides_unresolved").get()

    assert decide(editor_client, join, "rejected").status_code == 302          # split off, never joined again
    assert ResolutionDecision.objects.filter(name="Qalamoun Shield", decision="forbid").exists()
    split = Force.objects.get(name="Qalamoun Shield")
    assert decide(editor_client, disagree, "accepted").status_code == 302      # the date shown is locked
    assert {"date", "precision"} <= set(Event.objects.get(pk=disagree.object_id).locked_fields)
    assert decide(editor_client, gone, "rejected").status_code == 302          # deleted, and remembered
    assert not Event.objects.filter(pk=gone.object_id).exists()
    assert DeletedRecord.objects.filter(text__contains="Ghanto").exists()
    assert decide(editor_client, continued, "accepted").status_code == 302
    response = decide(editor_client, unresolved, "fixed")                      # to the offensive's form
    assert response.url.startswith(reverse("admin:conflicts_conflict_change", args=[unresolved.object_id]))
    assert "_return=" in response.url

    decided = dict(ReviewItem.objects.exclude(status="open").values_list("key", "status"))
    assert decided == {join.key: "rejected", disagree.key: "accepted", gone.key: "rejected",
                       continued.key: "accepted", unresolved.key: "fixed"}
    assert ReviewItem.objects.get(pk=join.pk).decided_by == editor

    (corpus / "alpha.txt").write_text(ALPHA, encoding="utf-8")   # Ghanto is back in the source: still deleted
    run(corpus, "alpha.txt", "beta.txt", "alpha-mirror.txt", "example.txt", force=True)
    assert dict(ReviewItem.objects.exclude(status="open").values_list("key", "status")) == decided
    assert not open_items().filter(key__in=decided).exists()
    assert not open_items("close_join").exists()                    # the split name stays apart
    assert Force.objects.get(name="Qalamoun Shield") == split
    assert not Event.objects.filter(text__contains="Ghanto").exists()


@pytest.mark.parametrize("decision", ["accepted", "rejected"])
def test_a_gazetteer_match_accepted_is_locked_rejected_is_cleared_for_good(corpus, editor_client, decision):
    item = open_items("gazetteer").get()
    assert decide(editor_client, item, decision).status_code == 302
    place = Place.objects.get(pk=item.object_id)
    assert {"latitude", "longitude"} <= set(place.locked_fields)
    if decision == "accepted":
        assert place.coordinates_origin == "gazetteer" and place.latitude is not None
    else:
        assert (place.coordinates_origin, place.latitude, place.longitude, place.geonames_id) == ("editor", None,
                                                                                                None, None)
    run(corpus, "gamma.txt", force=True)                       # imported again: the decision holds
    call_command("geocode_places", stdout=io.StringIO())      # and the gazetteer does not redo it
    again = Place.objects.get(pk=place.pk)
    assert (again.latitude, again.coordinates_origin) == (place.latitude, place.coordinates_origin)
    assert ReviewItem.objects.get(pk=item.pk).status == decision
    assert not open_items("gazetteer").exists()


def test_the_queue_lists_open_items_newest_first_filtered_by_reason_and_offensive(corpus, editor_client):
    page = editor_client.get(reverse("admin:importer_reviewitem_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('name="decision" value="accepted"') == open_items().count()
    alpha = Conflict.objects.get(name="Alpha offensive")
    filtered = editor_client.get(reverse("admin:importer_reviewitem_changelist"),
                                 {"reason": "continuation", "conflict__id__exact": alpha.pk})
    shown = list(filtered.context["cl"].result_list)
    assert [i.reason for i in shown] == ["continuation"] and shown[0].conflict == alpha
    items = list(editor_client.get(reverse("admin:importer_reviewitem_changelist")).context["cl"].result_list)
    assert [i.created_at for i in items] == sorted((i.created_at for i in items), reverse=True)
    item = open_items("close_join").get()
    # the item and its buttons first; every item raised the same day: no date on the rows
    assert page.context["cl"].list_display[1:3] == ["item", "decision_buttons"]
    assert 'class="review-raised"' not in html
    ReviewItem.objects.filter(pk=item.pk).update(created_at=item.created_at - datetime.timedelta(days=3))
    html = editor_client.get(reverse("admin:importer_reviewitem_changelist")).content.decode()
    assert html.count('class="review-raised"') == open_items().count()
    detail = editor_client.get(reverse("admin:importer_reviewitem_change", args=[item.pk])).content.decode()
    assert "Qalamoun Shield" in detail and "86.5" in detail and 'value="rejected"' in detail


def test_decided_items_leave_the_queue_and_can_be_reopened(corpus, editor_client):
    item = open_items("continuation").first()
    decide(editor_client, item, "accepted")
    listed = editor_client.get(reverse("admin:importer_reviewitem_changelist")).context["cl"].result_list
    assert item not in listed
    accepted = editor_client.get(reverse("admin:importer_reviewitem_changelist"), {"status": "accepted"})
    assert item in accepted.context["cl"].result_list
    decide(editor_client, item, "open")
    assert ReviewItem.objects.get(pk=item.pk).status == "open"


def test_actions_decide_several_items(corpus, editor_client):
    items = list(open_items("continuation"))
    response = editor_client.post(reverse("admin:importer_reviewitem_changelist"),
                                  {"action": "accept_selected", "_selected_action": [i.pk for i in items]})
    assert response.status_code == 302
    assert set(ReviewItem.objects.filter(pk__in=[i.pk for i in items]).values_list("status", flat=True)) == {"accepted"}


def test_only_staff_with_the_permission_decide(corpus, client, editor):
    item = open_items("continuation").first()
    url = reverse("admin:importer_reviewitem_changelist")
    assert client.get(url).status_code == 302                                  # anonymous: to the login page
    reader = User.objects.create_user("reader", password="x-long-passphrase")
    client.force_login(reader)
    assert client.get(url).status_code == 302                                  # not staff
    assert decide(client, item, "accepted").status_code == 302
    viewer = User.objects.create_user("viewer", password="x-long-passphrase", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_reviewitem"))
    client.force_login(viewer)
    page = client.get(url)
    assert page.status_code == 200 and 'value="accepted"' not in page.content.decode()
    assert decide(client, item, "accepted").status_code == 403
    assert ReviewItem.objects.get(pk=item.pk).status == "open"
    client.force_login(editor)
    assert decide(client, item, "bogus").status_code == 400
    assert client.get(reverse("admin:importer_reviewitem_decide", args=[item.pk])).status_code == 405


def test_a_decision_returns_only_to_this_site(corpus, editor_client):
    item = open_items("continuation").first()
    response = decide(editor_client, item, "accepted", _return="https://evil.example/")
    assert response.url == reverse("admin:importer_reviewitem_changelist")


def test_fill_review_queue_finds_items_in_data_imported_before(corpus):
    keys = set(ReviewItem.objects.exclude(reason="continuation").values_list("key", flat=True))
    ReviewItem.objects.all().delete()
    out = io.StringIO()
    call_command("fill_review_queue", stdout=out)
    assert set(ReviewItem.objects.values_list("key", flat=True)) == keys
    call_command("fill_review_queue", stdout=out)                              # again: nothing new
    assert set(ReviewItem.objects.values_list("key", flat=True)) == keys


def test_a_dry_run_raises_nothing(tmp_path):
    (tmp_path / "example.txt").write_text(FLATTENED, encoding="utf-8")
    call_command("import_sources", str(tmp_path / "example.txt"), "--dry-run", "--no-progress",
                 stdout=io.StringIO(), stderr=io.StringIO())
    assert not ReviewItem.objects.exists()


def test_sentence_at_cuts_the_sentence_around_a_span():
    text = "First one. The second names Qalamoun Shield here. Third."
    at = text.index("Qalamoun")
    assert sentence_at(text, at, at + 8) == "The second names Qalamoun Shield here."

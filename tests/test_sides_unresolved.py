"""Sides a plain source does not tell apart (issue 13): kept on one side, stored as unresolved, said on
the offensive's page and listed for editors; never guessed silently. Texts written for these tests."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from conflicts.models import Conflict

pytestmark = pytest.mark.django_db

FLATTENED = ("Ukrainian victory Ukraine Russia 2,000 soldiers The Example offensive of May 2016 was an operation "
             "of the army. On 3 May 2016, the army attacked.\n")
STRUCTURED = ("= Example offensive (May 2016) =\n\nInfobox\n- Conflict: Example offensive (May 2016)\n"
              "- Date: 1 May 2016 – 9 May 2016\n- Combatant1: Ukraine\n- Combatant2: Russia\n\n"
              "==Offensive==\nOn 3 May 2016, the army attacked.\n")


def run(path) -> str:
    out = io.StringIO()
    call_command("import_sources", str(path), "--no-progress", "--root", str(path.parent), stdout=out, stderr=out)
    return out.getvalue()


def test_a_flattened_run_with_one_side_is_stored_and_shown_as_unresolved(tmp_path, client, admin_client):
    (tmp_path / "example.txt").write_text(FLATTENED, encoding="utf-8")
    run(tmp_path / "example.txt")
    offensive = Conflict.objects.get(name="Example offensive (May 2016)")
    assert offensive.sides_unresolved
    assert offensive.sides.count() == 1
    page = client.get(offensive.get_absolute_url()).content.decode()
    assert "The sides could not be told apart from the source" in page
    listed = admin_client.get("/admin/conflicts/conflict/", {"sides_unresolved__exact": "1"}).content.decode()
    assert "Example offensive (May 2016)" in listed


def test_a_later_source_that_tells_the_sides_apart_clears_the_mark(tmp_path, client):
    (tmp_path / "example.txt").write_text(FLATTENED, encoding="utf-8")
    run(tmp_path / "example.txt")
    assert Conflict.objects.get(name="Example offensive (May 2016)").sides_unresolved
    (tmp_path / "example-structured.txt").write_text(STRUCTURED, encoding="utf-8")
    run(tmp_path / "example-structured.txt")
    offensive = Conflict.objects.get(name="Example offensive (May 2016)")
    assert not offensive.sides_unresolved       # the most recent document that states it
    page = client.get(offensive.get_absolute_url()).content.decode()
    assert "could not be told apart" not in page

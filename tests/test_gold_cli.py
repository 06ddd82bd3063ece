"""The done-criterion of the importer issues, through the command: `import_sources --dry-run --json`
on the two seeds scores 1.000 against the project's own copy of the gold extraction."""
import io
import json

import pytest
from django.core.management import call_command

from tests.conftest import SAMPLES
from tests.parsing.test_gold import GOLD, score_doc

pytestmark = pytest.mark.django_db


def test_cli_extraction_of_both_seeds_matches_gold():
    out = io.StringIO()
    call_command("import_sources", *sorted(map(str, SAMPLES.glob("*.txt"))), "--dry-run", "--json",
                 "--no-progress", stdout=out, stderr=io.StringIO())
    predictions = {doc["document"].rsplit("/", 1)[-1]: doc for doc in json.loads(out.getvalue())}
    golds = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(GOLD.glob("*.json"))]
    assert len(golds) == 2
    for gold in golds:
        s = score_doc(gold, predictions[gold["document"]])
        ev = s["events"]
        assert ev["matched"] == ev["gold"], f"{gold['document']}: event recall {ev['matched']}/{ev['gold']}"
        assert ev["dated"] == ev["gold"], f"{gold['document']}: date accuracy {ev['dated']}/{ev['gold']}"
        assert ev["pred_matched"] == ev["pred"], f"{gold['document']}: extra events {ev['pred'] - ev['pred_matched']}"
        for part in ("commanders", "units", "belligerents"):
            assert s[part][2] == 1.0, f"{gold['document']}: {part} F1 {s[part][2]:.3f}"
        assert s["infobox"] == (3, 3), gold["document"]

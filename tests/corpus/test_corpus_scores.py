"""The development corpus (README.md here) scored with the shared scorer: no document is rejected,
and no score falls below its floor (a ratchet: raise a floor when the parser gets better).

Issue 13's targets are event recall 0.97, date accuracy 0.95, event precision 0.97 and commanders,
units and belligerents F1 0.95; every target is reached, and each floor is what the parser reaches,
rounded down by 0.01 (never below its target). The documents are parsed as ``import_sources`` reads
them, without a database: structured documents first, then plain ones, each read with the force
names of the shipped known names and of the documents read before it (``bench/score_corpus.py``
runs the importer itself)."""
from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sources.parsing import ParseError, detect_format, parse
from sources.parsing.export import to_json
from sources.parsing.records import DocumentRecord
from sources.parsing.sides import KnownForces, KnownSides
from sources.parsing.text import norm

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCORER = ROOT.parent / "shared" / "tools" / "score_extraction.py"

TARGETS = {"event_recall": 0.97, "date_accuracy": 0.95, "event_precision": 0.97,
           "commanders_f1": 0.95, "units_f1": 0.95, "belligerents_f1": 0.95}
# every target is reached (whole corpus, read this way, after the sides by evidence and the lead on a
# glued infobox's line: event recall 0.991, dates 0.980, precision 0.974, commanders 1.000, units 0.976,
# belligerents 0.984): each floor is the score rounded down by 0.01, never below its target
FLOORS = {"event_recall": 0.98, "date_accuracy": 0.97, "event_precision": 0.97,
          "commanders_f1": 0.99, "units_f1": 0.96, "belligerents_f1": 0.97}


def _known_names() -> list[str]:
    data = json.loads((ROOT / "sources" / "data" / "known_names.json").read_text(encoding="utf-8"))
    return [name for family in data.get("force", []) for name in family]


def documents() -> list[Path]:
    return sorted(HERE.glob("*/*.txt"))


@functools.cache
def read_corpus() -> tuple[dict[Path, DocumentRecord], dict[str, str]]:
    """Every document parsed as ``import_sources`` reads the corpus: structured documents first, each
    read with the force names of those before it and the sides they told apart (``KnownForces``, the
    evidence that splits a plain infobox run); (records by path, rejected file names with the error)."""
    docs = documents()
    texts = {p: p.read_text(encoding="utf-8") for p in docs}
    ordered = sorted(docs, key=lambda p: (detect_format(texts[p]) == "plain", str(p)))
    known, sides = _known_names(), KnownSides()
    records, rejected = {}, {}
    for path in ordered:
        try:
            doc = parse(path.read_bytes(), name=path.name, known_forces=KnownForces(known, sides))
        except ParseError as exc:
            rejected[path.name] = str(exc)
            continue
        records[path] = doc
        for side in doc.sides:
            known += [b.name for b in side.belligerents] + [u.name for u in side.units]
        if not doc.sides_unresolved:
            sides.add_record(path.stem, doc.sides)
    return records, rejected


@pytest.fixture(scope="module")
def predictions() -> tuple[list[dict], dict[str, str]]:
    records, rejected = read_corpus()
    return [to_json(doc, path.name) for path, doc in records.items()], rejected


def test_the_corpus_is_there():
    assert len(documents()) >= 40


def test_no_document_is_rejected(predictions):
    _, rejected = predictions
    assert rejected == {}


@pytest.mark.skipif(not SCORER.exists(), reason=f"the shared scorer is not at {SCORER}")
def test_scores_do_not_fall_below_their_floors(predictions, tmp_path):
    preds, _ = predictions
    path = tmp_path / "predictions.json"
    path.write_text(json.dumps(preds, ensure_ascii=False), encoding="utf-8")
    folders = sorted({p.parent for p in documents()})
    gold = tmp_path / "gold"
    gold.mkdir()
    for folder in folders:                 # the scorer reads one folder of gold files
        for g in folder.glob("*.json"):
            (gold / g.name).write_bytes(g.read_bytes())
    proc = subprocess.run([sys.executable, str(SCORER), "--gold", str(gold), str(path)],
                          capture_output=True, text=True, check=True)
    total = next(line for line in proc.stdout.splitlines() if line.startswith("TOTAL"))
    scores = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)(?:\s|$)", total)}
    low = {k: (scores[k], floor) for k, floor in FLOORS.items() if scores[k] < floor}
    assert not low, f"below the floor (score, floor): {low}\n{total}"
    assert all(FLOORS[k] >= TARGETS[k] for k in TARGETS)     # a floor is never below issue 13's target


# Documents whose sides the parser still gets wrong without saying so (none today; list a stem here,
# with the reason, rather than weaken the test).
SIDES_WRONG: set[str] = set()
# Documents whose sides are told apart right but whose flattened run glues two belligerents' names
# into other names (the names are scored by belligerents F1): their sides are compared by words.
NAMES_GLUED = {"p4-battle-of-konna": "'Al-Qaeda in the Islamic Maghreb' runs into 'Movement for Oneness and Jihad "
                                     "in West Africa'"}
# The sides the evidence tells apart in this corpus (structured and rendered documents' columns aside): a
# plain infobox run that does not part them, split by the result, the lead, units and commanders naming
# their party and the sides of the documents read before (raise this when the evidence grows)
SPLIT_BY_EVIDENCE = {"p1-fallujah-offensive-2016", "p1-palmyra-offensive-march-2016", "p4-battle-of-konna"}


def _words(names) -> list[str]:
    return sorted(w for name in names for w in norm(name).split())


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.stem)
def test_sides_exactly_or_marked_unresolved(path):
    """The scorer pools belligerents over the sides: here each offensive's sides are compared
    exactly (which belligerents on which side), unless the parser marks them unresolved."""
    if path.stem in SIDES_WRONG:
        pytest.xfail("the flattened run's sides are cut in the wrong place")
    doc = read_corpus()[0][path]
    gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    if doc.sides_unresolved:
        assert len([s for s in doc.sides if s.belligerents]) == 1
        return
    if path.stem in NAMES_GLUED:
        assert [_words(b.name for b in s.belligerents) for s in doc.sides] == [
            _words(b["name"] for b in s["belligerents"]) for s in gold["sides"]]
        return
    assert [sorted(norm(b.name) for b in s.belligerents) for s in doc.sides] == [
        sorted(norm(b["name"]) for b in s["belligerents"]) for s in gold["sides"]]


def test_sides_split_by_evidence():
    """The plain runs that do not part their sides and that the evidence splits (each checked above
    against the gold); the rest stay one side, marked unresolved, with the reason as a problem."""
    split = {p.stem for p, doc in read_corpus()[0].items()
             if any("told apart by evidence:" in x.message for x in doc.problems)}
    assert split == SPLIT_BY_EVIDENCE
    for path, doc in read_corpus()[0].items():
        if doc.sides_unresolved:
            assert any("could not be told apart by evidence" in x.message for x in doc.problems), path.stem

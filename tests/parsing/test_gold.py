"""The two seeds against their gold extraction (tests/parsing/gold/, copies of shared/gold/).

The scorer below is shared/tools/score_extraction.py's logic, copied."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from sources.parsing import parse
from sources.parsing.export import to_json

ROOT = Path(__file__).resolve().parents[2]
GOLD = Path(__file__).parent / "gold"
SEEDS = ROOT / "fixtures" / "sources"
CASES = [
    ("001_b1d4a69e7f8d3536.txt", "aleppo-offensive-october-december-2015.json"),
    ("000_062e724f942c86c7.txt", "palmyra-offensive-december-2016.json"),
]

# ---- scorer (copied from shared/tools/score_extraction.py) ----------------------------------
CITATION = re.compile(r"^\s*(\[\d+\]\s*)+")
SPACES = re.compile(r"\s+")
PUNCT = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " "}
)


def norm(text):
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(PUNCT)
    text = CITATION.sub("", text)
    return SPACES.sub(" ", text).strip().lower()


def name_key(value):
    if isinstance(value, dict):
        value = value.get("name")
    return norm(value)


def f1(gold, pred):
    if not gold and not pred:
        return 1.0, 1.0, 1.0
    hit = len(gold & pred)
    p = hit / len(pred) if pred else 0.0
    r = hit / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def side_sets(doc, field, key):
    out = set()
    for side in doc.get("sides") or []:
        for item in side.get(field) or []:
            k = key(item)
            if k:
                out.add(k)
    return out


def unit_key(item):
    if isinstance(item, dict):
        return (norm(item.get("name")), norm(item.get("parent")))
    return (norm(item), "")


def score_events(gold_events, pred_events):
    used = set()
    matched = dated = 0
    for g in gold_events:
        prefix = norm(g.get("starts_with"))
        for i, p in enumerate(pred_events):
            if i in used:
                continue
            text = norm(p.get("text") or p.get("starts_with"))
            if prefix and text.startswith(prefix):
                used.add(i)
                matched += 1
                if p.get("date") == g.get("date") and (p.get("end_date") or None) == (
                    g.get("end_date") or None
                ):
                    dated += 1
                break
    return {
        "gold": len(gold_events),
        "pred": len(pred_events),
        "matched": matched,
        "dated": dated,
        "pred_matched": len(used),
    }


def score_doc(gold, pred):
    ev = score_events(gold.get("events") or [], pred.get("events") or [])
    com = f1(side_sets(gold, "commanders", name_key), side_sets(pred, "commanders", name_key))
    uni = f1(side_sets(gold, "units", unit_key), side_sets(pred, "units", unit_key))
    bel = f1(side_sets(gold, "belligerents", name_key), side_sets(pred, "belligerents", name_key))
    exact = sum(
        norm(str(gold.get(f) or "")) == norm(str(pred.get(f) or "")) for f in ("title", "start", "end")
    )
    return {"events": ev, "commanders": com, "units": uni, "belligerents": bel, "infobox": (exact, 3)}


# ---- helpers --------------------------------------------------------------------------------
def predict(seed: str, known=()) -> tuple[dict, dict]:
    data = (SEEDS / seed).read_bytes()
    doc = parse(data, name=seed, known_forces=known)
    return doc, to_json(doc, seed)


def gold_of(name: str) -> dict:
    return json.loads((GOLD / name).read_text(encoding="utf-8"))


# the plain seed is split with no names known, and with names a database would know
KNOWN = ((), ("Syrian Armed Forces", "Liwa Fatemiyoun", "Hezbollah", "ISIL", "Islamic State", "Syria"))


@pytest.mark.parametrize("known", KNOWN, ids=["no-known-forces", "known-forces"])
@pytest.mark.parametrize(("seed", "gold_name"), CASES)
def test_scores(seed, gold_name, known):
    _, pred = predict(seed, known)
    gold = gold_of(gold_name)
    s = score_doc(gold, pred)
    assert s["commanders"][2] == 1.0
    assert s["units"][2] == 1.0
    assert s["belligerents"][2] == 1.0
    assert s["infobox"] == (3, 3)
    for key in ("title", "start", "end"):
        assert pred[key] == gold[key]
    ev = s["events"]
    assert ev["matched"] == ev["gold"], "event recall below 1"
    assert ev["dated"] == ev["gold"], "date accuracy below 1"


@pytest.mark.parametrize(("seed", "gold_name"), CASES)
def test_unscored_fields_exact(seed, gold_name):
    _, pred = predict(seed)
    gold = gold_of(gold_name)
    for key in ("document", "title", "start", "end", "status", "place", "part_of", "territory", "sides"):
        assert pred[key] == gold[key], key
    assert list(pred) == list(gold)
    for ps, gs in zip(pred["sides"], gold["sides"], strict=True):
        assert list(ps) == list(gs)


@pytest.mark.parametrize(("seed", "gold_name"), CASES)
def test_event_keys(seed, gold_name):
    _, pred = predict(seed)
    keys = [
        "date",
        "end_date",
        "precision",
        "time_of_day",
        "starts_with",
        "text",
        "section",
        "places",
        "kind",
    ]
    for e in pred["events"]:
        assert list(e) == keys


STRAY = re.compile(r"\b\d+px\b|\[\d+\]|KIA\b|^\W+$")


@pytest.mark.parametrize(("seed", "gold_name"), CASES)
def test_no_markup_left_in_names(seed, gold_name):
    _, pred = predict(seed)
    for side in pred["sides"]:
        names = [b["name"] for b in side["belligerents"]] + [c["name"] for c in side["commanders"]]
        names += [u["name"] for u in side["units"]] + [u["parent"] for u in side["units"] if u["parent"]]
        for name in names:
            assert not STRAY.search(name), name
            assert not (name.startswith("(") and name.endswith(")")), name
            assert not name.startswith('"') and not name.endswith('"'), name
            assert name == name.strip() and "  " not in name


@pytest.mark.parametrize(("seed", "gold_name"), CASES)
def test_spans_cover_values(seed, gold_name):
    doc, _ = predict(seed)
    from sources.parsing.text import decode

    text, _enc = decode((SEEDS / seed).read_bytes())
    assert text[doc.title_span.start : doc.title_span.end] in (
        doc.title,
        "Palmyra offensive in December 2016",
    )
    for side in doc.sides:
        for item in side.belligerents + side.commanders + side.units:
            covered = re.sub(r"\[\d+\]", "", text[item.span.start : item.span.end])
            assert item.name in covered, (item.name, covered)
        for st in side.strength:
            covered = re.sub(r"\[\d+\]", "", text[st.span.start : st.span.end])
            assert re.sub(r"\s+", " ", covered) == st.text

"""bench/corpus.py: the synthetic corpus generator agrees with the parser (no database needed)."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from sources.parsing import ParseError, parse

ROOT = Path(__file__).resolve().parents[1]


def _load_corpus():
    # bench/ is not a package: load the script under a name of its own
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_corpus"] = module   # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus()


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """16 documents of 12 events, half plain, a quarter bad, two with gold-like JSON."""
    out = tmp_path_factory.mktemp("mixed")
    paths, manifest = corpus.generate(out, docs=16, events=12, bad_share=0.25, seed=5, with_json=2, details=True)
    return out, paths, manifest


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    args = {"docs": 6, "events": 8, "bad_share": 0.34, "with_json": 1}
    corpus.generate(tmp_path / "a", seed=3, **args)
    corpus.generate(tmp_path / "b", seed=3, **args)
    corpus.generate(tmp_path / "c", seed=4, **args)
    a, b, c = files(tmp_path / "a"), files(tmp_path / "b"), files(tmp_path / "c")
    assert a == b
    texts = [name for name in a if name.endswith(".txt")]
    assert texts == [name for name in c if name.endswith(".txt")]
    assert sum(a[name] != c[name] for name in texts) >= 5     # two empty bad files may coincide


def test_layout(mixed):
    out, paths, manifest = mixed
    assert [p.name for p in paths] == [f"doc{i:05d}.txt" for i in range(16)]
    assert (manifest["documents"], manifest["good"], manifest["bad"], manifest["plain"]) == (16, 12, 4, 6)
    assert manifest["events"] == 12 * 12
    first_good = [e["file"] for e in manifest["entries"] if "bad" not in e][:2]
    assert sorted(p.name for p in out.glob("doc*.json")) == [name.replace(".txt", ".json") for name in first_good]
    on_disk = json.loads((out / corpus.MANIFEST_NAME).read_text(encoding="utf-8"))
    assert [e["file"] for e in on_disk["entries"]] == [p.name for p in paths]
    assert "expected" not in on_disk["entries"][0]


def test_good_documents_parse_with_the_expected_events_and_sides(mixed):
    out, _, manifest = mixed
    good = [e for e in manifest["entries"] if "bad" not in e]
    assert {e["format"] for e in good} == {"plain", "structured"}
    for e in good:
        doc = parse((out / e["file"]).read_bytes(), name=e["file"])
        want = e["expected"]
        assert doc.format == e["format"]
        assert doc.title == e["title"]
        assert len(doc.events) == e["events"] == 12, e["file"]
        assert len(doc.sides) == e["sides"], e["file"]
        assert [(ev.date.isoformat(), ev.precision, ev.end_date.isoformat() if ev.end_date else None)
                for ev in doc.events] == [(x["date"], x["precision"], x["end_date"]) for x in want["events"]]
        assert [[b.name for b in s.belligerents] for s in doc.sides] == [
            [b["name"] for b in s["belligerents"]] for s in want["sides"]]


def test_every_bad_file_raises_parse_error(tmp_path):
    kinds = len(corpus.BAD_KINDS)
    paths, manifest = corpus.generate(tmp_path, docs=kinds, bad_share=1.0, seed=2)
    assert {e["bad"] for e in manifest["entries"]} == set(corpus.BAD_KINDS)
    for path in paths:
        with pytest.raises(ParseError):
            parse(path.read_bytes(), name=path.name)


def test_bad_files_in_a_mixed_corpus_raise_parse_error(mixed):
    out, _, manifest = mixed
    bad = [e for e in manifest["entries"] if "bad" in e]
    assert len(bad) == 4
    for e in bad:
        with pytest.raises(ParseError):
            parse((out / e["file"]).read_bytes(), name=e["file"])


def test_documents_share_entities(mixed):
    out, _, manifest = mixed
    good = [e for e in manifest["entries"] if "bad" not in e]
    named = Counter(force for e in good for force in set(e["forces"]))
    force, count = named.most_common(1)[0]
    assert count >= 2
    texts = [(out / e["file"]).read_text(encoding="utf-8") for e in good]
    assert sum(force in t for t in texts) >= 2
    places = Counter(p for e in good for p in {p for ev in e["expected"]["events"] for p in ev["places"]})
    assert places.most_common(1)[0][1] >= 2


def test_gold_json_matches_its_document(mixed):
    out, _, manifest = mixed
    entry = next(e for e in manifest["entries"] if "bad" not in e)
    gold = json.loads((out / entry["file"]).with_suffix(".json").read_text(encoding="utf-8"))
    assert gold["document"] == entry["file"] and gold["title"] == entry["title"]
    assert len(gold["events"]) == entry["events"] and len(gold["sides"]) == entry["sides"]
    text = (out / entry["file"]).read_text(encoding="utf-8")
    assert all(text.count(ev["starts_with"]) == 1 for ev in gold["events"])


def test_small_files_and_a_long_document(tmp_path):
    _, small = corpus.generate(tmp_path / "small", small_files=8, plain_share=0.5, seed=1)
    _, huge = corpus.generate(tmp_path / "huge", huge=600, seed=1)    # long documents pack days tighter
    for folder, manifest in ((tmp_path / "small", small), (tmp_path / "huge", huge)):
        for e in manifest["entries"]:
            doc = parse((folder / e["file"]).read_bytes())
            assert (len(doc.events), len(doc.sides)) == (e["events"], e["sides"])
    assert all(2 <= e["events"] <= 6 for e in small["entries"])
    assert huge["events"] == 600


def test_folder_must_be_empty_unless_overwriting(tmp_path):
    corpus.generate(tmp_path, docs=2, events=3)
    with pytest.raises(FileExistsError):
        corpus.generate(tmp_path, docs=2, events=3)
    _, manifest = corpus.generate(tmp_path, docs=1, events=3, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == [corpus.MANIFEST_NAME, "doc00000.txt"]
    assert manifest["documents"] == 1


def test_cli(tmp_path, capsys):
    assert corpus.main([str(tmp_path), "--docs", "3", "--events", "4", "--bad-share", "0.34"]) == 0
    assert "3 documents (2 good" in capsys.readouterr().out

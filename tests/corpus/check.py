#!/usr/bin/env python3
"""Validate the corpus gold files (``*/X.json`` beside ``*/X.txt``) against their documents.

Usage:
    python3 tests/corpus/check.py [--shared DIR] [FOLDER ...]

Runs the checks of the shared gold checker (``DIR/gold/check.py``; DIR defaults to ``../shared``
beside the checkout) on every gold file of the corpus folders (default: all of them), with three
adaptations for this corpus:

- a sentence may also start right after a full stop followed by citation markers on the same line
  (``... the city.[12][13] On 5 June ...``): rendered pages keep their markers inline, where the
  seed's scrape moved them to the start of the next line;
- the optional top-level key ``sides_unresolvable`` (``true``, after ``events``) is allowed;
- no name keeps a dagger (``†``) or a ``(DOW)``/``(POW)`` fate marker, ``document`` names the
  ``.txt`` beside the gold file, and every ``.txt`` has its gold file.

Exit status 0 when every file passes. Standard library only.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FOLDERS = ("plain", "structured", "other")
EXTRA_KEYS = ("sides_unresolvable",)
FATE = re.compile(r"†|\((DOW|POW)\)")


def load_shared_checker(shared: Path):
    path = shared / "gold" / "check.py"
    spec = importlib.util.spec_from_file_location("shared_gold_check", path)
    if spec is None or spec.loader is None or not path.is_file():
        sys.exit(f"shared gold checker not found: {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # a stop, optional closing quote or bracket, optional citation markers, then the space
    module.SENTENCE_END = re.compile(r"""[.!?]["'”’)]?(\[\d+\])*\s+(\[\d+\])*\s*$""")
    return module


def check_file(checker_module, gold_path: Path) -> list[str]:
    errors: list[str] = []
    try:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        return [f"{gold_path.name}: cannot read JSON: {exc}"]
    keys = list(gold)
    for key in EXTRA_KEYS:
        if key in gold:
            if gold[key] is not True:
                errors.append(f"{gold_path.name}: {key}: only true is written (leave the key out otherwise)")
            if keys[-1] != key:
                errors.append(f"{gold_path.name}: {key}: expected as the last key")
            del gold[key]
    if gold.get("document") != gold_path.with_suffix(".txt").name:
        expected = gold_path.with_suffix(".txt").name
        errors.append(f"{gold_path.name}: document: {gold.get('document')!r}, expected {expected!r}")
    for n, side in enumerate(gold.get("sides") or []):
        for field in ("belligerents", "commanders", "units"):
            for i, item in enumerate(side.get(field) or []):
                for k, v in item.items():
                    if isinstance(v, str) and FATE.search(v):
                        errors.append(f"{gold_path.name}: sides[{n}].{field}[{i}].{k}: fate marker left in {v!r}")
    with tempfile.TemporaryDirectory() as tmp:
        stripped = Path(tmp) / gold_path.name
        stripped.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
        errors += checker_module.Checker(stripped, gold_path.parent).run()
    return errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parents[2] / "shared",
                    help="the shared folder holding gold/check.py (default: %(default)s)")
    ap.add_argument("folders", nargs="*", type=Path, help="corpus folders (default: plain, structured, other)")
    args = ap.parse_args(argv)
    module = load_shared_checker(args.shared)
    folders = args.folders or [HERE / f for f in FOLDERS]
    failed = total = 0
    for folder in folders:
        for txt in sorted(folder.glob("*.txt")):
            if not txt.with_suffix(".json").is_file():
                print(f"FAIL {txt}: no gold file {txt.with_suffix('.json').name}")
                failed += 1
        for path in sorted(folder.glob("*.json")):
            total += 1
            errors = check_file(module, path)
            if errors:
                failed += 1
                print(f"FAIL {folder.name}/{path.name} ({len(errors)} problems)")
                for e in errors:
                    print(f"  {e}")
            else:
                g = json.loads(path.read_text(encoding="utf-8"))
                n = {f: sum(len(s[f]) for s in g["sides"]) for f in ("belligerents", "commanders", "units")}
                print(f"ok   {folder.name}/{path.name}: {len(g['events'])} events, {n['belligerents']} belligerents, "
                      f"{n['commanders']} commanders, {n['units']} units, {len(g['sides'])} sides")
    print(f"{total} gold files, {failed} failing")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

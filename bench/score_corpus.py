#!/usr/bin/env python3
"""Score the importer's extraction of the development corpus against its hand-written gold.

Usage (from anywhere; paths are relative to the project root):
    .venv/bin/python bench/score_corpus.py [FOLDER] [--scorer PATH] [--python PATH] [--save FILE]

FOLDER defaults to tests/corpus. Every ``*.txt`` under it is a document; its gold file is the
``*.json`` of the same stem beside it (see tests/corpus/README.md). The documents are imported in one
run of ``manage.py import_sources --dry-run --json --no-progress`` (nothing is written). Documents the
importer rejects are absent from its JSON and make it exit with status 1: that is expected here, they
are listed with the importer's message and scored as zero. The JSON is then scored with the shared
scorer (``../shared/tools/score_extraction.py``: ``--gold DIR PREDICTIONS``, paired by file stem) once
per subfolder (one subfolder per document shape) and once over the whole corpus.

Prints the scorer's table for each subfolder, then one TOTAL line per subfolder and overall, then the
rejected documents. The importer learns force names from the other documents of its run, so a
subfolder scored alone can differ slightly from the same subfolder scored with the whole corpus.
Exit status 0 when the corpus was scored (whatever the scores), 2 when the importer
could not be run or its output was not JSON. Standard library only.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCORER = ROOT.parent / "shared" / "tools" / "score_extraction.py"
DEFAULT_PYTHON = ROOT / ".venv" / "bin" / "python"


def fail(message: str) -> None:
    print(message, file=sys.stderr)
    raise SystemExit(2)


def run_importer(python: Path, docs: list[Path]) -> tuple[list[dict], str, int]:
    cmd = [str(python), "manage.py", "import_sources", "--dry-run", "--json", "--no-progress", *map(str, docs)]
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    except OSError as exc:
        fail(f"cannot run {python}: {exc}")
    if proc.returncode not in (0, 1):
        fail(f"import_sources exited with status {proc.returncode}:\n{proc.stderr.strip()}")
    try:
        predictions = json.loads(proc.stdout or "[]")
    except ValueError as exc:
        fail(f"import_sources did not print JSON ({exc}); stderr:\n{proc.stderr.strip()}")
    return predictions, proc.stderr, proc.returncode


def score(scorer: Path, gold_dir: Path, predictions: list[dict]) -> list[str]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as tmp:
        json.dump(predictions, tmp, ensure_ascii=False)
        tmp.flush()
        proc = subprocess.run([sys.executable, str(scorer), "--gold", str(gold_dir), tmp.name],
                              capture_output=True, text=True)
    if proc.returncode != 0:
        fail(f"the scorer failed on {gold_dir}:\n{proc.stderr.strip()}")
    return proc.stdout.rstrip("\n").split("\n")


def rejection_messages(stderr: str, doc: Path) -> list[str]:
    """The importer's lines about ``doc`` (its error is printed as ``path:line: message``)."""
    lines = [ln.strip() for ln in stderr.splitlines()]
    hits = [ln.split(str(doc), 1)[1].lstrip(":") if str(doc) in ln else ln for ln in lines if str(doc) in ln]
    return [f"line {h}" if h[:1].isdigit() else h for h in hits] or ["(no message on stderr)"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, default=Path("tests/corpus"))
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER, help="default: %(default)s")
    ap.add_argument("--python", type=Path, default=DEFAULT_PYTHON,
                    help="interpreter for manage.py (default: %(default)s)")
    ap.add_argument("--save", type=Path, help="also write the importer's JSON to this file")
    args = ap.parse_args(argv)
    folder = args.folder if args.folder.is_absolute() else (ROOT / args.folder)
    folder = folder.resolve()
    if not args.scorer.is_file():
        print(f"scorer not found: {args.scorer}", file=sys.stderr)
        return 2
    docs = sorted(folder.rglob("*.txt"))
    if not docs:
        print(f"no documents (*.txt) under {folder}", file=sys.stderr)
        return 2
    stems = defaultdict(list)
    for d in docs:
        stems[d.stem].append(d)
    clashes = {s: p for s, p in stems.items() if len(p) > 1}
    if clashes:  # the scorer pairs by stem
        print(f"document names must be unique across subfolders: {sorted(clashes)}", file=sys.stderr)
        return 2
    missing_gold = [d for d in docs if not d.with_suffix(".json").is_file()]

    predictions, stderr, status = run_importer(args.python, docs)
    if args.save:
        args.save.write_text(json.dumps(predictions, ensure_ascii=False, indent=2), encoding="utf-8")
    by_stem = {Path(str(p.get("document") or "")).stem: p for p in predictions}

    groups: dict[str, list[Path]] = defaultdict(list)
    for d in docs:
        rel = d.parent.relative_to(folder).as_posix()
        groups[folder.name if rel == "." else rel].append(d)
    totals: list[tuple[str, str]] = []
    for name, members in sorted(groups.items()):
        preds = [by_stem[d.stem] for d in members if d.stem in by_stem]
        lines = score(args.scorer, members[0].parent, preds)
        print(f"== {name} ({len(members)} documents, {len(preds)} extracted)")
        print("\n".join(lines))
        print()
        totals.append((name, lines[-1]))
    with tempfile.TemporaryDirectory() as tmp:
        for d in docs:
            if d.with_suffix(".json").is_file():
                shutil.copy(d.with_suffix(".json"), Path(tmp) / d.with_suffix(".json").name)
        lines = score(args.scorer, Path(tmp), [by_stem[d.stem] for d in docs if d.stem in by_stem])
    totals.append(("overall", lines[-1]))

    width = max(len(n) for n, _ in totals)
    print("== scores per shape")
    for name, line in totals:
        print(f"{name:{width}}  {line.removeprefix('TOTAL ')}")
    rejected = [d for d in docs if d.stem not in by_stem]
    print(f"\n== rejected by the importer: {len(rejected)} of {len(docs)} (import_sources exit status {status})")
    for d in rejected:
        for msg in rejection_messages(stderr, d):
            print(f"{d.relative_to(folder)}: {msg}")
    if missing_gold:
        names = ", ".join(str(d.relative_to(folder)) for d in missing_gold)
        print(f"\n== documents without gold (not scored): {names}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

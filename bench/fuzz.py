#!/usr/bin/env python
"""Fuzzing and hostile-size timings of the parsing layer (issue 15). Prints figures, never pass/fail
(the exit status is 1 only when a property was broken, with the example that broke it).

1. properties: the same Hypothesis properties as ``tests/hostile/test_fuzz_parsers.py`` (decoder,
   both parsers, the date engine, infobox periods; inputs are mutations of the real documents), with
   a much larger budget; for each, the examples tried and how many were handled cleanly (a record
   with no false value, or a ``ParseError`` with a message and a line), and what they gave.
2. timings: wall-clock parse time of the hostile shapes of ``tests/hostile/hostile_shapes.py`` at
   about a megabyte, with the two documents of issue 15 (20,000 headings each followed by a dated
   sentence; 20,000 dated lines), and the time per character at a quarter of the size, so that
   anything worse than linear shows as a growing ratio.

    .venv/bin/python bench/fuzz.py                     # 20,000 examples per property, then timings
    .venv/bin/python bench/fuzz.py --examples 2000 --seed 7 --no-timings
    .venv/bin/python bench/fuzz.py --no-fuzz --shape "20,000-heading document"
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "hostile")]

from hostile_fuzzing import PROPERTIES  # noqa: E402
from hostile_shapes import SHAPES  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from sources.parsing import parse  # noqa: E402
from sources.parsing.records import ParseError  # noqa: E402


def _runner(strategy, check, counts: Counter, examples: int):
    """The property as a Hypothesis test that counts the examples it was given and how each went."""
    def body(example):
        counts["tried"] += 1
        counts[check(example)] += 1
        counts["clean"] += 1

    return settings(max_examples=examples, deadline=None, database=None, derandomize=False,
                    suppress_health_check=list(HealthCheck),
                    phases=[Phase.generate, Phase.shrink])(given(strategy)(body))


def fuzz(examples: int, seed_value: int | None, only: str | None) -> bool:
    """Run every property; print examples tried, handled cleanly, and the outcomes. False if one broke."""
    all_good = True
    total = Counter()
    for name, strategy, check, ci_budget in PROPERTIES:
        if only and only not in name:
            continue
        counts = Counter()
        run = _runner(strategy, check, counts, examples)
        if seed_value is not None:
            run = seed(seed_value)(run)
        started = time.perf_counter()
        broken = None
        try:
            run()
        except Exception as exc:  # noqa: BLE001 - a broken property is reported, then the others run
            broken = exc
            all_good = False
        elapsed = time.perf_counter() - started
        tried, clean = counts.pop("tried", 0), counts.pop("clean", 0)
        shown = ", ".join(f"{k} {v:,}" for k, v in counts.most_common())
        print(f"{name:15s} {tried:>7,} tried  {clean:>7,} handled cleanly  ({shown})  {elapsed:6.1f} s  "
              f"[CI: {ci_budget:,}]", flush=True)
        if broken is not None:
            print(f"   BROKEN: {type(broken).__name__}: {str(broken)[:2000]}", flush=True)
        total["tried"] += tried
        total["clean"] += clean
    print(f"{'all':15s} {total['tried']:>7,} tried  {total['clean']:>7,} handled cleanly")
    return all_good


def _time(make, n: int) -> tuple[float, int, str]:
    text = make(n).encode("utf-8")
    started = time.perf_counter()
    try:
        doc = parse(text, name="bench.txt")
        what = f"{len(doc.events):,} events, {len(doc.problems):,} problems"
    except ParseError as exc:
        what = f"ParseError: {exc}"[:60]
    return time.perf_counter() - started, len(text), what


def timings(only: str | None) -> None:
    print(f"{'shape':42s} {'size':>10s} {'time':>8s} {'µs/char':>8s} {'x4 ratio':>8s}  result")
    for name, (make, n) in SHAPES.items():
        if only and only not in name:
            continue
        small, small_size, _ = _time(make, max(1, n // 4))
        full, size, what = _time(make, n)
        ratio = (full / size) / max(small / small_size, 1e-12)
        print(f"{name:42s} {size:>10,} {full:7.2f}s {full / size * 1e6:8.2f} {ratio:8.2f}  {what}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=20000, help="examples per property (default 20,000)")
    parser.add_argument("--seed", type=int, default=None, help="Hypothesis seed (default: random)")
    parser.add_argument("--property", default=None, help="only the properties whose name holds this")
    parser.add_argument("--shape", default=None, help="only the shapes whose name holds this")
    parser.add_argument("--no-fuzz", action="store_true")
    parser.add_argument("--no-timings", action="store_true")
    args = parser.parse_args(argv)
    good = True
    if not args.no_fuzz:
        good = fuzz(args.examples, args.seed, args.property)
    if not args.no_timings:
        timings(args.shape)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())

"""Name resolver timings: ms per match among N known names, and find_mentions over a long text.

    .venv/bin/python bench/resolver.py [--names 5000] [--queries 1500]

Pure Python (no database). Tests assert the resolver's bounded work (names scored per match);
this prints the wall-clock figures.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sources.resolve import Resolver, find_mentions  # noqa: E402

SYLLABLES = "ba ka ta ma na ra sa da ha fa la za qa ja wa bi ki ti mi ni ri si di hu fu lu zu".split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=1500)
    args = parser.parse_args()
    rng = random.Random(7)

    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()

    resolver, names = Resolver(), []
    for i in range(args.names):
        kind = ("force", "person", "place")[i % 3]
        name = {"force": f"{word()} Brigade", "person": f"{word()} {word()}", "place": f"Tal {word()}"}[kind]
        names.append((kind, name))
        resolver.add(i, kind, [name])
    queries = [(name + "h", kind) for kind, name in rng.sample(names, min(args.queries, len(names)))]
    start = time.perf_counter()
    joined = sum(resolver.match(q, kind) is not None for q, kind in queries)
    per_match = (time.perf_counter() - start) / len(queries)
    print(f"match: {per_match * 1e3:.3f} ms per query among {args.names:,} names ({joined}/{len(queries)} joined)")

    entries = [(i, kind, [name]) for i, (kind, name) in enumerate(names)]
    text = " ".join(f"On {d} May, fighters took {names[rng.randrange(len(names))][1]}." for d in range(1, 29)) * 20
    start = time.perf_counter()
    found = find_mentions(text, entries)
    elapsed = time.perf_counter() - start
    print(f"find_mentions: {elapsed * 1e3:.1f} ms for {len(text):,} characters and {len(entries):,} entries "
          f"({len(found)} mentions)")


if __name__ == "__main__":
    main()

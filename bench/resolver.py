"""Name resolver timings: ms per match among N known names, and find_mentions over a long text.

    .venv/bin/python bench/resolver.py [--names 5000] [--queries 1500] [--mention-names 5000 20000] [--no-old]

Pure Python (no database). Tests assert the resolver's bounded work (names scored per match, batch
scoring calls per distinct token in ``MentionIndex``); this prints the wall-clock figures.

Mentions, at each size of ``--mention-names``: the old ``find_mentions`` (every alias sharing the
token's first letter scored in Python at every token; kept as the reference in
``tests/test_resolve.py``) against ``MentionIndex``: its build time, then ``find`` on the text (cold
caches), on a second text of other sentences and respellings (the index reused, as by the importer)
and on the first text again (every token cached). The text is the one this bench always used: 28
sentences naming random known names, 20 times over (about 22,000 characters).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sources.resolve import MentionIndex, Resolver  # noqa: E402
from tests.test_resolve import _reference_features, _reference_find_mentions  # noqa: E402

SYLLABLES = "ba ka ta ma na ra sa da ha fa la za qa ja wa bi ki ti mi ni ri si di hu fu lu zu".split()


def _names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()

    names = []
    for i in range(count):
        kind = ("force", "person", "place")[i % 3]
        names.append((kind, {"force": f"{word()} Brigade", "person": f"{word()} {word()}",
                             "place": f"Tal {word()}"}[kind]))
    return names


def _respell(rng: random.Random, name: str) -> str:
    out = []
    for w in name.split():
        k = rng.randrange(1, len(w))
        out.append(rng.choice([w, w + "h", w[:k] + w[k] + w[k:], w.replace("u", "ou", 1), w.replace("i", "ee", 1)]))
    return " ".join(out)


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms"


def bench_match(args: argparse.Namespace) -> None:
    rng = random.Random(7)
    names = _names(rng, args.names)
    resolver = Resolver()
    for i, (kind, name) in enumerate(names):
        resolver.add(i, kind, [name])
    queries = [(name + "h", kind) for kind, name in rng.sample(names, min(args.queries, len(names)))]
    start = time.perf_counter()
    joined = sum(resolver.match(q, kind) is not None for q, kind in queries)
    per_match = (time.perf_counter() - start) / len(queries)
    print(f"match: {per_match * 1e3:.3f} ms per query among {args.names:,} names ({joined}/{len(queries)} joined)")


def bench_mentions(count: int, *, old: bool) -> None:
    rng = random.Random(7)
    names = _names(rng, count)
    entries = [(i, kind, [name]) for i, (kind, name) in enumerate(names)]
    text = " ".join(f"On {d} May, fighters took {names[rng.randrange(len(names))][1]}." for d in range(1, 29)) * 20
    other = " ".join(f"On {d} June, the {rng.choice(['army', 'rebels', 'militia'])} shelled "
                     f"{_respell(rng, names[rng.randrange(len(names))][1])} and "
                     f"{_respell(rng, names[rng.randrange(len(names))][1])}." for d in range(1, 300))
    print(f"find_mentions, {count:,} entries, {len(text):,} characters:")

    if old:
        _reference_features.cache_clear()       # the old code computed every name's features per call
        start = time.perf_counter()
        expected = _reference_find_mentions(text, entries)
        old_time = time.perf_counter() - start
        print(f"  old find_mentions           {_ms(old_time):>12}   ({len(expected)} mentions)")

    start = time.perf_counter()
    index = MentionIndex(entries)
    build = time.perf_counter() - start
    start = time.perf_counter()
    found = index.find(text)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    found_other = index.find(other)
    second = time.perf_counter() - start
    start = time.perf_counter()
    again = index.find(text)
    warm = time.perf_counter() - start
    assert again == found
    print(f"  MentionIndex build          {_ms(build):>12}")
    print(f"  MentionIndex find           {_ms(cold):>12}   ({len(found)} mentions)")
    print(f"  find, another text          {_ms(second):>12}   ({len(other):,} characters, {len(found_other)} mentions)")
    print(f"  find, the same text again   {_ms(warm):>12}")
    if old:
        assert found == expected, "MentionIndex differs from the old find_mentions"
        print(f"  speed-up: {old_time / (build + cold):.0f}x (build + find), {old_time / cold:.0f}x (find on a "
              f"built index), {old_time / second:.0f}x (reused index, another text); same mentions")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=1500)
    parser.add_argument("--mention-names", type=int, nargs="+", default=[5000, 20000])
    parser.add_argument("--no-old", action="store_true", help="skip the old find_mentions (slow at 20,000 names)")
    args = parser.parse_args()
    bench_match(args)
    for count in args.mention_names:
        bench_mentions(count, old=not args.no_old)


if __name__ == "__main__":
    main()

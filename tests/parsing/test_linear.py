"""Linear time (issue 15): the behaviour of the parsers on long generated documents, and the one-pass
readers checked against the patterns and loops they replace. Timings are in ``bench/fuzz.py``, not here."""

from __future__ import annotations

import datetime
import random
import re

import pytest

from sources.parsing import parse
from sources.parsing.events import _Quotes, split_sentences
from sources.parsing.infobox import _without_fates
from sources.parsing.structured import FIELD, HEADING, TITLE, field, heading, title

DAY0 = datetime.date(2015, 1, 1)


def _day(i: int) -> datetime.date:
    return DAY0 + datetime.timedelta(days=i % 365)


def structured_headings(n: int) -> str:
    """``n`` sections, each a heading and one dated sentence (the 20,000-heading file of issue 15)."""
    out = ["= Hostile offensive (2015) =", "", "Infobox", "- Date: 1 January – 31 December 2015", ""]
    for i in range(n):
        d = _day(i)
        out += [f"==Section {i}==", f"On {d.day} {d:%B} {d.year}, government forces captured Kafr{i}.", ""]
    return "\n".join(out)


def plain_lines(n: int) -> str:
    out = ["Government victory Syria Syrian Army 5,000 fighters The Hostile offensive in January 2015 was a "
           "military operation launched on 1 January 2015 by the Syrian Army."]
    for i in range(n):
        d = _day(i)
        out.append(f"[{i}] On {d.day} {d:%B} {d.year}, government forces captured the village of Kafr{i}.")
    return "\n".join(out)


def test_two_thousand_headings_give_two_thousand_events_with_their_dates_and_sections():
    doc = parse(structured_headings(2000).encode())
    assert len(doc.events) == 2000
    assert [e.date for e in doc.events] == [_day(i) for i in range(2000)]
    assert [e.section for e in doc.events] == [f"Section {i}" for i in range(2000)]
    assert doc.problems == []


def test_two_thousand_plain_lines_give_their_events():
    doc = parse(plain_lines(2000).encode())
    assert doc.start.date == DAY0
    dated = doc.events[1:]                  # the lead is an event of its own (January 2015, month)
    assert [e.date for e in dated] == [_day(i) for i in range(2000)]
    assert all(e.section is None for e in doc.events)


def test_one_line_of_many_sentences():
    text = "= T =\n\n" + " ".join(f"On {_day(i).day} {_day(i):%B} 2015 the army attacked Kafr{i}." for i in range(500))
    doc = parse(text)
    assert [e.date for e in doc.events] == [_day(i) for i in range(500)]


# ---------------------------------------------------------------- one-pass readers = the patterns

_LINE_PIECES = ["=", "=", "=", " ", "\t", "a", "B", ":", "-", "\u00a0", "\x1c", "\u2003", "é", "_", "1", "\x85"]


def _random_lines(seed: int, count: int):
    rnd = random.Random(seed)
    for _ in range(count):
        line = "".join(rnd.choice(_LINE_PIECES) for _ in range(rnd.randint(0, 12)))
        yield "-" + line if rnd.random() < 0.3 else line


def test_title_heading_and_field_read_as_their_patterns():
    for line in _random_lines(1, 20000):
        stripped = line.strip()
        m = TITLE.match(stripped)
        assert title(stripped) == (m.group(1) if m else None), line
        m = HEADING.match(stripped)
        assert heading(stripped) == (m.group(2) if m else None), line
        m = FIELD.match(line)
        assert field(line) == ((m.group("key"), m.group("value"), m.start("value"), m.end("value"))
                               if m else None), line


_OLD_FATE = re.compile(r"(?:(?<=[a-z\u00e0-\u024f'’\".)])|\s+)(?P<fate>KIA|DOW|WIA|POW|MIA)\b")


def _fates_by_removal(s: str) -> tuple[str, list[str]]:
    """The loop ``_without_fates`` replaces: remove the first match, strip, again."""
    fates = []
    m = _OLD_FATE.search(s)
    while m:
        fates.append(m.group("fate"))
        s = (s[:m.start()] + s[m.end():]).strip()
        m = _OLD_FATE.search(s)
    return s, fates


def test_fates_are_removed_as_by_the_loop():
    pieces = ["KIA", "DOW", "WIA", "K", "IA", " ", "\t", "a", "A", ".", ")", "'", "é", "1", "\u00a0", "KIAKIA"]
    rnd = random.Random(2)
    for _ in range(20000):
        s = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        assert _without_fates(s) == _fates_by_removal(s), s


def _old_quote_depth(text: str) -> int:
    depth = 0
    for ch in text:
        if ch == "\u201c":
            depth += 1
        elif ch == "\u201d" and depth:
            depth -= 1
    return depth + text.count('"') % 2


def test_quote_counter_agrees_with_counting_from_the_start():
    rnd = random.Random(3)
    text = "".join(rnd.choice('ab "\u201c\u201d.') for _ in range(400))
    quotes = _Quotes(text)
    ends = sorted(rnd.sample(range(len(text) + 1), 60)) + [5, 3]       # increasing, then going back
    for end in ends:
        assert quotes.depth(end) == _old_quote_depth(text[:end])


@pytest.mark.parametrize("text", [
    "x" + "." * 20000,                       # a run of stops with no space after it
    "He said \u201c" + "a. B " * 5000,           # a quote left open
    "A. " * 5000,
])
def test_sentence_splitting_of_hostile_runs(text):
    spans = split_sentences(text)
    assert spans and spans[0][0] == 0 and spans[-1][1] <= len(text)
    assert all(a < b for a, b in spans)

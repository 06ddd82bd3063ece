"""Property-based fuzzing of the parsing layer (issue 15): strategies and the properties they must keep.

Shared by ``tests/hostile/test_fuzz_parsers.py`` (a small, derandomized budget for CI) and
``bench/fuzz.py`` (a much larger one). Pure Python and Hypothesis, no Django.

The inputs are mutations of the real documents (``fixtures/sources/`` and
``tests/parsing/documents/``): byte flips, truncation, shuffled, duplicated and dropped lines, huge
numbers, impossible dates, random Unicode (RTL marks, combining characters, zero-width joiners,
NUL), other encodings and line endings. The properties:

- ``decode_report`` returns text or raises ``ParseError`` with a message (and a line when the
  input has any text); problems have lines inside the text.
- ``parse`` (bytes or text; auto, structured or plain) returns a ``DocumentRecord`` or raises
  ``ParseError``; nothing else escapes. A record holds no false value: every date is a real date
  within ``YEAR_MIN``..``YEAR_MAX``, no range ends before it starts, every span lies inside the
  text, every problem names a line of it, no event extraction failed.
- the date engine (``find_mentions``, ``resolve_checked``, ``parse_period_report``) never raises,
  an impossible expression never resolves, and a resolved date is in range.
"""
from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from pathlib import Path

from hypothesis import strategies as st

from sources.parsing import parse
from sources.parsing.dates import YEAR_MAX, YEAR_MIN, find_mentions, resolve_checked
from sources.parsing.export import to_json
from sources.parsing.infodate import parse_period_report
from sources.parsing.records import FORMATS, KINDS, PRECISIONS, TIMES_OF_DAY, DocumentRecord, ParseError
from sources.parsing.text import decode_report

ROOT = Path(__file__).resolve().parents[2]
SEED_FILES = sorted((ROOT / "fixtures" / "sources").glob("*.txt")) + sorted(
    p for p in (ROOT / "tests" / "parsing" / "documents").rglob("*") if p.is_file() and p.suffix in (".txt", ".bin"))
SEEDS: list[bytes] = [p.read_bytes() for p in SEED_FILES]
SEED_TEXTS: list[str] = [s.decode("utf-8") for s in SEEDS if s.strip() and b"\x00" not in s]
SENTENCES: list[str] = sorted({s.strip() for t in SEED_TEXTS for s in re.split(r"(?<=[.!?])\s+|\n", t)
                               if 20 <= len(s.strip()) <= 400})

# messages of the ParseErrors that may come without a line: the file has no line to point at
NO_LINE = ("the file is empty",)

# ---------------------------------------------------------------- strategies

HOSTILE_CHARS = (
    "\u200f\u200e\u202e\u202d\u2066\u2069"        # RTL/LTR marks, overrides and isolates
    "\u0301\u0308\u0327\u034f\u0489"              # combining marks
    "\u200d\u200c\u200b\u2060\ufeff"              # zero-width joiners, spaces, BOM
    "\x00\x07\x0b\x0c\x1b\x7f\x85\u2028\u2029"    # NUL, controls, NEL, line and paragraph separators
    "\u00a0\u2003\u3000\ufffd"                    # odd spaces, the replacement character
    "\u0627\u0644\u05d0\u4e2d\u6587\U0001f600"    # Arabic, Hebrew, Chinese, an emoji
    "[]()=*-:\"'\u201c\u201d.,;0123456789"        # the parsers' own punctuation
)
HUGE_NUMBERS = ("0", "-500", "500 BC", "9999", "10000000000000000000000000000000", "9" * 400, "1" * 5000,
                "1,000,000,000,000,000,000,000,000,000", "3.5e30", "00000000000000000001")
IMPOSSIBLE_DATES = ("31 February 2016", "0 October", "29 February 2015", "32 December", "13/45/2015",
                    "31/31/31", "3 May 9999", "3 May 0,", "3 May -500", "3 May 500 BC", "Between 30 and 2 October",
                    "2015-13-45", "99999999999 days later", "March 35, 2016", "In 500 BC", "1 January 0000")

text_noise = st.text(alphabet=st.sampled_from(HOSTILE_CHARS) | st.characters(exclude_categories=("Cs",)),
                     max_size=40)


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@st.composite
def mutated_bytes(draw) -> bytes:
    """A real document with one to four mutations."""
    data = draw(st.sampled_from(SEEDS))
    for op in draw(st.lists(st.sampled_from(_BYTE_OPS), min_size=1, max_size=4)):
        data = op(draw, data)
    return data


def _flip(draw, data: bytes) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(out) - 1))
        out[at] ^= draw(st.integers(1, 255))
    return bytes(out)


def _truncate(draw, data: bytes) -> bytes:
    return data[:draw(st.integers(0, len(data)))]


def _shuffle(draw, data: bytes) -> bytes:
    lines = _lines(data)
    draw(st.randoms(use_true_random=False)).shuffle(lines)
    return b"\n".join(lines)


def _duplicate(draw, data: bytes) -> bytes:
    lines = _lines(data)
    at = draw(st.integers(0, len(lines) - 1))
    times = draw(st.sampled_from([1, 2, 10, 200]))
    return b"\n".join(lines[:at] + [lines[at]] * (times + 1) + lines[at + 1:])


def _drop(draw, data: bytes) -> bytes:
    lines = _lines(data)
    at = draw(st.integers(0, len(lines) - 1))
    return b"\n".join(lines[:at] + lines[at + 1:])


def _huge_number(draw, data: bytes) -> bytes:
    runs = list(re.finditer(rb"\d+", data))
    if not runs:
        return data
    m = draw(st.sampled_from(runs))
    return data[:m.start()] + draw(st.sampled_from(HUGE_NUMBERS)).encode() + data[m.end():]


def _bad_date(draw, data: bytes) -> bytes:
    dates = list(re.finditer(rb"\d{1,2} (?:January|February|March|April|May|June|July|August|September|October"
                             rb"|November|December)(?: \d{4})?", data))
    date = draw(st.sampled_from(IMPOSSIBLE_DATES)).encode()
    if not dates:
        at = draw(st.integers(0, len(data)))
        return data[:at] + b"On " + date + b", the army attacked. " + data[at:]
    m = draw(st.sampled_from(dates))
    return data[:m.start()] + date + data[m.end():]


def _unicode(draw, data: bytes) -> bytes:
    at = draw(st.integers(0, len(data)))
    return data[:at] + draw(text_noise).encode("utf-8", "surrogatepass") + data[at:]


def _raw_bytes(draw, data: bytes) -> bytes:
    at = draw(st.integers(0, len(data)))
    return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]


def _encoding(draw, data: bytes) -> bytes:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    encoding = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1"]))
    out = text.encode(encoding, "replace")
    return out[:-1] if draw(st.booleans()) and encoding.startswith("utf-16") else out


def _line_endings(draw, data: bytes) -> bytes:
    return data.replace(b"\n", draw(st.sampled_from([b"\r\n", b"\r", b"\n\n", b"\n \n"])))


def _long_line(draw, data: bytes) -> bytes:
    """A line made very long: one of its words or characters repeated (megabyte lines, runs of '*',
    '=', citation markers, 'KIA', ...)."""
    piece = draw(st.sampled_from([b"=", b"*", b" ", b".", b"[1]", b" KIA", b" launched", b"(", b'"', b"The Abc ",
                                  b"a", b"3 days later ", b"On 3 May 2015 x. "]))
    times = draw(st.sampled_from([100, 1000, 20000]))
    lines = _lines(data)
    at = draw(st.integers(0, len(lines) - 1))
    lines[at] = lines[at] + piece * times
    return b"\n".join(lines)


_BYTE_OPS: list[Callable] = [_flip, _truncate, _shuffle, _duplicate, _drop, _huge_number, _bad_date, _unicode,
                             _raw_bytes, _encoding, _line_endings, _long_line]


@st.composite
def mutated_text(draw) -> str:
    """A real document as text, with random Unicode, huge numbers and impossible dates put in."""
    text = draw(st.sampled_from(SEED_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        insert = draw(st.one_of(text_noise, st.sampled_from(HUGE_NUMBERS), st.sampled_from(IMPOSSIBLE_DATES),
                                st.sampled_from(["\n", "\n==", "\n- Commander1: ", "\nInfobox\n", "= ", " ="])))
        text = text[:at] + insert + text[at:]
    return text


@st.composite
def parse_calls(draw) -> tuple[bytes | str, dict]:
    """(data, keyword arguments) for ``parse``: bytes or text, any format, odd known forces."""
    data = draw(st.one_of(mutated_bytes(), mutated_bytes(), mutated_text(), st.binary(max_size=200), text_noise))
    kwargs = {"format": draw(st.sampled_from(["auto", "auto", "auto", "auto", "structured", "plain"]))}
    if draw(st.booleans()):
        kwargs["known_forces"] = draw(st.lists(st.one_of(
            st.sampled_from(["Syrian Army", "Islamic State", "al " * 30 + "Army", "", " ", "X" * 1000]), text_noise),
            max_size=5))
    return data, kwargs


_MONTH_WORDS = ["January", "February", "March", "Sept.", "Oct", "December", "May", "june"]
_YEARISH = st.one_of(st.integers(-2000, 12000).map(str), st.sampled_from(HUGE_NUMBERS), st.just(""))


@st.composite
def date_texts(draw) -> str:
    """Sentences full of date expressions, real or not."""
    day = draw(st.one_of(st.integers(-3, 100).map(str), st.sampled_from(["1st", "31st", "00", "99999999"])))
    month = draw(st.sampled_from(_MONTH_WORDS))
    year = draw(_YEARISH)
    number = draw(st.one_of(st.integers(0, 10 ** 12).map(str), st.sampled_from(["a", "three", "several"])))
    template = draw(st.sampled_from([
        "On {d} {m} {y}, the army attacked.", "On {m} {d}, {y}, the army attacked.", "In {m} {y} the town fell.",
        "Between {d} and {n} {m} {y}, shelling.", "From {d} {m} to {n} {m} {y} the siege went on.",
        "On {d}/{n}/{y} the town fell.", "Logged {y}-{d}-{n}.", "{n} days later, the town fell.",
        "{n} months before the offensive, troops massed.", "The next day, {n} troops arrived.",
        "In {y}, the war began.", "In {y} BC, a city fell.", "By {m} {d}-{n}, {y}, it was over.",
        "{m}–{m} {y}", "({d} {m} {y})", "{d} {m} {y} – {n} {m} {y}",
    ]))
    text = template.format(d=day, m=month, y=year, n=number)
    if draw(st.booleans()):
        text = draw(st.sampled_from(SENTENCES)) + " " + text
    if draw(st.booleans()):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(text_noise) + text[at:]
    return text


_DATES = st.dates(datetime.date(YEAR_MIN, 1, 1), datetime.date(YEAR_MAX, 12, 31))
date_calls = st.tuples(
    st.one_of(date_texts(), date_texts(), st.sampled_from(SENTENCES), text_noise),
    st.one_of(st.none(), _DATES, _DATES, _DATES),
    st.one_of(st.none(), st.integers(0, 400)),
    st.one_of(st.none(), _DATES),
)


@st.composite
def _period_end(draw) -> str:
    """One end of an infobox period: day, month and year in any order, any of them missing or wrong."""
    day = draw(st.one_of(st.integers(0, 40).map(str), st.just("")))
    month = draw(st.one_of(st.sampled_from(_MONTH_WORDS), st.just("")))
    year = draw(st.one_of(st.integers(1900, 2030).map(str), _YEARISH))
    form = draw(st.sampled_from(["{d} {m} {y}", "{m} {d}, {y}", "{m} {y}", "{y}", "{d} {m}", "{d}", "{m}"]))
    return form.format(d=day, m=month, y=year).strip()


period_values = st.one_of(
    st.tuples(st.sampled_from(["", "", "Between ", "From ", "c. ", "late "]), _period_end(),
              st.sampled_from([" – ", " - ", " to ", " and ", "–", " until "]),
              st.one_of(_period_end(), st.just("present"))).map("".join),
    _period_end(),
    st.tuples(_period_end(), st.sampled_from([", ()", " (26 days)", "[3]", "", " – present"])).map("".join),
    text_noise,
)
decode_inputs = st.one_of(mutated_bytes(), mutated_bytes(), st.binary(max_size=400))


# ---------------------------------------------------------------- properties

def _line_count(text: str) -> int:
    return text.count("\n") + 1


def check_decode(data: bytes) -> str:
    """Text or a ParseError with a message and a line; problems name lines of the text."""
    try:
        decoded = decode_report(data)
    except ParseError as exc:
        _check_error(exc)
        return "refused"
    text = decoded.text
    assert isinstance(text, str) and text.strip()
    assert "\r" not in text and "\x00" not in text and not text.startswith("\ufeff")
    text.encode("utf-8")                      # no lone surrogate: a database could store it
    for p in decoded.problems:
        assert 1 <= p.line <= _line_count(text), p
        assert p.message and len(p.message) < 500, p
    return "decoded"


def _check_error(exc: ParseError) -> None:
    assert isinstance(exc.message, str) and exc.message.strip(), repr(exc)
    assert len(exc.message) < 1000, exc.message[:200]
    if exc.line is None:
        assert exc.message in NO_LINE, exc.message
    else:
        assert exc.line >= 1
    assert str(exc)


def _text_of(data: bytes | str) -> str:
    if isinstance(data, bytes):
        return decode_report(data).text
    return data.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _in_range(date: datetime.date) -> bool:
    return YEAR_MIN <= date.year <= YEAR_MAX


def _span_ok(span, text: str) -> bool:
    return 0 <= span.start <= span.end <= len(text)


def check_document(doc: DocumentRecord, text: str) -> None:
    """No false value: real dates in range, ranges forwards, spans inside the text, problems on lines."""
    assert doc.format in FORMATS
    assert isinstance(doc.title, str) and _span_ok(doc.title_span, text)
    for value in (doc.start, doc.end):
        assert value is None or (_in_range(value.date) and value.precision in PRECISIONS), value
    if doc.start and doc.end:
        assert doc.start.date <= doc.end.date, (doc.start, doc.end)
    lines = _line_count(text)
    for p in doc.problems:
        assert 1 <= p.line <= lines, p
        assert p.message and len(p.message) < 2000, p.message[:200]
        assert not p.message.startswith("event extraction failed"), p.message
    for e in doc.events:
        assert _in_range(e.date) and e.precision in PRECISIONS, e
        assert e.end_date is None or e.end_date >= e.date, e
        assert e.kind in KINDS and (e.time_of_day is None or e.time_of_day in TIMES_OF_DAY)
        assert _span_ok(e.span, text) and all(_span_ok(p.span, text) for p in e.places)
    for side in doc.sides:
        for item in (*side.belligerents, *side.commanders, *side.units, *side.strength):
            assert _span_ok(item.span, text), item
        for s in side.strength:
            assert s.number is None or s.number >= 0
    for f in doc.fields:
        assert _span_ok(f.span, text) and text[f.span.start:f.span.end] == f.value
    json.dumps(to_json(doc, "fuzz"), ensure_ascii=False)


def check_parse(call: tuple[bytes | str, dict]) -> str:
    """Only ParseError escapes ``parse``; what it returns keeps ``check_document``."""
    data, kwargs = call
    try:
        doc = parse(data, name="fuzz.txt", **kwargs)
    except ParseError as exc:
        _check_error(exc)
        return "refused: " + " ".join(exc.message.split()[:3])
    check_document(doc, _text_of(data))
    return "parsed"


def check_dates(call) -> str:
    """The engine never raises; an impossible expression never resolves; results are real and in range."""
    text, ref, span, start = call
    ref_end = ref + datetime.timedelta(days=span) if ref is not None and span and ref.year < YEAR_MAX else None
    resolved_any = False
    for m in find_mentions(text, errors=True):
        assert 0 <= m.start < m.end <= len(text) and text[m.start:m.end] == m.text
        resolved, why = resolve_checked(m, ref=ref, ref_end=ref_end, start=start)
        if m.error:
            assert resolved is None and why == m.error
            continue
        if resolved is not None:
            resolved_any = True
            assert _in_range(resolved.date) and resolved.precision in PRECISIONS
            assert resolved.end_date is None or resolved.end_date >= resolved.date
            if why:
                assert resolved.end_date is None       # only a dropped range end warns and resolves
    return "resolved" if resolved_any else "none"


def check_period(value: str) -> str:
    start, end, understood, warnings = parse_period_report(value)
    assert all(isinstance(w, str) and w for w in warnings)
    for v in (start, end):
        assert v is None or _in_range(v.date)
    if start and end:
        assert start.date <= end.date, (value, start, end)
    assert start is not None or not understood
    return "understood" if understood else "not read"


# name, strategy, property, CI budget (examples)
PROPERTIES = [
    ("decoder", decode_inputs, check_decode, 800),
    ("parse", parse_calls(), check_parse, 500),
    ("date engine", date_calls, check_dates, 1200),
    ("infobox period", period_values, check_period, 800),
]

__all__ = ["PROPERTIES", "SEEDS", "check_dates", "check_decode", "check_document", "check_parse", "check_period"]

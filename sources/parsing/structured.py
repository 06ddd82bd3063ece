"""The structured format: ``= Title =``, an ``Infobox`` block of ``- Key: value`` lines, ``==Sections==``."""
from __future__ import annotations

import re

from . import infobox
from .coords import parse_coordinates
from .infodate import is_approximate, parse_period_report
from .records import Block, Blocks, DocumentRecord, Field, ParseError, Problem, SideRecord, Span
from .text import collapse, quote, strip_citations

# What a title, heading and infobox line are. ``title``, ``heading`` and ``field`` below read the
# same in one pass: these patterns backtrack quadratically (or worse) on hostile lines, a line of
# 100,000 '=' or a key padded with spaces (issue 15); tests check that both agree.
TITLE = re.compile(r"^=(?!=)\s*(.*?)\s*=\s*$")
HEADING = re.compile(r"^(={2,})\s*(.*?)\s*\1\s*$")
FIELD = re.compile(r"^-\s*(?P<key>[A-Za-z][\w ]*?)\s*:\s*(?P<value>.*?)\s*$")
_KEY = re.compile(r"[A-Za-z][\w ]*")
SIDE_KEY = re.compile(r"^(combatant|commander|units|strength|casualties)\s*(\d+)$", re.I)
KNOWN = {"conflict", "partof", "date", "place", "coordinates", "status", "territory"}
MAX_SIDES = 20           # a larger side number is a typo or a hostile file, not a side


def title(stripped: str) -> str | None:
    """``TITLE.match(stripped).group(1)`` of a stripped line: ``= Title =`` -> "Title"; else None."""
    if len(stripped) < 2 or stripped[0] != "=" or stripped[1] == "=" or stripped[-1] != "=":
        return None
    return stripped[1:-1].strip()


def heading(stripped: str) -> str | None:
    """``HEADING.match(stripped).group(2)`` of a stripped line: ``==Name==`` -> "Name"; else None.

    The pattern takes the longest run of '=' that both ends have (at least two)."""
    lead = len(stripped) - len(stripped.lstrip("="))
    if lead < 2:
        return None
    if lead == len(stripped):                   # '=' only: two equal runs and what is between
        k = lead // 2
        return stripped[k:lead - k] if k >= 2 else None
    k = min(lead, len(stripped) - len(stripped.rstrip("=")))
    if k < 2:
        return None
    return stripped[k:len(stripped) - k].strip()


def field(line: str) -> tuple[str, str, int, int] | None:
    """``FIELD.match(line)`` as (key, value, value start, value end); None if not ``- Key: value``."""
    if not line.startswith("-"):
        return None
    colon = line.find(":")
    if colon < 0:
        return None
    key = line[1:colon].strip()
    if not _KEY.fullmatch(key):
        return None
    rest = line[colon + 1:]
    value = rest.strip()
    start = colon + 1 + len(rest) - len(rest.lstrip())
    return key, value, start, start + len(value)


def _lines(text: str):
    """(line number, start offset, line text) for every line of the document."""
    pos = 0
    for n, line in enumerate(text.split("\n"), 1):
        yield n, pos, line
        pos += len(line) + 1


def parse_structured(text: str) -> tuple[DocumentRecord, list[Block]]:
    lines = list(_lines(text))
    problems: list[Problem] = []
    # ---- title ---------------------------------------------------------------------------
    i = 0
    while i < len(lines) and not lines[i][2].strip():
        i += 1
    if i == len(lines):
        raise ParseError("the document has no text", 1)
    n, pos, line = lines[i]
    name = title(line.strip())
    if not name:
        raise ParseError("a structured document must start with a '= Title =' line", n)
    t0 = pos + line.index(name)
    doc = DocumentRecord(format="structured", title=name, title_span=Span(t0, t0 + len(name)))
    i += 1
    # ---- infobox -------------------------------------------------------------------------
    while i < len(lines) and not lines[i][2].strip():
        i += 1
    if i < len(lines) and lines[i][2].strip().lower() == "infobox":
        box_line = lines[i][0]
        i += 1
        while i < len(lines) and lines[i][2].strip():
            n, pos, line = lines[i]
            m = field(line)
            if not m:
                raise ParseError(f"infobox line is not '- Key: value': {line.strip()[:60]!r}", n)
            key, value, vstart, vend = m
            doc.fields.append(Field(key=key, value=value, span=Span(pos + vstart, pos + vend), line=n))
            i += 1
        if not doc.fields:
            raise ParseError("the Infobox block has no '- Key: value' lines", box_line)
    else:
        problems.append(Problem(lines[i][0] if i < len(lines) else 1, "the document has no Infobox block"))
    _read_infobox(doc, problems)
    # ---- prose ---------------------------------------------------------------------------
    blocks: list[Block] = []
    lead: list[tuple[str, int]] = []
    section: str | None = None
    for n, pos, line in lines[i:]:
        stripped = line.strip()
        if not stripped:
            continue
        name = heading(stripped)
        if name is not None:
            section = name or None
            continue
        if title(stripped) is not None or stripped.startswith("- ") or stripped == "-":
            continue  # see-also list lines are not prose
        blocks.append(Block(text=line, start=pos, section=section, line=n))
        if section is None:
            lead.append((line, pos))
    if lead:
        doc.lead = "\n\n".join(collapse(strip_citations(t).text) for t, _ in lead)
        first, last = lead[0], lead[-1]
        doc.lead_span = Span(first[1], last[1] + len(last[0]))
    doc.problems.extend(problems)
    return doc, Blocks(blocks, doc.problems)


def _side(doc: DocumentRecord, number: int) -> SideRecord:
    while len(doc.sides) < number:
        doc.sides.append(SideRecord(number=len(doc.sides) + 1))
    return doc.sides[number - 1]


def _read_infobox(doc: DocumentRecord, problems: list[Problem]) -> None:
    """Infobox fields -> the record. A key given twice is merged when it holds a list (combatants,
    commanders, units, strength, casualties: the second line's items follow the first's) and
    otherwise keeps its first value, the second being reported with its line (issue 15)."""
    seen: dict[str, Field] = {}
    unit_depths: dict[int, dict[int, str]] = {}    # per side: the nearest unit at each depth
    for f in doc.fields:
        key = re.sub(r"[\s_]+", "", f.key).lower()
        key = "status" if key == "result" else key
        m = SIDE_KEY.match(key)
        first = seen.get(key)
        if first is None:
            seen[key] = f
        else:
            again = f"{quote(f.key)} is given again (first on line {first.line}" + (
                f" as {quote(first.key)})" if first.key != f.key else ")")
            if not m:
                problems.append(Problem(f.line, f"{again}: the first value is kept, this one is not read: "
                                                f"{quote(f.value)}"))
                continue
            problems.append(Problem(f.line, f"{again}: its items are added to the first's"))
        clean = strip_citations(f.value, f.span.start)
        value = collapse(clean.text)
        if m:
            kind, digits = m.group(1), m.group(2)
            number = int(digits) if len(digits) <= 3 else MAX_SIDES + 1
            if not 1 <= number <= MAX_SIDES:
                problems.append(Problem(f.line, f"side number {quote(digits, 12)} in {quote(f.key)} is not "
                                                f"valid (sides are numbered 1 to {MAX_SIDES})"))
                doc.extra.setdefault(f.key, value)
                continue
            if kind == "casualties":   # kept as written; a casualties-only column (civilians) is no side
                if first is not None:
                    doc.extra[first.key] = f"{doc.extra[first.key]}; {value}" if doc.extra.get(first.key) else value
                else:
                    doc.extra[f.key] = value
                continue
            side = _side(doc, number)
            if kind == "combatant":
                side.belligerents.extend(infobox.belligerents(clean))
            elif kind == "commander":
                notes: list[str] = []
                side.commanders.extend(infobox.commanders(clean, notes))
                problems.extend(Problem(f.line, note) for note in notes)
            elif kind == "units":
                side.units.extend(infobox.units(clean, unit_depths.setdefault(number, {})))
            else:
                side.strength.extend(infobox.strength(clean))
            continue
        if key == "conflict":
            if value and value != doc.title:
                doc.extra[f.key] = value
        elif key == "partof":
            doc.part_of = [v for v, _ in infobox.part_of(clean)]
        elif key == "date":
            start, end, ok, warnings = parse_period_report(value)
            problems.extend(Problem(f.line, w) for w in warnings)
            if not ok and not warnings:
                problems.append(Problem(f.line, f"the Date {quote(value)} could not be read"))
            elif is_approximate(value):
                problems.append(Problem(f.line, f"the Date {quote(value)} is approximate"))
            doc.start, doc.end = start, end
        elif key == "place":
            doc.place = value or None
        elif key == "status" or key == "result":
            doc.status = value or None
        elif key == "territory":
            doc.territory = [v for v, _ in infobox.territory(clean)]
        elif key == "coordinates":
            doc.coordinates = parse_coordinates(value)
            if doc.coordinates is None:
                problems.append(Problem(f.line, f"the Coordinates {quote(value)} could not be read"))
        else:
            doc.extra[f.key] = value

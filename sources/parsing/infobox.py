"""Splitting infobox values into their parts, with document spans.

Every function works on a ``text.Clean`` (the value with citation markers removed and the way back
to document offsets) and returns records whose spans point into the document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .records import Belligerent, Commander, Span, Strength, Unit
from .text import Clean, quote

_LAST_BRACKET = re.compile(r"\(([^()]*)\)\s*$")
IMAGE_TOKEN = re.compile(r"(?<![\w-])\d+px\b\s*")
SEPARATOR = re.compile(r"-{3,}|<\s*hr\s*/?\s*>", re.I)
# markup a page's infobox leaves around a name: a list bullet, a stray quote, a separator, an image
# size, an <hr>/<br> tag (issue 13: "---- ' Syrian Arab Republic", "* 18px Al-Rahman Legion")
_JUNK_START = re.compile(r"(?:[\s*'’`]+|-{3,}|(?<![\w-])\d+px\b|<\s*/?\s*(?:hr|br)\s*/?\s*>)+", re.I)
_JUNK_END = re.compile(r"(?:[\s'’`]+|-{3,}|<\s*/?\s*(?:hr|br)\s*/?\s*>)+$", re.I)
#: Placeholders that name nobody.
PLACEHOLDERS = frozenset({"unknown", "n/a", "none", "unknown commanders", "various", "?"})
# a label heading names it names no party of (corpus judgement 10): support labels, fronts
# ("Eastern front" is a label; "Western Front", capitalised, a Soviet army group: a unit)
GROUP_LABEL = re.compile(
    r"^(?:(?i:supported by|support|backed by|allied militias|airstrikes|air support)|"
    r"(?i:northern|southern|eastern|western|central|north|south|east|west) (?:front|axis|sector))$")
# fates written after a commander's name, spaced or run on ("HamdounKIA", "Ali KIA")
FATE = re.compile(r"(?:(?<=[a-z\u00e0-\u024f'’\".)])|(?<!\s)\s+)(?P<fate>KIA|DOW|WIA|POW|MIA)\b")
# the same, starting exactly where a removed fate was (``_without_fates``)
_FATE_HERE = re.compile(r"(?P<fate>KIA|DOW|WIA|POW|MIA)\b")
_FATE_SPACED = re.compile(r"\s+(?P<fate>KIA|DOW|WIA|POW|MIA)\b")
_AFTER_NAME = re.compile(r"[a-z\u00e0-\u024f'’\".)]")
RANKS = sorted("""
Field Marshal|Col. Gen.|Col.Gen.|Lt. Col.|
Marshal of the Soviet Union|Marshal|General of the Army|Army General|Colonel General|
Generaloberst|Generalfeldmarschall|Generalleutnant|Generalmajor|General der Infanterie|
General der Panzertruppe|Lieutenant General|Lt. Gen.|Lt.Gen.|Lt Gen|Major General|Maj. Gen.|Maj.Gen.|
Maj Gen|Brigadier General|Brig. Gen.|Brig.Gen.|Brig Gen|Brigadier|General|Gen.|Colonel|Col.|
Lieutenant Colonel|Lt. Col.|Lt.Col.|Major|Maj.|Captain|Capt.|Lieutenant|Lt.|Admiral|Adm.|
Vice Admiral|Vice Adm.|Rear Admiral|Rear Adm.|Commodore|Sergeant|Sgt.|Air Marshal|Air Chief Marshal|
Air Vice-Marshal|Grand Ayatollah|Sheikh|Emir|V. Adm.|R. Adm.|Brig.|Gen. of the Army|
First Lieutenant|Second Lieutenant|Senior Lieutenant|Junior Lieutenant|1st Lt.|2nd Lt.|First Lt.|Second Lt.|
Sen. Lt.|Snr. Lt.|Sr. Lt.|Jr. Lt.|Lieutenant Commander|Lt. Cdr.|Lt. Cmdr.|Sergeant Major|Sgt. Maj.|
Staff Sergeant|Staff Sgt.|Master Sergeant|Warrant Officer|Corporal|Cpl.|Lance Corporal|Pvt.|Ensign
""".replace("\n", "").split("|"), key=len, reverse=True)
RANK = re.compile(r"(?:" + "|".join(re.escape(r) for r in RANKS) + r")(?=\s+[A-Z\u00c0-\u024f\"'])")
ROLE_WORDS = re.compile(
    r"\b(?:commander|leader|chief|head|general|minister|president|emir|governor|commanding|"
    r"deputy|officer|spokesman|director|admiral|marshal|premier|king|prime)\b", re.I)


@dataclass
class Piece:
    """``clean.text[start:end]``, trimmed."""

    start: int
    end: int


def trim(text: str, start: int, end: int, chars: str = " \t\n") -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def split_list(text: str, start: int = 0, end: int | None = None, seps: str = ",") -> list[Piece]:
    """Split at commas outside brackets and quotes; ``2,000`` (a thousands separator) is kept."""
    end = len(text) if end is None else end
    out: list[Piece] = []
    depth = 0
    quote = False
    at = start
    for i in range(start, end):
        c = text[i]
        if c in "([":
            depth += 1
        elif c in ")]" and depth:
            depth -= 1
        elif c == '"':
            quote = not quote
        elif c in seps and depth == 0 and not quote:
            if c == "," and i > 0 and text[i - 1].isdigit() and re.match(r"\d{3}(?!\d)", text[i + 1:i + 4]):
                continue
            out.append(Piece(*trim(text, at, i)))
            at = i + 1
    out.append(Piece(*trim(text, at, end)))
    return [p for p in out if p.end > p.start]


def meaningful(s: str) -> bool:
    """Not empty and not punctuation only (the stray ``'`` item of a combatant list)."""
    return any(ch.isalnum() for ch in s)


def strip_images(clean: Clean, start: int, end: int) -> tuple[int, int]:
    """Drop leading image-size tokens (``17px``, ``20px``) from a piece."""
    text = clean.text
    while True:
        m = IMAGE_TOKEN.match(text, start)
        if not m or m.start() >= end:
            break
        start = m.end()
    return trim(text, start, end)


def strip_markup(clean: Clean, start: int, end: int) -> tuple[int, int]:
    """Drop the markup around a name: leading bullets, stray quotes, separators and image sizes,
    trailing ``<hr>`` tags, separators and quotes."""
    text = clean.text
    m = _JUNK_START.match(text, start, end)
    if m:
        start = m.end()
    m = _JUNK_END.search(text, start, end)
    if m:
        end = m.start()
    return trim(text, start, end)


def name_and_note(clean: Clean, start: int, end: int) -> tuple[str, str | None, Span]:
    """``Islamic State (since 23 Oct.)`` -> ("Islamic State", "since 23 Oct.")."""
    text = clean.text
    start, end = strip_markup(clean, start, end)
    start, end = trim(text, start, end, " \t\n,;:")
    raw = text[start:end]
    note = None
    # "\s*\(([^()]*)\)\s*$", less the leading spaces, which made it quadratic on a run of spaces
    m = _LAST_BRACKET.search(raw)
    if m and raw[:m.start()].strip():
        note = m.group(1).strip() or None
        name = raw[:m.start()].strip()
    else:
        name = raw.strip()
    return name, note, clean.span(start, end)


# a label written without its colon: a phrase ending in "by" names no party ("Supported by")
_SUPPORT_LABEL = re.compile(r"(?i)(?:supported|backed|assisted|aided)\s+by")


def _label(clean: Clean, piece: Piece) -> str | None:
    """``Allied militias:`` (a group label ending in a colon, image tokens and spaces aside, or a
    ``Supported by`` without one) -> "Allied militias"; None for a name."""
    start, end = strip_images(clean, piece.start, piece.end)
    raw = clean.text[start:end].rstrip()
    if not raw.endswith(":") and not _SUPPORT_LABEL.fullmatch(raw):
        return None
    label = raw.rstrip(": ").strip()
    return label if meaningful(label) else None


def belligerents(clean: Clean) -> list[Belligerent]:
    """Combatant names split at commas. A group label ending in a colon (``Allied militias:``,
    ``Supported by:``) is no belligerent: it becomes the note of the names after it, unless a name
    has its own bracketed note (gold README)."""
    out = []
    label = None
    for p in _pieces(clean.text):
        heading = _label(clean, p)
        if heading is None:
            s, e = strip_markup(clean, p.start, p.end)
            if _SUPPORT_ONLY.match(clean.text[s:e]):
                heading = clean.text[s:e]
        if heading is not None:
            label = heading
            continue
        name, note, span = name_and_note(clean, p.start, p.end)
        if meaningful(name) and name.lower() not in PLACEHOLDERS:
            out.append(Belligerent(name=name, note=note if note is not None else label, span=span))
    return out


_SUPPORT_ONLY = re.compile(r"(?i)^(?:supported by|support|backed by|airstrikes|air support)$")
_FATE_BRACKET = re.compile(r"\(\s*(KIA|DOW|WIA|POW|MIA)\s*\)")
_KILLED = re.compile(r"^(?:Killed|KIA|Died|Executed)\s*:\s*", re.I)
_ROLE_FIRST = re.compile(r"^\(([^()]*)\)\s*(?=\S)")


def _pieces(text: str) -> list[Piece]:
    """List items: split at commas, and at separators (``----``, ``<hr>``) inside an item."""
    pieces: list[Piece] = []
    for p in split_list(text):
        at = p.start
        for m in SEPARATOR.finditer(text, p.start, p.end):
            pieces.append(Piece(*trim(text, at, m.start())))
            at = m.end()
        pieces.append(Piece(*trim(text, at, p.end)))
    return [p for p in pieces if p.end > p.start]


def parse_commander(raw: str) -> tuple[str, str | None, str | None, str | None, bool, str | None]:
    """One commander entry -> (name, alias, rank, role, kia, other fate).

    ``Killed: X`` and ``†`` are killed in action; ``(DOW)``, ``(KIA)`` in brackets are fates, not
    roles; a role in brackets may come before the name (``(Commander of the Army) Lt. Gen. X``)."""
    s = IMAGE_TOKEN.sub("", raw).strip(" ,;")
    killed = False
    m = _KILLED.match(s)
    if m:
        killed, s = True, s[m.end():]
    s = _FATE_BRACKET.sub(lambda f: " " + f.group(1) + " ", s)
    s = re.sub(r"\s*[†‡]", " KIA", s)
    s = re.sub(r"\s+", " ", s).strip(" ,;")
    role = None
    m = _ROLE_FIRST.match(s)
    if m:
        role = m.group(1).strip() or None
        s = s[m.end():]
    m = re.search(r"\(([^()]*)\)\s*$", s)
    if m:
        role = m.group(1).strip() or role
        s = s[:m.start()].rstrip(" ,")
    s, fates = _without_fates(s)
    kia = killed or "KIA" in fates or "DOW" in fates
    fate = next((f for f in reversed(fates) if f != "KIA"), None)
    alias = None
    m = re.search(r"[\"“”]([^\"“”]+)[\"“”]", s)
    if m:
        alias = m.group(1).strip()
        s = (s[:m.start()] + " " + s[m.end():]).strip()
    rank = None
    m = RANK.match(s)
    if m:
        rank = m.group(0)
        s = s[m.end():].strip()
    name = re.sub(r"\s+", " ", s).strip(" ,;")
    return name, alias, rank, role, kia, fate


def _without_fates(s: str) -> tuple[str, list[str]]:
    """``s`` without its fate markers, and the markers in order.

    Reads as: remove the first ``FATE`` match, strip, and again until none is left; but in one
    pass (that loop copied the entry once per marker: a name followed by 100,000 "KIA" took
    minutes). A marker's removal can only make a match where it was, so each is looked for there
    first, then after it."""
    out: list[str] = []
    fates: list[str] = []
    last = ""             # the last character kept (what a marker glued to a name follows)
    r = 0
    while r < len(s):
        m = None
        if last and _AFTER_NAME.match(last):
            m = _FATE_HERE.match(s, r)
        if m is None and s[r].isspace():
            if fates and not last:
                r += len(s[r:]) - len(s[r:].lstrip())    # the text was stripped after a removal
                continue
            m = _FATE_SPACED.match(s, r)
        if m is None:
            m = FATE.search(s, r + 1) if fates or r else FATE.search(s, r)
            if m is None:
                out.append(s[r:])
                break
            kept = s[r:m.start()]
            if kept:
                out.append(kept)
                last = kept[-1]
        fates.append(m.group("fate"))
        r = m.end()
    text = "".join(out)
    return (text.strip() if fates else text), fates


def commanders(clean: Clean, problems: list[str] | None = None) -> list[Commander]:
    """``Maj. Gen. Qasem Soleimani, (Supreme commander), ... HamdounKIA(role), ...``.

    Never a commander: a fate whose name was lost (a lone ``KIA``), ``Unknown``, a group label
    (``Wagner Group:``, ``Eastern front``). A role whose opening bracket was lost, with its tenure
    after a comma (``Col. X (DOW), 31st Regimental Combat Team commander, until 29 November)``),
    is the role of the commander before it."""
    text = clean.text
    pieces = [Piece(*strip_markup(clean, p.start, p.end)) for p in _pieces(text)]   # a separator (----) ends an entry
    pieces = [p for p in pieces if meaningful(text[p.start:p.end])]
    out: list[Commander] = []
    k = 0
    while k < len(pieces):
        p = pieces[k]
        s, e = p.start, p.end
        raw = text[s:e]
        k += 1
        if out and raw.count("(") == raw.count(")") == 0 and k < len(pieces) and not RANK.match(raw) \
                and ROLE_WORDS.search(raw):
            nxt = text[pieces[k].start:pieces[k].end]
            if nxt.count(")") > nxt.count("("):
                _set_role(out, f"{raw}, {nxt.rstrip(') ').strip()}", clean.span(pieces[k].start, pieces[k].end))
                k += 1
                continue
        if raw.count(")") > raw.count("(") and out:
            _set_role(out, raw.rstrip(") ").strip(), clean.span(s, e), force=True)
            continue
        if raw in FATE_MARKERS_ALONE or raw.lower() in PLACEHOLDERS or raw.endswith(":") or GROUP_LABEL.match(raw):
            continue
        if raw.startswith("(") and raw.endswith(")") and out and out[-1].role is None:
            # "(Supreme commander)" after "Maj. Gen. Qasem Soleimani,": the previous entry's role
            _set_role(out, raw[1:-1].strip() or None, clean.span(s, e))
            continue
        name, alias, rank, role, kia, fate = parse_commander(raw)
        if not meaningful(name) or name.lower() in PLACEHOLDERS:
            continue
        if fate and problems is not None:
            problems.append(f"commander {quote(name)} is marked {fate}")
        out.append(Commander(name=name, alias=alias, rank=rank, role=role, kia=kia, span=clean.span(s, e)))
    return out


FATE_MARKERS_ALONE = frozenset({"KIA", "DOW", "WIA", "POW", "MIA", "†"})


def _set_role(out: list[Commander], role: str | None, span: Span, force: bool = False) -> None:
    last = out[-1]
    if last.role is not None and not force:
        return
    out[-1] = Commander(name=last.name, alias=last.alias, rank=last.rank, role=role, kia=last.kia,
                        span=Span(last.span.start, max(last.span.end, span.end)))


def units(clean: Clean, latest: dict[int, str] | None = None) -> list[Unit]:
    """``Syrian Armed Forces, * Syrian Army, ** 4th Mechanized Division, ...`` with parents by depth.

    ``latest`` (the nearest unit at each depth) carries the hierarchy on from an earlier line of the
    same side's units, and is updated."""
    text = clean.text
    out: list[Unit] = []
    latest = {} if latest is None else latest
    for p in _pieces(text):
        s = p.start
        depth = 0
        while s < p.end and text[s] in "* ":
            if text[s] == "*":
                depth += 1
            s += 1
        s, e = strip_markup(clean, s, p.end)
        s, e = trim(text, s, e, " \t\n,;")
        name = text[s:e]
        if not meaningful(name) or name.lower() in PLACEHOLDERS:
            continue
        if name.endswith(":") or GROUP_LABEL.match(name):
            latest.clear()        # "Airstrikes", "Northern front": a label; the units after it stand alone
            continue
        parent = latest.get(depth - 1) if depth else None
        out.append(Unit(name=name, parent=parent, depth=depth, span=clean.span(s, e)))
        latest[depth] = name
        for deeper in [d for d in latest if d > depth]:
            del latest[deeper]
    return out


NUMBER = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(million|thousand)?", re.I)
MAX_DIGITS = 100         # a figure is read exactly up to 100 digits; a longer one is no figure (issue 15)


def strength_entry(text: str, span: Span) -> Strength:
    number = None
    m = NUMBER.search(text)
    if m:
        # exact: a float turned 10^30 into 1000000000000000019884624838656 and 10^400 into an error
        whole, _, fraction = m.group(1).replace(",", "").partition(".")
        if len(whole.lstrip("0")) <= MAX_DIGITS:
            scale = {"million": 6, "thousand": 3}.get((m.group(2) or "").lower(), 0)
            fraction = fraction[:scale].ljust(scale, "0")
            number = int(whole + fraction) if whole + fraction else 0
    q = re.search(r"\(([^()]*)\)", text)
    return Strength(text=text, span=span, number=number, qualifier=q.group(1).strip() if q else None)


def strength(clean: Clean) -> list[Strength]:
    out = []
    for p in split_list(clean.text):
        s, e = trim(clean.text, p.start, p.end, " \t\n,;")
        if meaningful(clean.text[s:e]):
            out.append(strength_entry(re.sub(r"\s+", " ", clean.text[s:e]), clean.span(s, e)))
    return out


def part_of(clean: Clean) -> list[tuple[str, Span]]:
    """``the Battle of Aleppo, Syrian Civil War and the Russian ...`` -> three conflicts, no "the"."""
    text = clean.text
    pieces = split_list(text)
    if pieces:
        last = pieces[-1]
        chunk = text[last.start:last.end]
        found = list(re.finditer(r"(?<!\s)\s+and\s+(?=(?:the\s+)?[A-Z0-9])", chunk))
        if found:
            m = found[-1]
            pieces[-1:] = [Piece(last.start, last.start + m.start()), Piece(last.start + m.end(), last.end)]
    out = []
    for p in pieces:
        s, e = trim(text, p.start, p.end, " \t\n,;.")
        m = re.match(r"the\s+", text[s:e], re.I)
        if m:
            s += m.end()
        if meaningful(text[s:e]):
            out.append((text[s:e], clean.span(s, e)))
    return out


_LOWER_GLUE = {"and", "of", "the", "al", "de", "du", "la", "le", "von", "van", "der", "in", "on", "at"}


def territory(clean: Clean) -> list[tuple[str, Span]]:
    """Split at a comma followed by a capitalised clause with its own subject and verb."""
    text = clean.text
    pieces = split_list(text)
    groups: list[list[Piece]] = []
    for p in pieces:
        chunk = text[p.start:p.end]
        words = chunk.split()
        lower = [w for w in words[1:] if w[:1].islower() and w.strip(",.").lower() not in _LOWER_GLUE]
        starts_clause = bool(words) and words[0][:1].isupper() and len(words) >= 3 and bool(lower)
        if not groups or starts_clause:
            groups.append([p])
        else:
            groups[-1].append(p)
    out = []
    for g in groups:
        s, e = trim(text, g[0].start, g[-1].end, " \t\n,;.")
        out.append((text[s:e], clean.span(s, e)))
    return out

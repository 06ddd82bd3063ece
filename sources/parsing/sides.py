"""Sides of an infobox run that does not part them, told apart by evidence (issue 13).

A flattened or glued infobox keeps its rows in order but loses the columns: the belligerents of
side 1 then those of side 2, the commanders of side 1 then those of side 2, and so on for units
and strength. Each list is therefore cut once, and the sides are found by finding the cuts. The
evidence, each piece a statement that two entries fought on the same side or on opposite sides:

- the sides other documents already told apart (``KnownSides``, passed by the importer with the
  known force names: ``KnownForces.sides``): two forces that were on one side of an offensive, or
  on two of its sides; a commander and the forces of the side they commanded. Names that were
  allies in one offensive and enemies in another say nothing;
- the result: "Franco-Malian victory" puts France and Mali on one side;
- the lead sentence: the parties that carry the offensive ("an operation of the Iraqi security
  forces and the Popular Mobilization Forces", "launched ... by the Libyan National Army") fought
  the party it was aimed at ("from ISIL", "against Iraq");
- a unit that names its belligerent ("Russian Aerospace Forces": Russia; "Military of ISIL": the
  Islamic State of Iraq and the Levant; "LPR People's Militia": the Luhansk People's Republic);
- a commander's role or the words the prose puts right before or beside the name ("DPR leader
  Alexander Zakharchenko", "Damien Boiteux, a French helicopter pilot"), or ``(President of Iraq)``;
- a strength qualifier that names a party ("540,000+ (US)"); two strength entries are one per side;
  an ``Unknown`` among the commanders of a run stands for the other side's (its place is a cut).

``split`` tries every combination of cuts and keeps those that contradict no evidence; the sides
are told apart only when exactly one remains (every list's cut is decided). Otherwise the caller
keeps one side and marks it unresolved: the parser never guesses silently.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import lexicon as lx
from .records import SideRecord
from .text import norm

SAME, OTHER = "same", "other"
MAX_COMBINATIONS = 200_000     # cuts tried at most (the lists of one infobox are short)
_SMALL = {"of", "and", "the", "for", "in", "on", "al", "de", "du", "la", "le", "des"}
# "Franco-Malian": the first part of a compound demonym
_COMBINING = {"franco": "France", "anglo": "United Kingdom", "russo": "Russia", "sino": "China", "italo": "Italy",
              "turco": "Turkey", "austro": "Austria", "indo": "India", "greco": "Greece", "iraqi": "Iraq",
              "syro": "Syria", "german": "Germany", "soviet": "Soviet Union", "americo": "United States"}
_WORD = re.compile(r"[\w'’.-]+|[^\w\s]")
_SENTENCE = re.compile(r"[^.!?]+[.!?]?")


class KnownSides:
    """What the documents read before say of sides: for each name (comparison form) of a force or
    a person, the sides it was on, as (offensive key, side number). Grows as documents are read
    (``add``); looking up two names costs the offensives they share, not the whole."""

    def __init__(self) -> None:
        self._forces: dict[str, set[tuple[object, int]]] = {}
        self._people: dict[str, set[tuple[object, int]]] = {}

    def __len__(self) -> int:
        return len(self._forces) + len(self._people)

    def add(self, key: object, number: int, forces: Iterable[str] = (), people: Iterable[str] = ()) -> None:
        """Side ``number`` of offensive ``key`` had these forces (names and aliases) and people."""
        for name in forces:
            self._forces.setdefault(norm(name), set()).add((key, number))
        for name in people:
            self._people.setdefault(norm(name), set()).add((key, number))

    def add_record(self, key: object, sides: Iterable[SideRecord]) -> None:
        """The sides of a parsed document (only when it tells them apart: two sides or more)."""
        sides = [s for s in sides if s.belligerents or s.units or s.commanders]
        if len(sides) < 2:
            return
        for s in sides:
            self.add(key, s.number, [x.name for x in (*s.belligerents, *s.units)], [c.name for c in s.commanders])

    def update(self, other: KnownSides) -> None:
        """Add what ``other`` knows."""
        for mine, theirs in ((self._forces, other._forces), (self._people, other._people)):
            for name, sides in theirs.items():
                mine.setdefault(name, set()).update(sides)

    def sides_of(self, name: str, person: bool = False) -> set[tuple[object, int]]:
        return (self._people if person else self._forces).get(norm(name), set())

    def relation(self, a: set[tuple[object, int]], b: set[tuple[object, int]]) -> str | None:
        """SAME when the two were on one side of every offensive they share, OTHER when on two of
        its sides in every one, None when they share none or the documents disagree."""
        if not a or not b:
            return None
        by_key: dict[object, set[int]] = {}
        for key, n in a:
            by_key.setdefault(key, set()).add(n)
        votes = set()
        seen: dict[object, set[int]] = {}
        for key, n in b:
            if key in by_key:
                seen.setdefault(key, set()).add(n)
        for key, numbers in seen.items():
            votes.add(SAME if numbers & by_key[key] else OTHER)
        return votes.pop() if len(votes) == 1 else None


class KnownForces(list):
    """The force names a plain document is read with (a list of names, as the parser always took),
    and ``sides``: what documents already loaded say of their sides (``KnownSides``), the evidence
    that tells apart the sides of an infobox run that does not part them."""

    def __init__(self, names: Iterable[str] = (), sides: KnownSides | None = None):
        super().__init__(names)
        self.sides = sides


@dataclass
class _Item:
    kind: str            # "b" belligerent, "c" commander, "u" unit, "s" strength
    index: int
    name: str
    forms: set[str] = field(default_factory=set)   # the comparison forms that name it (belligerents, units)


def acronym(name: str) -> str:
    """"Islamic State of Iraq and the Levant" -> "isil", "Donetsk People's Republic" -> "dpr",
    "Al-Qaeda in the Islamic Maghreb" -> "aqim"; "" for a name of fewer than three capitalised words
    (two letters name too many things) or with other lower-case words ("pro-Moscow militia")."""
    words = [w for w in re.split(r"[\s–-]+", name) if w and w not in _SMALL]    # "Al-Qaeda": "Al" counts
    if len(words) < 2 or not all(w[:1].isupper() for w in words):
        return ""
    return "".join(w[0] for w in words).lower() if len(words) >= 3 else ""


def forms_of(name: str) -> set[str]:
    """The comparison forms that name a party: the name, its acronym, a country's demonyms."""
    out = {norm(name)}
    if a := acronym(name):
        out.add(a)
    for form in lx.COUNTRIES.get(name, ()):
        out.add(norm(form))
    return {f for f in out if f}


def _words(text: str) -> list[str]:
    return [norm(w).strip(".,;:()") for w in _WORD.findall(text)]


def _named(words: list[str], items: list[_Item]) -> list[_Item]:
    """The items whose longest form is a run of ``words`` (the longest form wins; a tie between
    two items names neither)."""
    best, found = 0, []
    text = " " + " ".join(words) + " "
    for it in items:
        length = max((len(f) for f in it.forms if f" {f} " in text), default=0)
        if length > best:
            best, found = length, [it]
        elif length and length == best:
            found.append(it)
    return found


def _winners(status: str | None, parties: list[_Item]) -> list[_Item]:
    """The parties the result names as winning ("Franco-Malian victory": Mali and France)."""
    if not status:
        return []
    m = re.search(rf"(?i)^(?P<who>.*?)\s*\b(?:{'|'.join(lx.RESULT_WORDS)})\b", status)
    if not m:
        return []
    out: list[_Item] = []
    for word in re.split(r"[\s,]+", m.group("who")):
        for part in word.split("-") if "-" in word and not word.lower().endswith("-led") else [word]:
            low = norm(part).strip(".,;")
            if not low or low in lx.RESULT_QUALIFIERS or low in lx.RESULT_ADJECTIVES:
                continue
            country = _COMBINING.get(low) or lx.DEMONYMS.get(low)
            for it in _named([low] if country is None else [norm(country)], parties):
                if it not in out:
                    out.append(it)
    return out


# who carries the offensive: "an operation of the X", "airstrikes of the X", "launched by the X" (not
# "the capital of X"); whom it is aimed at: "from X", "against X" (not "with support from X")
_ACTOR = re.compile(r"\b(?:(?:operation|offensive|counteroffensive|counter-offensive|campaign|attack|assault|advance|"
                    r"forces|troops|army|units|airstrikes|air strikes|intervention)\s+of|by)\s+(?:the\s+)?$")
_TARGET = re.compile(r"(?<!support )(?<!help )(?<!aid )(?<!backing )(?<!assistance )(?<!reinforcements )"
                     r"(?<!supplies )\b(?:from|against)\s+(?:the\s+)?$")
# a party joined to the one before ("the Syrian Army and the Russian ...": up to three words between)
_AND = re.compile(r"^(?:\s+[\w'’-]+){0,3}\s*,?\s*(?:and|backed by|supported by)\s+(?:the\s+)?$")


def _lead_evidence(lead: str, items: list[_Item]) -> list[tuple[_Item, _Item, str, str]]:
    """OTHER between the parties the lead names as carrying the offensive ("of the Syrian Army",
    "by the Libyan National Army", and those joined to them by "and"/"backed by") and the party it
    names as its target ("from ISIL", "against Iraq"), in its first sentence."""
    m = _SENTENCE.match(lead)
    sentence = m.group() if m else lead
    mentions = []         # (start, end, item) of every party named in the sentence
    low = norm(sentence)
    for it in items:
        for f in it.forms:
            for hit in re.finditer(rf"(?<![\w'-]){re.escape(f)}(?![\w'-])", low):
                mentions.append((hit.start(), hit.end(), it))
    mentions.sort(key=lambda x: (x[0], -x[1]))
    kept, end = [], -1
    for a, b, it in mentions:       # the longest mention at a place; no overlaps
        if a >= end:
            kept.append((a, b, it))
            end = b
    actors, targets = [], []
    prev_end, prev_role = 0, None
    for a, b, it in kept:
        before = low[prev_end:a]
        role = None
        if _TARGET.search(low[:a]):
            role = "target"
        elif _ACTOR.search(low[:a]):
            role = "actor"
        elif prev_role and _AND.match(before):
            role = prev_role
        if role == "actor":
            actors.append(it)
        elif role == "target":
            targets.append(it)
        prev_end, prev_role = b, role
    return [(x, y, OTHER, "the lead") for x in actors for y in targets if x is not y]


def _prose_party(name: str, text: str, items: list[_Item]) -> list[_Item]:
    """The parties the prose puts right before a commander's name ("DPR leader Alexander
    Zakharchenko", "Malian interim President Dioncounda Traoré") or beside it in an apposition
    ("Damien Boiteux, a French helicopter pilot,"): the same party every time it is named so."""
    found: list[_Item] = []
    for hit in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
        start = max(text.rfind(".", 0, hit.start()), text.rfind("\n", 0, hit.start()), text.rfind(",", 0, hit.start()))
        before = _words(text[start + 1:hit.start()])[-4:]
        around = _named(before, items)
        rest = text[hit.end():]
        if rest.startswith(","):
            close = re.search(r"[,.;]", rest[1:])
            around = around or _named(_words(rest[1:1 + close.start()] if close else rest[1:80])[:8], items)
        for it in around:
            if it.kind in "bu" and it not in found:
                found.append(it)
    return found


@dataclass
class Decision:
    """The sides told apart (``sides``), or why not (``sides`` None); ``evidence`` says what decided."""

    sides: list[SideRecord] | None
    evidence: list[str]


def split(side: SideRecord, *, known: KnownSides | None = None, status: str | None = None, lead: str = "",
          prose: str = "", breaks: dict[str, int] | None = None) -> Decision:
    """``side``: every party of an infobox whose columns were lost, each list in the infobox's order
    (side 1's entries, then side 2's). ``status``: the result line; ``lead``: the lead paragraph;
    ``prose``: the text after the infobox, where commanders are named; ``breaks``: a list's known cut
    (an ``Unknown`` that stood for the other side's commanders). Two sides when the evidence leaves
    one way to cut every list, else ``sides`` None."""
    lists = {"b": [_Item("b", i, b.name, forms_of(b.name)) for i, b in enumerate(side.belligerents)],
             "c": [_Item("c", i, c.name) for i, c in enumerate(side.commanders)],
             "u": [_Item("u", i, u.name, forms_of(u.name)) for i, u in enumerate(side.units)],
             "s": [_Item("s", i, s.text) for i, s in enumerate(side.strength)]}
    parties = lists["b"]
    if len(parties) < 2:
        return Decision(None, ["fewer than two belligerents"])
    forces = parties + lists["u"]
    edges: list[tuple[_Item, _Item, str, str]] = []
    # units that name their belligerent
    for u in lists["u"]:
        named = _named(_words(u.name), parties)
        how = f"{u.name!r} names {named[0].name!r}" if len(named) == 1 else ""
        if not named:
            named = [x for x in _prose_party(u.name, prose, forces) if x is not u]
            how = f"the prose beside {u.name!r}"
        if len(named) == 1:
            edges.append((u, named[0], SAME, how))
    # the result's winners
    won = _winners(status, parties)
    for x in won[1:]:
        edges.append((won[0], x, SAME, f"the result {status!r}"))
    edges += _lead_evidence(lead, forces)
    # commanders: role, prose
    for c, rec in zip(lists["c"], side.commanders, strict=True):
        named = _named(_words(rec.role or ""), forces) if rec.role else []
        how = f"the role of {c.name!r}"
        if len(named) != 1:
            named = _prose_party(c.name, prose, forces)
            how = f"the prose beside {c.name!r}"
            if not named and len(c.name.split()) >= 2:
                named = _prose_party(c.name.split()[-1], prose, forces)
        if len(named) == 1:
            edges.append((c, named[0], SAME, how))
    # strength: a qualifier naming a party; two entries are one per side
    for s, rec in zip(lists["s"], side.strength, strict=True):
        named = _named(_words(rec.qualifier or ""), forces) if rec.qualifier else []
        if len(named) == 1:
            edges.append((s, named[0], SAME, f"the strength {rec.text!r}"))
    if len(lists["s"]) == 2:
        edges.append((lists["s"][0], lists["s"][1], OTHER, "two strength entries"))
    # what other documents said
    if known is not None and len(known):
        sided = [(it, known.sides_of(it.name, person=it.kind == "c")) for it in parties + lists["u"] + lists["c"]]
        sided = [(it, s) for it, s in sided if s]
        for k, (x, sx) in enumerate(sided):
            for y, sy in sided[k + 1:]:
                if x.kind == "c" and y.kind == "c":
                    continue
                rel = known.relation(sx, sy)
                if rel is not None:
                    edges.append((x, y, rel, f"other documents: {x.name!r} and {y.name!r}"))
    return _decide(side, lists, edges, breaks or {})


def _decide(side: SideRecord, lists: dict[str, list[_Item]], edges, breaks: dict[str, int]) -> Decision:
    ranges = {}
    for kind, items in lists.items():
        if kind in breaks and 0 <= breaks[kind] <= len(items):
            ranges[kind] = [breaks[kind]]
        elif kind == "b":
            ranges[kind] = list(range(1, len(items)))
        else:
            ranges[kind] = list(range(len(items) + 1))
    total = 1
    for r in ranges.values():
        total *= len(r)
    if total > MAX_COMBINATIONS:
        return Decision(None, ["too many ways to cut the lists"])
    solutions = []
    for kb in ranges["b"]:
        cut = {"b": kb}
        if not _ok(edges, cut):
            continue
        for kc in ranges["c"]:
            cut["c"] = kc
            if not _ok(edges, cut):
                continue
            for ku in ranges["u"]:
                cut["u"] = ku
                if not _ok(edges, cut):
                    continue
                for ks in ranges["s"]:
                    cut["s"] = ks
                    if _ok(edges, cut):
                        solutions.append(dict(cut))
                del cut["s"]
            del cut["u"]
        del cut["c"]
    if not solutions:
        return Decision(None, ["the evidence contradicts itself"])
    if len(solutions) > 1:
        return Decision(None, _undecided(lists, solutions))
    cut = solutions[0]
    one, two = SideRecord(number=1), SideRecord(number=2)
    for kind, attr in (("b", "belligerents"), ("c", "commanders"), ("u", "units"), ("s", "strength")):
        values = getattr(side, attr)
        getattr(one, attr).extend(values[:cut[kind]])
        getattr(two, attr).extend(values[cut[kind]:])
    return Decision([one, two], _summary(edges))


def _summary(edges) -> list[str]:
    """What decided, one phrase per kind of evidence (other documents' pairs counted, not listed)."""
    out, pairs = [], 0
    for _, _, _, why in edges:
        if why.startswith("other documents"):
            pairs += 1
        elif why not in out:
            out.append(why)
    if pairs:
        out.append(f"{pairs} pair{'s' if pairs > 1 else ''} of names on known sides in other documents")
    return out


def _ok(edges, cut: dict[str, int]) -> bool:
    """No edge between two items of cut lists is contradicted."""
    for x, y, rel, _ in edges:
        if x.kind in cut and y.kind in cut:
            same = (x.index < cut[x.kind]) == (y.index < cut[y.kind])
            if same != (rel == SAME):
                return False
    return True


def _undecided(lists: dict[str, list[_Item]], solutions: list[dict[str, int]]) -> list[str]:
    """Where each list could still be cut: "the units after 'A' or after 'B'"."""
    names = {"b": "belligerents", "c": "commanders", "u": "units", "s": "strength"}
    out = []
    for k, label in names.items():
        cuts = sorted({s[k] for s in solutions})
        if len(cuts) > 1:
            where = [f"after {lists[k][c - 1].name!r}" if c else "before the first" for c in cuts[:4]]
            out.append(f"the {label} could be cut {' or '.join(where)}{' ...' if len(cuts) > 4 else ''}")
    return out


__all__ = ["Decision", "KnownForces", "KnownSides", "acronym", "forms_of", "split"]

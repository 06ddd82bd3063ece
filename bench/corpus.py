#!/usr/bin/env python
"""Synthetic source documents for the bulk-import benchmark: deterministic (seeded), standard library only.

    python bench/corpus.py OUTDIR --docs 1000 --events 100 [--plain-share 0.5] [--bad-share 0.0] [--seed 1]
    python bench/corpus.py OUTDIR --huge 20000                       # one document with 20,000 event sentences
    python bench/corpus.py OUTDIR --small-files 10000 --bad-share 0.5  # many small documents, half of them bad
    python bench/corpus.py OUTDIR --docs 50 --with-json 3            # plus 3 gold-like .json files in OUTDIR
    python bench/corpus.py OUTDIR --docs 300 --check                 # parse what was written, compare (see below)

As a module: ``paths, manifest = generate(outdir, docs=..., events=..., ...)``.

Documents are offensives in the two formats the importer reads (``structured``: ``= Title =``, an
``Infobox`` of ``- Key: value`` lines, ``==Sections==``; ``plain``: a scraped page whose first line runs
the flattened infobox into the lead sentence, lines starting with ``[n]`` citation markers). They draw on
one pool of entities per seed (some hundreds of forces with acronyms and alternate spellings, commanders,
units, a few thousand syllable-built place names), so documents share forces, people and places.

Every good document states exactly ``events`` event sentences under the gold rules
(``shared/gold/README.md``): a sentence with a date of its own, or an undated sentence continuing the
latest dated one in the same paragraph (plain: the next line). The rest of the prose (lead, undated
background, analysis, speculation, see-also lists) is written so that it is *not* an event. The
generator knows each event's date, end date, precision, kind and places; ``--with-json`` writes that as
gold-like JSON for a few documents. Bad files (``--bad-share``) are each one kind of unreadable
document the importer must reject with an error (see ``BAD_KINDS``).

Nothing here imports Django or the project; only ``check()`` (``--check``) imports the project's
pure-Python parser, ``sources.parsing``, to compare parsed and expected counts.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST_NAME = ".manifest.json"   # a dot file: a folder import skips it
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]

# ---------------------------------------------------------------------------------------------- names
# Generated words must not read as anything else to a parser: no month or weekday names or their
# abbreviations (dates), no abbreviation that hides a sentence end, no "-ed" ending (a past verb), no
# word of the parser's name lexicon (suffixes, particles, ranks), no demonym-like ending.
_BANNED = set("""
january february march april may june july august september october november december jan feb mar apr jun
jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu
thur thurs fri sat sun gen maj col lt ltc capt cpt sgt brig adm cmdr cdr gov sen rep pres mr mrs ms dr prof
rev st mt ft no nos pvt cpl gens vs approx ca est fig vol art cf al hon fm marshal jr sr inc co corp ltd etc
ave km the and of is are was were has have had that this these those then there their its it they he she we
el de du des la le von van der den ibn bin bint abu da di ad an ar as ash az ain ras tell deir bir kafr tal
khan jabal on in at by to for from with near army navy front force forces corps guard guards group legion
unit units party wing battery company police militia brigade division regiment battalion council command
movement alliance resistance coalition fleet marines liwa liwaa jaish jaysh harakat kataib jabhat ansar
saraya ahrar jund faylaq firqat emir sheikh major general colonel captain lieutenant night dawn dusk day
later early late mid north south east west hill road base camp city town village area district oasis dam
well mine fort gate line pass port bay lake wood square station field farm tower
""".split())
_BAD_ENDINGS = ("ed", "ing", "ian", "ese", "ish", "ist", "ly")
# the event-kind and time-of-day keywords match case-insensitively, inside names too ("Seizdash" = seized)
_BAD_STARTS = ("seiz", "captur", "occup", "liberat", "conquer", "withdr", "retreat", "evacu", "abandon", "attack",
               "assault", "storm", "shell", "ambush", "advanc", "enter", "repel", "besieg", "infiltr", "raid",
               "invad", "reinforc", "suppl", "deliver", "arriv", "deploy", "dispatch", "kill", "wound", "dead",
               "died", "death", "casualt", "injur", "execut", "behead", "halt", "paus", "fled", "flee", "displac",
               "travel", "visit", "truce", "surrend", "bomb", "regain", "retook", "retak", "recapt", "jets",
               "night", "even", "morn", "dawn", "later", "noon", "dusk", "midnight", "announc", "claim", "stat",
               "said", "declar", "deni", "confirm", "report")
_FATES = ("KIA", "DOW", "WIA", "POW", "MIA")
_ONSETS = ["b", "d", "f", "g", "h", "j", "k", "kh", "l", "m", "n", "q", "r", "s", "sh", "t", "w", "y", "z",
           "dh", "gh", "th", "b", "d", "k", "m", "n", "r", "s", "t"]
_VOWELS = ["a", "a", "a", "e", "i", "i", "o", "u", "u", "aa", "ei", "ou"]
_CODAS = ["", "", "", "", "n", "r", "l", "m", "s", "k", "t", "sh", "z", "b", "n", "r"]
ORDINAL = {1: "st", 2: "nd", 3: "rd"}


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else ORDINAL.get(n % 10, 'th')}"


def _word(rng: random.Random, low: int = 2, high: int = 3) -> str:
    while True:
        w = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                    for _ in range(rng.randint(low, high)))
        if (4 <= len(w) <= 11 and w not in _BANNED and not w.endswith(_BAD_ENDINGS) and "aaa" not in w
                and not w.startswith(_BAD_STARTS)):
            return w.capitalize()


def _respell(name: str) -> str:
    """An alternate spelling of a generated name: Jaish/Jaysh, Kata'ib/Kataib, or one generated word
    respelt (ou/u, aa/a, ei/ey, kh/k, ...), as transliterations differ between sources."""
    for a, b in (("Jaish ", "Jaysh "), ("Liwa ", "Liwaa "), ("Kata'ib ", "Kataib ")):
        if name.startswith(a):
            return b + name[len(a):]
    words = name.split()
    for i, w in enumerate(words):
        stem = w[3:] if w.startswith("al-") else w
        if w.lower() in _BANNED or w in _FIXED_WORDS or not stem[:1].isupper():
            continue
        for a, b in (("ou", "u"), ("aa", "a"), ("ei", "ey"), ("kh", "k"), ("sh", "ch"), ("q", "k")):
            if a in stem:
                words[i] = w.replace(a, b, 1)
                return " ".join(words)
        words[i] = w + ("h" if w[-1] in "aiu" else "e")
        return " ".join(words)
    return name + "h"


_FIXED_WORDS = {"Free", "Martyrs", "Shield", "Hawks", "Popular", "Revolutionary", "Sultan", "Islamic", "Emirate",
                "Expeditionary", "Volunteer", "Brigades", "Forces", "Battalion", "Group", "Army", "Legion", "Front",
                "Division", "Regiment", "Corps", "Brigade", "Guard"}


@dataclass
class Force:
    name: str
    camp: str                         # state | militia | rebel | jihadist | foreign
    acronym: str | None = None
    aliases: list[str] = field(default_factory=list)
    units: list[tuple[int, str]] = field(default_factory=list)   # (depth, name), document order
    state: str | None = None          # the state a state force belongs to

    @property
    def article(self) -> str:
        """How prose names it: "the Free Kelmarian Army", "Jaish al-Doura", "the FKA"."""
        return self.name if self.name.split()[0] in _NO_ARTICLE else f"the {self.name}"


_FORCE_WORDS = {"army", "front", "brigade", "brigades", "division", "legion", "regiment", "battalion", "forces",
                "guard", "group", "corps"}
_NO_ARTICLE = {"Liwa", "Liwaa", "Jaish", "Jaysh", "Harakat", "Kata'ib", "Kataib", "Saraya", "Ahrar", "Ansar",
               "Jund", "Jabhat"}


@dataclass
class Person:
    name: str
    force: Force
    rank: str | None
    alias: str | None = None


@dataclass
class State:
    name: str
    demonym: str
    regions: list[str]


class Pool:
    """The entities every document of one seed draws on."""

    def __init__(self, seed: int, places: int = 3000, forces: int = 320, people: int = 640):
        rng = random.Random(f"pool:{seed}")
        self.places = self._places(rng, places)
        used = set(self.places)
        self.states: list[State] = []
        while len(self.states) < 24:
            root = _word(rng, 2, 2)
            name = root + "ia" if root[-1] not in "aeiou" else root[:-1] + "ia"
            if name in used:
                continue
            used.add(name)
            regions = []
            while len(regions) < 4:
                r = _word(rng)
                if r not in used:
                    used.add(r)
                    regions.append(r)
            self.states.append(State(name, name + "n", regions))
        self.forces: list[Force] = []
        self.by_camp: dict[str, list[Force]] = {"state": [], "militia": [], "rebel": [], "jihadist": [],
                                                "foreign": []}
        for st in self.states:
            self._add(self._state_force(rng, st))
        names = {f.name for f in self.forces}
        acronyms = {f.acronym for f in self.forces if f.acronym}
        camps = ["militia"] * 36 + ["rebel"] * 44 + ["jihadist"] * 14 + ["foreign"] * 6
        while len(self.forces) < forces:
            f = self._nonstate_force(rng, rng.choice(camps))
            if f.name in names or f.name in used:
                continue
            if f.acronym in acronyms:
                f.acronym = None
            names.add(f.name)
            if f.acronym:
                acronyms.add(f.acronym)
            self._add(f)
        self.people: list[Person] = []
        seen = set()
        while len(self.people) < people:
            force = rng.choice(self.forces)
            name = self._person_name(rng)
            if name in seen:
                continue
            seen.add(name)
            rank = self._rank(rng, force)
            alias = f"Abu {_word(rng, 2, 2)}" if rng.random() < 0.08 else None
            self.people.append(Person(name, force, rank, alias))
        self.people_of: dict[str, list[Person]] = {}
        for p in self.people:
            self.people_of.setdefault(p.force.name, []).append(p)

    def _add(self, f: Force) -> None:
        self.forces.append(f)
        self.by_camp[f.camp].append(f)

    @staticmethod
    def _places(rng: random.Random, n: int) -> list[str]:
        out: list[str] = []
        seen: set[str] = set()
        while len(out) < n:
            r = rng.random()
            if r < 0.55:
                name = _word(rng)
            elif r < 0.67:
                name = "al-" + _word(rng)
            elif r < 0.85:
                name = rng.choice(["Tal", "Khan", "Deir", "Kafr", "Bir", "Ain", "Ras"]) + " " + _word(rng)
            else:
                name = _word(rng) + rng.choice([" al-", " "]) + _word(rng, 2, 2)
            if name not in seen:
                seen.add(name)
                out.append(name)
        return out

    @staticmethod
    def _state_force(rng: random.Random, st: State) -> Force:
        dem = st.demonym
        army = f"{dem} {rng.choice(['Arab Army', 'National Army', 'Army'])}"
        units = [(0, f"{dem} Armed Forces"), (1, army)]
        for division in rng.sample(range(1, 19), rng.randint(2, 4)):
            units.append((2, f"{ordinal(division)} {rng.choice(['Armoured', 'Mechanized', 'Infantry'])} Division"))
            for brigade in rng.sample(range(20, 190), rng.randint(0, 3)):
                units.append((3, f"{ordinal(brigade)} Brigade"))
        units += [(1, f"{dem} Air Force"), (1, "National Defence Forces"), (2, f"{_word(rng)} Shield Brigade")]
        acronym = "".join(w[0] for w in army.split())
        return Force(st.name, "state", acronym=None, aliases=[army, acronym], units=units, state=st.name)

    def _nonstate_force(self, rng: random.Random, camp: str) -> Force:
        w, w2 = _word(rng), _word(rng, 2, 2)
        dem = rng.choice(self.states).demonym
        patterns = {
            "militia": [f"Liwa {w}", f"Liwa {w} al-{w2}", f"Kata'ib {w}", f"Saraya al-{w}", f"{w} Brigade",
                        f"{w} Martyrs Brigade", f"{w} Shield Forces", f"{w} Regiment", f"{w} Hawks Battalion",
                        f"{dem} Popular Guard"],
            "rebel": [f"Free {dem} Army", f"{w} Front", f"{w} Revolutionary Front", f"Jaish al-{w}",
                      f"Harakat {w} al-{w2}", f"Ahrar al-{w}", f"Jabhat {w}", f"{w} Division", f"Sultan {w} Division",
                      f"{w} Legion", f"{w} Brigades", f"Army of {w}"],
            "jihadist": [f"Ansar al-{w}", f"Jund al-{w}", f"{w} Islamic Front", f"Islamic Emirate of {w} Army"],
            "foreign": [f"{w} Group", f"{dem} Expeditionary Corps", f"{dem} Volunteer Legion"],
        }
        name = rng.choice(patterns[camp])
        caps = [x for x in name.split() if x[:1].isupper()]
        acronym = None
        if len(caps) >= 2 and rng.random() < 0.7:
            acronym = "".join(x[0] for x in caps)
            if len(acronym) < 2 or acronym.lower() in _BANNED or acronym.endswith(_FATES):
                acronym = None
        aliases = [_respell(name)] if rng.random() < 0.4 else []
        units = [(0, name)]
        for _ in range(rng.randint(0, 3)):
            unit = rng.choice([f"{_word(rng)} Battalion", f"{ordinal(rng.randint(1, 30))} Regiment",
                               f"{_word(rng)} Company", f"{_word(rng)} Brigade"])
            if all(unit != u for _, u in units):
                units.append((1, unit))
        return Force(name, camp, acronym=acronym, aliases=aliases, units=units)

    @staticmethod
    def _person_name(rng: random.Random) -> str:
        first = f"Abu {_word(rng, 2, 2)}" if rng.random() < 0.15 else _word(rng, 2, 2)
        last = f"al-{_word(rng)}" if rng.random() < 0.5 else _word(rng)
        if rng.random() < 0.2:
            return f"{first} {_word(rng, 2, 2)} {last}"
        return f"{first} {last}"

    @staticmethod
    def _rank(rng: random.Random, force: Force) -> str | None:
        if force.camp == "state" or force.camp == "foreign":
            return rng.choice(["Maj. Gen.", "Brig. Gen.", "Col.", "Lt. Col.", "Gen.", "Lt. Gen.", "Major General"])
        if force.camp == "jihadist":
            return rng.choice([None, None, "Sheikh", "Emir"])
        return rng.choice([None, None, "Col.", "Brig. Gen."])


# ---------------------------------------------------------------------------------------------- dates
def infer_year(month: int, day: int, ref: dt.date) -> int:
    """The year the gold rules (and the parser) give a day without one: the nearest to ``ref``."""
    best, gap = ref.year, None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        d = dt.date(year, month, min(day, 28 if month == 2 else day))
        g = abs((d - ref).days)
        if gap is None or g < gap or (g == gap and year > best):
            best, gap = year, g
    return best


def add_months(d: dt.date, months: int) -> dt.date:
    index = d.year * 12 + d.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def dm(d: dt.date, year: bool = False) -> str:
    return f"{d.day} {MONTHS[d.month - 1]}" + (f" {d.year}" if year else "")


def first_words(sentence: str, n: int = 8) -> str:
    """Gold ``starts_with``: the first 8 words, up to 10 so a date is not cut in two."""
    words = sentence.split()
    if len(words) <= n:
        return sentence.rstrip().rstrip(".")
    months = {m.lower() for m in MONTHS}
    k = n
    while k < min(len(words), 10):
        last, nxt = words[k - 1].strip(",.").lower(), words[k].strip(",.").lower()
        if (last.isdigit() and nxt in months) or (last in months and nxt.isdigit()):
            k += 1
        else:
            break
    return " ".join(words[:k])


# ---------------------------------------------------------------------------------------------- documents
@dataclass
class Sentence:
    text: str
    event: dict | None = None          # expected event (gold schema) or None: deliberately not an event


@dataclass
class Side:
    belligerents: list[tuple[Force, str | None]] = field(default_factory=list)   # (force, note)
    commanders: list[tuple[Person, bool, str | None]] = field(default_factory=list)  # (person, kia, role)
    units: list[tuple[int, str]] = field(default_factory=list)
    strength: list[str] = field(default_factory=list)
    label_at: int | None = None       # plain: "Allied militias:" before this belligerent, the note of it and the rest

    def notes(self) -> list[str | None]:
        at = len(self.belligerents) if self.label_at is None else self.label_at
        return [note or ("Allied militias" if i >= at else None) for i, (_, note) in enumerate(self.belligerents)]


@dataclass
class Doc:
    fmt: str
    title: str
    text: str
    events: list[dict]
    sides: list[Side]
    start: dt.date
    end: dt.date | None
    status: str | None
    place: str | None
    part_of: list[str]
    territory: list[str]
    forces: list[str]


class _Redraw(Exception):
    """The sentence just drawn would make an ambiguous gold ``starts_with``: draw another."""


# (kind, clause, places named in it as the gold lists them); {A} the actor, {E} its enemy ({Ep}: before a noun)
_CLAUSES: list[tuple[str, str, tuple[str, ...]]] = [
    ("capture", "{A} captured the village of {p}", ("{p}",)),
    ("capture", "{A} captured {p} hill after heavy clashes with {E}", ("{p} hill",)),
    ("capture", "{A} took control of {p} and the nearby {p2} farms", ("{p}", "{p2} farms")),
    ("capture", "{A} seized the town of {p}", ("{p}",)),
    ("recapture", "{A} recaptured the village of {p}", ("{p}",)),
    ("recapture", "{A} retook {p} Mountain from {E}", ("{p} Mountain",)),
    ("recapture", "{A} regained control of the {p} highway", ("{p} highway",)),
    ("attack", "{A} launched an attack on {Ep} positions near {p}", ("{p}",)),
    ("attack", "{A} stormed the {p} checkpoint", ("{p} checkpoint",)),
    ("attack", "{A} attacked the {p} airbase with two car bombs", ("{p} airbase",)),
    ("counterattack", "{A} counter-attacked near {p}", ("{p}",)),
    ("airstrike", "warplanes carried out airstrikes on {Ep} positions near {p}", ("{p}",)),
    ("airstrike", "{A} carried out dozens of airstrikes around {p} and {p2}", ("{p}", "{p2}")),
    ("withdrawal", "{A} withdrew from {p}", ("{p}",)),
    ("withdrawal", "{A} retreated towards {p} after losing {p2} hill", ("{p}", "{p2} hill")),
    ("reinforcement", "{A} sent {n0} fighters to {p}", ("{p}",)),
    ("reinforcement", "reinforcements for {a} arrived in {p}", ("{p}",)),
    ("casualties", "{A} killed {n} fighters of {E} near {p}", ("{p}",)),
    ("casualties", "{n} fighters of {a} were killed in clashes near {p}", ("{p}",)),
    ("announcement", "{A} announced a ceasefire in {p}", ("{p}",)),
    ("other", "thousands of civilians fled from {p}", ("{p}",)),
]


class Writer:
    """One document: its sides, then its narrative, sentence by sentence, tracking the narrative date
    the way the gold rules do (``state``), so that each sentence is an event exactly when intended."""

    def __init__(self, pool: Pool, rng: random.Random, fmt: str, n_events: int, title_place: str,
                 start: dt.date, small: bool = False):
        self.pool, self.rng, self.fmt, self.n_events, self.small = pool, rng, fmt, n_events, small
        self.start = start
        self.state: tuple[dt.date, dt.date | None, str] | None = None   # date, end date, precision
        self.state_block = -1       # block (paragraph or line) of the latest event
        self.block = 0              # current block
        self.prev_was_event = False  # the sentence right before (plain: a line-start continuation needs it)
        self.need_absolute = True   # the next dated sentence must state its own date (month precision before)
        self.section: str | None = None
        self.events: list[dict] = []
        self.day = start            # the narrative's current day (the end of a stated range)
        self.start_date: dt.date | None = start if fmt == "structured" else None
        self.default_ref: dt.date | None = None
        self.strict = False         # gold-checked: no event start anywhere else in the text
        self.starts: set[str] = set()
        self.prefixes: set[str] = set()
        self.texts: list[str] = []
        self.start_texts: list[str] = []
        # long documents pack more events into a day, so that 20,000 of them span years, not a century
        self.same_day_share = 0.45 if n_events <= 500 else 0.8
        self.sides = self._sides()
        self.local_places = [title_place] + rng.sample(pool.places, 6 if small else 25)

    # ---- sides ------------------------------------------------------------------------------
    def _sides(self) -> list[Side]:
        rng, pool = self.rng, self.pool
        n = 2 if self.small or rng.random() < 0.65 else 3
        sides = []
        for k in range(n):
            side = Side()
            if k == 0:
                st = rng.choice(pool.by_camp["state"])
                side.belligerents.append((st, None))
                allies = rng.sample(pool.by_camp["militia"], rng.randint(0, 1 if self.small else 3))
                if not self.small and rng.random() < 0.4:
                    allies.append(rng.choice(pool.by_camp["foreign"] + pool.by_camp["state"]))
            elif k == 1:
                allies = rng.sample(pool.by_camp["rebel"], rng.randint(1, 2 if self.small else 4))
            else:
                allies = rng.sample(pool.by_camp["jihadist"], rng.randint(1, 2))
            for f in allies:
                if all(f is not b for b, _ in side.belligerents) and all(
                        f is not b for s in sides for b, _ in s.belligerents):
                    note = None
                    if rng.random() < 0.12:
                        note = f"until {dm(self.start + dt.timedelta(days=rng.randint(5, 40)))}"
                    side.belligerents.append((f, note))
            self._order(side)
            if self.fmt == "plain" and rng.random() < 0.3:
                side.label_at = next((i for i, (f, _) in enumerate(side.belligerents) if i and f.camp == "militia"),
                                     None)
            for f, _ in side.belligerents:
                people = pool.people_of.get(f.name, [])
                for p in rng.sample(people, min(len(people), rng.randint(1, 1 if self.small else 3))):
                    kia = rng.random() < 0.15
                    role = None
                    if rng.random() < 0.5:
                        role = rng.choice(["Supreme commander", f"{f.name} leader", f"{f.name} field commander",
                                           "senior commander", f"commander of the {f.units[-1][1]}"])
                    if self.fmt == "plain" and p.rank is None and not kia and role is None:
                        role = "commander"   # a plain run needs a mark to read a name as a person
                    side.commanders.append((p, kia, role))
                named = {name for _, name in side.units}
                take = f.units[:rng.randint(1, len(f.units))]
                side.units.extend(u for u in take if u[1] not in named)
            if not side.commanders:
                people = pool.people_of.get(side.belligerents[0][0].name) or rng.sample(pool.people, 1)
                side.commanders.append((people[0], False, "commander"))
            side.strength = self._strength(k == n - 1)
            sides.append(side)
        return sides

    @staticmethod
    def _order(side: Side) -> None:
        """The last belligerent before the commanders ends in a force word, is one word or has a note:
        a plain run reads an unmarked 2-4 word name right before the first commander as a person."""
        def safe(item: tuple[Force, str | None]) -> bool:
            words = item[0].name.split()
            return item[1] is not None or len(words) == 1 or words[-1].lower() in _FORCE_WORDS
        if len(side.belligerents) > 1 and not safe(side.belligerents[-1]):
            good = [b for b in side.belligerents if safe(b)]
            if good:
                side.belligerents.remove(good[-1])
                side.belligerents.append(good[-1])
            else:
                f, _ = side.belligerents[-1]
                side.belligerents[-1] = (f, "allied")

    def _strength(self, last: bool) -> list[str]:
        rng = self.rng
        r = rng.random()
        if r < 0.2 and last:
            return ["Unknown"]
        out = [rng.choice([f"{rng.randint(2, 9)},{rng.randint(0, 9)}00 fighters",
                           f"{rng.randint(2, 9)},000+ fighters (by the beginning of the offensive)",
                           f"{rng.randint(3, 9)}00 soldiers", f"{rng.randint(1, 4)},{rng.randint(1, 9)}00 troops"])]
        if rng.random() < 0.4:
            out.append(rng.choice([f"{rng.randint(10, 90)} tanks", "Unknown number of reinforcements",
                                   f"{rng.randint(5, 40)} aircraft"]))
        return out

    # ---- entities in prose ----------------------------------------------------------------------
    def actor(self, side: int | None = None) -> Force:
        k = self.rng.randrange(len(self.sides)) if side is None else side
        return self.rng.choice(self.sides[k].belligerents)[0]

    def name(self, f: Force, start: bool = False, attributive: bool = False) -> str:
        """A force as prose names it: its name, an acronym or an alternate spelling; ``attributive``:
        before a noun ("... on the Kelmarian Army positions")."""
        rng = self.rng
        if f.camp == "state":
            text = rng.choice([f"the {f.aliases[0]}", f"the {f.aliases[0]}", f"the {f.aliases[1]}"]
                              + ([] if attributive else [f"{f.name}'s forces", "government forces"]))
        elif f.acronym and rng.random() < 0.3:
            text = f"the {f.acronym}"
        elif f.aliases and rng.random() < 0.3:
            text = Force(f.aliases[0], f.camp).article
        else:
            text = f.article
        return text[0].upper() + text[1:] if start else text

    def enemy_of(self, f: Force) -> Force:
        for k, s in enumerate(self.sides):
            if any(b is f for b, _ in s.belligerents):
                others = [j for j in range(len(self.sides)) if j != k]
                return self.actor(self.rng.choice(others))
        return self.actor(1)

    def place(self) -> str:
        return self.rng.choice(self.local_places)

    # ---- one event clause: (text, kind, places) ------------------------------------------------
    def clause(self, a: Force, subject_first: bool) -> tuple[str, str, list[str]]:
        rng = self.rng
        kind, template, places = rng.choice(_CLAUSES)
        p = self.place()
        p2 = self.place()
        while p2 == p:
            p2 = self.place()
        fields = {"p": p, "p2": p2}
        if "{A}" in template:
            fields["A"] = self.name(a, start=subject_first)
        if "{a}" in template:
            fields["a"] = self.name(a)
        if "{E}" in template:
            fields["E"] = self.name(self.enemy_of(a))
        if "{Ep}" in template:
            fields["Ep"] = self.name(self.enemy_of(a), attributive=True)
        if "{n}" in template:
            fields["n"] = rng.randint(3, 90)
        if "{n0}" in template:
            fields["n0"] = rng.randint(3, 90) * 10
        text = template.format(**fields)
        if subject_first:
            text = text[0].upper() + text[1:]
        return text, kind, [x.format(**fields) for x in places]

    # ---- the narrative state (mirrors the gold rules) --------------------------------------------
    def year_ref(self) -> dt.date | None:
        if self.state is None:
            return self.start_date or self.default_ref
        d = self.state[0]
        if self.start_date and self.state_block != self.block and d < self.start_date - dt.timedelta(days=60):
            return self.start_date
        return d

    def needs_year(self, d: dt.date) -> bool:
        ref = self.year_ref()
        return ref is None or infer_year(d.month, d.day, ref) != d.year

    def can_continue(self) -> bool:
        """Would an undated sentence here continue the latest dated one?"""
        if self.state is None:
            return False
        if self.state_block == self.block:
            return True
        return self.fmt == "plain" and self.prev_was_event and self.state_block == self.block - 1

    def record(self, text: str, date: dt.date, end: dt.date | None, precision: str, kind: str,
               places: list[str], time_of_day: str | None, retry: bool = False) -> Sentence:
        """An event sentence; ``retry``: raise ``_Redraw`` (before changing anything) when its gold
        ``starts_with`` would be ambiguous: shorter than 6 words, equal to or a prefix of another's
        (strict documents: or found anywhere else in the text)."""
        start = first_words(text)
        key = " ".join(start.lower().split())
        words = key.split()
        clash = len(words) < 6 or key in self.prefixes or any(
            " ".join(words[:k]) in self.starts for k in range(6, len(words) + 1))
        if self.strict and not clash:
            clash = any(start in t for t in self.texts) or any(s in text for s in self.start_texts)
        if clash and retry:
            raise _Redraw
        self.starts.add(key)
        self.prefixes.update(" ".join(words[:k]) for k in range(6, len(words) + 1))
        if self.strict:
            self.texts.append(text)
            self.start_texts.append(start)
        self.state = (date, end, precision)
        self.state_block = self.block
        self.prev_was_event = True
        ev = {"date": date.isoformat(), "end_date": end.isoformat() if end else None, "precision": precision,
              "time_of_day": time_of_day, "starts_with": start,
              "section": self.section, "places": places, "kind": kind, "text": text}
        self.events.append(ev)
        return Sentence(text, ev)

    def filler(self, at_block_start: bool) -> Sentence:
        """A sentence that is deliberately not an event."""
        rng = self.rng
        p = self.place()
        a = self.actor()
        if at_block_start:
            options = [f"{self.name(a, True)} still held positions around {p}.",
                       f"{p} is one of the largest towns in the area.",
                       f"The area around {p} had been under the control of {self.name(a)} for years."]
        else:
            options = [f"The {p} hill is strategically important for both sides.",
                       f"The attack may have been intended to divert {self.name(a)} from {p}.",
                       "It was the heaviest fighting of the offensive.",
                       f"This was the first major success of {self.name(a)} in the region."]
        self.prev_was_event = False
        return Sentence(rng.choice(options))

    # ---- event sentences ------------------------------------------------------------------------
    def advance(self) -> Sentence:
        """A sentence with a date of its own, later than the narrative's current day."""
        rng = self.rng
        r = rng.random()
        if self.same_day_share < 0.5:
            gap = 1 if r < 0.55 else rng.randint(2, 4) if r < 0.85 else rng.randint(5, 12) if r < 0.97 else 0
        else:
            gap = 1 if r < 0.8 else rng.randint(2, 3)
        relative_ok = self.state is not None and not self.need_absolute and self.state[2] == "day"
        a = self.actor()
        if gap == 0:  # a lull, then "In <Month> <Year>, ..." (month precision)
            target = add_months(self.day, rng.randint(1, 2))
            clause, kind, places = self.clause(a, False)
            self.day = target
            s = self.record(f"In {MONTHS[target.month - 1]} {target.year}, {clause}.", target, None, "month",
                            kind, places, None, retry=True)
            self.need_absolute = True
            return s
        target = self.day + dt.timedelta(days=gap)
        pick = rng.random()
        clause, kind, places = self.clause(a, False)
        if relative_ok and pick < 0.45:
            base = self.state[1] or self.state[0]
            step = (target - base).days
            if step == 1:
                phrase, tod = rng.choice([("The next day", None), ("On the next day", None),
                                          ("By the next day", None), ("The following day", None),
                                          ("The following morning", "morning")])
            elif step == 7:
                phrase, tod = "A week later", None
            elif 2 <= step <= 10:
                phrase, tod = f"{NUMBER_WORDS[step].capitalize()} days later", None
            else:
                phrase, tod = None, None
            if phrase:
                self.day = target
                return self.record(f"{phrase}, {clause}.", target, None, "day", kind, places, tod, retry=True)
        self.need_absolute = False
        year = self.needs_year(target) or rng.random() < 0.12
        if pick < 0.62 and target.day < 28:   # a stated range: Between 21 and 22 October
            end = target + dt.timedelta(days=rng.randint(1, 3))
            y = f" {end.year}" if year else ""
            if end.month == target.month:
                phrase = rng.choice([f"Between {target.day} and {end.day} {MONTHS[target.month - 1]}{y}",
                                     f"From {target.day} to {end.day} {MONTHS[target.month - 1]}{y}"])
            else:
                phrase = f"Between {dm(target)} and {dm(end)}{y}"
            self.day = end
            return self.record(f"{phrase}, {clause}.", target, end, "day", kind, places, None, retry=True)
        self.day = target
        forms = [(f"On {dm(target, year)}", None), (f"On {dm(target, year)}", None),
                 (f"Early on {dm(target, year)}", "early"), (f"On the night of {dm(target, year)}", "night"),
                 (f"On the morning of {dm(target, year)}", "morning"),
                 (f"By the end of {dm(target, year)}", "end-of-day"),
                 (f"On {MONTHS[target.month - 1]} {target.day}" + (f", {target.year}" if year else ""), None)]
        phrase, tod = rng.choice(forms)
        if rng.random() < 0.1 and tod is None:   # the date after the clause
            text = f"{clause[0].upper() + clause[1:]} on {dm(target, year)}."
            return self.record(text, target, None, "day", kind, places, None, retry=True)
        if rng.random() < 0.06 and not year:     # "stated on X that ... on the previous day" = X - 1
            told = target + dt.timedelta(days=1)
            if not self.needs_year(told):
                p = self.place()
                A = self.name(a, start=True)
                text = (f"{A} stated on {dm(told)} that it had carried out airstrikes near {p} on the previous "
                        f"day.")
                return self.record(text, target, None, "day", "airstrike", [p], None, retry=True)
        return self.record(f"{phrase}, {clause}.", target, None, "day", kind, places, tod, retry=True)

    def same_day(self) -> Sentence:
        """Another event of the narrative's current date: relative or undated."""
        rng = self.rng
        a = self.actor()
        date, end, precision = self.state
        r = rng.random()
        if r < 0.45 and self.can_continue():
            clause, kind, places = self.clause(a, True)
            return self.record(f"{clause}.", date, end, precision, kind, places, None, retry=True)
        clause, kind, places = self.clause(a, False)
        phrase, tod = rng.choice([("Later that day", "later"), ("Later in the day", "later"),
                                  ("That evening", "night"), ("Meanwhile", None), ("At the same time", None),
                                  ("Subsequently", None)])
        return self.record(f"{phrase}, {clause}.", date, end, precision, kind, places, tod, retry=True)

    # ---- blocks -------------------------------------------------------------------------------
    def _next(self, block: list[Sentence]) -> Sentence:
        rng = self.rng
        if self.state is None:
            return self.advance()
        if (not block or not block[-1].event) and not self.can_continue():
            dense = self.same_day_share > 0.5 and self.state[2] == "day" and rng.random() < 0.6
            return self.same_day() if dense else self.advance()
        if rng.random() < self.same_day_share and self.state[2] == "day":
            return self.same_day()
        if rng.random() < 0.3 and self.can_continue():
            return self.same_day()
        return self.advance()

    def narrative(self, n: int, block_sizes: tuple[int, int], openers: bool = True) -> list[list[Sentence]]:
        """``n`` event sentences (and some that are not) in blocks of ``block_sizes`` sentences;
        ``openers``: a block may open with an undated sentence that is not an event."""
        rng = self.rng
        blocks: list[list[Sentence]] = []
        left = n
        while left > 0:
            size = rng.randint(*block_sizes)
            block: list[Sentence] = []
            if openers and rng.random() < 0.08:
                block.append(self.filler(at_block_start=True))
            while size > 0 and left > 0:
                for _ in range(100):
                    saved = (self.day, self.need_absolute)
                    try:
                        s = self._next(block)
                        break
                    except _Redraw:
                        self.day, self.need_absolute = saved
                else:
                    raise RuntimeError("no unambiguous event sentence in 100 draws")
                block.append(s)
                left -= 1
                size -= 1
                if left and size and rng.random() < 0.07:
                    block.append(self.filler(at_block_start=False))
            blocks.append(block)
            self.block += 1
            self.prev_was_event = bool(block[-1].event)
        return blocks


# ---------------------------------------------------------------------------------------------- rendering
def _commander_entry(rng: random.Random, person: Person, kia: bool, role: str | None) -> str:
    text = f"{person.rank} {person.name}" if person.rank else person.name
    if rng.random() < 0.05:
        text = f"{rng.choice(['17px', '20px'])} {text}"
    if person.alias:
        text += f' "{person.alias}"'
    if kia:
        text += rng.choice(["KIA", " KIA"])
    if role:
        text += rng.choice([f", ({role})", f" ({role})", f"({role})"]) if kia else rng.choice(
            [f", ({role})", f" ({role})"])
    return text


def _infobox(rng: random.Random, doc_fields: list[tuple[str, str]], sides: list[Side]) -> list[str]:
    lines = ["Infobox"] + [f"- {k}: {v}" for k, v in doc_fields]
    for key in ("Combatant", "Commander", "Units", "Strength"):
        for n, side in enumerate(sides, 1):
            if key == "Combatant":
                items = [f.name + (f" ({note})" if note else "") for f, note in side.belligerents]
                if rng.random() < 0.05:
                    items.insert(1, "'")          # a stray item, as scraped infoboxes have
                value = ", ".join(items)
            elif key == "Commander":
                value = ""
                for i, (p, kia, role) in enumerate(side.commanders):
                    if i:
                        value += " ---- " if rng.random() < 0.08 else ", "
                    value += _commander_entry(rng, p, kia, role)
            elif key == "Units":
                value = ", ".join(("*" * d + " " if d else "") + name for d, name in side.units)
            else:
                value = ", ".join(side.strength)
            lines.append(f"- {key}{n}: {value}")
    return lines


class _Cites:
    def __init__(self, rng: random.Random):
        self.rng, self.n = rng, 0

    def __call__(self, p: float = 1.0) -> str:
        if self.rng.random() >= p:
            return ""
        out = ""
        for _ in range(1 if self.rng.random() < 0.8 else 2):
            self.n += self.rng.randint(1, 3)
            out += f"[{self.n}]"
        return out


def _plain_run(rng: random.Random, cite: _Cites, result: str, sides: list[Side], residue: str | None) -> str:
    """Line 1 of a plain document up to the lead: the flattened infobox, citation markers as boundaries."""
    parts = [result]
    for side in sides:
        for i, (f, note) in enumerate(side.belligerents):
            text = f.name + (f" ({note})" if note else "")
            if i == side.label_at:
                text = "Allied militias: " + text
            parts.append(text + cite())
        for p, kia, role in side.commanders:
            text = f"{p.rank} {p.name}" if p.rank else p.name
            if p.alias:
                text += f' "{p.alias}"'
            if kia:
                text += rng.choice(["KIA", " KIA"])
            if role:
                text += f" ({role})"
            parts.append(text + cite())
        for _, name in side.units:
            parts.append(name + cite())
        for s in side.strength:
            parts.append(s + cite(0.6))
    if residue:
        parts.append(residue)
    out = ""
    for part in parts:
        out += part if out.endswith("]") and rng.random() < 0.3 else (" " + part if out else part)
    return out


@dataclass
class _Shape:
    background: int
    aftermath: int
    sections: list[int]


def _shape(rng: random.Random, n: int, fmt: str) -> _Shape:
    """How many events go before the launch, after the end, and into each section of the offensive."""
    if n < 4:
        return _Shape(0, 0, [n])
    background = min(rng.randint(1, 3), n // 4)
    aftermath = min(rng.randint(1, 2), (n - background) // 4)
    main = n - background - aftermath
    if fmt == "plain" or main < 12:
        return _Shape(background, aftermath, [main])
    sections = []
    while main > 0:
        k = min(main, rng.randint(10, 40))
        sections.append(k)
        main -= k
    return _Shape(background, aftermath, sections)


_SECTION_NAMES = ["Initial advance", "Battle for {p}", "{a} counterattack", "Advance towards {p}", "Siege of {p}",
                  "Second phase", "Renewed fighting", "Fighting around {p}", "Final push", "Stalemate near {p}"]


def make_document(pool: Pool, rng: random.Random, fmt: str, n_events: int, title_place: str,
                  start: dt.date, small: bool = False, strict: bool = False) -> Doc:
    """One good document with exactly ``n_events`` event sentences (``n_events`` >= 1); ``strict``:
    no event's ``starts_with`` occurs anywhere else in the text (slower: for gold JSON)."""
    if fmt == "plain" and not title_place[:1].isupper():
        # "The al-Bab offensive in ... was ..." is not found as a plain lead (it wants "The <Capital>")
        title_place = rng.choice([p for p in pool.places[:200] if p[:1].isupper()])
    w = Writer(pool, rng, fmt, n_events, title_place, start, small)
    w.strict = strict
    shape = _shape(rng, n_events - 1 if fmt == "plain" else n_events, fmt)   # plain: the lead is an event
    sides = w.sides
    a0, e0 = w.actor(0), w.actor(1)
    winner = rng.randrange(len(sides))
    wf = sides[winner].belligerents[0][0]
    if any(not x[:1].isupper() for x in wf.name.split()):
        # the plain parser names a result's party by its capitalised words only ("Army of X" -> "Army X")
        # and adds it as a side of its own: such names are not used in results
        status = rng.choice(["Inconclusive", "Rebel victory" if winner else "Government victory"])
    else:
        status = rng.choice([f"{wf.name} victory", f"Partial {wf.name} victory", "Inconclusive",
                             f"Decisive {wf.name} victory"])
    if winner == 0 and wf.camp == "state" and rng.random() < 0.5:
        status = f"{next(s.demonym for s in pool.states if s.name == wf.name)} government victory"
    home = next((s for s in pool.states if s.name == sides[0].belligerents[0][0].name), pool.states[0])
    region = rng.choice(home.regions)
    paragraphs: list[tuple[str | None, list[Sentence]]] = []   # (heading before it, sentences)
    cite = _Cites(rng)

    def background_events(k: int) -> list[Sentence]:
        out = []
        months = sorted(rng.sample(range(2, 9), k), reverse=True)
        for i, back in enumerate(months):
            first = add_months(start, -back)
            clause, kind, places = w.clause(w.actor(), False)
            if fmt == "structured" and i == len(months) - 1 and rng.random() < 0.5:
                d = add_months(start, -1)
                out.append(w.record(f"One month before the offensive, {clause}.", d, None, "month", kind, places,
                                    None))
            elif rng.random() < 0.5:
                out.append(w.record(f"In {MONTHS[first.month - 1]} {first.year}, {clause}.", first, None, "month",
                                    kind, places, None))
            else:
                d = first + dt.timedelta(days=rng.randint(0, 25))
                out.append(w.record(f"On {dm(d, True)}, {clause}.", d, None, "day", kind, places, None))
        w.need_absolute = True
        return out

    def launch() -> Sentence:
        p = w.place()
        w.day = start
        w.need_absolute = False
        text = (f"On {dm(start, True)}, {w.name(a0)} launched the offensive against "
                f"{w.name(e0, attributive=True)} positions near {p}.")
        return w.record(text, start, None, "day", "attack", [p], None)

    def aftermath_events(k: int, last: dt.date) -> list[Sentence]:
        out = []
        d = last
        for _ in range(k):
            d = d + dt.timedelta(days=rng.randint(20, 90))
            clause, kind, places = w.clause(w.actor(), False)
            if rng.random() < 0.5:
                out.append(w.record(f"On {dm(d, True)}, {clause}.", d, None, "day", kind, places, None))
            else:
                d = dt.date(d.year, d.month, 1)
                out.append(w.record(f"In {MONTHS[d.month - 1]} {d.year}, {clause}.", d, None, "month", kind,
                                    places, None))
        return out

    if fmt == "structured":
        w.section = None
        paragraphs.append((None, []))   # the lead, written once the period is known
        w.block += 1
        if shape.background:
            w.section = "Background"
            paragraphs.append(("==Background==", [w.filler(True)] + background_events(shape.background)))
            w.block += 1
        first_section = True
        for k in shape.sections:
            name = rng.choice(_SECTION_NAMES).format(p=w.place(), a=w.actor().name)
            heading = "===" + name + "==="
            if first_section:
                heading = "==The offensive==\n\n" + heading if len(shape.sections) > 1 else "==The offensive=="
            w.section = name if len(shape.sections) > 1 else "The offensive"
            blocks = []
            if first_section:
                s = launch()
                k -= 1
                first = [s]
                if k:
                    more = w.narrative(1, (1, 1), openers=False)
                    first += more[0]
                    k -= 1
                    w.block -= 1      # still the launch paragraph
                blocks.append(first)
                w.block += 1
                first_section = False
            if k:
                blocks += w.narrative(k, (1, 4) if small else (2, 6))
            for i, b in enumerate(blocks):
                paragraphs.append((heading if i == 0 else None, b))
        end = w.day
        title = f"{title_place} offensive ({_period_title(start, end)})" if rng.random() < 0.85 else \
            f"Operation {_word(rng, 2, 2)} {rng.choice(['Dawn', 'Shield', 'Wrath', 'Spring', 'Thunder'])}"
        paragraphs[0] = (None, [
            Sentence(f"The {title} was a military operation launched by {w.name(a0)} against {w.name(e0)} in "
                     f"{region} Governorate."),
            Sentence(f"Its main objective was to capture {w.place()} and the {w.place()} highway.")])
        if shape.aftermath:
            w.section = "Aftermath"
            paragraphs.append(("==Aftermath==", aftermath_events(shape.aftermath, end)))
            w.block += 1
        date_value = (f"{dm(start, start.year != end.year)} – {dm(end, True)}" if end != start else dm(start, True))
        doc_fields = [("Conflict", title), ("Partof", f"the {home.name} Civil War"), ("Date", date_value),
                      ("Place", f"{region} Governorate, {home.name}"), ("Status", status)]
        if rng.random() < 0.7:
            doc_fields.append(("Territory", f"Government forces capture {rng.randint(20, 900)} km2 of territory, "
                                            f"including {w.place()} and {w.place()}, The rebels capture "
                                            f"{NUMBER_WORDS[rng.randint(2, 9)]} villages"))
        lines = [f"= {title} =", ""] + _infobox(rng, doc_fields, sides) + [""]
        for heading, sentences in paragraphs:
            if heading:
                lines += [heading, ""]
            lines += [" ".join(s.text for s in sentences), ""]
        lines += ["==See also==", f"- {w.place()} offensive ({start.year - 1})", f"- {w.place()} offensive"]
        text = "\n".join(lines) + "\n"
        part_of = [f"{home.name} Civil War"]
        place = f"{region} Governorate, {home.name}"
        territory = []
        for k_, v in doc_fields:
            if k_ == "Territory":
                territory = [v.split(", The rebels")[0], "The rebels" + v.split(", The rebels")[1]]
    else:
        w.default_ref = dt.date(start.year, 1, 1)
        title = f"{title_place} offensive ({MONTHS[start.month - 1]} {start.year})"
        p2 = w.place()
        lead_text = (f"The {title_place} offensive in {MONTHS[start.month - 1]} {start.year} was a military operation "
                     f"launched by {w.name(a0)} which led to the capture of {p2}.")
        lead = w.record(lead_text, dt.date(start.year, start.month, 1), None, "month", "capture", [p2], None)
        w.need_absolute = True
        residue = None
        if rng.random() < 0.5:
            residue = (f"Foreign intervention in behalf of {home.demonym} rebels "
                       f"{rng.choice(pool.states).name}-led intervention against {e0.name}")
        run = _plain_run(rng, cite, status, sides, residue)
        w.block = 1
        lines_: list[list[Sentence]] = []
        if shape.background:
            lines_.append(background_events(shape.background))
            w.block += 1
        main = shape.sections[0] if shape.sections else 0
        if main:
            lines_.append([launch()])
            w.block += 1
            if main > 1:
                lines_ += w.narrative(main - 1, (1, 3))
        end = w.day
        if shape.aftermath:
            lines_.append(aftermath_events(shape.aftermath, end))
            w.block += 1
        body = [f"{run} {lead.text}{cite(0.3)}"]
        for sentences in lines_:     # markers open a line and may close it (as in the seed)
            line = cite(0.8)
            body.append((line + " " if line else "") + " ".join(s.text for s in sentences) + cite(0.3))
        text = "\n".join(body) + "\n"
        part_of, place, territory = [], None, []
        end = None
    return Doc(fmt=fmt, title=title, text=text, events=w.events, sides=sides, start=start, end=end,
               status=status, place=place, part_of=part_of, territory=territory,
               forces=[f.name for s in sides for f, _ in s.belligerents])


def _period_title(start: dt.date, end: dt.date) -> str:
    """The period in a structured title: "(March 2016)", "(March–May 2016)", "(March 2016 – May 2017)"."""
    if end.year != start.year:
        return f"{MONTHS[start.month - 1]} {start.year} – {MONTHS[end.month - 1]} {end.year}"
    if end.month == start.month:
        return f"{MONTHS[start.month - 1]} {start.year}"
    return f"{MONTHS[start.month - 1]}–{MONTHS[end.month - 1]} {start.year}"


# ---------------------------------------------------------------------------------------------- bad files
def _bad_binary(rng: random.Random, text: str) -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(rng.randint(200, 2000)))


def _bad_control(rng: random.Random, text: str) -> bytes:
    chars = list(text[:3000])
    for i in range(0, len(chars), 12):
        chars[i] = chr(rng.randint(1, 8))
    return "".join(chars).encode("utf-8")


def _bad_undecodable(rng: random.Random, text: str) -> bytes:
    # bytes that are neither UTF-8 nor Windows-1252, too many to be a few stray bytes in UTF-8 text
    # (a few are replaced and reported, the file still loads: issue 15)
    data = bytearray(text.encode("utf-8"))
    for _ in range(rng.randint(40, 80)):
        data.insert(rng.randrange(len(data)), rng.choice([0x81, 0x8D, 0x8F, 0x90, 0x9D]))
    return bytes(data)


def _bad_utf16(rng: random.Random, text: str) -> bytes:
    return b"\xff\xfe" + text.encode("utf-16-le")[:-1]   # one byte short of the last character


def _bad_no_title(rng: random.Random, text: str) -> bytes:
    """A structured document without its '= Title =' line."""
    lines = text.split("\n")
    return "\n".join(lines[2:]).encode("utf-8")


def _bad_empty_title(rng: random.Random, text: str) -> bytes:
    lines = text.split("\n")
    return "\n".join(["=  ="] + lines[1:]).encode("utf-8")


def _bad_infobox_line(rng: random.Random, text: str) -> bytes:
    """An infobox line that is not '- Key: value' (here 'Key = value')."""
    lines = text.split("\n")
    box = [i for i, ln in enumerate(lines) if ln.startswith("- ") and ":" in ln][:6]
    i = rng.choice(box[1:])
    key, value = lines[i][2:].split(":", 1)
    lines[i] = f"{key} = {value.strip()}"
    return "\n".join(lines).encode("utf-8")


def _bad_empty_infobox(rng: random.Random, text: str) -> bytes:
    """'Infobox' followed by a blank line: the block has no lines."""
    lines = text.split("\n")
    i = lines.index("Infobox")
    j = i + 1
    while lines[j].strip():
        j += 1
    return "\n".join(lines[:i + 1] + lines[j:]).encode("utf-8")


def _bad_no_lead(rng: random.Random, text: str) -> bytes:
    """A plain document whose first line lost its lead sentence: no title can be read."""
    lines = text.split("\n")
    first = lines[0]
    lines[0] = first[:first.index(" The ")]
    return "\n".join(lines).encode("utf-8")


# kind -> (needs a document of this format, maker, what is wrong); each raises the parser's ParseError
BAD_KINDS: dict[str, tuple[str | None, object, str]] = {
    "empty": (None, lambda rng, text: b"", "an empty file"),
    "whitespace": (None, lambda rng, text: b" \n\t\n   \n\n", "only whitespace"),
    "binary": (None, _bad_binary, "binary garbage with NUL bytes"),
    "control-characters": ("structured", _bad_control, "text full of control characters (looks binary)"),
    "undecodable": ("structured", _bad_undecodable, "invalid UTF-8 that is not Windows-1252 either"),
    "utf16-truncated": ("plain", _bad_utf16, "UTF-16 with a BOM, cut in the middle of a character"),
    "no-title": ("structured", _bad_no_title, "a structured document without its '= Title =' line"),
    "empty-title": ("structured", _bad_empty_title, "a '= =' title line with no title"),
    "broken-infobox": ("structured", _bad_infobox_line, "an infobox line that is not '- Key: value'"),
    "empty-infobox": ("structured", _bad_empty_infobox, "an 'Infobox' line with no '- Key: value' lines"),
    "no-lead": ("plain", _bad_no_lead, "a plain document whose first line has no lead sentence (no title)"),
}


# ---------------------------------------------------------------------------------------------- gold JSON
def gold_json(doc: Doc, file_name: str, text: bool = False) -> dict:
    """The document's extraction in the gold schema (shared/gold/README.md), from what was generated;
    ``text``: each event also carries its whole sentence."""
    sides = []
    for n, side in enumerate(doc.sides, 1):
        parents: dict[int, str] = {}
        units = []
        for depth, name in side.units:
            units.append({"name": name, "parent": parents.get(depth - 1) if depth and doc.fmt == "structured"
                          else None})
            parents[depth] = name
        sides.append({
            "label": f"side {n}",
            "belligerents": [{"name": f.name, "note": note} for (f, _), note in zip(side.belligerents, side.notes(),
                                                                                      strict=True)],
            "commanders": [{"name": p.name, "alias": p.alias, "rank": p.rank, "role": role, "kia": kia}
                           for p, kia, role in side.commanders],
            "units": units,
            "strength": list(side.strength),
        })
    keys = ("date", "end_date", "precision", "time_of_day", "starts_with", "section", "places", "kind")
    events = [{k: e[k] for k in keys + (("text",) if text else ())} for e in doc.events]
    return {"document": file_name, "title": doc.title, "start": doc.start.isoformat(),
            "end": doc.end.isoformat() if doc.end else None, "status": doc.status, "place": doc.place,
            "part_of": doc.part_of, "territory": doc.territory, "sides": sides, "events": events}


_SENTENCE_END = re.compile(r"""[.!?]["'”’)]?\s+(\[\d+\])*\s*$""")
_CITATIONS = re.compile(r"(\[\d+\])+\s*$")


def gold_problems(doc: Doc) -> list[str]:
    """What ``shared/gold/check.py`` would object to in the events of ``gold_json(doc)``: a
    ``starts_with`` not found exactly once, not at a sentence start, not 6-10 words, or a prefix of another."""
    out = []
    text = doc.text
    first_line_end = text.find("\n")
    starts = [e["starts_with"] for e in doc.events]
    for sw in starts:
        if not 6 <= len(sw.split()) <= 10:
            out.append(f"{sw!r}: {len(sw.split())} words")
        if text.count(sw) != 1:
            out.append(f"{sw!r}: found {text.count(sw)} times")
            continue
        at = text.index(sw)
        line_start = text.rfind("\n", 0, at) + 1
        before = text[line_start:at]
        lead_line = line_start == 0 and doc.fmt == "plain" and at < first_line_end
        if before.strip() and not lead_line and not _CITATIONS.fullmatch(before.strip()) and \
                not _SENTENCE_END.search(before):
            out.append(f"{sw!r}: not at a sentence start")
    keys = sorted(" ".join(sw.lower().split()) for sw in starts)
    out += [f"{a!r} is a prefix of {b!r}" for a, b in zip(keys, keys[1:], strict=False) if b.startswith(a)]
    return out


# ---------------------------------------------------------------------------------------------- corpus
def generate(outdir: str | Path, *, docs: int = 100, events: int = 100, plain_share: float = 0.5,
             bad_share: float = 0.0, seed: int = 1, huge: int | None = None, small_files: int | None = None,
             with_json: int = 0, details: bool = False, overwrite: bool = False) -> tuple[list[Path], dict]:
    """Write a corpus into ``outdir``; return (paths of the documents written, manifest).

    ``huge=N``: one document with N event sentences. ``small_files=N``: N documents of 2-6 events.
    Otherwise ``docs`` documents of ``events`` event sentences each. Of the documents, exactly
    round(n * bad_share) are bad (kinds in turn, see ``BAD_KINDS``) and round(good * plain_share) of
    the good ones plain; which ones is drawn from ``seed``. ``with_json=K`` also writes gold-like JSON
    for the first K good documents (``docNNNNN.json`` beside them). ``details``: the manifest keeps
    every expected event. The manifest (without details) is also written to ``outdir/.manifest.json``.
    The same arguments always write byte-identical files.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    old = outdir / MANIFEST_NAME
    if overwrite and old.exists():
        for name in json.loads(old.read_text(encoding="utf-8")).get("files", []):
            (outdir / name).unlink(missing_ok=True)
        old.unlink()
    leftovers = sorted(p.name for p in outdir.iterdir() if not p.name.startswith("."))
    if leftovers:
        raise FileExistsError(f"{outdir} is not empty ({leftovers[0]}, ...): use another folder or overwrite")
    if huge:
        n, small = 1, False
    elif small_files:
        n, small = small_files, True
    else:
        n, small = docs, False
    pool = Pool(seed)
    layout = random.Random(f"layout:{seed}:{n}")
    order = list(range(n))
    layout.shuffle(order)
    n_bad = round(n * bad_share)
    bad_at = {i: list(BAD_KINDS)[k % len(BAD_KINDS)] for k, i in enumerate(order[:n_bad])}
    good = [i for i in range(n) if i not in bad_at]
    plain_at = set(sorted(good, key=lambda i: order.index(i))[:round(len(good) * plain_share)])
    places = list(pool.places)
    layout.shuffle(places)
    width = max(5, len(str(n - 1)))
    titles: set[str] = set()
    paths: list[Path] = []
    entries: list[dict] = []
    files: list[str] = []
    json_left = with_json
    for i in range(n):
        rng = random.Random(f"doc:{seed}:{i}")
        name = f"doc{i:0{width}d}.txt"
        path = outdir / name
        if i in bad_at:
            kind = bad_at[i]
            need, maker, why = BAD_KINDS[kind]
            base = make_document(pool, rng, need or "structured", 4, places[i % len(places)], _start(rng), True)
            path.write_bytes(maker(rng, base.text))
            entries.append({"file": name, "bad": kind, "why": why})
        else:
            fmt = "plain" if i in plain_at else "structured"
            k = huge or (rng.randint(2, 6) if small else events)
            strict = json_left > 0
            for attempt in range(50):
                doc = make_document(pool, rng, fmt, k, places[i % len(places)], _start(rng, k), small, strict)
                if doc.title not in titles and not (strict and gold_problems(doc)):
                    break
                rng = random.Random(f"doc:{seed}:{i}:{attempt}")
            else:
                raise RuntimeError(f"document {i}: no unambiguous document in 50 draws")
            titles.add(doc.title)
            path.write_bytes(doc.text.encode("utf-8"))
            entry = {"file": name, "format": fmt, "title": doc.title, "events": len(doc.events),
                     "sides": len(doc.sides), "forces": doc.forces}
            if details:
                entry["expected"] = gold_json(doc, name, text=True)
            entries.append(entry)
            if json_left > 0:
                gold = outdir / f"{path.stem}.json"
                gold.write_text(json.dumps(gold_json(doc, name), ensure_ascii=False, indent=2) + "\n",
                                encoding="utf-8")
                files.append(gold.name)
                json_left -= 1
        paths.append(path)
        files.append(name)
    good_entries = [e for e in entries if "bad" not in e]
    manifest = {
        "seed": seed, "documents": len(entries), "good": len(good_entries), "bad": len(entries) - len(good_entries),
        "plain": sum(e["format"] == "plain" for e in good_entries),
        "events": sum(e["events"] for e in good_entries),
        "files": sorted(files), "entries": entries,
    }
    on_disk = dict(manifest, entries=[{k: v for k, v in e.items() if k != "expected"} for e in entries])
    (outdir / MANIFEST_NAME).write_text(json.dumps(on_disk, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return paths, manifest


def _start(rng: random.Random, n_events: int = 100) -> dt.date:
    """A launch date; long documents start early enough to end by about 2023 (and the parsers read
    years 1500-2099 only: a document of more than about 500,000 events would run out of years)."""
    latest = max(1600, 2023 - (n_events * 2 // 3 + 364) // 365)
    return dt.date(rng.randint(latest - 28, latest), rng.randint(1, 12), rng.randint(1, 28))


# ---------------------------------------------------------------------------------------------- checking
def check(outdir: str | Path, manifest: dict, out=sys.stdout) -> dict:
    """Parse every file with the project's parser and compare with the manifest (needs ``details`` for
    dates, kinds, places and infobox counts). Returns the tallies; prints a summary to ``out``.

    The parser is imported here, not at the top, on purpose: generating stays standard library only."""
    root = Path(__file__).resolve().parents[1]
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from sources.parsing import ParseError, parse

    outdir = Path(outdir)
    t: dict[str, int] = dict.fromkeys((
        "good", "rejected_good", "events_expected", "events_parsed", "docs_event_count_equal", "sides_equal",
        "titles_equal", "events_compared", "dates_equal", "kinds_equal", "places_equal", "times_equal",
        "names_compared", "belligerents_equal", "commanders_equal", "units_equal", "bad", "bad_rejected"), 0)
    problems: list[str] = []
    started = time.perf_counter()
    for e in manifest["entries"]:
        data = (outdir / e["file"]).read_bytes()
        if "bad" in e:
            t["bad"] += 1
            try:
                parse(data, name=e["file"])
            except ParseError:
                t["bad_rejected"] += 1
            else:
                problems.append(f"{e['file']}: bad ({e['bad']}) but parsed")
            continue
        t["good"] += 1
        t["events_expected"] += e["events"]
        try:
            doc = parse(data, name=e["file"])
        except ParseError as exc:
            t["rejected_good"] += 1
            problems.append(f"{e['file']}: good but rejected: {exc}")
            continue
        t["events_parsed"] += len(doc.events)
        t["docs_event_count_equal"] += len(doc.events) == e["events"]
        t["sides_equal"] += len(doc.sides) == e["sides"]
        t["titles_equal"] += doc.title == e["title"]
        if len(doc.events) != e["events"]:
            problems.append(f"{e['file']} ({e['format']}): {len(doc.events)} events parsed, {e['events']} expected")
        if len(doc.sides) != e["sides"]:
            problems.append(f"{e['file']} ({e['format']}): {len(doc.sides)} sides parsed, {e['sides']} expected")
        gold = e.get("expected")
        if not gold:
            continue
        for got, want in zip(doc.events, gold["events"], strict=False):
            t["events_compared"] += 1
            same_date = (got.date.isoformat() == want["date"] and got.precision == want["precision"]
                         and (got.end_date.isoformat() if got.end_date else None) == want["end_date"])
            t["dates_equal"] += same_date
            t["kinds_equal"] += got.kind == want["kind"]
            t["places_equal"] += [p.name for p in got.places] == want["places"]
            t["times_equal"] += got.time_of_day == want["time_of_day"]
            if not same_date and len(problems) < 200:
                problems.append(f"{e['file']}: {want['starts_with']!r}: parsed {got.date} {got.precision} "
                                f"{got.end_date}, expected {want['date']} {want['precision']} {want['end_date']}")
        for got_side, want_side in zip(doc.sides, gold["sides"], strict=False):
            t["names_compared"] += 1
            t["belligerents_equal"] += [b.name for b in got_side.belligerents] == [
                b["name"] for b in want_side["belligerents"]]
            t["commanders_equal"] += [c.name for c in got_side.commanders] == [
                c["name"] for c in want_side["commanders"]]
            t["units_equal"] += [u.name for u in got_side.units] == [u["name"] for u in want_side["units"]]
    took = time.perf_counter() - started
    print(f"checked {t['good']} good and {t['bad']} bad files in {took:.1f} s", file=out)
    print(f"  good documents rejected: {t['rejected_good']}; events parsed/expected: "
          f"{t['events_parsed']}/{t['events_expected']}; documents with the exact event count: "
          f"{t['docs_event_count_equal']}/{t['good']}; sides: {t['sides_equal']}/{t['good']}; "
          f"titles: {t['titles_equal']}/{t['good']}", file=out)
    if t["events_compared"]:
        c = t["events_compared"]
        print(f"  per event (in order): dates {t['dates_equal']}/{c}, kinds {t['kinds_equal']}/{c}, places "
              f"{t['places_equal']}/{c}, time of day {t['times_equal']}/{c}", file=out)
        s = t["names_compared"]
        print(f"  per side: belligerents {t['belligerents_equal']}/{s}, commanders {t['commanders_equal']}/{s}, "
              f"units {t['units_equal']}/{s}", file=out)
    print(f"  bad files rejected with ParseError: {t['bad_rejected']}/{t['bad']}", file=out)
    for line in problems[:40]:
        print("  " + line, file=out)
    t["problems"] = problems
    return t


# ---------------------------------------------------------------------------------------------- CLI
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir", type=Path)
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--docs", type=int, default=100, help="number of documents (default 100)")
    mode.add_argument("--huge", type=int, metavar="EVENTS", help="one document with EVENTS event sentences")
    mode.add_argument("--small-files", type=int, metavar="N", help="N small documents (2-6 events each)")
    ap.add_argument("--events", type=int, default=100, help="event sentences per document (default 100)")
    ap.add_argument("--plain-share", type=float, default=0.5, help="share of good documents in the plain format")
    ap.add_argument("--bad-share", type=float, default=0.0, help="share of documents that are bad files")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--with-json", type=int, nargs="?", const=3, default=0, metavar="K",
                    help="also write gold-like JSON for K documents into OUTDIR (default 3)")
    ap.add_argument("--overwrite", action="store_true", help="replace a corpus generated into OUTDIR before")
    ap.add_argument("--check", action="store_true", help="then parse every file with sources.parsing and compare")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    paths, manifest = generate(args.outdir, docs=args.docs, events=args.events, plain_share=args.plain_share,
                               bad_share=args.bad_share, seed=args.seed, huge=args.huge,
                               small_files=args.small_files, with_json=args.with_json, details=args.check,
                               overwrite=args.overwrite)
    took = time.perf_counter() - started
    size = sum(p.stat().st_size for p in paths)
    print(f"{manifest['documents']} documents ({manifest['good']} good: {manifest['plain']} plain, "
          f"{manifest['good'] - manifest['plain']} structured; {manifest['bad']} bad), "
          f"{manifest['events']} event sentences, {size / 1e6:.1f} MB in {args.outdir} in {took:.1f} s "
          f"(manifest: {args.outdir / MANIFEST_NAME})")
    if args.check:
        t = check(args.outdir, manifest)
        return 1 if t["rejected_good"] or t["bad_rejected"] != t["bad"] else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

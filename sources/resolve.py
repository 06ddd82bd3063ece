"""Entity-name resolution for forces, people and places (pure Python, no Django).

Source documents spell one entity many ways (Khan Tuman / Khan Touman, Soleimani / Suleimani,
Ithriya / Ethria / Ithriyah, Liwaa Abu Fadl Al-Abbas / Liwa Abu al-Fadhal al-Abbas, Kata'ib /
Kata'eb, Tell / Tal / Tel). This module decides whether two spellings name the same thing.

Three layers, from safe to lossy:

``normalise(name, kind)``
    Reversible-in-spirit clean-up that never merges two different words: case, diacritics,
    apostrophes, hyphens, the Arabic article, ranks (people), place classifiers (places).
    Two names with equal normal forms are an *exact* match.
``skeleton`` (per token, internal)
    A transliteration skeleton that folds spellings of one Arabic/Persian/Cyrillic sound into one
    letter (ou/u, ee/i, dh/d, q/k, doubled letters, -iyah/-iya/-ia ...). It merges some different
    words too (that is its job), so it is only ever *scored*, never trusted as equality on its
    own for whole names.
consonant skeleton (internal)
    The skeleton without vowels. Short vowels are the least stable part of a transliteration
    (Mosul / Mawsil, Hezbollah / Hizballah), so a token pair scores the *mean* of its consonant
    and vowel skeleton ratios: equal consonants can lift a pair but never alone decide it.

``similarity(a, b, kind)`` aligns tokens one to one (order free) and weights each token by its
length, so a missing or different *word* costs a lot ("Free Syrian Army" vs "Syrian Army",
"Local" vs "National Defense Forces") while a different *spelling* of a word costs little.
Numbers must agree exactly. For people the surname must agree and so must the given name.

Threshold tuning (``tests/test_resolve.py::test_threshold_separates_pairs`` prints it): over the
74 labelled must-join pairs the lowest score is 89.8 (Moder Abdul Salam Hamdoun / Moder Hamdoun,
an omitted middle name), then 90.0 (Mosul / Al-Mawsil, A. Dvornikov / Aleksandr Dvornikov);
over the 46 must-stay-apart pairs the highest is 78.0 (Free Syrian Army / Syrian Army, the
"one extra word" family), then 72.7 (Syrian Army / Syrian Arab Army, Kata'ib Hezbollah /
Hezbollah). ``THRESHOLD = 85`` sits in the middle of that gap; ``CONTEXT_BONUS = 2`` lowers it
to 83 for candidates sharing context with the query, still 5 points above the highest apart.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from .classify import country_of

__all__ = [
    "CONTEXT_BONUS", "KINDS", "THRESHOLD", "Decisions", "Match", "MentionIndex", "Resolver", "find_mentions",
    "is_plausible_person", "normalise", "similarity",
]

KINDS = frozenset({"force", "person", "place"})

#: Accept a fuzzy match at or above this score (0..100). See the module docstring for the gap.
THRESHOLD = 85.0
# the most a one-word name may score against another whose consonants differ: below THRESHOLD
SHORT_NAME_CAP = 80.0
#: Threshold reduction for candidates whose context overlaps the query's context.
CONTEXT_BONUS = 2.0
#: Added to a same-context candidate's score when ranking (tie-break only; not a threshold).
CONTEXT_TIE = 3.0
#: Two different keys whose ranking scores are this close are ambiguous: no match.
TIE_MARGIN = 1.0
#: Token pairs below this similarity do not align at all (count as a missing word).
TOKEN_MIN = 80.0
#: Surnames must agree at least this much (person names).
SURNAME_MIN = 85.0
#: Weight factor of a word with no counterpart (forces, places): a missing word costs 1.5x its
#: length, so "Free Syrian Army" / "Syrian Army" scores 77, not 83.
MISSING_WORD = 1.5
#: Weight factor of generic organisation words (Army, Forces, Brigade, Armed, Islamic ...).
GENERIC_WEIGHT = 0.5

# --------------------------------------------------------------------------- tokenising

_APOSTROPHES = "'\u2019\u2018\u02bc\u02bb\u02bf\u02be`\u00b4\u2032"
_TOKEN = re.compile(
    r"\d+(?:st|nd|rd|th)?(?![^\W\d_])"          # 4, 46th (but not the 4 of "4x")
    r"|\d+"
    r"|[^\W\d_]+(?:[" + _APOSTROPHES + r"][^\W\d_]+)*"  # Kata'ib, Ta'anah (apostrophe inside a word)
)
_ORDINAL_SUFFIX = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_QUOTED = re.compile(r"\"[^\"]*\"|\u201c[^\u201d]*\u201d")
_STRIP_APOS = str.maketrans("", "", _APOSTROPHES)

_ORDINAL_WORDS = {
    "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6",
    "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10", "eleventh": "11", "twelfth": "12",
}


# letters that NFKD does not decompose into a base letter plus a mark
_LATIN_EXTRA = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h",
                              "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th"})


@lru_cache(maxsize=65536)
def _fold(token: str) -> str:
    """Case, diacritics (NFKD, combining marks dropped) and apostrophes of one token."""
    decomposed = unicodedata.normalize("NFKD", token.casefold()).translate(_LATIN_EXTRA)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = text.translate(_STRIP_APOS)
    m = _ORDINAL_SUFFIX.match(text)
    if m:
        return m.group(1)
    return _ORDINAL_WORDS.get(text, text)


@dataclass(frozen=True, slots=True)   # a huge document has half a million of them
class _Tok:
    text: str        # folded token
    start: int
    end: int
    hyphen_after: bool  # followed directly by a hyphen or dash ("al-", "ash-")
    lead: int = -1      # (``_mention_tokens``) where a mention starting here starts, after an article: the
    #                     article's start (-1: the token's own start; ``mention_start``)

    @property
    def mention_start(self) -> int:
        return self.start if self.lead < 0 else self.lead


def _tokenise(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    for m in _TOKEN.finditer(text):
        raw, start, end = m.group(), m.start(), m.end()
        # possessive: Soleimani's -> Soleimani
        if len(raw) > 3 and raw[-2] in _APOSTROPHES and raw[-1] in "sS":
            raw, end = raw[:-2], end - 2
        nxt = text[end:end + 1]
        folded = _roman(raw) or _fold(raw)
        out.append(_Tok(folded, start, end, nxt in ("-", "\u2010", "\u2011", "\u2013", "\u2014")))
    return out


_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}


def _roman(raw: str) -> str | None:
    """An upper-case Roman numeral of two letters or more as its number ("XLVII" -> "47", "II" -> "2"):
    corps and armies are numbered so (XLVII and XLVIII Panzer Corps are two corps), and a number must
    match exactly. One letter (I, V, X) is left as a letter: it is as often an initial."""
    if len(raw) < 2 or not raw.isupper() or not _ROMAN.fullmatch(raw):
        return None
    values = [_ROMAN_VALUES[ch] for ch in raw]
    return str(sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values)))


# The Arabic article. "al"/"el" are always the article inside a name. The assimilated forms
# (as-Safira, ash-Sham, ad-Dawla, an-Nusra, ar-Raqqa ...) are only taken as the article when the
# next word starts with the assimilated letter(s): "as Safira" yes, "as soon" no, "an attack" no.
_ARTICLE_ALWAYS = frozenset({"al", "el"})
_ARTICLE_SUN = {"as": "s", "ash": "sh", "ad": "d", "adh": "dh", "an": "n", "at": "t", "ath": "th",
                "ar": "r", "az": "z", "ul": "", "ud": "d", "us": "s"}


def _is_article(tokens: list[_Tok], i: int, *, need_hyphen: bool) -> bool:
    """Is ``tokens[i]`` an Arabic article of the word after it?"""
    if i + 1 >= len(tokens):
        return False
    tok, nxt = tokens[i], tokens[i + 1]
    if nxt.text.isdigit():
        return False
    if tok.text in _ARTICLE_ALWAYS:
        return True
    letters = _ARTICLE_SUN.get(tok.text)
    if letters is None or not letters:
        return False
    if need_hyphen and not tok.hyphen_after:
        return False
    return nxt.text.startswith(letters)


# --------------------------------------------------------------------------- normalise

_RANK_TOKENS = frozenset({
    "gen", "general", "maj", "major", "col", "colonel", "brig", "brigadier", "lt", "lieut",
    "lieutenant", "capt", "captain", "cpt", "sgt", "sergeant", "adm", "admiral", "cmdr", "cdr",
    "commodore", "president", "pres", "sheikh", "shaykh", "sheik", "shaikh", "mr", "dr", "prof",
    "gov", "governor", "ayatollah", "grand", "cpl", "corporal", "pvt", "private", "staff", "mg",
    "bg", "ltg", "rear", "vice", "marshal", "brigadegeneral", "generalmajor", "colonelgeneral",
})
# Only ranks when followed by another rank word ("Field Marshal", "Air Marshal").
_RANK_PREFIX_ONLY = frozenset({"field", "air", "chief", "first", "1"})

_PLACE_LEADING = (("village", "of"), ("town", "of"), ("city", "of"), ("the", "village", "of"),
                  ("the", "town", "of"), ("the", "city", "of"), ("the",))
_PLACE_TRAILING = frozenset({"village", "town", "city", "area", "neighborhood", "neighbourhood",
                             "suburb", "suburbs"})
_TELL = frozenset({"tell", "tel", "tal", "tall"})


def _strip_ranks(words: list[str]) -> list[str]:
    i = 0
    while i < len(words):
        w = words[i]
        prefix = w in _RANK_PREFIX_ONLY and i + 1 < len(words) and words[i + 1] in _RANK_TOKENS
        if not (w in _RANK_TOKENS or prefix):
            break
        i += 1
    return words[i:]


def _words(name: str, kind: str, *, drop_quoted: bool | None = None) -> list[str]:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, not {kind!r}")
    text = _BRACKETS.sub(" ", name)
    if drop_quoted if drop_quoted is not None else kind == "person":
        text = _QUOTED.sub(" ", text)
    toks = _tokenise(text)
    words = [t.text for i, t in enumerate(toks) if not _is_article(toks, i, need_hyphen=False)]
    if kind == "person":
        words = _strip_ranks(words)
    elif kind == "place":
        for lead in _PLACE_LEADING:
            if len(words) > len(lead) and tuple(words[:len(lead)]) == lead:
                words = words[len(lead):]
                break
        words = ["tal" if w in _TELL else w for w in words]
        while len(words) > 1 and words[-1] in _PLACE_TRAILING:
            words.pop()
        if len(words) > 2 and words[0] in ("tal", "jabal", "jebel") and words[-1] == "hill":
            words.pop()
    return words


def normalise(name: str, kind: str) -> str:
    """Normal form of ``name`` for ``kind`` in {"force", "person", "place"}.

    Safe reductions only (two different words never become one):

    * case folding, Unicode diacritics (NFKD, combining marks dropped), apostrophes ' ' ' ʿ ʾ
      removed (Kata'ib = Kata’ib = Kataib: the apostrophe transliterates a glottal stop or
      ʿayn that other sources simply omit), hyphens/dashes and other punctuation become spaces;
      parenthesised asides are dropped; ordinals become numbers ("46th" -> "46", "Fourth" -> "4");
    * the Arabic article: "al"/"el" before a word, and the assimilated "as-", "ash-", "ad-",
      "an-", "ar-", "at-", "az-" only when the next word starts with that letter (As-Safira,
      Ahrar ash-Sham), since "as"/"an"/"at" are also English words. The article is dropped
      rather than kept because sources add and omit it freely (Abu Bakr (al-)Baghdadi);
    * person: leading ranks and titles (Gen., Maj. Gen., Major General, Col., Brig. Gen.,
      Lt. Gen., Field Marshal, President, Sheikh, Capt., Sgt., Adm. ...) and a quoted nickname.
      "Sheikh" is a title before a person's name; place names with Sheikh (Sheikh Saeed) are
      not person-normalised. Only leading tokens are stripped, so "Major" inside a name stays;
      a name that is nothing but ranks normalises to "";
    * place: "village of" / "town of" / "city of" in front; trailing "village", "town", "city",
      "area", "neighborhood", "suburb(s)"; Tell/Tal/Tel/Tall -> "tal"; a trailing "hill" after a
      Tal/Jabal name (the Tal *is* the hill). "Governorate", "District", "Countryside", "Hill"
      elsewhere, "Farms", "Depot" are kept: they name a different (larger or smaller) thing.
    """
    return " ".join(_words(name, kind))


# --------------------------------------------------------------------------- skeleton

# Generic organisation words whose Arabic and English forms alternate within one source
# (Liwa Al-Quds = Al-Quds Brigade; Kata'eb Thuwar al-Sham = Thuwar al-Sham Brigades;
# Jabhat al-Nusra = al-Nusra Front). Plural and singular are folded too.
_CANON = {
    "liwa": "brigade", "liwaa": "brigade", "brigades": "brigade", "kataib": "brigade",
    "kataeb": "brigade", "katiba": "battalion", "katibat": "battalion", "battalions": "battalion",
    "alwiya": "brigade", "alwiyat": "brigade", "harakat": "movement", "haraka": "movement",
    "harakah": "movement", "jaish": "army", "jaysh": "army", "jabhat": "front", "jabha": "front",
    "jabhah": "front", "forces": "force", "divisions": "division", "units": "unit",
    "tell": "tal", "tel": "tal", "tall": "tal",
}
_ENDINGS = re.compile(r"(?:iyyah|iyyeh|iyyat|iyah|iyeh|iyya|iyye|iyat|iya|iye|iah|ieh|ia|ye)$")
_FINAL_H = re.compile(r"(?<=[a-z])[ae]h$")
_DOUBLE = re.compile(r"([a-z])\1+")
_DOUBLE_DIGRAPH = re.compile(r"(zh|sh|kh|th|dh|gh)\1")
_DIGRAPHS = (("kh", "k"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("ph", "f"), ("ck", "k"),
             ("dj", "g"), ("q", "k"), ("x", "ks"))
_VOWELISH = (("ou", "u"), ("oo", "u"), ("ee", "i"), ("ei", "i"), ("ai", "i"), ("aw", "u"),
             ("o", "u"), ("e", "i"))
_Y_GLIDE = re.compile(r"(?<=i)y(?=[aeiou])")            # Fatemiyoun -> Fatemioun
_Y_DIPHTHONG = re.compile(r"[aei]y(?![aeiou])")          # Zaynab, Uways, Kuweyres -> i
_Y_AFTER_CONSONANT = re.compile(r"(?<=[^aeiouy])y")      # Kyiv, Syrian -> i
_VOWELS = re.compile(r"[aeiouy]")


def _skeleton_token(tok: str) -> str:
    """Transliteration skeleton of one folded token.

    Folds, in order: generic organisation words (liwa -> brigade ...); the feminine/nisba
    endings -iyyah/-iyah/-iyeh/-iya/-ia/-ye -> "ia" (Ithriyah / Ithriya / Ethria, Hamiriyyeh);
    a final -ah/-eh -> -a (Ta'anah / Ta'ana); doubled letters and doubled digraphs (Liwaa,
    Abbas, Zaporizhzhia); kh/gh/dh/th/ph/ck/q/x/c to one consonant (Khanaser, Hadher/Hader,
    Qasem/Kasem, Aleksandr/Alexander, Viktor/Victor; c is s before e/i/y: Defence/Defense);
    dj/j -> g (Golani / Julani); the glide y after i dropped (Fatemiyoun / Fatemiun); ay/ey/iy
    before a consonant -> i (Zaynab / Zainab, Kuweyres / Kuweires) but a y before a vowel
    stays a consonant (Sayyid is not Sa'id); y after a consonant -> i (Kyiv / Kiev); the vowel
    spellings ou/oo -> u, ee/ei/ai -> i, aw -> u, o -> u, e -> i (Touman / Tuman, Suleimani /
    Soleimani / Sulaimani, Mawsil / Mosul); a final -ov -> -iv (Kharkov / Kharkiv, Lvov / Lviv).

    Unsafe on its own (Hama/Homa, Banes/Bunis fold together), which is why it only scores.
    """
    if not tok or tok.isdigit():
        return tok
    t = _CANON.get(tok, tok)
    if t in ("tal", "brigade", "battalion", "movement", "army", "front", "force", "division"):
        return t
    t = _ENDINGS.sub("ia", t) if len(t) > 4 else t
    t = _FINAL_H.sub("a", t) if len(t) > 3 else t
    t = _DOUBLE_DIGRAPH.sub(r"\1", t)
    t = _DOUBLE.sub(r"\1", t)
    t = re.sub(r"c(?=[eiy])", "s", t)
    for a, b in _DIGRAPHS:
        t = t.replace(a, b)
    t = t.replace("c", "k").replace("j", "g")
    t = _Y_GLIDE.sub("", t)
    t = _Y_DIPHTHONG.sub("i", t)
    t = _Y_AFTER_CONSONANT.sub("i", t)
    for a, b in _VOWELISH:
        t = t.replace(a, b)
    t = _DOUBLE.sub(r"\1", t)
    if len(t) > 4 and t.endswith("uv"):
        t = t[:-2] + "iv"
    return t


# --------------------------------------------------------------------------- features

# Words that many force names share: they count half, so the distinguishing word decides
# ("Syrian Armed Forces" / "Russian Armed Forces" do not join on "Armed Forces").
_GENERIC = frozenset({_skeleton_token(w) for w in (
    "force", "army", "armed", "brigade", "battalion", "division", "front", "movement", "unit",
    "regiment", "corps", "group", "militia", "military", "guard", "air", "ground", "special",
    "of", "the", "and", "national", "islamic", "revolutionary", "mechanized", "armoured",
    "armored", "infantry", "operations", "command", "naval", "navy",
)})
_KUNYA = frozenset({"abu", "abou", "umm", "ibn", "bin", "ben", "bint", "abd"})
# Words that make a force name an armed body (an army, a navy, a brigade): "Sri Lanka Army" is the
# army of the state "Sri Lanka", not the state, however close the rest of the two names is.
_FORMATION = frozenset({_skeleton_token(w) for w in (
    "army", "armies", "navy", "naval", "marines", "marine", "corps", "guard", "guards", "brigade",
    "battalion", "division", "regiment", "fleet", "force", "forces", "squadron", "militia", "legion",
)})
# Words that make a name a state's ("Republic of Vietnam", "Kingdom of Iraq"), beside country names.
_STATE_WORDS = frozenset({"republic", "kingdom", "federation", "union", "confederation", "empire",
                          "sultanate", "emirate", "principality", "commonwealth", "reich"})


@dataclass(frozen=True)
class _Word:
    norm: str
    skel: str
    cons: str
    weight: float
    number: bool


@dataclass(frozen=True)
class _Name:
    raw: str
    kind: str
    norm: str
    words: tuple[_Word, ...]
    joined: str          # skeleton without spaces (catches split/joined spellings)
    numbers: tuple[str, ...]
    blob: str            # skeleton joined by spaces, for the prefilter
    formation: bool = False   # a force name with a word of an armed body (Army, Navy, Brigade ...)
    state: bool = False       # a force name that names a state (a country, "Republic of X")

    @property
    def surname(self) -> _Word | None:
        return self.words[-1] if self.words else None

    @property
    def given(self) -> _Word | None:
        """First word that is not a kunya/patronymic particle (Abu, Ibn, Umm ...)."""
        for w in self.words[:-1]:
            if w.norm not in _KUNYA:
                return w
        return None


@lru_cache(maxsize=65536)   # a name's features are a pure function of it (and immutable): a bulk
def _features(name: str, kind: str) -> _Name:   # import asks for the same names again and again
    words = _words(name, kind)
    feats: list[_Word] = []
    for w in words:
        if w.isdigit():
            feats.append(_Word(w, w, w, 3.0, True))
            continue
        skel = _skeleton_token(w)
        cons = _VOWELS.sub("", skel)
        weight = float(max(len(skel), 1)) * (GENERIC_WEIGHT if skel in _GENERIC else 1.0)
        feats.append(_Word(w, skel, cons, weight, False))
    formation = kind == "force" and any(f.skel in _FORMATION for f in feats)
    return _Name(
        raw=name, kind=kind, norm=" ".join(words), words=tuple(feats),
        joined="".join(f.skel for f in feats),
        numbers=tuple(sorted(f.norm for f in feats if f.number)),
        blob=" ".join(f.skel for f in feats),
        formation=formation,
        state=kind == "force" and not formation and (any(w in _STATE_WORDS for w in words)
                                                     or country_of(name) is not None),
    )


# --------------------------------------------------------------------------- scoring

def _word_sim(a: _Word, b: _Word) -> float:
    if a.number or b.number:
        return 100.0 if a.norm == b.norm else 0.0
    if a.norm == b.norm or a.skel == b.skel:
        return 100.0
    r_skel = fuzz.ratio(a.skel, b.skel)
    best = max(fuzz.ratio(a.norm, b.norm), r_skel)
    if len(a.cons) >= 3 and len(a.cons) == len(b.cons) and a.cons == b.cons:
        best = max(best, (100.0 + r_skel) / 2)
    return best


def _align(a: _Name, b: _Name, *, person: bool = False) -> float:
    """Length-weighted one-to-one token alignment score (0..100)."""
    if not a.words or not b.words:
        return 0.0
    pairs = []
    for i, wa in enumerate(a.words):
        for j, wb in enumerate(b.words):
            s = _word_sim(wa, wb)
            if s >= TOKEN_MIN:
                pairs.append((s, i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    got = 0.0
    for s, i, j in pairs:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        got += s * (a.words[i].weight + b.words[j].weight)

    def total(n: _Name, used: set[int]) -> float:
        t = 0.0
        last = len(n.words) - 1
        for k, w in enumerate(n.words):
            if k in used:
                t += w.weight
            elif person:
                # an omitted middle name costs little (first and last are gated elsewhere)
                t += (0.25 if 0 < k < last else 1.0) * w.weight
            else:
                t += MISSING_WORD * w.weight
        return t

    return got / (total(a, used_a) + total(b, used_b))


def _score(a: _Name, b: _Name) -> tuple[float, bool]:
    """(score 0..100, matched on surname only)."""
    if not a.words or not b.words:
        return 0.0, False
    if a.numbers != b.numbers:
        return min(30.0, _align(a, b)), False
    if a.kind == "person":
        return _person_score(a, b)
    score = _align(a, b)
    if score < 100 and a.formation != b.formation and (a.state or b.state):
        # an armed body and a state: "Army of the Republic of Vietnam" is not "Republic of Vietnam",
        # "United States Navy" not "United States" (their other words agree: they score 83-89)
        score = min(score, SHORT_NAME_CAP)
    if (score < 100 and len(a.words) == 1 and len(b.words) == 1
            and a.words[0].cons != b.words[0].cons):
        # one-word names: a spelling variant keeps its consonants (Tuman/Touman, Hader/Hadher); an
        # added or changed consonant is another name (Hama/Hamra, Banes/Baneh)
        score = min(score, SHORT_NAME_CAP)
    if score < 100 and len(a.joined) >= 6:
        joined = fuzz.ratio(a.joined, b.joined)
        if joined >= 95:          # "Kafr Haddad" / "Kafrhaddad", "Abdul Salam" / "Abdulsalam"
            score = max(score, joined)
    return score, False


def _initial_ok(a: _Word, b: _Word) -> bool:
    return (len(a.norm) == 1 or len(b.norm) == 1) and a.norm[:1] == b.norm[:1]


def _person_score(a: _Name, b: _Name) -> tuple[float, bool]:
    if len(a.words) == 1 or len(b.words) == 1:
        short, long_ = (a, b) if len(a.words) <= len(b.words) else (b, a)
        if len(long_.words) == 1:
            return _align(a, b), False
        if len(short.words[0].norm) < 4:
            return 0.0, False
        s = _word_sim(short.words[0], long_.surname)
        # a lone surname is weaker evidence than a full name: slightly discounted
        return (s * 0.97, True) if s >= SURNAME_MIN else (min(s, 30.0), False)
    joined = fuzz.ratio(a.joined, b.joined)
    if joined >= 95:
        return joined, False
    if _word_sim(a.surname, b.surname) < SURNAME_MIN:
        return min(40.0, _align(a, b, person=True)), False
    ga, gb = a.given, b.given
    if ga is not None and gb is not None and _word_sim(ga, gb) < 75 and not _initial_ok(ga, gb):
        return min(50.0, _align(a, b, person=True)), False
    score = _align(a, b, person=True)
    if ga is not None and gb is not None and _initial_ok(ga, gb):
        score = max(score, 90.0)
    return score, False


def similarity(a: str, b: str, kind: str) -> float:
    """Similarity 0..100 of two names of one ``kind`` (rapidfuzz ratios over normal forms and
    transliteration skeletons, aligned word by word).

    * numbers must be equal ("Division 13" / "Division 30" -> at most 30);
    * forces and places: every word must find a counterpart; a missing or different word costs
      its length ("Free Syrian Army" / "Syrian Army" 83, below the threshold);
    * persons: surnames must agree (else at most 40) and given names must agree (else at most
      50); an initial agrees with a name it starts ("A. Dvornikov"); an omitted middle name
      costs a quarter of its weight; a lone surname scores 97 % of its similarity to the other
      name's surname ("Soleimani" / "Qasem Soleimani"): the ``Resolver`` accepts that only when
      it is unambiguous among the candidates.
    """
    return round(_score(_features(a, kind), _features(b, kind))[0], 2)


# --------------------------------------------------------------------------- plausibility

_ROLE_WORDS = frozenset({
    "commander", "commanders", "leader", "leaders", "chief", "head", "spokesman", "spokesperson",
    "officer", "officers", "supreme", "field", "senior", "deputy", "emir", "minister",
    "unknown", "none", "various", "several", "multiple", "unnamed", "n/a", "others", "staff",
})
_ORG_WORDS = frozenset({
    "brigade", "brigades", "front", "army", "armies", "division", "battalion", "battalions",
    "force", "forces", "regiment", "corps", "group", "movement", "militia", "militias", "unit",
    "units", "party", "council", "guard", "guards", "legion", "emirate", "state", "republic",
    "committee", "coalition", "alliance", "organization", "organisation", "command", "fleet",
    "navy", "police", "liwa", "kataib", "harakat", "jaish", "jabhat", "hezbollah", "government",
    "ministry", "troops", "rebels", "fighters", "volunteers", "advisors", "advisers",
})
_FRAGMENTS = frozenset({"and", "or", "of", "the", "with", "by", "in", "at", "on", "for", "to", "de"})


def is_plausible_person(name: str) -> bool:
    """Could ``name`` be a person's name (as extracted from an infobox commander list)?

    False for: empty text; any digit; a rank alone ("Maj. Gen."); roles ("Supreme commander",
    "field commander", "Commander of Russian Forces", "Unknown"); fragments (connectives, a
    single lowercase word, text with no capitalised word); acronyms ("IRGC"); organisation
    names (a word such as Brigade/Front/Army/Forces/Movement/Liwa/Hezbollah anywhere).
    """
    text = name.strip()
    if not text or any(ch.isdigit() for ch in text):
        return False
    toks = _tokenise(_BRACKETS.sub(" ", text))
    if not toks:
        return False
    folded = [t.text for t in toks]
    if any(w in _ROLE_WORDS or w in _ORG_WORDS for w in folded):
        return False
    if all(w in _FRAGMENTS for w in folded):
        return False
    if not _strip_ranks(folded):
        return False
    originals = [text[t.start:t.end] for t in toks]
    if not any(o[:1].isupper() for o in originals):
        return False
    # a lone all-caps word is an acronym (IRGC, SAA)
    return not (len(originals) == 1 and len(originals[0]) > 1 and originals[0].isupper())


# --------------------------------------------------------------------------- resolver

@dataclass(frozen=True)
class Match:
    key: Hashable
    name_matched: str
    score: float
    exact: bool
    forced: bool = False


@lru_cache(maxsize=65536)
def _decision_key(name: str) -> str:
    return normalise(name, "force")


@dataclass
class Decisions:
    """Editor decisions: ``forbid`` (a split) and ``force`` (a merge), keyed by the name's
    kind-neutral normal form (case, apostrophes, "al-" insensitive)."""

    forbidden: dict[str, set[Hashable]] = field(default_factory=dict)
    forced: dict[str, Hashable] = field(default_factory=dict)

    def forbid(self, name: str, key: Hashable) -> None:
        """Never join ``name`` to ``key`` (a forced merge of the same pair is withdrawn)."""
        k = _decision_key(name)
        self.forbidden.setdefault(k, set()).add(key)
        if self.forced.get(k) == key:
            del self.forced[k]

    def force(self, name: str, key: Hashable) -> None:
        """Always join ``name`` to ``key``."""
        k = _decision_key(name)
        self.forced[k] = key
        self.forbidden.get(k, set()).discard(key)

    def is_forbidden(self, name: str, key: Hashable) -> bool:
        return bool(self.forbidden) and key in self.forbidden.get(_decision_key(name), ())

    def forced_key(self, name: str) -> Hashable | None:
        return self.forced.get(_decision_key(name)) if self.forced else None


@dataclass(frozen=True)
class _Candidate:
    key: Hashable
    kind: str
    context: frozenset[str]


def _blocks(n: _Name) -> set[str]:
    return {w.norm if w.number else w.skel[:2] for w in n.words}


class Resolver:
    """Match names against known candidates of the same kind.

    ``add(key, kind, names, context)`` registers a candidate (adding the same key again extends
    its names and context). ``match(name, kind, context)`` returns the best ``Match`` or
    ``None`` when nothing reaches ``THRESHOLD`` or the best two keys are tied (ambiguous).

    Lookup: an exact dict on the normal form, then a blocking index (first two skeleton
    letters of each word, whole numbers) feeding ``rapidfuzz.process.extract`` with
    ``token_set_ratio`` over the blocked skeletons; the best few are rescored with
    ``similarity``'s aligner. Generic blocks (over ``BLOCK_CAP`` names) are skipped when the
    query has rarer words.
    """

    BLOCK_CAP = 400
    SHORTLIST = 12

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self.decisions = Decisions()
        self._cands: dict[Hashable, _Candidate] = {}
        self._names: list[_Name] = []
        self._owner: list[Hashable] = []
        self._exact: dict[tuple[str, str], set[int]] = {}
        self._blocks: dict[tuple[str, str], list[int]] = {}
        self._surnames: dict[str, set[Hashable]] = {}

    def __len__(self) -> int:
        return len(self._cands)

    #: The forces' ``MentionIndex`` an importer keeps beside the resolver for its run (built and
    #: extended by ``importer.load``; dropped with the resolver when a document is rolled back).
    forces_index: MentionIndex | None = None
    #: The primary keys an importer takes from the tables' sequences ahead for its run's documents
    #: (``importer.bulk.IdPool``), kept with the resolver like the index above.
    id_pool: Any = None

    def knows(self, key: Hashable) -> bool:
        """Whether a record was added under ``key`` (by any of its names)."""
        return key in self._cands

    def has_name(self, key: Hashable, kind: str, name: str) -> bool:
        """Whether the record ``key`` was added with ``name`` (or a name of the same normal form)."""
        return any(self._owner[i] == key for i in self._exact.get((kind, _features(name, kind).norm), ()))

    def add(self, key: Hashable, kind: str, names: Iterable[str],
            context: frozenset[str] | Iterable[str] = frozenset()) -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {sorted(KINDS)}, not {kind!r}")
        old = self._cands.get(key)
        if old is not None and old.kind != kind:
            raise ValueError(f"key {key!r} is already a {old.kind}, not a {kind}")
        ctx = frozenset(context) | (old.context if old else frozenset())
        self._cands[key] = _Candidate(key, kind, ctx)
        for raw in names:
            n = _features(raw, kind)
            if not n.words:
                continue
            idx = len(self._names)
            self._names.append(n)
            self._owner.append(key)
            self._exact.setdefault((kind, n.norm), set()).add(idx)
            for b in _blocks(n):
                self._blocks.setdefault((kind, b), []).append(idx)
            if kind == "person" and len(n.words) > 1:
                self._surnames.setdefault(n.surname.skel, set()).add(key)

    # -- helpers
    def forbid(self, name: str, key: Hashable) -> None:
        self.decisions.forbid(name, key)

    def force(self, name: str, key: Hashable) -> None:
        self.decisions.force(name, key)

    def _shortlist(self, q: _Name, kind: str) -> list[int]:
        lists = [self._blocks.get((kind, b), []) for b in _blocks(q)]
        lists = [li for li in lists if li]
        if not lists:
            return []
        small = [li for li in lists if len(li) <= self.BLOCK_CAP]
        chosen = small or [min(lists, key=len)]
        ids = sorted({i for li in chosen for i in li})
        if len(ids) <= self.SHORTLIST:
            return ids
        choices = {i: self._names[i].blob for i in ids}
        hits = process.extract(q.blob, choices, scorer=fuzz.token_set_ratio, limit=self.SHORTLIST,
                               score_cutoff=50)
        return [h[2] for h in hits]

    def match(self, name: str, kind: str,
              context: frozenset[str] | Iterable[str] = frozenset()) -> Match | None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {sorted(KINDS)}, not {kind!r}")
        context = frozenset(context)
        forced = self.decisions.forced_key(name)
        if forced is not None and forced in self._cands and self._cands[forced].kind == kind:
            return Match(forced, name, 100.0, exact=False, forced=True)
        q = _features(name, kind)
        if not q.words:
            return None

        # best (score, surname_only, name index) per key
        best: dict[Hashable, tuple[float, bool, int]] = {}
        for i in self._exact.get((kind, q.norm), ()):
            if not self.decisions.is_forbidden(name, self._owner[i]):
                best[self._owner[i]] = (100.0, False, i)
        if not best:           # no exact spelling (or only forbidden ones): fuzzy search
            for i in self._shortlist(q, kind):
                s, surname_only = _score(q, self._names[i])
                key = self._owner[i]
                if key not in best or s > best[key][0]:
                    best[key] = (s, surname_only, i)

        ranked = []
        for key, (s, surname_only, i) in best.items():
            if self.decisions.is_forbidden(name, key):
                continue
            shared = bool(context & self._cands[key].context)
            need = self.threshold - (CONTEXT_BONUS if shared else 0.0)
            if s < need:
                continue
            ranked.append((s + (CONTEXT_TIE if shared else 0.0), s, surname_only, shared, key, i))
        if not ranked:
            return None
        ranked.sort(key=lambda r: -r[0])
        top = ranked[0]
        if top[2]:
            # a lone surname: every candidate with that surname competes, whatever its score
            lone = q if len(q.words) == 1 else self._names[top[5]]
            rivals = set(self._surnames.get(lone.words[0].skel, ())) | {r[4] for r in ranked}
            rivals = {k for k in rivals if not self.decisions.is_forbidden(name, k)}
            if len(rivals) > 1:
                same_ctx = [k for k in rivals if context & self._cands[k].context]
                if len(same_ctx) != 1 or same_ctx[0] != top[4]:
                    return None
        if len(ranked) > 1 and ranked[1][0] > top[0] - TIE_MARGIN:
            return None
        n = self._names[top[5]]
        return Match(top[4], n.raw, round(top[1], 2), exact=n.norm == q.norm)


# --------------------------------------------------------------------------- mentions

@lru_cache(maxsize=2)   # a loader searches one document's text with two indexes (forces, people)
def _mention_tokens(text: str) -> list[_Tok]:
    """Tokens of ``text`` without articles; each with the start offset of its article, if any, as its
    ``lead`` (shared between callers: not to be changed). One object per token, no pair: a document of
    20,000 events has half a million tokens."""
    toks = _tokenise(text)
    out = []
    pending: int | None = None
    for i, t in enumerate(toks):
        if _is_article(toks, i, need_hyphen=True) or (
                t.text in _ARTICLE_ALWAYS and i + 1 < len(toks) and toks[i + 1].start - t.end <= 1):
            pending = t.start
            continue
        if pending is not None and t.start - pending <= 4:
            t = _Tok(t.text, t.start, t.end, t.hyphen_after, pending)    # most tokens follow no article: kept
        out.append(t)
        pending = None
    return out


# A text token spells an alias word (``_Word``) when, in order of the rules:
#
# * the word is a number and the token is that number;
# * their skeletons are equal;
# * (not for a lone surname, which needs equal skeletons) the word's skeleton has 6+ letters and
#   ``fuzz.ratio`` of the two skeletons is at least ``_MENTION_RATIO``;
# * (only for an *anchored* word, one of an alias with other words, which makes a looser test safe)
#   the word has 3+ consonants, the token's consonant skeleton equals the word's and the ratio is at
#   least ``_MENTION_CONS_RATIO`` (Fadl / Fadhal).
#
# The first word of an alias must also share its skeleton's first letter with the token.
_MENTION_RATIO = 88.0
_MENTION_CONS_RATIO = 80.0
_MENTION_LONG = 6        # letters of a word skeleton the ratio rule needs
_MENTION_CONS = 3        # consonants of a word skeleton the consonant rule needs
_MENTION_SURNAME = 4     # letters of a surname matched alone
# The scorer handed to rapidfuzz's C-level batch calls (bound once: always the C function).
_RATIO = fuzz.ratio


def _scored(query: str, choices: list[str], cutoff: float) -> list[tuple[str, float]]:
    """``(choice, fuzz.ratio(query, choice))`` for every choice scoring ``cutoff`` or more: one C call."""
    return [(c, r) for c, r, _ in process.extract(query, choices, scorer=_RATIO, score_cutoff=cutoff, limit=None)]


def _could_reach(l1: int, l2: int) -> bool:
    """Could strings of lengths ``l1`` and ``l2`` score ``_MENTION_RATIO``? (Their ratio is at most
    100 * (1 - |l1 - l2| / (l1 + l2)); one length of slack.)"""
    return 100 * (abs(l1 - l2) - 1) <= (100 - _MENTION_RATIO) * (l1 + l2)


class _Pool:
    """Skeletons the ratio rule can reach (6+ letters, not numbers): append-only, also by length."""

    __slots__ = ("by_len", "items")

    def __init__(self) -> None:
        self.items: list[str] = []
        self.by_len: dict[int, list[str]] = {}

    def append(self, skel: str) -> None:
        self.items.append(skel)
        self.by_len.setdefault(len(skel), []).append(skel)

    def candidates(self, s: str, seen: int) -> list[str]:
        """The items after the first ``seen`` that token ``s`` could spell by the ratio rule (all
        items added since, or, the first time, those of a length that can score enough)."""
        if seen:
            return self.items[seen:]
        out: list[str] = []
        for length, items in self.by_len.items():
            if _could_reach(len(s), length):
                out += items
        return out


class _Node:
    """A trie node of alias words: the aliases of two words or more sharing a prefix of word skeletons.

    Most nodes are leaves: a node's tables are made when it gets its first child."""

    __slots__ = ("children", "cons", "ends", "hits", "long")

    def __init__(self) -> None:
        self.children: dict[str, _Node] | None = None   # next word skeleton -> node
        self.ends: list[int] | None = None              # aliases whose last word is this node
        self.long: _Pool | None = None                  # children the ratio rule can reach
        self.cons: dict[str, list[str]] | None = None   # children the consonant rule can reach, by consonants
        # token skeleton -> [long children scored, consonant group scored, children it spells (not itself)]
        self.hits: dict[str, list] | None = None

    def child(self, w: _Word) -> _Node:
        """The child for word ``w``, made if new."""
        if self.children is None:
            self.children, self.long, self.cons, self.hits = {}, _Pool(), {}, {}
        node = self.children.get(w.skel)
        if node is None:
            node = self.children[w.skel] = _Node()
            if not w.number and len(w.skel) >= _MENTION_LONG:
                self.long.append(w.skel)
            if not w.number and len(w.cons) >= _MENTION_CONS:
                self.cons.setdefault(w.cons, []).append(w.skel)
        return node


class MentionIndex:
    """Where known names occur in texts: ``find_mentions`` compiled once, reusable across documents.

    ``MentionIndex(entries)`` with ``entries`` of ``(key, kind, names)``; ``add(key, kind, names)``
    extends it (as an importer creates records); ``find(text)`` returns what
    ``find_mentions(text, entries)`` returns for all the entries added so far, in the order added.

    Compiled once: each name's features; one-word aliases in a dict by skeleton, short ones (SAA,
    NDF) by exact text; longer aliases in a trie of word skeletons; the first-word skeletons that
    the fuzzy rules can reach, grouped by first letter and length (ratio rule) and by first letter
    and consonant skeleton (consonant rule), and the same per trie node for its next words; the
    surname table (a person's surname alone is a mention while a single person entry has it:
    decided from the table at each look-up, so an ``add`` of a second person with that surname
    withdraws it).

    ``find`` scores each distinct token skeleton once, with one C-level ``rapidfuzz`` call over the
    first-word skeletons it could spell (same first letter, a length that can reach the ratio, or
    the same consonants), then walks the trie: at a node, one C-level call per distinct next token
    over the node's children it could spell. The results are cached in the index (token ->
    skeletons it spells) and extended, not recomputed, when ``add`` brings new skeletons: the work
    per text is bounded by its distinct tokens, never tokens x aliases.
    """

    #: Cached token results per table (a table is cleared when it grows past this).
    CACHE_LIMIT = 200_000

    def __init__(self, entries: Iterable[tuple[Hashable, str, Iterable[str]]] = (), *,
                 rank: Callable[[Hashable], Any] | None = None) -> None:
        # ``rank``: among matches of one span and length, the key ranked lowest wins (default: the alias
        # added first); with a rank, the result does not depend on the order entries were added in
        self._rank = rank
        self._keys: list[Hashable] = []               # the key of each alias (name), in order added
        # a short one-word alias, by its text exactly: (alias, its skeleton's first letter)
        self._exact: dict[str, list[tuple[int, str]]] = {}
        self._single: dict[str, list[int]] = {}       # other one-word aliases, by skeleton
        self._roots: dict[str, _Node] = {}            # aliases of 2+ words, by first word skeleton
        # first-word skeletons the ratio rule can reach, by first letter
        self._long: dict[str, _Pool] = {}
        self._long_seen: set[str] = set()
        # first-word skeletons (of aliases of 2+ words) the consonant rule can reach, by (letter, consonants)
        self._cons: dict[tuple[str, str], list[str]] = {}
        self._cons_seen: set[str] = set()
        # token skeleton -> [long scored, consonant group scored, long hits, consonant hits]
        self._root_hits: dict[str, list] = {}
        # surname skeleton (of full person names) -> keys; whether its first spelling has enough
        # letters to match alone; its rank in first-seen order
        self._surname_keys: dict[str, set[Hashable]] = {}
        self._surname_long: dict[str, bool] = {}
        self._surname_rank: dict[str, int] = {}
        self._skels: dict[str, str] = {}              # folded token -> skeleton
        for key, kind, names in entries:
            self.add(key, kind, names)

    def __len__(self) -> int:
        """Number of aliases (names with at least one word)."""
        return len(self._keys)

    def add(self, key: Hashable, kind: str, names: Iterable[str]) -> None:
        """Add the names of one entry (the same key again adds names, as a repeated entry would)."""
        for raw in names:
            n = _features(raw, kind)
            if not n.words:
                continue
            a = len(self._keys)
            self._keys.append(key)
            first = n.words[0]
            if len(n.words) == 1 and len(n.joined) < 4:
                self._exact.setdefault(raw.strip(), []).append((a, first.skel[:1]))
            elif len(n.words) == 1:
                self._single.setdefault(first.skel, []).append(a)
                self._add_long(first)
            else:
                self._add_long(first)
                if not first.number and len(first.cons) >= _MENTION_CONS and first.skel not in self._cons_seen:
                    self._cons_seen.add(first.skel)
                    self._cons.setdefault((first.skel[:1], first.cons), []).append(first.skel)
                node = self._roots.get(first.skel)
                if node is None:
                    node = self._roots[first.skel] = _Node()
                for w in n.words[1:]:
                    node = node.child(w)
                if node.ends is None:
                    node.ends = []
                node.ends.append(a)
            if kind == "person" and len(n.words) > 1:
                skel = n.surname.skel
                if skel not in self._surname_keys:
                    self._surname_keys[skel] = set()
                    self._surname_long[skel] = len(n.surname.norm) >= _MENTION_SURNAME
                    self._surname_rank[skel] = len(self._surname_rank)
                self._surname_keys[skel].add(key)

    def _add_long(self, w: _Word) -> None:
        if not w.number and len(w.skel) >= _MENTION_LONG and w.skel not in self._long_seen:
            self._long_seen.add(w.skel)
            pool = self._long.get(w.skel[:1])
            if pool is None:
                pool = self._long[w.skel[:1]] = _Pool()
            pool.append(w.skel)

    # -- look-ups (cached per token skeleton)
    def _skeleton(self, folded: str) -> str:
        skel = self._skels.get(folded)
        if skel is None:
            if len(self._skels) >= self.CACHE_LIMIT:
                self._skels.clear()
            skel = self._skels[folded] = folded if folded.isdigit() else _skeleton_token(folded)
        return skel

    def _first_hits(self, s: str) -> tuple[list[str], list[str]]:
        """First-word skeletons other than ``s`` that token ``s`` spells: (by the ratio rule, by the
        consonant rule). Both share ``s``'s first letter."""
        entry = self._root_hits.get(s)
        if entry is None:
            if len(self._root_hits) >= self.CACHE_LIMIT:
                self._root_hits.clear()
            entry = self._root_hits[s] = [0, 0, [], []]
        pool = self._long.get(s[:1])
        cons = _VOWELS.sub("", s)
        group = self._cons.get((s[:1], cons)) if len(cons) >= _MENTION_CONS else None
        if (pool is None or entry[0] == len(pool.items)) and (group is None or entry[1] == len(group)):
            return entry[2], entry[3]
        longs = pool.candidates(s, entry[0]) if pool is not None else []
        same_cons = group[entry[1]:] if group is not None else []
        # every candidate is a first-word skeleton (not a number) with s's first letter: the rules
        # read off the pair alone (a skeleton in both lists is scored twice, kept once)
        for c, r in _scored(s, longs + same_cons, _MENTION_CONS_RATIO) if longs or same_cons else ():
            if c == s:
                continue
            if len(c) >= _MENTION_LONG and r >= _MENTION_RATIO and c not in entry[2]:
                entry[2].append(c)
            if (r >= _MENTION_CONS_RATIO and len(cons) >= _MENTION_CONS and c not in entry[3]
                    and _VOWELS.sub("", c) == cons):
                entry[3].append(c)
        entry[0] = len(pool.items) if pool is not None else 0
        entry[1] = len(group) if group is not None else 0
        return entry[2], entry[3]

    def _next_hits(self, node: _Node, s: str) -> list[str]:
        """Child skeletons of ``node`` other than ``s`` that token ``s`` spells (an anchored word:
        the ratio rule or the consonant rule)."""
        entry = node.hits.get(s)
        if entry is None:
            if len(node.hits) >= self.CACHE_LIMIT:
                node.hits.clear()
            entry = node.hits[s] = [0, 0, []]
        cons = _VOWELS.sub("", s)
        group = node.cons.get(cons) if len(cons) >= _MENTION_CONS else None
        if entry[0] == len(node.long.items) and (group is None or entry[1] == len(group)):
            return entry[2]
        longs = node.long.candidates(s, entry[0])
        same_cons = group[entry[1]:] if group is not None else []
        # every candidate is a child skeleton (not a number): the rules read off the pair alone
        for c, r in _scored(s, longs + same_cons, _MENTION_CONS_RATIO) if longs or same_cons else ():
            if c == s or c in entry[2]:
                continue
            if ((len(c) >= _MENTION_LONG and r >= _MENTION_RATIO)
                    or (r >= _MENTION_CONS_RATIO and len(cons) >= _MENTION_CONS and _VOWELS.sub("", c) == cons)):
                entry[2].append(c)
        entry[0] = len(node.long.items)
        entry[1] = len(group) if group is not None else 0
        return entry[2]

    def find(self, text: str) -> list[tuple[Hashable, int, int]]:
        """``find_mentions(text, entries)`` for the entries of this index."""
        toks = _mention_tokens(text)
        skels = [self._skeleton(t.text) for t in toks]
        n = len(toks)
        keys_of = self._keys
        found: list[tuple[int, int, int, int, Hashable]] = []   # (-length, start, order, end, key)
        for i, tok in enumerate(toks):
            start, s = tok.mention_start, skels[i]
            for a, initial in self._exact.get(text[tok.start:tok.end], ()):
                if initial == s[:1]:
                    found.append((tok.start - tok.end, tok.start, a, tok.end, keys_of[a]))
            long_hits, cons_hits = self._first_hits(s)
            for skel in (s, *long_hits):
                for a in self._single.get(skel, ()):
                    found.append((start - tok.end, start, a, tok.end, keys_of[a]))
            keys = self._surname_keys.get(s)
            if keys is not None and len(keys) == 1 and self._surname_long[s]:
                (key,) = keys
                found.append((start - tok.end, start, len(keys_of) + self._surname_rank[s], tok.end, key))
            if i + 1 >= n:
                continue
            stack = [node for skel in dict.fromkeys((s, *long_hits, *cons_hits))
                     if (node := self._roots.get(skel)) is not None]
            depth = [1] * len(stack)
            while stack:
                node, d = stack.pop(), depth.pop()      # node: words 0..d-1 spelt by tokens i..i+d-1
                if node.ends is not None:
                    end = toks[i + d - 1].end
                    found.extend((start - end, start, a, end, keys_of[a]) for a in node.ends)
                if i + d >= n or node.children is None:
                    continue
                nxt = skels[i + d]
                for skel in (nxt, *self._next_hits(node, nxt)):
                    child = node.children.get(skel)
                    if child is not None:
                        stack.append(child)
                        depth.append(d + 1)
        # the longest match wins, then the earliest, then the key ranked first, or the alias added first
        # (surnames last)
        if self._rank is not None:
            rank = self._rank
            found.sort(key=lambda f: (f[0], f[1], rank(f[4]), f[2]))
        else:
            found.sort(key=lambda f: (f[0], f[1], f[2]))
        starts: list[int] = []
        ends: list[int] = []
        result: list[tuple[Hashable, int, int]] = []
        for _neg, start, _order, end, key in found:
            # taken spans are disjoint, so sorted by start they are sorted by end too: only the last
            # one starting before ``end`` can overlap
            p = bisect_left(starts, end)
            if p and ends[p - 1] > start:
                continue
            starts.insert(p, start)
            ends.insert(p, end)
            result.append((key, start, end))
        result.sort(key=lambda r: (r[1], r[2]))
        return result


def find_mentions(text: str, entries: Iterable[tuple[Hashable, str, Iterable[str]]]
                  ) -> list[tuple[Hashable, int, int]]:
    """Where the names in ``entries`` (key, kind, names) occur in ``text``.

    Returns ``(key, start, end)`` character offsets into ``text``, sorted, non-overlapping
    (the longest match wins; an "al-" article in front is included in the span). Tolerant of
    case, diacritics, apostrophes, the article, possessive 's and word-level transliteration
    skeletons (Khan Touman ~ Khan Tuman, Suleimani ~ Soleimani). Person names also match by
    surname alone when no other person entry shares that surname and it has 4+ letters; ranks
    are not part of the span. A one-word alias shorter than 4 letters (SAA, NDF) only matches
    the same text exactly (case-sensitive).

    Compiles the entries for this one text: to search many texts, build a ``MentionIndex`` once.
    """
    return MentionIndex(entries).find(text)

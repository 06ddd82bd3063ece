"""The one slugifier: URL slugs for offensives, forces, people and places, in any script.

``slugify`` keeps the slugs the importer has always made for Latin names (slugs are in cited URLs):
dashes and slashes separate words, accents are dropped. Letters that have no ASCII decomposition
(Arabic, Chinese, Cyrillic, ``ß``...) are transliterated with ``anyascii`` instead of being lost, and
a name with nothing to transliterate (punctuation only) gets a slug derived from its own hash, so
two different names never share a fallback slug. ``unique_slug`` adds ``-2``, ``-3``... where a
record already holds the slug.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

from anyascii import anyascii

MAX_LENGTH = 200


def _ascii(value: str) -> str:
    out = []
    for char in unicodedata.normalize("NFKD", value):
        if char.isascii():
            out.append(char)
        elif unicodedata.category(char).startswith(("L", "N")):
            # a wide (CJK) character is a word or syllable of its own; other scripts spell words letter by letter
            wide = unicodedata.east_asian_width(char) in ("W", "F")
            out.append(f" {anyascii(char)} " if wide else anyascii(char))
    return "".join(out)


def slugify(value: str, max_length: int = MAX_LENGTH) -> str:
    """An ASCII slug of ``value`` (``October–December`` keeps both words; ``阿勒颇`` → ``a-le-po``)."""
    text = re.sub(r"[\u2010-\u2015\u2212/]", " ", value)  # dashes and slashes separate words
    text = re.sub(r"[^\w\s-]", " ", _ascii(text).lower())
    slug = re.sub(r"[-\s_]+", "-", text).strip("-")[:max_length].rstrip("-")
    if slug:
        return slug
    return "untitled-" + hashlib.sha256(value.strip().encode()).hexdigest()[:8]


def base_slug(value: str, *, max_length: int = MAX_LENGTH) -> str:
    """The slug ``unique_slug`` gives ``value`` when no record has it yet."""
    return slugify(value, max_length - 6)


def unique_slug(model, value: str, *, max_length: int = MAX_LENGTH) -> str:
    """``base_slug(value)``, or with ``-2``, ``-3``... appended while ``model`` has a record with it."""
    base = base_slug(value, max_length=max_length)
    slug, n = base, 2
    while model._base_manager.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug

"""The contract between the wiki formats (wikitext, saved HTML) and the structured parser.

A wiki page is *rendered* into the readable text of the article in the structured format (``= Title =``,
an ``Infobox`` block of ``- Key: value`` lines, ``==Sections==``, paragraphs): what a reader would see,
and what ``SourceDocument.text`` stores and spans point into. ``structured.parse_structured`` then reads
it, so the three renderings of one article give one extraction by construction, and the infobox's
per-side cells (``combatant1``, ``commander2``, one table cell per side) keep who is on which side.

Conventions a renderer follows (the structured parser reads them; ``tests/formats`` pins them):

- one ``- Key: value`` line per infobox parameter, keys as the structured format names them
  (``Conflict``, ``Partof``, ``Date``, ``Place``, ``Coordinates``, ``Status`` for the result,
  ``Territory``, ``Combatant1``..., ``Commander1``..., ``Units1``..., ``Strength1``...,
  ``Casualties1``...); a list's items joined with ``", "``;
- a commander: ``[rank ]Name[ "alias"][ KIA][ (role)]``; a unit below another: ``*``/``**``/``***``
  before its name, as many as its depth;
- ``Coordinates``: ``coords.format_coordinates`` (decimal degrees with hemispheres);
- headings ``==Name==`` (``===Sub===``), paragraphs separated by a blank line, no reference markers.

Pure Python: no Django.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .records import Problem, SourceMeta

__all__ = ["FATE_MARKERS", "WIKIPEDIA_LICENCE", "Rendering", "SourceMeta", "commander_entry"]

#: The licence of Wikipedia's text (and of the wikis that share its terms).
WIKIPEDIA_LICENCE = "CC BY-SA 4.0"


@dataclass
class Rendering:
    """A wiki page rendered: ``text`` in the structured format (see the module docstring).

    ``offensive``: the page has a military-conflict infobox (an export's other pages are skipped);
    ``problems``: what the renderer could not read, with lines of the *original* page."""

    text: str
    meta: SourceMeta = field(default_factory=SourceMeta)
    offensive: bool = True
    problems: list[Problem] = field(default_factory=list)
    coordinates: tuple[float, float] | None = None


#: The fate markers a renderer writes after a commander's name (killed, died of wounds, captured,
#: wounded, missing in action).
FATE_MARKERS = frozenset({"KIA", "DOW", "POW", "WIA", "MIA"})


def commander_entry(s: str) -> str:
    """``Name (role) KIA`` -> ``Name KIA (role)``: the structured format puts the role last."""
    words = s.split(" ")
    fates = []
    while len(words) > 1 and words[-1] in FATE_MARKERS:
        fates.insert(0, words.pop())
    rest = " ".join(words)
    if fates and rest.endswith(")"):
        opening = rest.rfind("(")
        if opening > 0:
            return f"{rest[:opening].rstrip()} {' '.join(fates)} {rest[opening:]}"
    return s

"""``DocumentRecord`` -> the gold JSON schema (shared/gold/README.md), key order included."""
from __future__ import annotations

from .records import DocumentRecord
from .text import first_words


def _iso(d) -> str | None:
    if d is None:
        return None
    return (d.date if hasattr(d, "date") and not hasattr(d, "isoformat") else d).isoformat()


def to_json(doc: DocumentRecord, document: str) -> dict:
    """One document in the gold schema; each event also carries its full sentence as ``text``.
    A document whose sides the source does not tell apart has ``"sides_unresolved": true`` after
    ``events`` (like the corpus gold's ``sides_unresolvable``); others do not have the key."""
    out = {
        "document": document,
        "title": doc.title,
        "start": _iso(doc.start),
        "end": _iso(doc.end),
        "status": doc.status,
        "place": doc.place,
        "part_of": list(doc.part_of),
        "territory": list(doc.territory),
        "sides": [
            {
                "label": side.label,
                "belligerents": [{"name": b.name, "note": b.note} for b in side.belligerents],
                "commanders": [{"name": c.name, "alias": c.alias, "rank": c.rank, "role": c.role,
                                "kia": bool(c.kia)} for c in side.commanders],
                "units": [{"name": u.name, "parent": u.parent} for u in side.units],
                "strength": [s.text for s in side.strength],
            }
            for side in doc.sides
        ],
        "events": [
            {
                "date": e.date.isoformat(),
                "end_date": e.end_date.isoformat() if e.end_date else None,
                "precision": e.precision,
                "time_of_day": e.time_of_day,
                "starts_with": first_words(e.text),
                "text": e.text,
                "section": e.section,
                "places": [p.name for p in e.places],
                "kind": e.kind,
            }
            for e in doc.events
        ],
    }
    if doc.sides_unresolved:
        out["sides_unresolved"] = True
    return out

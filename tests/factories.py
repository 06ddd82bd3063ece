"""Small builders for test records: ``make_event(**kwargs)`` and friends. Unique slugs by counter."""
from __future__ import annotations

import datetime
import hashlib
import itertools

from conflicts.models import Conflict, Force, Participation, Side
from events.models import Event, EventPlace, Place
from people.models import CommandRole, Person
from sources.models import SourceDocument

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def make_source(**kwargs) -> SourceDocument:
    n = _n()
    text = kwargs.pop("text", f"= Test offensive {n} =\n\nOn 1 May 2016, something happened.\n")
    fields = {"name": f"doc-{n}.txt", "title": f"Test offensive {n}", "format": "structured",
              "sha256": hashlib.sha256(text.encode()).hexdigest(), "text": text}
    fields.update(kwargs)
    fields.setdefault("identity", f"tests/{fields['name']}")
    return SourceDocument.objects.create(**fields)


def make_conflict(**kwargs) -> Conflict:
    n = _n()
    fields = {"name": f"Test offensive {n}", "slug": f"test-offensive-{n}",
              "start_date": datetime.date(2016, 5, 1), "end_date": datetime.date(2016, 6, 1)}
    fields.update(kwargs)
    return Conflict.objects.create(**fields)


def make_side(conflict=None, **kwargs) -> Side:
    conflict = conflict or make_conflict()
    number = kwargs.pop("number", conflict.sides.count() + 1)
    return Side.objects.create(conflict=conflict, number=number, **kwargs)


def make_force(**kwargs) -> Force:
    n = _n()
    fields = {"name": f"Force {n}", "slug": f"force-{n}"}
    fields.update(kwargs)
    return Force.objects.create(**fields)


def make_participation(side=None, force=None, **kwargs) -> Participation:
    return Participation.objects.create(side=side or make_side(), force=force or make_force(), **kwargs)


def make_person(**kwargs) -> Person:
    n = _n()
    fields = {"name": f"Person {n}", "slug": f"person-{n}"}
    fields.update(kwargs)
    return Person.objects.create(**fields)


def make_role(person=None, conflict=None, **kwargs) -> CommandRole:
    conflict = conflict or (kwargs["side"].conflict if kwargs.get("side") else make_conflict())
    return CommandRole.objects.create(person=person or make_person(), conflict=conflict, **kwargs)


def make_place(**kwargs) -> Place:
    n = _n()
    fields = {"name": f"Village {n}", "slug": f"village-{n}", "kind": "settlement"}
    fields.update(kwargs)
    return Place.objects.create(**fields)


def make_event(conflict=None, places=(), **kwargs) -> Event:
    n = _n()
    conflict = conflict or make_conflict()
    fields = {"source_key": f"{conflict.slug}-e{n}", "date": datetime.date(2016, 5, 2),
              "text": f"On 2 May, event {n} happened.", "kind": "capture", "order": n}
    fields.update(kwargs)
    event = Event.objects.create(conflict=conflict, **fields)
    for i, place in enumerate(places):
        EventPlace.objects.create(event=event, place=place, name_as_written=place.name, order=i)
    return event

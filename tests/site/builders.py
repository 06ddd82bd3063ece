"""A whole offensive for page tests: sides, a unit hierarchy, commanders, places, events, a source
with spans, at a chosen size. Bulk inserts keep a 200-event world fast to build.

``EVIL`` is put into every name, alias and text, so pages can be checked for escaping. The source is a
wiki page with its attribution (site, URL, revision, licence, the bytes as read) and claims the offensive,
as the importer leaves it.
"""
from __future__ import annotations

import datetime
import itertools
import re
from dataclasses import dataclass, field

from conflicts.models import Force, ForceAlias, Participation, Strength
from events.models import Event, EventPlace, Place, PlaceAlias
from people.models import CommandRole, Person, PersonAlias
from sources.models import Claim
from tests.factories import make_conflict, make_side, make_source

EVIL = '<script>alert("x")</script>'
_SITE_SCRIPT = re.compile(r'<script src="/static/js/[\w.-]+\.js" defer></script>')


def without_site_scripts(html: str) -> str:
    """``html`` without the site's own script tags (static files, never inline), so that a test can
    check that no other ``<script`` made it into a page."""
    return _SITE_SCRIPT.sub("", html)
_world = itertools.count(1)


@dataclass
class World:
    conflict: object
    parent: object
    source: object
    sides: list
    forces: list
    people: list
    places: list
    events: list
    roles: list = field(default_factory=list)

    @property
    def person(self):
        return self.people[0]

    @property
    def force(self):
        return self.forces[0]

    @property
    def place(self):
        return self.places[0]


def _span(text: str, needle: str, start_at: int = 0) -> tuple[int, int]:
    start = text.index(needle, start_at)
    return start, start + len(needle)


def build_world(n_events: int = 200, *, evil: bool = False, start=datetime.date(2015, 10, 16)) -> World:
    """An offensive with ``n_events`` events and people, units and places in proportion (n/5 each)."""
    w = next(_world)
    tag = f" {EVIL}" if evil else ""
    n_others = max(n_events // 5, 3)

    sentences = [f"Sentence {i} of world {w}{tag}: the army captured village {i}." for i in range(n_events)]
    infobox = f"= Offensive {w}{tag} =\nCommander: Maj. Gen. Person {w}-0{tag} (Supreme commander)\n"
    text = infobox + "\n".join(sentences) + "\n"
    source = make_source(text=text, title=f"Offensive {w}{tag}", format="wikitext", original=text.encode(),
                         url=f"https://en.wikipedia.org/wiki/Offensive_{w}", site=f"Wikipedia{tag}",
                         licence=f"CC BY-SA 4.0{tag}" if evil else "CC BY-SA 4.0", revision_id=1_000_000 + w,
                         revision_time=datetime.datetime(2024, 5, 5, 14, 3, tzinfo=datetime.UTC),
                         retrieved_at=datetime.datetime(2024, 5, 6, 9, 0, tzinfo=datetime.UTC))

    parent = make_conflict(name=f"War {w}{tag}", slug=f"war-{w}", kind="war", start_date=None, end_date=None)
    title_span = _span(text, f"Offensive {w}")
    conflict = make_conflict(
        name=f"Offensive {w}{tag}", slug=f"offensive-{w}", source=source, span_start=title_span[0],
        span_end=title_span[1], start_date=start, end_date=start + datetime.timedelta(days=60),
        place=f"Aleppo Governorate{tag}", status=f"Government victory{tag}", territory=[f"Claim one{tag}", "Claim two"],
        summary=f"The offensive {w} was an offensive.{tag}")
    conflict.parents.add(parent)
    Claim.objects.create(document=source, record=conflict, key=conflict.slug, values={"name": conflict.name},
                         span_start=title_span[0], span_end=title_span[1])
    sides = [make_side(conflict, number=1, source=source, span_start=0, span_end=5),
             make_side(conflict, number=2, label=f"Rebels{tag}")]

    forces = []
    top = Force.objects.create(name=f"Armed Forces {w}{tag}", slug=f"armed-forces-{w}", kind="armed_force")
    forces.append(top)
    for i in range(1, n_others):
        parent_force = forces[(i - 1) // 3]  # a tree three wide
        forces.append(Force.objects.create(name=f"Unit {w}-{i}{tag}", slug=f"unit-{w}-{i}", kind="unit",
                                           parent=parent_force))
    ForceAlias.objects.bulk_create(ForceAlias(force=f, name=f"Alias of unit {f.pk}{tag}", key=f"alias-{f.pk}")
                                   for f in forces)
    Participation.objects.create(side=sides[0], force=top, role="belligerent", note=f"since 23 Oct.{tag}",
                                 source=source, span_start=title_span[0], span_end=title_span[1])
    Participation.objects.bulk_create(
        Participation(side=sides[i % 2], force=f, role="unit", order=i) for i, f in enumerate(forces))
    Strength.objects.create(side=sides[0], text=f"2,000 fighters{tag}", number=2000, order=0)

    people = Person.objects.bulk_create(Person(name=f"Person {w}-{i}{tag}", slug=f"person-{w}-{i}")
                                        for i in range(n_others))
    PersonAlias.objects.bulk_create(PersonAlias(person=p, name=f"Nickname {p.pk}{tag}", key=f"nick-{p.pk}")
                                    for p in people)
    role_span = _span(text, f"Person {w}-0")
    roles = CommandRole.objects.bulk_create(
        CommandRole(person=p, conflict=conflict, side=sides[i % 2], rank="Maj. Gen." if i == 0 else "Col.",
                    role=f"Supreme commander{tag}" if i == 0 else f"Commander {i}{tag}",
                    fate="killed" if i % 4 == 1 else "", force=forces[i % len(forces)], order=i,
                    source=source if i == 0 else None, span_start=role_span[0] if i == 0 else None,
                    span_end=role_span[1] if i == 0 else None)
        for i, p in enumerate(people))

    places = Place.objects.bulk_create(Place(name=f"Village {w}-{i}{tag}", slug=f"village-{w}-{i}", kind="settlement")
                                       for i in range(n_others))
    PlaceAlias.objects.bulk_create(PlaceAlias(place=p, name=f"Other name {p.pk}{tag}", key=f"other-{p.pk}")
                                   for p in places)

    events, offset = [], len(infobox)
    kinds = ["capture", "attack", "airstrike", "recapture"]
    for i, sentence in enumerate(sentences):
        precision = "month" if i % 50 == 49 else "day"
        date = start + datetime.timedelta(days=i % 60)
        events.append(Event(
            source_key=f"w{w}-e{i}", conflict=conflict, date=date.replace(day=1) if precision == "month" else date,
            end_date=date + datetime.timedelta(days=1) if i % 25 == 24 else None, precision=precision,
            time_of_day="later" if i % 7 == 3 else "", text=sentence.replace(" of world", " in world"),
            kind=kinds[i % 4], section=f"Section {i // 40}{tag}", order=i, citations=[str(i), str(i + 1)],
            source=source, span_start=offset, span_end=offset + len(sentence)))
        offset += len(sentence) + 1
    for event in events:
        event.set_period_end()  # bulk_create does not save(), as the importer's bulk writes
    events = Event.objects.bulk_create(events)
    ForcesThrough, PeopleThrough = Event.forces.through, Event.people.through
    ForcesThrough.objects.bulk_create(ForcesThrough(event=e, force=forces[i % len(forces)])
                                      for i, e in enumerate(events))
    ForcesThrough.objects.bulk_create(ForcesThrough(event=e, force=forces[(i + 1) % len(forces)])
                                      for i, e in enumerate(events) if i % 3 == 0)
    PeopleThrough.objects.bulk_create(PeopleThrough(event=e, person=people[i % len(people)])
                                      for i, e in enumerate(events))
    place_links = []
    for i, e in enumerate(events):
        place = places[i % len(places)]
        start_at = e.span_start
        span = _span(text, f"village {i}", start_at)
        place_links.append(EventPlace(event=e, place=place, name_as_written=f"village {i}", order=0,
                                      source=source, span_start=span[0], span_end=span[1]))
    EventPlace.objects.bulk_create(place_links)
    return World(conflict, parent, source, sides, forces, people, places, events, roles)

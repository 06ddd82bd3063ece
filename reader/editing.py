"""Edit links on the reader's pages, for staff (issue 18, item 1).

``edit_links(request, *records)`` gives, for a signed-in staff member allowed to change them, a link to
each record's admin form that returns to the page once saved (``sources.editing``: ``?_return=``, the
page's URL with the record's anchor). For everyone else it gives nothing and reads nothing: a request
without a session cookie is not even asked who its user is, so a reader's page stays the same bytes
and headers (and stays cacheable: ``reader.middleware.AnonymousPageCacheMiddleware`` never stores a
signed-in user's page, where these links appear).

A link on a record's row of another model edits the record it names: a place link its place, a
participation its force, a command role its person (their rows are edited on the offensive's and the
side's forms, which the page links too).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import admin
from django.db.models import Model
from django.urls import NoReverseMatch, reverse

from conflicts.models import Conflict, Participation, Side
from events.models import Event, EventPlace
from people.models import CommandRole
from sources.editing import with_return

#: rows that stand for the record they name: their edit link opens that record's form
NAMED_RECORD = {EventPlace: "place", Participation: "force", CommandRole: "person"}
#: where on the page a record is, to return to it
ANCHORS = {Event: "event-{pk}", Side: "side-{number}"}


@dataclass(frozen=True)
class EditLink:
    url: str
    what: str       # "event", "place Aleppo": the accessible name is "Edit " + what
    text: str       # what the link shows


def may_edit(request) -> bool:
    """A signed-in, active staff member (without a session cookie the user is not looked up)."""
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_staff)


def _flat(records) -> Iterable[Model]:
    for record in records:
        if record is None or record == "":
            continue
        if isinstance(record, Model):
            yield record
        else:                      # a queryset, a list, a related manager's .all
            yield from _flat(record)


def _record(obj: Model) -> Model | None:
    attribute = NAMED_RECORD.get(type(obj))
    return obj if attribute is None else getattr(obj, attribute, None)


def _link(request, obj: Model, target: str, first: bool) -> EditLink | None:
    model_admin = admin.site._registry.get(type(obj))
    if model_admin is None or not model_admin.has_change_permission(request, obj):
        return None
    try:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return None
    kind = obj._meta.verbose_name
    if first:
        return EditLink(with_return(url, target), kind if isinstance(obj, Event | Conflict) else f"{kind} {obj}",
                        f"Edit {kind}")
    return EditLink(with_return(url, target), f"{kind} {obj}", str(obj))


def edit_links(request, *records) -> list[EditLink]:
    """Links to the admin forms of ``records`` (records, querysets or lists of them), the first one
    "Edit <kind>", the others by name; each record once. Each returns to the page at the first record
    (an event's places to the event). Empty unless ``may_edit(request)``."""
    if not may_edit(request):
        return []
    target = request.get_full_path()
    links, seen = [], set()
    for obj in filter(None, map(_record, _flat(records))):
        if not links and type(obj) in ANCHORS:
            target += "#" + ANCHORS[type(obj)].format(pk=obj.pk, number=getattr(obj, "number", ""))
        link = _link(request, obj, target, first=not links)
        if link is not None and link.url not in seen:
            seen.add(link.url)
            links.append(link)
    return links

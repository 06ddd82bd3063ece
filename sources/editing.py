"""Editing from the reader's pages: an admin form opened from a page returns to it once saved (issue 18).

A page's edit link (``reader.editing``) opens ``/admin/<app>/<model>/<pk>/change/?_return=<the page>``;
the change form posts to its own URL, so ``_return`` comes back with the save, and
``SourcedAdminMixin.response_change`` sends the editor back there. The target must be a URL of this
site (``url_has_allowed_host_and_scheme``): never an open redirect.
"""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from django.contrib.admin.options import IS_POPUP_VAR
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

RETURN_PARAMETER = "_return"


def return_target(request) -> str | None:
    """The safe page to return to after saving (``?_return=``), or None."""
    target = request.GET.get(RETURN_PARAMETER) or request.POST.get(RETURN_PARAMETER) or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return None


def with_return(url: str, target: str) -> str:
    """``url`` with ``_return=target`` added to its query."""
    parts = urlsplit(url)
    query = "&".join(filter(None, [parts.query, urlencode({RETURN_PARAMETER: target})]))
    return urlunsplit(parts._replace(query=query))


def returned(request, response):
    """After an admin save: to the page of ``_return`` ("Save"), or the form again keeping ``_return``
    ("Save and continue editing"); anything else (popups, "Save and add another") as admin answers it."""
    target = return_target(request)
    if target is None or IS_POPUP_VAR in request.POST or not isinstance(response, HttpResponseRedirect):
        return response
    if "_continue" in request.POST:
        return HttpResponseRedirect(with_return(response.url, target))
    if "_addanother" in request.POST or "_saveasnew" in request.POST:
        return response
    return HttpResponseRedirect(target)

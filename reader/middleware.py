"""Site-wide request hardening (issue 15, point 6), wired in ``config.settings.base.MIDDLEWARE``.

- :class:`CleanQueryMiddleware`: control characters never reach a view, a form or the database.
- :class:`ContentSecurityPolicyMiddleware`: django-csp's middleware, with the admin's own policy.
- :class:`AnonymousPageCacheMiddleware`: whole pages for anonymous readers, cached under the data
  generation (issue 16, point 4), so that no page is ever stale after an import or an editor's save.

They live with the reader because the reader's pages are what they protect; both apply to every URL,
the admin's included.
"""
from __future__ import annotations

import hashlib
import re
from urllib.parse import urlencode

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, QueryDict

from conflicts.cache import generation_of

# C0 controls but tab, line feed and carriage return (which are only whitespace), DEL and the C1 controls.
# PostgreSQL refuses NUL in any string ("text fields cannot contain NUL (0x00) bytes", says psycopg), so an
# unclean ``?q=%00`` used to be a 500 there and an empty result on SQLite.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_query_string(query: QueryDict) -> str | None:
    """``query`` encoded again with control characters removed from names and values, or None when it
    has none."""
    pairs = [(key, value) for key, values in query.lists() for value in values]
    if not any(CONTROL.search(key) or CONTROL.search(value) for key, value in pairs):
        return None
    return urlencode([(CONTROL.sub("", key), CONTROL.sub("", value)) for key, value in pairs])


class CleanQueryMiddleware:
    """Strips control characters from the query string (``request.GET`` and ``QUERY_STRING``).

    One place for every filter, the site search, exports and the admin's changelist search: views see
    ``?q=%00abc`` as ``?q=abc``. Stripping rather than answering 400 keeps a pasted query with a stray
    control character useful. Request bodies go through Django forms, whose ``CharField`` already
    refuses NUL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cleaned = clean_query_string(request.GET)
        if cleaned is not None:
            request.META["QUERY_STRING"] = cleaned
            request.GET = QueryDict(cleaned, encoding=request.encoding)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """``CONTENT_SECURITY_POLICY`` everywhere, except under ``ADMIN_CONTENT_SECURITY_POLICY["URL_PREFIX"]``
    where that policy's directives apply instead (a view's own ``@csp``/``@csp_update`` still wins)."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        admin = getattr(settings, "ADMIN_CONTENT_SECURITY_POLICY", None)
        if (admin and not report_only and parts.config is None
                and request.path_info.startswith(admin["URL_PREFIX"])):
            parts.config = admin["DIRECTIVES"]
        return parts


class AnonymousPageCacheMiddleware:
    """Whole GET pages for anonymous readers, cached under the data generation, the host and the full path.

    The key holds the generation (``conflicts.cache``), which every import and every editor's save
    advances: a page cached before a change is never served after it, in any process sharing the cache
    (Redis when ``REDIS_URL`` is set). Only plain, complete answers are kept: status 200, not streamed
    (exports), setting no cookie and not using the CSRF token; never the admin, never a signed-in
    user (staff see edit links), never a request carrying flash messages. ``PAGE_CACHE_SECONDS``
    (``0`` turns it off) bounds how long an unchanged page is kept. ``X-Page-Cache`` says ``hit`` or
    ``miss``; browsers are told nothing new (no ``max-age``), so they always ask again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        if not seconds or not self.cacheable_request(request):
            return self.get_response(request)
        # the host too: a page names its own address (an event's "cite this" URL)
        digest = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()[:40]
        key = f"page:{generation_of(request)}:{digest}"
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response.headers[name] = value
            response.headers["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self.cacheable_response(request, response):
            cache.set(key, (response.content, [(name, value) for name, value in response.headers.items()
                                               if name.lower() not in {"x-page-cache", "content-length"}]),
                      seconds)
            response.headers["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def cacheable_request(request) -> bool:
        admin = getattr(settings, "ADMIN_CONTENT_SECURITY_POLICY", {}).get("URL_PREFIX", "/admin/")
        return (request.method in ("GET", "HEAD") and not request.path_info.startswith(admin)
                and not request.path_info.startswith("/healthz") and "messages" not in request.COOKIES
                and not request.user.is_authenticated)

    @staticmethod
    def cacheable_response(request, response) -> bool:
        return (response.status_code == 200 and not response.streaming and not response.cookies
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not request.META.get("CSRF_COOKIE_USED")
                and "no-store" not in response.get("Cache-Control", "")
                and "private" not in response.get("Cache-Control", ""))

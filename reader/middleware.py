"""Site-wide request hardening (issue 15, point 6), wired in ``config.settings.base.MIDDLEWARE``.

- :class:`CleanQueryMiddleware`: control characters never reach a view, a form or the database.
- :class:`ContentSecurityPolicyMiddleware`: django-csp's middleware, with the admin's own policy.

They live with the reader because the reader's pages are what they protect; both apply to every URL,
the admin's included.
"""
from __future__ import annotations

import re
from urllib.parse import urlencode

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import QueryDict

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

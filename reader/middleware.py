"""Site-wide request hardening (issue 15, point 6), wired in ``config.settings.base.MIDDLEWARE``.

- :class:`CleanQueryMiddleware`: control characters never reach a view, a form or the database.

It lives with the reader because the reader's pages are what it protects; it applies to every URL,
the admin's included.
"""
from __future__ import annotations

import re
from urllib.parse import urlencode

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

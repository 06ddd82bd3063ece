"""The cache of expensive page parts, kept correct by the data generation (issue 16).

Every key carries the data generation (``conflicts.models.DataGeneration``, one row in the database),
which every import and every editor's change advances (:func:`bump_generation`): after a change no
page reads a part cached before it, in any process, so no page is ever stale; old entries simply
expire. The cache itself is Django's (``settings.CACHES``: Redis when ``REDIS_URL`` is set, shared by
every web process; else local memory, per process, which is as correct and only computes more often).

Saves and deletes of the records of ``sources``, ``conflicts``, ``people`` and ``events`` advance the
generation through signals (``conflicts.models``). Writes that send no signal (``bulk_create``,
``QuerySet.update``, raw SQL: the importer's bulk loads) must call :func:`bump_generation` once their
change is written, inside or after their transaction.

A page reads the generation once per request (:func:`generation_of`: one query).
"""
from __future__ import annotations

import hashlib

from django.core.cache import cache

from .models import bump_generation, current_generation

__all__ = ["bump_generation", "cached", "current_generation", "generation_of", "query_key"]

DEFAULT_TIMEOUT = 3600


def generation_of(request) -> int:
    """The data generation, read once per request (kept on the request; no request: read now)."""
    if request is None:
        return current_generation()
    if not hasattr(request, "_data_generation"):
        request._data_generation = current_generation()
    return request._data_generation


def query_key(queryset) -> str:
    """A short key for the SQL of ``queryset`` and its parameters (filters that select the same rows
    give the same key)."""
    sql, params = queryset.query.sql_with_params()
    return hashlib.sha256(f"{queryset.db}\n{sql}\n{params!r}".encode()).hexdigest()[:32]


def cached(request, name: str, parts, compute, timeout: int = DEFAULT_TIMEOUT):
    """``compute()``, cached under ``name``, the data generation and ``parts`` (what else the value
    depends on: an id, a query's key)."""
    key = ":".join([name, str(generation_of(request)), *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value

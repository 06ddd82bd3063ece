"""Several import runs over one PostgreSQL database share the work: each document is held by one run.

``document_lock(identity)`` takes a PostgreSQL session advisory lock on a document's identity without
waiting: a run that gets it imports the document; a run that does not reports the document as being
imported by another run (not a failure), and the next run finds it imported (unchanged). The lock is
held from before the document is compared with what is stored until after its transaction commits,
so two runs never both find a document new. On other databases (SQLite: one writer at a time) every
lock is granted.

Entities two runs name at once are kept single by the unique slug: the second insert waits for the
first run's transaction and fails when it commits; the pipeline then loads that document again with
a resolver that knows the other run's records (``importer.pipeline``), and ``_Loader.entity`` looks
for a record another run made before it creates one. Names that become another record's alias (a new
spelling) have no unique key: before it commits, a document that made new records or aliases takes
``names_lock`` and checks that no other run gave those names to another record meanwhile
(``_Loader.check_other_runs``); the lock serialises only that check and the commit.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

#: The first half of every lock key: the import's own space among the database's advisory locks.
NAMESPACE = 0x51A7
#: The space of the lock on new names (``names_lock``), apart from the documents' keys.
NAMES_NAMESPACE = 0x51A8


def lock_key(identity: str) -> int:
    """A document's lock key: 31 bits of the sha256 of its identity (PostgreSQL's two-key form)."""
    return int.from_bytes(hashlib.sha256(identity.encode()).digest()[:4], "big") & 0x7FFFFFFF


@contextmanager
def document_lock(identity: str) -> Iterator[bool]:
    """Hold the document's lock while the block runs; yields False (and holds nothing) when another
    session holds it."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = lock_key(identity)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [NAMESPACE, key])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [NAMESPACE, key])


def names_lock() -> None:
    """Take, until the current transaction ends, the lock every run takes before it checks and commits
    a document's new names (PostgreSQL; waits for a run that holds it)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [NAMES_NAMESPACE])

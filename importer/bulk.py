"""New rows written with PostgreSQL's ``COPY``: the loader's bulk inserts at close to the rate the
database can take them (issue 12), ``bulk_create`` elsewhere.

``insert(model, objs)`` is ``model.objects.bulk_create(objs)`` with the same outcome for the
loader: every object gets its primary key (reserved from the table's sequence in one query when it
has none), fields' ``pre_save`` runs (``auto_now``), values are prepared by their fields
(``get_db_prep_save``: JSON, dates, decimals), and the objects count as saved. Like
``bulk_create``, no ``save()`` is called and no signal is sent. It writes within the caller's
transaction; the foreign keys Django creates are deferred to its end, so rows may name rows written
later in the same transaction.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter

from django.db import connection
from django.db.models import Field, JSONField, Model
from psycopg.types.json import Jsonb


def reserve_ids(model: type[Model], n: int) -> list[int]:
    """``n`` primary keys taken from ``model``'s sequence at once (PostgreSQL), in ascending order."""
    if n <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [model._meta.db_table, model._meta.pk.column, n])
        return sorted(pk for (pk,) in cursor.fetchall())


class IdPool:
    """Primary keys taken from the tables' sequences ahead of need, for the documents of one run: a
    document that needs ``n`` new keys of a table takes them here, and the pool takes at least
    ``CHUNK`` from the sequence at a time (one query per table per ``CHUNK`` rows, not one per table
    and document). Keys are handed out in ascending order; those left when the run ends (or when a
    document is rolled back) are never used: a gap in the keys, as any rolled-back insert leaves.
    PostgreSQL only (``reserve_ids``)."""

    CHUNK = 1000

    def __init__(self) -> None:
        self._free: dict[str, list[int]] = {}

    def take(self, model: type[Model], n: int) -> list[int]:
        """``n`` unused primary keys of ``model``, ascending."""
        if n <= 0:
            return []
        free = self._free.setdefault(model._meta.db_table, [])
        if len(free) < n:
            free.extend(reserve_ids(model, max(n - len(free), self.CHUNK)))
        taken, self._free[model._meta.db_table] = free[:n], free[n:]
        return taken


def insert(model: type[Model], objs: Sequence[Model], *, batch_size: int = 1000, ids: IdPool | None = None) -> None:
    """Write ``objs`` (new ``model`` rows) in one ``COPY`` on PostgreSQL, else with ``bulk_create``.
    ``ids``: the run's pool that keys missing ones come from (else they are reserved here)."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=batch_size)
        return
    meta = model._meta
    missing = [obj for obj in objs if obj.pk is None]
    for obj, pk in zip(missing, (ids.take if ids is not None else reserve_ids)(model, len(missing)), strict=True):
        obj.pk = pk
    fields = meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(meta.db_table)
    values = [_value_of(f) for f in fields]
    connection.ensure_connection()
    # Django's errors, as for any other statement: a unique key another run wrote meanwhile is an
    # IntegrityError (the pipeline loads the document again), not psycopg's own exception
    with connection.wrap_database_errors, connection.cursor() as wrapper, \
            wrapper.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objs:
            copy.write_row([value(obj) for value in values])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


#: fields whose Python value psycopg writes as the database wants it: no preparation to run per row
_PLAIN = {"AutoField", "BigAutoField", "SmallAutoField", "BooleanField", "CharField", "DateField", "ForeignKey",
          "OneToOneField", "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
          "PositiveBigIntegerField", "PositiveSmallIntegerField", "SlugField", "TextField", "URLField"}


def _value_of(f: Field) -> Callable[[Model], object]:
    """How to read ``f``'s value of an object as the row to write holds it."""
    automatic = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    if f.get_internal_type() in _PLAIN and not automatic:
        return attrgetter(f.attname)
    if isinstance(f, JSONField) and f.encoder is None:
        return lambda obj: Jsonb(getattr(obj, f.attname))
    return lambda obj: f.get_db_prep_save(f.pre_save(obj, True), connection)

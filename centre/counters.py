"""Gapless counters (case numbers, ruling numbers): one row per key, incremented in the
caller's transaction. The row stays locked until that transaction ends, so a number is
never given twice, and a rolled-back transaction gives its number back."""

from __future__ import annotations

import functools

from django.db import connection, models


def next_value(model: type[models.Model], **key: object) -> int:
    """Increment the ``last`` column of ``model``'s row for ``key`` (created at 1)."""
    values = [getattr(v, "pk", v) for v in key.values()]
    with connection.cursor() as cursor:
        cursor.execute(next_value_sql(model, tuple(key)), values)
        return cursor.fetchone()[0]


@functools.cache
def next_value_sql(
    model: type[models.Model], names: tuple[str, ...], after: tuple[str, ...] = ()
) -> str:
    """The statement ``next_value`` runs, one parameter per key field in order: ``RETURNING
    last``. Also usable in a ``WITH`` clause, to number a row in the statement inserting it;
    ``after``: other ``WITH`` clauses of that statement (with a ``RETURNING``) that must
    have run before the counter row is locked, so that it is held for as little as
    possible (PostgreSQL runs the sub-queries of a ``WHERE`` that depends on no row
    first, and each of them reads its clause to the end)."""
    table = model._meta.db_table
    columns = [model._meta.get_field(name).column for name in names]
    placeholders = ", ".join(["%s"] * len(columns))
    values = f"VALUES ({placeholders}, 1)"
    if after:
        # Names of the caller's own WITH clauses, never a value.
        ready = " AND ".join(f"(SELECT count(*) FROM {name}) >= 0" for name in after)  # noqa: S608
        values = f"SELECT {placeholders}, 1 WHERE {ready}"
    return (
        f"INSERT INTO {table} ({', '.join(columns)}, last) {values} "
        f"ON CONFLICT ({', '.join(columns)}) DO UPDATE SET last = {table}.last + 1 "
        "RETURNING last"
    )

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
def next_value_sql(model: type[models.Model], names: tuple[str, ...]) -> str:
    """The statement ``next_value`` runs, one parameter per key field in order: ``RETURNING
    last``. Also usable in a ``WITH`` clause, to number a row in the statement inserting it."""
    table = model._meta.db_table
    columns = [model._meta.get_field(name).column for name in names]
    placeholders = ", ".join(["%s"] * len(columns))
    return (
        f"INSERT INTO {table} ({', '.join(columns)}, last) VALUES ({placeholders}, 1) "  # noqa: S608
        f"ON CONFLICT ({', '.join(columns)}) DO UPDATE SET last = {table}.last + 1 "
        "RETURNING last"
    )

"""Gapless counters (case numbers, ruling numbers): one row per key, incremented in the
caller's transaction. The row stays locked until that transaction ends, so a number is
never given twice, and a rolled-back transaction gives its number back."""

from __future__ import annotations

from django.db import connection, models


def next_value(model: type[models.Model], **key: object) -> int:
    """Increment the ``last`` column of ``model``'s row for ``key`` (created at 1).

    One statement, the same on PostgreSQL and SQLite (an upsert with ``RETURNING``): the
    ORM would need a read and a write, and a first number of the year would race."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(model._meta.get_field(name).column) for name in key)
    placeholders = ", ".join(["%s"] * len(key))
    # Names from the model's meta, quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({columns}, last) VALUES ({placeholders}, 1) "  # noqa: S608
        f"ON CONFLICT ({columns}) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [getattr(v, "pk", v) for v in key.values()])
        return cursor.fetchone()[0]

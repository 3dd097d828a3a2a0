"""Primary keys taken from a table's sequence ahead of the insert, in blocks.

A registration writes its case's rows before the case itself (the number is taken last,
``intake.services``), so it needs the case's key first, and the key of a party without an
ID number to link it before it is written. One ``nextval`` each is a round trip to
PostgreSQL; here each process takes ``BLOCK`` values of a sequence in one statement and
hands them out. Keys stay unique (a sequence never gives a value twice); across processes
they are not in insert order, as with a sequence's own CACHE option, and nothing orders by
them except as the last tie-breaker. PostgreSQL only.
"""

from __future__ import annotations

import os
import threading

from django.db import connections, router
from django.db.models import Model

BLOCK = 32
_reserved: dict[tuple[int, str, str], list[int]] = {}
_lock = threading.Lock()


def next_id(model: type[Model]) -> int:
    alias = router.db_for_write(model)
    table = model._meta.db_table
    key = (os.getpid(), alias, table)  # a forked process takes its own block
    with _lock:
        block = _reserved.get(key)
        if not block:
            with connections[alias].cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, model._meta.pk.column, BLOCK],
                )
                block = _reserved[key] = [row[0] for row in cursor.fetchall()][::-1]
        return block.pop()


def forget() -> None:
    """Drop the keys taken and not handed out (tests: a fresh database, or a fresh count)."""
    with _lock:
        _reserved.clear()

"""Statements sent without waiting for each answer (psycopg's pipeline mode).

A registration writes four rows nobody reads back (its parties' links, the timeline
entry, the clerk's right, the pending receipt). One at a time, each costs a round trip:
the worker sleeps until PostgreSQL answers, and on two busy cores waking up again can take
longer than the statement. In a pipeline they go out together and the block waits once,
at its end. An error in any of them is raised there, inside the caller's transaction,
which then rolls back as usual.

Only for statements whose results are not read inside the block (reading one makes
psycopg wait for everything sent before it, which is correct but gains nothing). On SQLite
(the demo) the block runs as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def pipelined() -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.connection.pipeline():
        yield

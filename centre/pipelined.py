"""Statements sent without waiting for each answer (psycopg's pipeline mode).

A registration writes rows nobody reads back (its parties' links, the timeline entry, the
clerk's right, the pending receipt). One at a time, each costs a round trip: the worker
sleeps until PostgreSQL answers, and on two busy cores waking up again can take longer
than the statement (and every wake-up preempts another process). In a pipeline they go
out together and the block waits once, at its end. An error in any of them is raised
there, inside the caller's transaction, which then rolls back as usual.

Three blocks:

- ``pipelined()``: statements sent together, answered at the end of the block.
- ``with_begin()``: the same, and the transaction's BEGIN goes out with them. psycopg
  sends a BEGIN alone and waits for it before the first statement of a transaction: one
  more round trip for nothing.
- ``with_commit()``: the same, and the transaction's COMMIT goes out after them: the
  outermost atomic block is committed when this block ends, and must end right after.

Only for our own statements, whose results are read after the block (``inserts``, raw
cursors, ``compiled.send``): inside a pipeline psycopg knows a statement's rows and row
count only once they are fetched, so the ORM's reads and ``save()`` (which looks at the
row count of its UPDATE) are not run in one. Reading a result inside a block makes psycopg
wait for everything sent before it: correct, but it gains nothing. On SQLite (the demo)
the blocks run as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from psycopg import pq

IDLE = pq.TransactionStatus.IDLE


@contextmanager
def pipelined() -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    if raw.pgconn.pipeline_status != pq.PipelineStatus.OFF:
        # Already in one: psycopg would sync (wait for everything sent) to open another.
        yield
        return
    with connection.wrap_database_errors, raw.pipeline():
        yield


@contextmanager
def with_begin() -> Iterator[None]:
    """``pipelined()``, the first statements of the atomic block around it, with its
    BEGIN. If the transaction has begun already (a statement ran before), or the block is
    not in an atomic block, this is ``pipelined()``.

    Until that transaction ends, psycopg reports autocommit on: Django would declare a
    server-side cursor (``QuerySet.iterator()``) WITH HOLD in it; none is used in one."""
    if not _transaction_not_begun():
        with pipelined():
            yield
        return
    raw = connection.connection
    # With autocommit on, psycopg begins nothing itself: the BEGIN is ours, first in the
    # pipeline. It stays on until the transaction ends (psycopg refuses to change it in
    # a transaction) and changes nothing else: psycopg's commit and rollback, which
    # Django calls at the end of the atomic block, go by the connection's state; Django
    # sets autocommit on again after them, as always. (Set before the pipeline: inside
    # one, psycopg would wait for the server to change it.)
    raw.autocommit = True
    begun = False
    try:
        with connection.wrap_database_errors, raw.pipeline():
            raw.execute("BEGIN", prepare=False)
            begun = True
            yield
    finally:
        if not begun and not raw.closed and raw.pgconn.transaction_status == IDLE:
            raw.autocommit = False  # no BEGIN went out: as the atomic block left it


@contextmanager
def with_commit() -> Iterator[None]:
    """``pipelined()``, the last statements of the outermost atomic block, followed by its
    COMMIT: when this block ends without an error, the transaction is committed, and the
    atomic block must end right after (Django's commit then finds nothing to do, and runs
    the ``on_commit`` callbacks as usual). A statement sent after it in the same atomic
    block raises ``RuntimeError``. Inside a savepoint (a nested atomic block, as in
    tests), nothing is committed: this is ``pipelined()``.

    If a statement of the block fails, or the COMMIT does (a foreign key checked at
    commit), the error is raised when the block ends and the atomic block rolls back."""
    if connection.vendor != "postgresql" or not _outermost_atomic_block():
        with pipelined():
            yield
        return
    raw = connection.connection
    with connection.wrap_database_errors, raw.pipeline():
        yield
        # Marked for rollback (an error caught inside the block): Django would roll back
        # at the end of the block and refuses statements until then; so does this.
        connection.validate_no_broken_transaction()
        raw.execute("COMMIT", prepare=False)
    # No transaction is open now, and psycopg must not begin one if a statement follows
    # in this atomic block: _Committed refuses it. First in the list, not last: a wrapper
    # installed by ``connection.execute_wrapper()`` around this block is removed by
    # position (the last) when its context ends.
    raw.autocommit = True
    connection.execute_wrappers.insert(0, _Committed())


def _transaction_not_begun() -> bool:
    """In an atomic block on PostgreSQL whose transaction has not begun yet (and no
    pipeline open)."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return False
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    return pgconn.transaction_status == IDLE and pgconn.pipeline_status == pq.PipelineStatus.OFF


def _outermost_atomic_block() -> bool:
    return bool(
        connection.in_atomic_block
        and connection.commit_on_exit
        and not connection.savepoint_ids
        and connection.connection is not None
    )


class _Committed:
    """Refuses a statement in the atomic block whose transaction ``with_commit`` ended:
    it would run outside the transaction, no longer all or nothing. That is the state
    where Django is in an atomic block and psycopg in autocommit with no transaction
    open, which nothing else leaves a connection in (``with_begin`` sends its BEGIN
    right after turning autocommit on, and not through Django). At the first statement
    after that block, the wrapper removes itself."""

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        raw = connection.connection
        if (
            connection.in_atomic_block
            and raw is not None
            and raw.autocommit
            and raw.pgconn.transaction_status == IDLE
        ):
            raise RuntimeError(
                "statement after with_commit(): the transaction is committed already"
            )
        connection.execute_wrappers.remove(self)
        return execute(sql, params, many, context)

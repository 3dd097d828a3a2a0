"""Statements converted once: psycopg's cache of query conversions, for longer statements.

psycopg turns a statement's text into PostgreSQL's (``%s`` → ``$1``, …) and works out how
to send each value, and keeps the result in an LRU cache (128 entries), but only for a
statement of at most 4,096 bytes and 50 parameters. A registration is one statement of
about 6 KB with about 90 parameters (the case and all its rows, ``intake.services``), so
it was converted anew every time: a tenth of a worker's time under load, measured with a
sampling profiler. The limits are raised here for the process; the cache keeps its size,
so at most 128 × 16 KB of statement text is held.

psycopg's module, not its documented API: ``apply`` fails loudly (at start-up, and in the
tests) if a new psycopg renames what it changes.
"""

from __future__ import annotations

LENGTH = 16_384
PARAMS = 256


def apply() -> None:
    from psycopg import _queries

    for name, value in (
        ("MAX_CACHED_STATEMENT_LENGTH", LENGTH),
        ("MAX_CACHED_STATEMENT_PARAMS", PARAMS),
    ):
        current = getattr(_queries, name)  # AttributeError: psycopg changed, see above
        setattr(_queries, name, max(current, value))

"""What a test's connection sends PostgreSQL, read from libpq's trace: to count the round
trips a piece of code costs (centre.pipelined)."""

from __future__ import annotations

import tempfile

from django.db import connection
from psycopg import pq


class Wire:
    """What the client sends PostgreSQL, from libpq's trace: ``waits`` counts the
    messages after which psycopg waits for an answer (Sync, Flush, a simple Query)."""

    def __enter__(self) -> Wire:
        connection.ensure_connection()
        self.file = tempfile.TemporaryFile("w+")
        self.pgconn = connection.connection.pgconn
        self.pgconn.trace(self.file.fileno())
        self.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        return self

    def __exit__(self, *exc: object) -> None:
        self.pgconn.untrace()
        self.file.seek(0)
        self.sent = [line.split("\t") for line in self.file.read().splitlines()]
        self.file.close()

    @property
    def waits(self) -> int:
        """A Sync or a simple Query, or a Flush (reading inside a pipeline) except right
        after a Sync (psycopg ends a pipeline with both, then waits once)."""
        kinds = [line[2] for line in self.sent if line[0] == "F"]
        return sum(
            1
            for i, kind in enumerate(kinds)
            if kind in {"Sync", "Query"} or (kind == "Flush" and kinds[i - 1 : i] != ["Sync"])
        )

    @property
    def simple_queries(self) -> list[str]:
        sent = [line for line in self.sent if line[0] == "F"]
        return [line[3].strip().strip('"') for line in sent if line[2] == "Query"]

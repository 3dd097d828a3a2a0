"""Prepared statements for the writes that repeat the same statements all day.

A registration runs the same dozen statements every time; prepared (psycopg does it for a
statement a connection has run ``threshold`` times, and keeps the last 100), PostgreSQL
parses and plans each once per connection instead of at every run: about half of its CPU
per registration (bench/README.md).

Only inside this context: elsewhere Django's default stands (nothing prepared), because a
prepared read may settle on a generic plan, and the best plan of a list filtered by one
county, state or search term is not the best for another. Needs server-side binding
(``DB_SERVER_BINDING``, on by default); without it, or on SQLite, this does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

THRESHOLD = 2


@contextmanager
def prepared_statements(threshold: int = THRESHOLD) -> Iterator[None]:
    if connection.vendor != "postgresql" or not connection.settings_dict.get("OPTIONS", {}).get(
        "server_side_binding"
    ):
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    previous = raw.prepare_threshold
    raw.prepare_threshold = threshold
    try:
        yield
    finally:
        raw.prepare_threshold = previous

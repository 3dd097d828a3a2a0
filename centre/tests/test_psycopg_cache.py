"""A registration's statement (long, with many parameters) is converted by psycopg once
per process, not at every registration (centre.psycopg_cache)."""

from __future__ import annotations

import pytest
from django.db import connection
from psycopg import _queries

from centre import psycopg_cache

pytestmark = pytest.mark.django_db


def test_long_statements_with_many_parameters_are_converted_once():
    assert _queries.MAX_CACHED_STATEMENT_PARAMS >= psycopg_cache.PARAMS  # applied at start
    values = list(range(120))
    sql = "SELECT " + ", ".join(["%s::int"] * len(values)) + " -- " + "x" * 5000
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        before = _queries._query2pg.cache_info().hits
        cursor.execute(sql, values)
        assert cursor.fetchone()[119] == 119
    assert _queries._query2pg.cache_info().hits == before + 1

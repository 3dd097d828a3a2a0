"""Indexes for the case search (intake.selectors._search), PostgreSQL only.

- ``intake_case_number_reversed``: the end of a case number (``2026-000123``, ``000123``)
  as the start of the reversed number, a btree range; a full number, and a county code
  (``330523-…``), use the unique index that already exists.
- ``intake_case_number_trgm``: any other part of a case number (``2026``, ``0001``),
  through pg_trgm.
- ``intake_party_name_bigrams``: a part of a party's name. Chinese names are mostly two or
  three characters and a clerk types the whole name or two characters of it. pg_trgm reads
  Chinese in this C.UTF-8 database (``show_trgm('张三丰')`` gives four trigrams), but it
  cannot serve a two-character ``LIKE '%张伟%'``: a trigram needs three characters, so it
  walks the whole index (measured: 134 ms for 200,000 names, slower than a scan). So each name is indexed by its character pairs (GIN over
  ``intake_name_bigrams(name)``): any term of two or more characters contains at least one
  pair, and only names holding all of the term's pairs are read and checked.
- ``intake_caseparty_party_cases``: from the parties found to their cases without reading
  the links themselves (an index-only scan): a common name has a few hundred parties with
  a few thousand cases between them.

The SQLite demo searches by scanning, as before: these operations do nothing there, and
the model state is untouched (the indexes are not declared on the models, whose Meta must
stay portable). Built CONCURRENTLY, so that registrations go on while a large table is
indexed.
"""

from django.db import migrations

BIGRAMS = """
CREATE OR REPLACE FUNCTION intake_name_bigrams(name text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(upper(name), i, 2)), '{}')
  FROM generate_series(1, char_length(name) - 1) AS i
$$
"""


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL on PostgreSQL; nothing on other databases (the SQLite demo)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("intake", "0005_case_milestones")]

    operations = [
        # Left in place when migrating back: other apps may come to use it.
        PostgreSQLOnly("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop),
        PostgreSQLOnly(BIGRAMS, "DROP FUNCTION IF EXISTS intake_name_bigrams(text)"),
        PostgreSQLOnly(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS intake_case_number_trgm"
            " ON intake_case USING gin (number gin_trgm_ops)",
            "DROP INDEX CONCURRENTLY IF EXISTS intake_case_number_trgm",
        ),
        PostgreSQLOnly(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS intake_case_number_reversed"
            " ON intake_case (reverse(number) text_pattern_ops)",
            "DROP INDEX CONCURRENTLY IF EXISTS intake_case_number_reversed",
        ),
        PostgreSQLOnly(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS intake_party_name_bigrams"
            " ON intake_party USING gin (intake_name_bigrams(name))",
            "DROP INDEX CONCURRENTLY IF EXISTS intake_party_name_bigrams",
        ),
        PostgreSQLOnly(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS intake_caseparty_party_cases"
            " ON intake_caseparty (party_id) INCLUDE (case_id)",
            "DROP INDEX CONCURRENTLY IF EXISTS intake_caseparty_party_cases",
        ),
    ]

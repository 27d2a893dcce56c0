"""Drops the word-starts GIN index of 0006 and its function. With it in the prefix query,
PostgreSQL chose the LIKE indexes and then computed `people_word_starts` for every
matching row as a filter: "so" (4,110 of 20,000 persons) took 81 ms, of which 74 ms in
that function. The LIKE conditions alone take 6-9 ms for any prefix on the same data
(bench/checkin.py's database, measured 2026-12-01), so the search no longer asks for
word starts and nothing else reads the index."""

from django.db import migrations

from stofrum.migration_ops import postgresql_only

DROP = """
DROP INDEX IF EXISTS people_person_word_starts;
DROP FUNCTION IF EXISTS people_word_starts(text, text);
"""
CREATE = """
CREATE OR REPLACE FUNCTION people_word_starts(folded text, loose text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT left(word, n)), '{}')
    FROM unnest(string_to_array(folded || ' ' || loose, ' ')) AS word,
         generate_series(1, 4) AS n
    WHERE word <> '' AND n <= length(word)
$$;
CREATE INDEX IF NOT EXISTS people_person_word_starts
    ON people_person USING gin (people_word_starts(alias_folded, alias_loose));
"""


class Migration(migrations.Migration):
    dependencies = [("people", "0006_alias_word_starts_index")]

    operations = [postgresql_only(DROP, CREATE)]

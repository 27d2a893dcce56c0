"""On PostgreSQL: a GIN trigram index on both alias keys as one text, each word preceded by
a space (`' ' || alias_folded || ' ' || alias_loose`, the expression `search.ALIAS_KEYS`
writes). "A word of the alias starts with `so`" is then one `LIKE '% so%'` that the index
answers (pg_trgm takes " so" as the start of a word), where the four LIKE conditions over
the two keys were a scan of every person. Measured on bench/checkin.py's 20,000 persons
(2026-12-01): "so" (4,110 matches) 5.9 → 2.9 ms, "stor" 2.0 ms, a misspelt two-word alias
(no match) 4.5 → 0.1 ms."""

from django.db import migrations

from stofrum.migration_ops import postgresql_only

CREATE = """
CREATE INDEX IF NOT EXISTS people_person_alias_keys_trgm ON people_person
    USING gin ((' ' || alias_folded || ' ' || alias_loose) gin_trgm_ops);
"""
DROP = "DROP INDEX IF EXISTS people_person_alias_keys_trgm;"


class Migration(migrations.Migration):
    dependencies = [("people", "0007_drop_alias_word_starts_index")]

    operations = [postgresql_only(CREATE, DROP)]

"""On PostgreSQL: pg_trgm and GIN trigram indexes on both alias keys, so that search as you
type stays fast with tens of thousands of persons. SQLite searches without them."""

from django.db import migrations

from stofrum.migration_ops import postgresql_only

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS people_person_alias_trgm
    ON people_person USING gin (alias_folded gin_trgm_ops);
CREATE INDEX IF NOT EXISTS people_person_alias_loose_trgm
    ON people_person USING gin (alias_loose gin_trgm_ops);
"""
DROP = """
DROP INDEX IF EXISTS people_person_alias_trgm;
DROP INDEX IF EXISTS people_person_alias_loose_trgm;
"""


class Migration(migrations.Migration):
    dependencies = [("people", "0002_alias_loose")]

    operations = [postgresql_only(CREATE, DROP)]

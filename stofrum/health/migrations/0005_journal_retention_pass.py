"""Journal records are append-only on both engines, with one exception: the retention pass
(`manage.py apply_retention`) deletes records whose keep-until date has passed, and the
patient identifiers no record uses any more. UPDATE of a record stays refused always;
DELETE of a record or an identifier is refused outside the pass. (An identifier may still
be updated: a key rotation re-encrypts it in place.)

The pass is marked as in audit 0005 (which also makes SQLite's marker table): on PostgreSQL
`SET LOCAL stofrum.retention = 'on'` in the pass's transaction, on SQLite a row in
`stofrum_retention_pass`. With the production database roles (the application's role owns
nothing and may not delete from these tables), apply_retention runs with the owner's
DATABASE_URL; the trigger then still refuses every deletion but the pass's. Before this
migration SQLite had no journal triggers at all.
"""

from django.db import migrations

from stofrum.migration_ops import postgresql_only, sqlite_only

POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION journal_record_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('stofrum.retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'journal records are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

POSTGRES_DROP = """
CREATE OR REPLACE FUNCTION journal_record_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'journal records are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

OUTSIDE_PASS = "NOT EXISTS (SELECT 1 FROM stofrum_retention_pass)"

SQLITE_CREATE = [
    """CREATE TRIGGER IF NOT EXISTS journal_record_no_update
    BEFORE UPDATE ON health_journalrecord
    BEGIN SELECT RAISE(ABORT, 'journal records are append-only (UPDATE refused)'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS journal_record_no_delete
    BEFORE DELETE ON health_journalrecord WHEN {OUTSIDE_PASS}
    BEGIN SELECT RAISE(ABORT, 'journal records are append-only (DELETE refused)'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS patient_identifier_kept
    BEFORE DELETE ON health_patientidentifier WHEN {OUTSIDE_PASS}
    BEGIN SELECT RAISE(ABORT, 'journal records are append-only (DELETE refused)'); END""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS patient_identifier_kept",
    "DROP TRIGGER IF EXISTS journal_record_no_delete",
    "DROP TRIGGER IF EXISTS journal_record_no_update",
]


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0004_one_open_incident_per_visit"),
        ("audit", "0006_retention_pass"),
    ]

    operations = [postgresql_only(POSTGRES_CREATE, POSTGRES_DROP),
                  sqlite_only(SQLITE_CREATE, SQLITE_DROP)]

"""On PostgreSQL the database refuses UPDATE and DELETE of journal records: health records
are corrected by addenda, never rewritten (see also audit 0003)."""

from django.db import migrations

from stofrum.migration_ops import postgresql_only

CREATE = """
CREATE OR REPLACE FUNCTION journal_record_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'journal records are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS journal_record_append_only ON health_journalrecord;
CREATE TRIGGER journal_record_append_only
    BEFORE UPDATE OR DELETE ON health_journalrecord
    FOR EACH ROW EXECUTE FUNCTION journal_record_append_only();

-- A patient identifier may be re-encrypted (key rotation) but never removed.
DROP TRIGGER IF EXISTS patient_identifier_kept ON health_patientidentifier;
CREATE TRIGGER patient_identifier_kept
    BEFORE DELETE ON health_patientidentifier
    FOR EACH ROW EXECUTE FUNCTION journal_record_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS patient_identifier_kept ON health_patientidentifier;
DROP TRIGGER IF EXISTS journal_record_append_only ON health_journalrecord;
DROP FUNCTION IF EXISTS journal_record_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("health", "0002_journal")]

    operations = [postgresql_only(CREATE, DROP)]

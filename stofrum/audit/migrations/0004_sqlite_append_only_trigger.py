"""On SQLite too the database refuses UPDATE and DELETE on the audit trail (0003 does it for
PostgreSQL). SQLite has no roles, so whoever holds the file can still drop the triggers: they
guard against a bug or a stray statement, not against the file's owner. The test suite's
flush between transactional tests (DELETE on SQLite) passes them in the root conftest."""

from django.db import migrations

from stofrum.migration_ops import sqlite_only

CREATE = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update
    BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete
    BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only (DELETE refused)'); END""",
]

DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_trigger")]

    operations = [sqlite_only(CREATE, DROP)]

"""The retention pass (`manage.py apply_retention`, stofrum/desk/services.py) is the one
path that may touch the append-only audit trail: it may remove an event's client address
after STOFRUM_ADDRESS_DAYS, and nothing else (an UPDATE that changes any other column, or
sets the address to anything but NULL, stays refused; DELETE stays refused). The health
journal's triggers (health 0005) use the same pass for deleting records whose keep-until
date has passed.

How the pass is marked:
- PostgreSQL: the pass's transaction runs `SET LOCAL stofrum.retention = 'on'`, and the
  trigger function reads `current_setting('stofrum.retention', true)`. Any session could set
  that, so the trigger guards against a bug or a stray statement, not against a hostile
  session; that guard is the database role. In production the application's role owns
  nothing and holds no UPDATE or DELETE on these tables, so apply_retention is run with the
  owner's DATABASE_URL (README "Retention").
- SQLite: a non-temporary trigger cannot see a temporary table, so the mark is a row in the
  one-row table `stofrum_retention_pass` (main schema), inserted and deleted by the pass
  inside its own transaction; the triggers' WHEN clauses look for it. As with 0004, whoever
  holds the file can drop the triggers.

The SQLite UPDATE trigger names the columns that must stay equal (a column added to the
audit table later must be added to KEPT_COLUMNS); PostgreSQL compares the whole row but
its address.
"""

from django.db import migrations

from stofrum.migration_ops import postgresql_only, sqlite_only

POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('stofrum.retention', true) = 'on'
       AND NEW.client_address IS NULL
       AND (to_jsonb(NEW) - 'client_address') = (to_jsonb(OLD) - 'client_address') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

POSTGRES_DROP = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

MARKER_TABLE = "stofrum_retention_pass"
KEPT_COLUMNS = ("id", "at", "actor_id", "actor_username", "action", "object_type",
                "object_id", "site_id", "request_id", "summary", "changes", "seq",
                "chain_hash")
_UNCHANGED = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in KEPT_COLUMNS)

SQLITE_CREATE = [
    f"""CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (
        id INTEGER PRIMARY KEY CHECK (id = 1))""",
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_update_but_address_removal
    BEFORE UPDATE ON audit_auditevent
    WHEN NOT (EXISTS (SELECT 1 FROM {MARKER_TABLE}) AND NEW.client_address IS NULL
              AND {_UNCHANGED})
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update_but_address_removal",
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update
    BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END""",
    f"DROP TABLE IF EXISTS {MARKER_TABLE}",
]


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_hash_chain")]

    operations = [postgresql_only(POSTGRES_CREATE, POSTGRES_DROP),
                  sqlite_only(SQLITE_CREATE, SQLITE_DROP)]

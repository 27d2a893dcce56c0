"""PostgreSQL roles: the owner migrates, the application runs as a role that owns nothing and
holds only the rights it needs. The owner (or a superuser) can still disable the audit
trail's trigger or truncate the table; the application's role cannot, so a compromised
application cannot rewrite history, and the hash chain (chain.py) shows what the owner did."""

import re

from django.db import connection, transaction

from stofrum.audit.services import record
from stofrum.errors import InvalidInput

FULL = ("SELECT", "INSERT", "UPDATE", "DELETE")
# Tables the application only appends to (retention and migrations run as the owner).
RESTRICTED = {
    "audit_auditevent": ("SELECT", "INSERT"),
    "health_journalrecord": ("SELECT", "INSERT"),
    # A patient identifier is re-encrypted by key rotation, never removed.
    "health_patientidentifier": ("SELECT", "INSERT", "UPDATE"),
    "django_migrations": ("SELECT",),
}
_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _refuse(role: str, cursor) -> None:
    if connection.vendor != "postgresql":
        raise InvalidInput("invalid_input", "application roles exist only on PostgreSQL")
    if not _ROLE_NAME.fullmatch(role):
        raise InvalidInput("invalid_input", "a role name is lower-case letters, digits and _")
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
    row = cursor.fetchone()
    if row is None:
        raise InvalidInput("invalid_input", f"no role {role} (CREATE ROLE {role} LOGIN first)")
    cursor.execute(
        "SELECT %s = current_user OR rolsuper OR pg_has_role(%s, tableowner, 'USAGE') "
        "FROM pg_tables JOIN pg_roles ON rolname = %s "
        "WHERE schemaname = current_schema() AND tablename = 'audit_auditevent'",
        [role, role, role])
    owns = cursor.fetchone()
    if owns is None or owns[0]:
        raise InvalidInput("invalid_input", f"{role} is a superuser, or owns the tables (or may "
                                            "act as their owner): run the app as another role")


def grant_app_role(role: str) -> dict[str, tuple[str, ...]]:
    """Give the application's PostgreSQL `role` exactly the rights it needs on every table of
    the current schema: read and write, except the audit trail and the health journal (insert
    and read only) and the migration history (read only); no TRUNCATE, no ownership, so it
    cannot alter, disable a trigger, truncate or drop. Run as the owner after every migrate;
    idempotent (earlier grants to the role are revoked first). Returns {table: privileges}."""
    with transaction.atomic(), connection.cursor() as cursor:
        _refuse(role, cursor)
        quoted = connection.ops.quote_name(role)
        cursor.execute("SELECT current_schema(), current_database()")
        schema, database = cursor.fetchone()
        schema_q = connection.ops.quote_name(schema)
        database_q = connection.ops.quote_name(database)
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                       "ORDER BY tablename")
        tables = [name for (name,) in cursor.fetchall()]
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema_q} FROM {quoted}")
        cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema_q} FROM {quoted}")
        cursor.execute(f"GRANT CONNECT ON DATABASE {database_q} TO {quoted}")
        cursor.execute(f"GRANT USAGE ON SCHEMA {schema_q} TO {quoted}")
        granted = {}
        for table in tables:
            privileges = RESTRICTED.get(table, FULL)
            cursor.execute(f"GRANT {', '.join(privileges)} ON TABLE "
                           f"{schema_q}.{connection.ops.quote_name(table)} TO {quoted}")
            granted[table] = privileges
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_q} TO {quoted}")
        record(None, "db.app_role_granted", object_type="db.role", object_id=role,
               summary=f"{len(tables)} tables")
    return granted

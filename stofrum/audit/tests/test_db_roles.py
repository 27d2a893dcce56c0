"""`grant_app_role` (PostgreSQL): the application's role gets read and write everywhere but
only insert and read on the audit trail and the journal; run again, it gives the same; it
refuses a role that could act as the owner."""

import secrets

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from stofrum.audit.db_roles import FULL, RESTRICTED


def privileges(role: str, table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {p for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES",
                            "TRIGGER")
                if cursor.execute("SELECT has_table_privilege(%s, %s, %s)",
                                  [role, table, p]).fetchone()[0]}


@pytest.fixture
def role(db):
    name = f"stofrum_app_test_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN")
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {name}")
        cursor.execute(f"DROP ROLE {name}")


@pytest.mark.postgres
def test_the_app_role_gets_what_it_needs_and_no_more(role):
    from io import StringIO

    with connection.cursor() as cursor:
        # a right granted by hand before is taken back
        cursor.execute(f"GRANT UPDATE, TRUNCATE ON audit_auditevent TO {role}")
    for _ in range(2):  # idempotent
        call_command("grant_app_role", role, stdout=StringIO())

        assert privileges(role, "audit_auditevent") == {"SELECT", "INSERT"}
        assert privileges(role, "health_journalrecord") == {"SELECT", "INSERT"}
        assert privileges(role, "health_patientidentifier") == {"SELECT", "INSERT", "UPDATE"}
        assert privileges(role, "django_migrations") == {"SELECT"}
        assert privileges(role, "visits_visit") == set(FULL)
        assert privileges(role, "django_session") == set(FULL)
    assert set(RESTRICTED) <= set(connection.introspection.table_names())
    # a table made after the grant is out of reach until it runs again
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE audit_later_table (id int)")
    assert privileges(role, "audit_later_table") == set()
    call_command("grant_app_role", role, stdout=StringIO())
    assert privileges(role, "audit_later_table") == set(FULL)


@pytest.mark.postgres
def test_a_role_that_could_act_as_the_owner_is_refused(role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="superuser, or owns the tables"):
        call_command("grant_app_role", owner)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT {owner} TO {role}")  # may act as the owner
    with pytest.raises(CommandError, match="superuser, or owns the tables"):
        call_command("grant_app_role", role)
    with pytest.raises(CommandError, match="no role stofrum_nobody_here"):
        call_command("grant_app_role", "stofrum_nobody_here")
    with pytest.raises(CommandError, match="lower-case"):
        call_command("grant_app_role", 'x"; DROP TABLE audit_auditevent; --')


def test_sqlite_has_no_roles(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with pytest.raises(CommandError, match="only on PostgreSQL"):
        call_command("grant_app_role", "stofrum_app")

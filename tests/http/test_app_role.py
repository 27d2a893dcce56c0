"""On PostgreSQL the application runs as a role that owns nothing (issue 12, README "Running
on PostgreSQL"): the owner migrates and runs `grant_app_role`, the app served as that role
works (logins, sessions, axes, a check-in over HTTP, the audit trail), and the role cannot
update, delete or truncate audit rows or journal records, nor lift their triggers."""

import os
import secrets
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.http.conftest import call, page_login
from tests.live_server import base_env, manage, migrated_database_url, start_server

pytestmark = pytest.mark.postgres

OPEN_AROUND_THE_CLOCK = (
    "from datetime import time; from stofrum.sites.models import OpeningHours, Site; "
    "h17 = Site.objects.get(slug='h17'); OpeningHours.objects.filter(site=h17).delete(); "
    "OpeningHours.objects.bulk_create(OpeningHours(site=h17, weekday=d, opens=time(0), "
    "closes=time(0)) for d in range(7))")


def as_role(url: str, role: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port or 5432}"))


@pytest.fixture
def app_role(tmp_path):
    """A fresh database migrated and seeded by the owner, and a new LOGIN role granted by
    `grant_app_role`: (owner env, app env, owner URL, app URL)."""
    import psycopg

    owner_url = migrated_database_url(os.environ["DATABASE_URL"], tmp_path, "approle")
    role = f"stofrum_app_test_{secrets.token_hex(4)}"
    admin = urlunsplit(urlsplit(owner_url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
    owner_env = base_env(tmp_path, owner_url)
    try:
        for command in (["migrate", "--noinput"], ["create_cpr_key", "--if-missing"],
                        ["seed_sites"], ["seed_demo_accounts"],
                        ["shell", "-c", OPEN_AROUND_THE_CLOCK]):
            manage(owner_env, *command)
        assert "granted" in manage(owner_env, "grant_app_role", role)
        app_url = as_role(owner_url, role)
        yield owner_env, base_env(tmp_path, app_url), owner_url, app_url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            name = urlsplit(owner_url).path.lstrip("/")
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f"DROP ROLE IF EXISTS {role}")


def test_the_app_runs_as_a_role_that_owns_nothing(app_role, tmp_path):
    owner_env, app_env, _, _ = app_role
    server = start_server(app_env, tmp_path, setup=())
    base = next(server)
    try:
        # A failed and a good page login: axes' attempts, the session table.
        bad = call(base, "POST", "/api/v1/auth/token",
                   {"username": "reception", "password": "wrong password"})
        assert bad[0] == 401
        page_login(base, "reception")
        status, _, body = call(base, "POST", "/api/v1/auth/token",
                               {"username": "reception", "password": "stofrum-demo"})
        assert status == 200, body[:300]
        import json

        auth = {"Authorization": f"Bearer {json.loads(body)['token']}"}
        status, _, body = call(base, "POST", "/api/v1/persons", {
            "alias": "Rolle", "birth_year": 1980, "gender": "male", "municipality": "101",
            "site": "h17", "confirm_new": True}, auth)
        assert status == 201, body[:300]
        person = json.loads(body)["id"]
        status, _, body = call(base, "POST", f"/api/v1/persons/{person}/first-aid-agreement",
                               {"site": "h17"}, auth)
        assert status == 201, body[:300]
        status, _, body = call(base, "POST", "/api/v1/visits", {
            "person": person, "site": "h17", "substances": ["heroin"],
            "method": "injection"}, auth)
        assert status == 201, body[:300]
        visit = json.loads(body)["id"]
        status, _, body = call(base, "POST", f"/api/v1/visits/{visit}/checkout", None, auth)
        assert status == 200, body[:300]
    finally:
        server.close()
    # The app's role reads the whole trail; the chain holds what it wrote.
    assert manage(app_env, "verify_audit").startswith("audit trail whole")


def _refused(conn, sql: str) -> bool:
    """Refused for want of the right (not by the append-only triggers, which answer with
    the same error class: the role must not get as far as them)."""
    import psycopg

    try:
        with conn.transaction():
            conn.execute(sql)
    except psycopg.errors.InsufficientPrivilege as exc:
        return str(exc).startswith(("permission denied", "must be owner"))
    return False


def test_the_app_role_only_appends_to_the_audit_trail_and_journal(app_role):
    import psycopg

    _, app_env, owner_url, app_url = app_role
    manage(app_env, "shell", "-c",
           "from stofrum.audit.services import record; record(None, 'test.as_app_role')")
    with psycopg.connect(app_url, autocommit=True) as conn:
        assert conn.execute("SELECT current_user").fetchone()[0].startswith("stofrum_app_test_")
        actions = [a for (a,) in conn.execute("SELECT action FROM audit_auditevent")]
        assert "test.as_app_role" in actions
        for statement in (
            "UPDATE audit_auditevent SET summary = 'rewritten'",
            "DELETE FROM audit_auditevent",
            "TRUNCATE audit_auditevent",
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
            "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
            "DROP TABLE audit_auditevent",
            "UPDATE health_journalrecord SET treatment = ''",
            "DELETE FROM health_journalrecord",
            "TRUNCATE health_journalrecord",
            "DELETE FROM health_patientidentifier",
            "TRUNCATE visits_visit",
            "DROP TABLE visits_visit",
            "DELETE FROM django_migrations",
            "CREATE TABLE audit_shadow (id int)",
        ):
            assert _refused(conn, statement), statement
    with psycopg.connect(owner_url, autocommit=True) as conn:
        # Refused, not just empty: the owner still finds every row the app's role wrote.
        assert conn.execute("SELECT count(*) FROM audit_auditevent "
                            "WHERE action = 'test.as_app_role'").fetchone()[0] == 1

"""A forged X-Forwarded-For gains a client nothing over real HTTP (uvicorn as in production):
the lock-out and the public complaint limit count the connection's address, unless it is a
configured proxy (STOFRUM_TRUSTED_PROXIES), whose forwarded address then counts. The
server's access log carries no query strings."""

import os

import pytest

from stofrum.staff.demo import DEMO_PASSWORD
from tests.http.conftest import call
from tests.live_server import (
    base_env,
    log_text_once_it_has,
    manage,
    migrated_database_url,
    start_server,
)

RATE_LIMIT = 3
FAILURES = 5


def serve(tmp_path_factory, name, **env):
    tmp = tmp_path_factory.mktemp(name)
    environment = base_env(tmp, migrated_database_url(os.environ.get("DATABASE_URL", ""),
                                                      tmp, name))
    environment.update({"STOFRUM_COMPLAINT_RATE_LIMIT": str(RATE_LIMIT),
                        "STOFRUM_LOGIN_FAILURE_LIMIT": str(FAILURES), **env})
    server = start_server(environment, tmp)
    return next(server), server, environment, tmp


@pytest.fixture(scope="module")
def direct(tmp_path_factory):
    """Clients reach the app directly: no trusted proxy."""
    url, server, env, tmp = serve(tmp_path_factory, "direct")
    yield url, env, tmp
    next(server, None)


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """The app behind a proxy on 127.0.0.1 (where the test's requests come from)."""
    url, server, env, tmp = serve(tmp_path_factory, "proxied",
                                  STOFRUM_TRUSTED_PROXIES="127.0.0.1")
    yield url, env, tmp
    next(server, None)


def token(base, username, password, forwarded):
    return call(base, "POST", "/api/v1/auth/token",
                {"username": username, "password": password},
                headers={"X-Forwarded-For": forwarded})[0]


def complain(base, forwarded):
    return call(base, "POST", "/api/v1/complaints",
                {"route": "social_services", "text": "The queue was long"},
                headers={"X-Forwarded-For": forwarded})[0]


def test_a_forged_forwarded_address_does_not_escape_the_lock_out(direct):
    base, _, _ = direct
    failures = [token(base, "reception", "wrong", f"203.0.113.{attempt + 1}")
                for attempt in range(FAILURES)]
    assert failures[:-1] == [401] * (FAILURES - 1)  # the last one locks
    assert token(base, "reception", DEMO_PASSWORD, "198.51.100.1") == 403


def test_a_forged_forwarded_address_does_not_escape_the_complaint_limit(direct):
    base, _, _ = direct
    for attempt in range(RATE_LIMIT):
        assert complain(base, f"203.0.113.{attempt + 1}") == 201
    assert complain(base, "198.51.100.1") == 429


def test_behind_the_trusted_proxy_the_forwarded_address_counts(proxied):
    base, env, _ = proxied
    failures = [token(base, "reception", "wrong", "203.0.113.1") for _ in range(FAILURES)]
    assert failures[:-1] == [401] * (FAILURES - 1)
    assert token(base, "reception", DEMO_PASSWORD, "203.0.113.1") == 403
    # the same user from another client of the proxy is not locked out
    assert token(base, "reception", DEMO_PASSWORD, "198.51.100.1, 203.0.113.2") == 200
    # and the audit trail names that client
    addresses = manage(env, "shell", "-c", (
        "from stofrum.audit.models import AuditEvent; "
        "print(sorted(set(AuditEvent.objects.filter(action__startswith='staff.')"
        ".exclude(client_address=None).values_list('client_address', flat=True))))"))
    assert addresses.strip().splitlines()[-1] == "['203.0.113.1', '203.0.113.2']"

    for _ in range(RATE_LIMIT):
        assert complain(base, "203.0.113.5") == 201
    assert complain(base, "203.0.113.5") == 429
    assert complain(base, "203.0.113.6") == 201


def test_the_servers_access_log_has_the_path_but_no_query_string(direct):
    base, _, tmp = direct
    status, _, _ = call(base, "GET", "/staff/sites/h17/search?q=secretalias&reason=x%0Ay")
    assert status in (200, 302)
    text = log_text_once_it_has(tmp / "uvicorn.log", "/staff/sites/h17/search")
    assert '"GET /staff/sites/h17/search HTTP/1.1" 302' in text
    assert "secretalias" not in text and "reason=" not in text

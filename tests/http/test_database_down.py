"""While the database cannot be reached (API.md, "Reliability"): the app starts anyway, is
alive (`/healthz` 200) but not ready (`/readyz` 503), API calls answer 503
`database_unavailable` and pages a try-again page, never 500 — also when the session or the
bearer token would have to be looked up in the database first. Served by uvicorn with a
PostgreSQL URL where nothing listens, whatever the engine of this run; and once more with a
pool of connections (STOFRUM_DB_POOL, as in production), whose requests wait for a
connection at most STOFRUM_DB_POOL_WAIT_SECONDS."""

import base64
import json
import os
import sys
import time

import pytest
from django.utils import translation

from tests.http.conftest import call
from tests.live_server import base_env, free_port, log_text_once_it_has, serve

TRY_AGAIN = "Try again in a moment"


@pytest.fixture(scope="module")
def server_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("database-down")


def serve_without_database(folder, **settings):
    env = base_env(folder, "postgres://postgres@127.0.0.1:1/stofrum")
    env["STOFRUM_CPR_KEY"] = base64.b64encode(os.urandom(32)).decode()
    env.update(settings)
    port = free_port()
    server = serve(env, folder / "uvicorn.log", port,
                   [sys.executable, "-m", "uvicorn", "stofrum.asgi:application",
                    "--host", "127.0.0.1", "--port", str(port)])
    yield next(server)
    next(server, None)


@pytest.fixture(scope="module")
def server_without_database(server_folder):
    yield from serve_without_database(server_folder)


@pytest.fixture(scope="module")
def pooled_server_without_database(tmp_path_factory):
    yield from serve_without_database(tmp_path_factory.mktemp("database-down-pooled"),
                                      STOFRUM_DB_POOL="2", STOFRUM_DB_POOL_WAIT_SECONDS="1")


@pytest.mark.parametrize("method, path, headers, expected", [
    ("GET", "/api/v1/sites", {}, "application/json"),
    ("POST", "/api/v1/visits", {"Authorization": "Bearer not-looked-up-yet",
                                "Idempotency-Key": "a-key"}, "application/json"),
    ("GET", "/staff/", {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}, "text/html"),
])
def test_with_a_pool_the_answer_is_503_once_the_wait_is_over(
        pooled_server_without_database, method, path, headers, expected):
    started = time.monotonic()
    body = {"person": "ABC", "site": "h17", "substances": ["heroin"],
            "method": "injection"} if method == "POST" else None
    status, answer_headers, answer = call(pooled_server_without_database, method, path, body,
                                          headers=headers)
    assert status == 503, answer[:500]
    assert answer_headers["Content-Type"].startswith(expected)
    assert int(answer_headers["Retry-After"]) > 0
    assert time.monotonic() - started < 10  # the pool's wait (1 s), not a hang


def test_alive_but_not_ready(server_without_database):
    assert call(server_without_database, "GET", "/healthz")[0] == 200
    status, _, body = call(server_without_database, "GET", "/readyz")
    assert status == 503
    assert json.loads(body) == {"status": "unavailable", "database": "unavailable",
                                "event_bus": "unavailable"}


@pytest.mark.parametrize("method, path, headers, body", [
    ("GET", "/api/v1/sites", {}, None),
    ("POST", "/api/v1/auth/token", {}, {"username": "door", "password": "x" * 12}),
    ("POST", "/api/v1/visits", {"Authorization": "Bearer not-looked-up-yet"},
     {"person": "ABC", "site": "h17", "substances": ["heroin"], "method": "injection"}),
    ("GET", "/api/v1/visits", {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}, None),
    # With a key the whole operation runs in one transaction, opened before anything else:
    # its connection fails outside the API's own error handling (tests/ops/test_faults.py).
    ("POST", "/api/v1/visits", {"Authorization": "Bearer not-looked-up-yet",
                                "Idempotency-Key": "a-key"},
     {"person": "ABC", "site": "h17", "substances": ["heroin"], "method": "injection"}),
])
def test_api_calls_answer_503_database_unavailable(server_without_database, method, path,
                                                   headers, body):
    status, answer_headers, answer = call(server_without_database, method, path, body,
                                          headers=headers)
    assert status == 503, answer[:500]
    assert json.loads(answer)["code"] == "database_unavailable"
    assert int(answer_headers["Retry-After"]) > 0


@pytest.mark.parametrize("path, headers", [
    ("/staff/", {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}),
    ("/staff/sites/h17/", {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}),
])
def test_pages_answer_a_try_again_page(server_without_database, path, headers):
    status, answer_headers, answer = call(server_without_database, "GET", path,
                                          headers=headers)
    assert status == 503, answer[:500]
    assert int(answer_headers["Retry-After"]) > 0
    page = answer.decode()
    with translation.override("da"):
        assert translation.gettext(TRY_AGAIN) in page
    assert 'lang="da"' in page


def test_the_outage_is_logged_in_short_warnings_without_tracebacks(server_without_database,
                                                                   server_folder):
    for method, path in (("GET", "/api/v1/sites"), ("GET", "/staff/")):
        headers = {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}
        assert call(server_without_database, method, path, headers=headers)[0] == 503
    log = log_text_once_it_has(server_folder / "uvicorn.log", "GET /staff/ 503")
    assert "WARNING stofrum.database database unavailable (OperationalError)" in log
    assert "Traceback" not in log
    assert " ERROR " not in log
    assert "Service Unavailable" not in log

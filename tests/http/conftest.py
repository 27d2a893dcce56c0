"""Tests that speak real HTTP to a running server (uvicorn) on the engine of this run:
a fresh SQLite file, or a fresh PostgreSQL database beside the run's test database. The
server holds the five sites, the demo accounts and a little demo data; on PostgreSQL it
keeps a pool of connections (STOFRUM_DB_POOL)."""

import json
import os
import urllib.error
import urllib.request

import pytest

from tests.live_server import base_env, manage, migrated_database_url, start_server

DEMO_DATA = ["demo_data", "--persons", "40", "--days", "2", "--visits-per-day", "40"]


@pytest.fixture(scope="session")
def http_server_env(tmp_path_factory):
    """The environment of `http_server` (its DATABASE_URL, STOFRUM_DB_POOL, ...)."""
    tmp = tmp_path_factory.mktemp("http")
    run_url = os.environ.get("DATABASE_URL", "")
    env = base_env(tmp, migrated_database_url(run_url, tmp, "http"))
    if run_url.startswith(("postgres://", "postgresql://")):
        env["STOFRUM_DB_POOL"] = "4"
    return env


@pytest.fixture(scope="session")
def http_server(http_server_env, tmp_path_factory):
    """The URL of a running server with sites, demo accounts and some demo data."""
    env = http_server_env
    tmp = tmp_path_factory.mktemp("http-server")
    # Every test here calls from 127.0.0.1, so the public complaint limit (per address and
    # hour) would make one test's answer depend on how many complaints others filed; the
    # limit itself is tested in stofrum/voice/tests.
    env["STOFRUM_COMPLAINT_RATE_LIMIT"] = "100000"
    env["STOFRUM_NEIGHBOUR_REPORT_RATE_LIMIT"] = "100000"
    yield from start_server(env, tmp, setup=(["seed_sites"], ["seed_demo_accounts"], DEMO_DATA))


def call(base, method, path, body=None, headers=None, timeout=30):
    """One request; answers (status, headers, body bytes) whatever the status."""
    data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) \
        else body
    request = urllib.request.Request(
        f"{base}{path}", method=method, data=data,
        headers={**({"Content-Type": "application/json"} if data is not None else {}),
                 **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def unused_totp(env: dict, username: str) -> str:
    """The served app's next unused code of `username`'s authenticator (`manage.py
    totp_code --unused`), from the device's own last used step and drift. Codes made from
    the clock alone go wrong once other sign-ins of the session moved those (each step
    counts once, a code a step ahead moves the drift), and every refused code makes the
    device wait longer before it accepts the next (django-otp's throttling)."""
    return manage(env, "totp_code", username, "--unused").strip()


@pytest.fixture(scope="session")
def role_tokens(http_server, http_server_env):
    """A bearer token for each demo account, keyed by its role (reception, health, leader,
    admin, analyst)."""
    from stofrum.staff.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    tokens = {}
    for account in DEMO_ACCOUNTS:
        credentials = {"username": account["username"], "password": DEMO_PASSWORD}
        if account["totp_key"]:
            credentials["otp"] = unused_totp(http_server_env, account["username"])
        status, _, body = call(http_server, "POST", "/api/v1/auth/token", credentials)
        assert status == 200, (account["username"], status, body[:300])
        tokens[account["role"]] = json.loads(body)["token"]
    return tokens


class PageSession:
    """A browser-like client over real HTTP: keeps cookies (session, CSRF) between calls."""

    def __init__(self, base):
        import http.cookiejar

        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)

    def csrf_token(self, path):
        """The form token of the page at `path` (a GET sets the CSRF cookie too)."""
        import re

        _, _, body = self.call("GET", path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert match, f"no CSRF token on {path}"
        return match.group(1).decode()

    def post_form(self, path, fields):
        from urllib.parse import urlencode

        data = urlencode({"csrfmiddlewaretoken": self.csrf_token(path), **fields}).encode()
        return self.call("POST", path, data,
                         {"Content-Type": "application/x-www-form-urlencoded"})

    def call(self, method, path, body=None, headers=None, timeout=30):
        data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) \
            else body
        request = urllib.request.Request(
            f"{self.base}{path}", method=method, data=data,
            headers={**({"Content-Type": "application/json"} if data is not None else {}),
                     **(headers or {})})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                self.url = response.url  # where redirects led
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            self.url = error.url
            return error.code, dict(error.headers), error.read()


def page_login(base, username, password=None) -> PageSession:
    """A page session logged in with the password (roles without a second factor)."""
    from stofrum.staff.demo import DEMO_PASSWORD

    session = PageSession(base)
    status, _, body = session.post_form(
        "/login/", {"username": username, "password": password or DEMO_PASSWORD})
    assert status == 200 and session.cookie("sessionid"), (status, body[:300])
    return session

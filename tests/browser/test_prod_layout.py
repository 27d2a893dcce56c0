"""The production layout (deploy/, README "Production") started on one machine and driven
with Chromium over HTTPS: `make prod-check` runs this file alone, `make test` runs it with
the other browser tests.

A fresh PostgreSQL database owned by a new owner role; the upgrade unit's commands migrate
it and grant a new app role that owns nothing; the keys are made in a private folder as
README says; two app processes run stofrum@.service's command as the app role in the
environment file rendered from deploy/stofrum.env.example (not the demo: HTTPS only);
nginx from deploy/nginx.conf.template terminates TLS with a self-signed certificate. One
browser, pinned to process A through a proxy with A alone upstream, logs in with two
factors and checks a person in at the door; another, pinned to process B, sees the board
change and the alarm arrive: the event bus (PostgreSQL LISTEN/NOTIFY) carries them across
processes. The nightly jobs run their units' commands. Everything made is removed after."""

import base64
import os
import re
import secrets
import subprocess
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit, urlunsplit

import pytest
from playwright.sync_api import expect

from tests.browser.test_door import Api
from tests.live_server import free_port, serve
from tests.prod_layout import (
    DEPLOY,
    read_env_file,
    require_nginx,
    run_unit,
    self_signed_certificate,
    serve_proxy,
    unit_commands,
    unit_environment,
    unverified,
    write_env_file,
)

pytestmark = pytest.mark.browser

SITE = "h17"


def postgres_url() -> str:
    """The PostgreSQL server of the test run: `make test` passes TEST_POSTGRES_URL."""
    url = os.environ.get("TEST_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/stofrum"
    return url


def connect_admin(url: str):
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    try:
        return psycopg.connect(admin, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise RuntimeError(f"PostgreSQL is required in CI: {exc}") from exc
        pytest.skip(f"PostgreSQL is not reachable at {admin}")


def role_url(url: str, role: str, password: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(
        netloc=f"{role}:{password}@{parts.hostname}:{parts.port or 5432}", path=f"/{database}"))


def manage(etc: Path, *args, owner=False, stdin=None) -> str:
    """deploy/stofrum-manage, as README's installation runs it (here as this user)."""
    import pwd

    env = {k: v for k, v in os.environ.items()
           if not k.startswith("STOFRUM_") and k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update(STOFRUM_ETC=str(etc), STOFRUM_RUN_AS=pwd.getpwuid(os.getuid()).pw_name)
    result = subprocess.run([str(DEPLOY / "stofrum-manage"), *(["--owner"] if owner else []),
                             *args], env=env, input=stdin, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, f"stofrum-manage {args}: {result.stdout}{result.stderr}"
    return result.stdout


def totp_now(uri: str) -> str:
    """The code an authenticator app shows for the enrolment URI create_staff printed."""
    from django_otp.oath import TOTP

    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key).token():06d}"


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    require_nginx()
    url = postgres_url()
    admin = connect_admin(url)
    tmp = tmp_path_factory.mktemp("prod")
    name = f"{urlsplit(url).path.lstrip('/') or 'stofrum'}_prod_{secrets.token_hex(3)}"
    owner, app = f"{name}_owner", f"{name}_app"
    passwords = {owner: secrets.token_hex(16), app: secrets.token_hex(16)}
    running = []
    try:
        for role, password in passwords.items():
            admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        admin.execute(f"CREATE DATABASE {name} OWNER {owner}")

        # /etc/stofrum: the environment files and the keys, private to the app's user.
        etc = tmp / "etc"
        etc.mkdir(mode=0o700)
        example = read_env_file(DEPLOY / "stofrum.env.example")
        local = {"DATABASE_URL": role_url(url, app, passwords[app], name),
                 "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
                 "CSRF_TRUSTED_ORIGINS": "https://127.0.0.1",
                 "STOFRUM_CPR_KEY_FILE": str(etc / "cpr.key"),
                 "STOFRUM_AUDIT_KEY_FILE": str(etc / "audit.key"),
                 "STOFRUM_VAR_DIR": str(tmp / "var")}
        assert set(local) <= set(example), "the check sets a variable the example lacks"
        environment = {**example, **local}
        assert not any("<" in v for v in environment.values()), "a placeholder is left"
        assert "STOFRUM_DEMO" not in environment
        write_env_file(etc / "stofrum.env", environment)
        owner_example = read_env_file(DEPLOY / "owner.env.example")
        owner_env = {"DATABASE_URL": role_url(url, owner, passwords[owner], name),
                     "STOFRUM_APP_ROLE": app}
        assert set(owner_env) == set(owner_example)
        write_env_file(etc / "owner.env", owner_env)

        # Installation, as README's "Production" runs it.
        subprocess.run(["sh", "-c", f"umask 077; openssl rand -hex 32 > {etc / 'audit.key'}"],
                       check=True)
        granted = run_unit("stofrum-upgrade.service",
                           unit_environment("stofrum-upgrade.service", etc))
        assert f"granted {app}" in granted
        manage(etc, "create_cpr_key", owner=True)
        manage(etc, "seed_sites")
        accounts = {}
        for username, role in (("door-nurse", "health"), ("board-reception", "reception")):
            password = secrets.token_urlsafe(16)
            out = manage(etc, "create_staff", username, "--role", role, "--sites", SITE,
                         "--password-stdin", stdin=password + "\n")
            uri = next((line for line in out.splitlines() if line.startswith("otpauth://")),
                       None)
            accounts[role] = SimpleNamespace(username=username, password=password, uri=uri)

        # Two app processes as the app role, each behind a proxy of its own (pinned), and
        # the production proxy in front of both.
        app_env = unit_environment("stofrum@.service", etc)
        processes = {}
        for process in ("a", "b"):
            port = free_port()
            server = serve(app_env, tmp / f"app-{process}.log", port,
                           unit_commands("stofrum@.service", app_env, instance=str(port))[0])
            running.append(server)
            processes[process] = next(server).removeprefix("http://")
        cert, key = self_signed_certificate(tmp)
        proxies = {}
        for proxy, upstreams in (("a", [processes["a"]]), ("b", [processes["b"]]),
                                 ("both", list(processes.values()))):
            server = serve_proxy(tmp / f"nginx-{proxy}", upstreams, cert, key)
            running.append(server)
            proxies[proxy] = next(server)
        yield SimpleNamespace(etc=etc, tmp=tmp, proxies=proxies, accounts=accounts,
                              logs={p: tmp / f"app-{p}.log" for p in processes})
    finally:
        for server in reversed(running):
            server.close()
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        for role in passwords:
            admin.execute(f"DROP ROLE IF EXISTS {role}")
        admin.close()


def log_in(page, base, account, code=None):
    page.goto(f"{base}/login/")
    page.fill("#id_username", account.username)
    page.fill("#id_password", account.password)
    page.press("#id_password", "Enter")
    if code:
        page.fill("#id_otp", code)
        page.press("#id_otp", "Enter")
    page.wait_for_url(re.compile(r".*/staff/$"))


def test_check_in_on_one_process_reaches_the_board_and_the_alarm_on_the_other(
        browser, production):
    door_url, board_url = production.proxies["a"], production.proxies["b"]
    nurse, reception = production.accounts["health"], production.accounts["reception"]
    assert nurse.uri and reception.uri is None  # health staff log in with two factors

    api = Api(board_url, username=reception.username, password=reception.password,
              ssl_context=unverified())
    person = api.person("Prod Pia", site=SITE)

    board = browser.new_context(viewport={"width": 1024, "height": 768},
                                ignore_https_errors=True).new_page()
    log_in(board, board_url, reception)
    board.goto(f"{board_url}/staff/sites/{SITE}/")
    expect(board.locator("#board")).to_have_attribute("data-live", "on", timeout=10_000)

    door = browser.new_context(viewport={"width": 1280, "height": 900},
                               ignore_https_errors=True).new_page()
    log_in(door, door_url, nurse, code=totp_now(nurse.uri))
    cookies = {c["name"]: c for c in door.context.cookies()}
    assert cookies["sessionid"]["secure"] and cookies["sessionid"]["httpOnly"]
    door.goto(f"{door_url}/staff/sites/{SITE}/?person={person['code']}")
    door.check("input[name=substances][value=heroin]")
    door.click("#check-in-submit")
    expect(door.locator(".message.success")).to_contain_text(re.compile(r"I\d+"))

    tile = board.locator(".booth.occupied", has_text="Prod Pia")
    expect(tile).to_be_visible(timeout=5_000)

    door.locator(".booth.occupied", has_text="Prod Pia").get_by_role(
        "button", name="Alarm").click()
    door.wait_for_url(re.compile(r".*/staff/incidents/.+/$"))
    banner = board.locator(".alarm-banner")
    expect(banner).to_be_visible(timeout=5_000)
    expect(banner).to_contain_text(person["code"])

    # Each write went to process A alone; B served the board's event stream and the board
    # it fetched again when the event came. The app's access log is the only one.
    a, b = (production.logs[p].read_text() for p in ("a", "b"))
    for write in (f"POST /staff/sites/{SITE}/check-in", f"POST /staff/sites/{SITE}/alarm"):
        assert write in a and write not in b
    assert "stofrum.access GET /staff/events 200" in b
    assert f"stofrum.access GET /staff/sites/{SITE}/board 200" in b
    assert "uvicorn.access" not in a + b


def test_the_nightly_jobs_run_and_the_proxy_reports_ready(production):
    with urllib.request.urlopen(f"{production.proxies['both']}/readyz", timeout=10,
                                context=unverified()) as answer:
        assert answer.status == 200
    etc = production.etc
    retention = run_unit("stofrum-retention.service",
                         unit_environment("stofrum-retention.service", etc))
    assert "journal records deleted: 0" in retention
    audit = run_unit("stofrum-verify-audit.service",
                     unit_environment("stofrum-verify-audit.service", etc))
    assert audit.startswith("audit trail whole")
    for key in ("cpr.key", "audit.key"):
        assert (etc / key).stat().st_mode & 0o777 == 0o600
    assert etc.stat().st_mode & 0o777 == 0o700

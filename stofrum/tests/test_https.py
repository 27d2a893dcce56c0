"""HTTPS only outside the demo; the production environment README shows passes
`check --deploy`; `runserver` refuses without the CPR key and logs no query strings."""

import json
import re
import secrets
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests import prod_layout
from tests.live_server import free_port, log_text_once_it_has, serve

ROOT = Path(__file__).resolve().parents[2]


def clean_environment(tmp_path, **env) -> dict:
    """This process's environment without any Stofrum configuration, its var folder in
    `tmp_path`, plus `env`."""
    return prod_layout.clean_environment(**{"STOFRUM_VAR_DIR": str(tmp_path / "var"), **env})


def readme_production_environment() -> dict:
    """The `NAME=value` lines of README's block that starts `# /etc/stofrum/stofrum.env`."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```sh\n# /etc/stofrum/stofrum\.env.*?\n(.*?)```", readme, re.DOTALL)
    assert block, "README shows no production environment block"
    pairs = [line.split("=", 1) for line in block.group(1).splitlines()
             if line.strip() and not line.startswith("#")]
    return {name: value for name, value in pairs}


PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({"session": s.SESSION_COOKIE_SECURE, "csrf": s.CSRF_COOKIE_SECURE,
    "hsts": s.SECURE_HSTS_SECONDS, "subdomains": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "redirect": s.SECURE_SSL_REDIRECT,
    "proxy": getattr(s, "SECURE_PROXY_SSL_HEADER", None)}))
"""


def probe(tmp_path, **env) -> dict:
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                            text=True, env=clean_environment(tmp_path, **env), check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def test_outside_the_demo_cookies_are_secure_hsts_is_on_and_http_is_redirected(tmp_path):
    out = probe(tmp_path)
    assert out["session"] is True and out["csrf"] is True
    assert out["hsts"] == 365 * 24 * 60 * 60 and out["subdomains"] is True
    assert out["redirect"] is True and out["proxy"] is None


def test_the_demo_speaks_plain_http(tmp_path):
    out = probe(tmp_path, STOFRUM_DEMO="true")
    assert out == {"session": False, "csrf": False, "hsts": 0, "subdomains": True,
                   "redirect": False, "proxy": None}
    # an explicit choice wins over the demo's default
    assert probe(tmp_path, STOFRUM_DEMO="true", STOFRUM_SECURE_COOKIES="true")["session"]


def test_a_configured_proxy_is_trusted_for_the_scheme(tmp_path):
    out = probe(tmp_path, STOFRUM_TRUSTED_PROXIES="127.0.0.1,10.0.0.0/8")
    assert out["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    bad = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                         text=True, check=False,
                         env=clean_environment(tmp_path, STOFRUM_TRUSTED_PROXIES="nginx"))
    assert bad.returncode != 0 and "STOFRUM_TRUSTED_PROXIES" in bad.stderr


def test_plain_http_is_redirected_but_the_health_probes_are_not(client, settings, sites):
    settings.SECURE_SSL_REDIRECT = True
    answer = client.get("/staff/login/?next=/staff/")
    assert answer.status_code == 301
    assert answer["Location"] == "https://testserver/staff/login/?next=/staff/"
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_over_https_from_the_trusted_proxy_the_answer_carries_hsts(client, settings, sites):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    answer = client.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="10.0.0.2")
    assert answer.status_code == 200
    assert answer["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_a_client_that_only_says_it_came_over_https_is_still_redirected(
        client, settings, sites):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    answer = client.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="198.51.100.7")
    assert answer.status_code == 301 and "Strict-Transport-Security" not in answer


def test_check_deploy_is_clean_in_the_production_environment_the_readme_shows(
        tmp_path, settings):
    env = readme_production_environment()
    assert env["SECRET_KEY"].startswith("<")  # the README shows how to make one, not a key
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    # The key ring the README names lives in /etc; here one made by `create_cpr_key`'s
    # vault for this test (conftest.py).
    assert env["STOFRUM_CPR_KEY_FILE"] == "/etc/stofrum/cpr.key"
    env["STOFRUM_CPR_KEY_FILE"] = settings.STOFRUM_CPR_KEY_FILE
    assert env["STOFRUM_VAR_DIR"] == "/var/lib/stofrum"  # systemd's StateDirectory
    env["STOFRUM_VAR_DIR"] = str(tmp_path / "var")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, env=clean_environment(tmp_path, **env),
        check=False, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    # and without the key, the same check names it
    env["STOFRUM_CPR_KEY_FILE"] = str(tmp_path / "missing.key")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, env=clean_environment(tmp_path, **env),
        check=False, timeout=120)
    assert result.returncode != 0 and "stofrum.health.E001" in result.stderr


def test_runserver_refuses_to_start_without_the_cpr_key_but_other_commands_run(tmp_path):
    env = clean_environment(tmp_path, STOFRUM_DEMO="true", SECRET_KEY="runserver-test",
                            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                            STOFRUM_CPR_KEY_FILE=str(tmp_path / "never-made.key"))
    for command in (["check"], ["migrate", "--noinput"]):
        result = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,
                                capture_output=True, text=True, check=False, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
    result = subprocess.run(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{free_port()}"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode != 0
    assert "Stofrum will not start" in result.stderr and "cpr" in result.stderr.lower()


@pytest.fixture
def runserver(tmp_path):
    """`manage.py runserver` with a CPR key: (its URL, the file it logs to)."""
    env = clean_environment(tmp_path, STOFRUM_DEMO="true", SECRET_KEY="runserver-test",
                            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                            STOFRUM_CPR_KEY_FILE=str(tmp_path / "served.key"))
    for command in (["migrate", "--noinput"], ["create_cpr_key"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,
                       capture_output=True, check=True, timeout=300)
    port = free_port()
    log = tmp_path / "runserver.log"
    server = serve(env, log, port, [sys.executable, "manage.py", "runserver", "--noreload",
                                    f"127.0.0.1:{port}"], timeout=60)
    yield next(server), log
    next(server, None)


def test_runserver_serves_with_the_key_and_its_request_lines_carry_no_query(runserver):
    url, log = runserver
    # a redirect to the login page, which is followed
    with urllib.request.urlopen(f"{url}/staff/sites/h17/search?q=secretalias%0Aforged",
                                timeout=10) as answer:
        assert answer.status == 200
    text = log_text_once_it_has(log, "/staff/sites/h17/search")
    assert '"GET /staff/sites/h17/search HTTP/1.1"' in text
    assert "secretalias" not in text and "forged" not in text

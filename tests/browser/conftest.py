"""Browser tests drive Debian's Chromium (never a downloaded browser) through Playwright
against the real app served the way production serves it: uvicorn (ASGI) on a fresh
SQLite database with the five sites and the demo accounts loaded."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    env = {**os.environ,
           "DATABASE_URL": f"sqlite:///{tmp / 'browser.sqlite3'}",
           "STOFRUM_VAR_DIR": str(tmp / "var"), "SECRET_KEY": "browser-tests-only",
           "DJANGO_SETTINGS_MODULE": "stofrum.settings"}
    env.pop("STOFRUM_EVENT_BUS", None)
    return env


def manage(env, *args) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300, check=True)
    return result.stdout


@pytest.fixture(scope="session")
def server_url(server_env, tmp_path_factory):
    for command in (["migrate", "--noinput"], ["seed_sites"], ["seed_demo_accounts"],
                    ["collectstatic", "--noinput", "--verbosity", "0"]):
        manage(server_env, *command)
    port = _free_port()
    log = (tmp_path_factory.mktemp("server") / "uvicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "stofrum.asgi:application",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=server_env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the app did not start: " + Path(log.name).read_text()[-3000:])
        time.sleep(0.2)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    yield page
    context.close()


_USED_STEPS: dict[str, int] = {}


@pytest.fixture
def totp_code(server_env):
    """The current TOTP code of a demo account. A code is accepted once (django-otp
    refuses a replay), so a second login of the same account in the same 30-second step
    waits for the next step."""

    def code(username: str) -> str:
        while int(time.time()) // 30 == _USED_STEPS.get(username):
            time.sleep(1)
        value = manage(server_env, "totp_code", username).strip()
        _USED_STEPS[username] = int(time.time()) // 30
        return value

    return code

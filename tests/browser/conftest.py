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


def start_server(env, folder):
    """Migrate, seed and serve the app with uvicorn; yields its URL, stops it after."""
    for command in (["migrate", "--noinput"], ["seed_sites"], ["seed_demo_accounts"],
                    ["collectstatic", "--noinput", "--verbosity", "0"]):
        manage(env, *command)
    port = _free_port()
    log = (folder / "uvicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "stofrum.asgi:application",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
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
def server_url(server_env, tmp_path_factory):
    yield from start_server(server_env, tmp_path_factory.mktemp("server"))


# A door that locks after a few seconds without input, for the lock-screen tests.
SHORT_IDLE_SECONDS = 10


@pytest.fixture(scope="session")
def short_idle_server(server_env, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("short-idle")
    env = {**server_env, "DATABASE_URL": f"sqlite:///{tmp / 'idle.sqlite3'}",
           "STOFRUM_VAR_DIR": str(tmp / "var"),
           "STOFRUM_IDLE_SECONDS": str(SHORT_IDLE_SECONDS)}
    yield from start_server(env, tmp)


# axe-core from the npm registry (`make test-browser` installs it; never from a CDN).
AXE_JS = ROOT / "var" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_JS.exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{AXE_JS} is missing: make test-browser installs axe-core")
        pytest.skip("axe-core is not installed (make test-browser installs it)")
    return AXE_JS.read_text()


@pytest.fixture
def axe(axe_source):
    """Check the page as it is now with axe-core for WCAG 2.1 A and AA; fail on any
    violation, naming the rule and the elements."""

    def check(page, name=""):
        page.evaluate(axe_source)
        result = page.evaluate(
            "opts => axe.run(document, opts)",
            {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]})
        problems = [f"{v['id']} ({v['impact']}): {v['help']} — "
                    + "; ".join(n["target"][0] if isinstance(n["target"][0], str)
                                else str(n["target"]) for n in v["nodes"][:5])
                    for v in result["violations"]]
        assert not problems, f"axe on {name or page.url}:\n" + "\n".join(problems)

    return check


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

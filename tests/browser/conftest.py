"""Browser tests drive Debian's Chromium (never a downloaded browser) through Playwright
against the real app served the way production serves it: uvicorn (ASGI) on a fresh
SQLite database with the five sites and the demo accounts loaded."""

import os
from pathlib import Path

import pytest

from tests.live_server import ROOT, base_env, manage, start_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


@pytest.fixture(scope="session")
def server_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    return base_env(tmp, f"sqlite:///{tmp / 'browser.sqlite3'}")


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


def axe_check(page, source, name=""):
    """Check the page as it is now with axe-core for WCAG 2.1 A and AA; fail on any
    violation, naming the rule and the elements."""
    page.evaluate(source)
    result = page.evaluate(
        "opts => axe.run(document, opts)",
        {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]})
    problems = [f"{v['id']} ({v['impact']}): {v['help']} — "
                + "; ".join(n["target"][0] if isinstance(n["target"][0], str)
                            else str(n["target"]) for n in v["nodes"][:5])
                for v in result["violations"]]
    assert not problems, f"axe on {name or page.url}:\n" + "\n".join(problems)


@pytest.fixture
def axe(axe_source):
    """axe_check for a page in a state the test set up (an open dialog, an alarm)."""
    return lambda page, name="": axe_check(page, axe_source, name)


@pytest.fixture(scope="session", autouse=True)
def _axe_on_every_page():
    """Every page a browser test opens (page.goto) or arrives at (page.wait_for_url) is
    checked with axe-core as it loads, so that no page escapes the check."""
    if not AXE_JS.exists():
        yield
        return
    from playwright.sync_api import Page

    source = AXE_JS.read_text()
    goto, wait_for_url = Page.goto, Page.wait_for_url

    def is_html(page):
        return page.evaluate("document.contentType") == "text/html"

    def checked_goto(self, url, **kwargs):
        response = goto(self, url, **kwargs)
        if is_html(self):
            axe_check(self, source)
        return response

    def checked_wait_for_url(self, url, **kwargs):
        wait_for_url(self, url, **kwargs)
        if is_html(self):
            axe_check(self, source)

    Page.goto, Page.wait_for_url = checked_goto, checked_wait_for_url
    yield
    Page.goto, Page.wait_for_url = goto, wait_for_url


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


@pytest.fixture
def totp_code(server_env):
    """A TOTP code of a demo account that its next sign-in accepts. A step's code is
    accepted once (django-otp refuses a replay), so a second sign-in of the same account
    within 30 seconds takes the next step's code, which the sign-in accepts as well."""
    return lambda username: manage(server_env, "totp_code", username, "--unused").strip()

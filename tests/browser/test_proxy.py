"""The production proxy (deploy/nginx.conf.template) in front of the app: TLS, HTTP/2, and
the live board through it. Over HTTP/2 every tab of a browser shares one connection, so
no number of open door tabs can starve another page."""

import os
import re
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_door import Api, log_in
from tests.live_server import ROOT, free_port, start_server

pytestmark = pytest.mark.browser

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def unverified() -> ssl.SSLContext:
    """The proxy's certificate is self-signed for the test."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@pytest.fixture(scope="module")
def proxied_url(server_env, tmp_path_factory):
    if not Path(NGINX).exists():
        if os.environ.get("CI"):
            raise RuntimeError("nginx is required in CI for the proxy test (apt-get install nginx)")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    tmp = tmp_path_factory.mktemp("proxy")
    # The production configuration (README): not the demo, the proxy on 127.0.0.1 trusted.
    env = {**server_env, "DATABASE_URL": f"sqlite:///{tmp / 'proxied.sqlite3'}",
           "STOFRUM_VAR_DIR": str(tmp / "var"), "STOFRUM_TRUSTED_PROXIES": "127.0.0.1"}
    env.pop("STOFRUM_DEMO")
    app = start_server(env, tmp)
    app_url = next(app)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(tmp / "key.pem"),
                    "-out", str(tmp / "cert.pem")], check=True, capture_output=True)
    port = free_port()
    conf = (ROOT / "deploy" / "nginx.conf.template").read_text()
    for name, value in {"PREFIX": str(tmp), "LISTEN": str(port), "CERT": str(tmp / "cert.pem"),
                        "KEY": str(tmp / "key.pem"),
                        "UPSTREAMS": f"server {app_url.removeprefix('http://')};"}.items():
        conf = conf.replace("${" + name + "}", value)
    (tmp / "nginx.conf").write_text(conf)
    nginx = subprocess.Popen([NGINX, "-c", str(tmp / "nginx.conf"), "-p", str(tmp),
                              "-g", "daemon off; user root;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"https://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2, context=unverified()):
                break
        except OSError:
            if nginx.poll() is not None or time.monotonic() > deadline:
                nginx.kill()
                raise RuntimeError("nginx did not start: "
                                   + nginx.stderr.read().decode(errors="replace")) from None
            time.sleep(0.2)
    yield url, app_url
    nginx.terminate()
    nginx.wait(timeout=10)
    next(app, None)


def test_through_the_proxy_the_app_sends_hsts_and_directly_it_redirects_to_https(
        proxied_url):
    proxied_url, app_url = proxied_url
    with urllib.request.urlopen(f"{proxied_url}/", context=unverified()) as response:
        assert response.headers.get_all("Strict-Transport-Security") == [
            "max-age=31536000; includeSubDomains; preload"]

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    direct = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        direct.open(f"{app_url}/staff/login/")
    assert answer.value.code == 301
    assert answer.value.headers["Location"].startswith("https://")
    with direct.open(f"{app_url}/healthz") as response:  # a load balancer's probe
        assert response.status == 200


def test_door_tabs_over_https_and_http2_share_one_connection(browser, proxied_url):
    proxied_url, _ = proxied_url
    api = Api(proxied_url, ssl_context=unverified())
    context = browser.new_context(viewport={"width": 1024, "height": 768},
                                  ignore_https_errors=True)
    tabs = [context.new_page() for _ in range(7)]
    log_in(tabs[0], proxied_url)  # a POST with CSRF through the proxy, secure cookies
    for tab in tabs:
        tab.goto(f"{proxied_url}/staff/sites/h17/")
        expect(tab.locator("#board")).to_have_attribute("data-live", "on", timeout=10_000)
    protocol = tabs[0].evaluate("performance.getEntriesByType('navigation')[0].nextHopProtocol")
    assert protocol == "h2"

    # Seven live tabs, and the board still updates through the proxy's event stream.
    person = api.person("Proxy Per")
    api.check_in(person, "h17")
    expect(tabs[-1].locator(".booth.occupied", has_text="Proxy Per")).to_be_visible(
        timeout=5_000)
    extra = context.new_page()
    extra.goto(f"{proxied_url}/staff/", timeout=8_000)
    expect(extra.locator("h1")).to_be_visible()
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["sessionid"]["secure"] and cookies["sessionid"]["httpOnly"]
    assert re.match(r"https://", extra.url)

"""The production proxy (deploy/nginx.conf.template) in front of the app: TLS, HTTP/2, and
the live board through it. Over HTTP/2 every tab of a browser shares one connection, so
no number of open door tabs can starve another page."""

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.test_door import Api, log_in
from tests.live_server import start_server
from tests.prod_layout import require_nginx, self_signed_certificate, serve_proxy, unverified

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def proxied_url(server_env, tmp_path_factory):
    require_nginx()
    tmp = tmp_path_factory.mktemp("proxy")
    # The production configuration (README): not the demo, the proxy on 127.0.0.1 trusted.
    env = {**server_env, "DATABASE_URL": f"sqlite:///{tmp / 'proxied.sqlite3'}",
           "STOFRUM_VAR_DIR": str(tmp / "var"), "STOFRUM_TRUSTED_PROXIES": "127.0.0.1"}
    env.pop("STOFRUM_DEMO")
    app = start_server(env, tmp)
    app_url = next(app)
    cert, key = self_signed_certificate(tmp)
    proxy = serve_proxy(tmp / "nginx", [app_url.removeprefix("http://")], cert, key)
    yield next(proxy), app_url
    next(proxy, None)
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

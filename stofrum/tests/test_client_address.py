"""stofrum/client_address.py: forwarded headers count only from a trusted proxy."""

import pytest
from django.test import RequestFactory

from stofrum.client_address import client_address

# Touches no database: runs in the SQLite run only (conftest.py, engine_free).
pytestmark = pytest.mark.engine_free


def request(remote, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_trusted_proxies_the_peer_is_the_client_whatever_it_forwards(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"
    assert client_address(request("127.0.0.1", "203.0.113.1")) == "127.0.0.1"


def test_an_untrusted_peer_cannot_forward_an_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


@pytest.mark.parametrize(("forwarded", "client"), [
    ("203.0.113.1", "203.0.113.1"),
    # the client's own (forged) entries stand left of what the proxy saw
    ("1.2.3.4, 203.0.113.1", "203.0.113.1"),
    # a chain of trusted proxies is walked through
    ("203.0.113.1, 10.1.2.3", "203.0.113.1"),
    ("203.0.113.1:5555", "203.0.113.1"),
    ("[2001:db8::1]:443", "2001:db8::1"),
    ("", "10.0.0.2"),
    ("not-an-address", "10.0.0.2"),
    # nothing untrusted: the left-most the proxies saw
    ("10.9.9.9", "10.9.9.9"),
])
def test_a_trusted_proxy_forwards_the_client_it_saw(settings, forwarded, client):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request("10.0.0.2", forwarded)) == client


def test_a_trusted_proxy_without_the_header_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    assert client_address(request("127.0.0.1")) == "127.0.0.1"


def test_no_request_or_no_peer_gives_no_address(settings):
    assert client_address(None) is None
    assert client_address(request("")) is None


def test_the_lock_out_uses_it(settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXIES = []
    assert get_client_ip_address(request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"
    settings.TRUSTED_PROXIES = ["198.51.100.0/24"]
    assert get_client_ip_address(request("198.51.100.7", "203.0.113.1")) == "203.0.113.1"

"""The one place that decides a request's client address (the audit trail, the login
lock-out, the public complaint limit).

The address is the connection's peer (REMOTE_ADDR). Only when that peer is one of the
proxies in STOFRUM_TRUSTED_PROXIES is X-Forwarded-For read: from the right, the first
entry that is not itself a trusted proxy is the client (what the proxy saw). Anyone else's
X-Forwarded-For is ignored, so a forged header cannot lend a client a fresh address.
uvicorn runs with --no-proxy-headers, so REMOTE_ADDR is the peer as it connected."""

import ipaddress
from functools import lru_cache

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.utils.decorators import sync_and_async_middleware

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(address: Address) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def parse_address(text: str | None) -> Address | None:
    """An IP address from a header entry (`1.2.3.4`, `1.2.3.4:5678`, `[::1]:80`, `::1`),
    or None when it is none."""
    text = (text or "").strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or, from a trusted proxy, the address it forwarded."""
    if request is None:
        return None
    peer = parse_address(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None
    address = peer
    if not _trusted(peer):
        return str(address)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",")):
        hop = parse_address(entry)
        if hop is None:
            break
        address = hop
        if not _trusted(hop):
            break
    return str(address)


def _drop_untrusted_forwarding(request) -> None:
    peer = parse_address(request.META.get("REMOTE_ADDR"))
    if peer is None or not _trusted(peer):
        for header in ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR"):
            request.META.pop(header, None)


@sync_and_async_middleware
def forwarded_headers_middleware(get_response):
    """Takes X-Forwarded-Proto and X-Forwarded-For away from a request that did not come
    through a trusted proxy, before anything reads them: Django's SECURE_PROXY_SSL_HEADER
    would otherwise believe any client that says it came over HTTPS."""
    if iscoroutinefunction(get_response):
        async def middleware(request):
            _drop_untrusted_forwarding(request)
            return await get_response(request)
    else:
        def middleware(request):
            _drop_untrusted_forwarding(request)
            return get_response(request)
    return middleware

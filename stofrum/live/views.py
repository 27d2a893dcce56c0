"""Server-sent event streams of one site: `GET /api/v1/sites/{slug}/events` (bearer token
or verified session) and `GET /staff/sites/<slug>/events` (session, for the pages).

A stream starts with `event: hello`, then carries the site's events (`board`, `alarm`,
`alarm_closed`, ...) as `event: <name>` / `data: <json>`, and a `: ping` comment every
HEARTBEAT_SECONDS so proxies keep it open. Every REVALIDATE_SECONDS the caller's access is
checked again (logout, idle timeout, expired token, lost membership): a stream on a shared
terminal must not outlive the login it was opened with.
"""

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from importlib import import_module

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.db import connections
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from stofrum.errors import MESSAGES
from stofrum.live.bus import get_bus
from stofrum.staff.access import get_site_for, is_fully_authenticated
from stofrum.staff.middleware import LAST_SEEN_KEY
from stofrum.staff.models import ApiToken
from stofrum.staff.roles import Capability

logger = logging.getLogger("stofrum.live")

HEARTBEAT_SECONDS = 15.0
REVALIDATE_SECONDS = 60.0
# Tells EventSource how long to wait before reconnecting after a dropped stream.
RETRY_MILLISECONDS = 3000


@dataclass(frozen=True)
class Grant:
    """Who opened a stream for which site, and by what credential."""

    staff_pk: int
    site_pk: int
    site_slug: str
    token_pk: int | None = None
    session_key: str | None = None


def _error(code: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": str(MESSAGES[code])}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _bearer_token(request) -> ApiToken | None:
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    return ApiToken.objects.lookup(raw.strip())


def authorise(request, slug: str, *, allow_bearer: bool) -> Grant | JsonResponse:
    """A Grant for the caller at site `slug`, else the 401 or 404 answer to send.
    Sync (touches the database)."""
    try:
        token = _bearer_token(request) if allow_bearer else None
        if token is not None:
            staff = token.staff
        elif is_fully_authenticated(request.user):
            staff = request.user
        else:
            return _error("not_authenticated", 401)
        try:
            site = get_site_for(staff, slug, Capability.SITE_BOARD)
        except Http404:
            return _error("not_found", 404)
        return Grant(staff.pk, site.pk, site.slug,
                     token_pk=token.pk if token is not None else None,
                     session_key=None if token is not None else request.session.session_key)
    finally:
        release_db_connections()


def still_allowed(grant: Grant) -> bool:
    """Whether the stream's caller may still see it. Sync (touches the database)."""
    from stofrum.sites.models import Site

    try:
        staff = get_user_model().objects.filter(pk=grant.staff_pk, is_active=True).first()
        site = Site.objects.filter(pk=grant.site_pk).first()
        if staff is None or site is None or not staff.can(Capability.SITE_BOARD, site):
            return False
        if grant.token_pk is not None:
            return ApiToken.objects.valid().filter(pk=grant.token_pk).exists()
        store = import_module(settings.SESSION_ENGINE).SessionStore(grant.session_key)
        if str(store.get(SESSION_KEY)) != str(staff.pk):
            return False  # logged out, or the session now belongs to someone else
        last_seen = store.get(LAST_SEEN_KEY)
        return last_seen is None or time.time() - last_seen <= settings.STOFRUM_IDLE_MINUTES * 60
    finally:
        release_db_connections()


def release_db_connections() -> None:
    """Close this thread's database connections: a stream lives for hours and must not
    hold one the whole time. Leaves a connection inside a transaction alone (tests)."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


def format_event(event: str, data: dict) -> bytes:
    """One server-sent event: `event: <name>`, `data: <json>`, blank line."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: {event}\ndata: {body}\n\n".encode()


async def event_stream(grant: Grant):
    """The body of an event stream: hello, then the site's events and heartbeats, until
    the client goes away (the server cancels us) or the caller loses access."""
    loop = asyncio.get_running_loop()
    try:
        async with get_bus().subscribe(grant.site_slug) as subscription:
            # Subscribed before hello: a client that fetches on hello misses nothing after.
            yield f"retry: {RETRY_MILLISECONDS}\n".encode() + format_event(
                "hello", {"site": grant.site_slug})
            # Middleware may have used a connection in this request's thread after the
            # view returned; let it go for the stream's lifetime.
            await sync_to_async(release_db_connections)()
            next_check = loop.time() + REVALIDATE_SECONDS
            dropped = 0
            while True:
                try:
                    async with asyncio.timeout(HEARTBEAT_SECONDS):
                        event, data = await subscription.get()
                except TimeoutError:
                    frame = b": ping\n\n"
                else:
                    frame = format_event(event, data)
                    if subscription.dropped != dropped:
                        # This client lagged and lost events: have it refetch everything.
                        dropped = subscription.dropped
                        frame = format_event("board", {"resync": True}) + frame
                if loop.time() >= next_check:
                    if not await sync_to_async(still_allowed)(grant):
                        yield format_event("goodbye", {"reason": "not_authenticated"})
                        return
                    next_check = loop.time() + REVALIDATE_SECONDS
                yield frame
    except asyncio.CancelledError:
        logger.debug("event stream for %s closed by the client", grant.site_slug)
        raise


async def _respond(request, slug: str, *, allow_bearer: bool) -> HttpResponse:
    grant = await sync_to_async(authorise)(request, slug, allow_bearer=allow_bearer)
    if isinstance(grant, HttpResponse):
        return grant
    response = StreamingHttpResponse(event_stream(grant), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@require_GET
async def api_site_events(request, slug: str) -> HttpResponse:
    """`GET /api/v1/sites/{slug}/events`: the site's live events, for a bearer token or a
    verified session holding site.board there. 401 / 404 as JSON like the rest of the API."""
    return await _respond(request, slug, allow_bearer=True)


@require_GET
async def page_site_events(request, slug: str) -> HttpResponse:
    """`GET /staff/sites/<slug>/events`: the same stream for the pages (session only)."""
    return await _respond(request, slug, allow_bearer=False)

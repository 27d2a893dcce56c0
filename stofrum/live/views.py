"""Server-sent event streams of one site: `GET /api/v1/sites/{slug}/events` (bearer token
or verified session) and `GET /staff/sites/<slug>/events` (session, for the pages).

A stream starts with `event: hello`, then carries the site's events (`board`, `alarm`,
`alarm_closed`, ...) as `id: <id>` / `event: <name>` / `data: <json>`, and a `: ping`
comment every HEARTBEAT_SECONDS so proxies keep it open. Every REVALIDATE_SECONDS the
caller's access is checked again (logout, idle timeout, expired token, lost membership): a
stream on a shared terminal must not outlive the login it was opened with. While the
database cannot be reached to tell, the stream goes on and asks again every
RECHECK_SECONDS: nothing can end a login meanwhile, and a screen that lost its stream would
be refused (503) until the database is back, and a browser gives up on a stream that
answered an error.

Catching up. The bus keeps no history (stofrum/live/bus.py: events are notifications), so
a client that missed events gets the whole state instead of a replay:

- A site's stream opened with `Last-Event-ID` (EventSource sends it when it reconnects)
  gets, right after hello, one `board` event holding the whole board with `"full": true`:
  what `GET /api/v1/sites/{slug}/board` answers, the open alarms (`open_incidents`)
  included. Without the header (a first connection) nothing follows hello.
- When events were lost while the stream was open (this client lagged and its queue
  overflowed, or the PostgreSQL listener reconnected), the site's stream sends the same
  full board in place of the bus's `board {"resync": true}`.
So a client rebuilds its board and its alarms from the stream alone: replace everything on
a `board` event with `full`, refetch (or ignore) on any other `board` event.

A page's stream (`/staff/events`, the lock screen's, a wall screen's) starts with hello,
the open alarms and `alarms_synced`; the page fetches its board on hello. When it loses
events while open it gets the same again (hello, alarms, `alarms_synced`), so banners of
alarms closed meanwhile go and the board is fetched again.
"""

import asyncio
import json
import logging
import secrets
import time
from dataclasses import dataclass
from importlib import import_module

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from stofrum.database_unavailable import is_unreachable
from stofrum.errors import MESSAGES
from stofrum.live.bus import get_bus
from stofrum.staff.access import is_fully_authenticated
from stofrum.staff.middleware import LAST_SEEN_KEY, LOGIN_AT_KEY, idle_seconds, session_seconds
from stofrum.staff.models import ApiToken
from stofrum.staff.roles import Capability
from stofrum.watch.sweeper import watching

logger = logging.getLogger("stofrum.live")

HEARTBEAT_SECONDS = 15.0
REVALIDATE_SECONDS = 60.0
# How soon access is asked again when the database could not be reached to tell.
RECHECK_SECONDS = 5.0
# Tells EventSource how long to wait before reconnecting after a dropped stream.
RETRY_MILLISECONDS = 3000
# One page follows at most this many sites on one stream.
MAX_SITES = 10


# Events a locked terminal still shows: the emergency, never who it is about.
LOCKED_EVENTS = frozenset({"alarm", "alarm_closed", "booth_overdue", "booth_checked"})
# Person data that leaves an event before it reaches a screen that may not show it, at any
# depth (a full board holds it in its booths, queue and alarms): what a wall screen facing
# the room does not show either (visits/_board.html with hide_names).
PERSON_FIELDS = frozenset({"person_code", "alias", "person", "substances", "assisted_by"})


def without_person_data(value):
    """`value` (event data) with every PERSON_FIELDS key removed, in nested dicts and lists
    too."""
    if isinstance(value, dict):
        return {k: without_person_data(v) for k, v in value.items() if k not in PERSON_FIELDS}
    if isinstance(value, list):
        return [without_person_data(v) for v in value]
    return value


@dataclass(frozen=True)
class Grant:
    """Who opened a stream for which sites, by what credential, and what it may show.

    `screen` is "staff" (a logged-in staff member or a bearer token), "locked" (a shared
    terminal whose login ended: alarms only, no person data, until `expires_at`) or "wall"
    (a wall screen's device credential: the board and alarms, person data only if
    `names`)."""

    staff_pk: int | None
    site_pks: tuple[int, ...]
    site_slugs: tuple[str, ...]
    token_pk: int | None = None
    session_key: str | None = None
    screen: str = "staff"
    names: bool = True
    snapshot: bool = False
    wall_pk: int | None = None
    expires_at: float | None = None

    @property
    def site_slug(self) -> str:
        return self.site_slugs[0]

    def shows(self, event: str, data: dict) -> dict | None:
        """`data` as this screen may see it, or None when the event is not for it."""
        if self.screen == "locked" and event not in LOCKED_EVENTS:
            return None
        if not self.names:
            return without_person_data(data)
        return data


def _error(code: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": str(MESSAGES[code])}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _bearer_token(request) -> ApiToken | None:
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    return ApiToken.objects.lookup(raw.strip())


def _may_follow(staff, site) -> bool:
    return staff.can(Capability.SITE_BOARD, site) or staff.can(Capability.INCIDENTS_RESPOND, site)


def authorise(request, slugs, *, allow_bearer: bool,
              snapshot: bool = False) -> Grant | JsonResponse:
    """A Grant for the caller at the sites `slugs` (one slug or several), else the 401 or
    404 answer to send. Sync (touches the database)."""
    from stofrum.sites.models import Site

    slugs = (slugs,) if isinstance(slugs, str) else tuple(dict.fromkeys(slugs))
    try:
        token = _bearer_token(request) if allow_bearer else None
        if token is not None:
            staff = token.staff
        elif is_fully_authenticated(request.user):
            staff = request.user
        else:
            return _error("not_authenticated", 401)
        if not (staff.can(Capability.SITE_BOARD) or staff.can(Capability.INCIDENTS_RESPOND)):
            return _error("forbidden", 403)
        if not slugs or len(slugs) > MAX_SITES:
            return _error("not_found", 404)
        sites = {s.slug: s for s in Site.objects.filter(slug__in=slugs)}
        if len(sites) != len(slugs) or not all(_may_follow(staff, s) for s in sites.values()):
            return _error("not_found", 404)
        return Grant(staff.pk, tuple(sites[s].pk for s in slugs), slugs,
                     token_pk=token.pk if token is not None else None,
                     session_key=None if token is not None else request.session.session_key,
                     snapshot=snapshot)
    finally:
        release_db_connections()


def still_allowed(grant: Grant) -> bool:
    """Whether the stream's caller may still see it. Sync (touches the database)."""
    from stofrum.sites.models import Site
    from stofrum.staff.models import WallScreen

    try:
        if grant.screen == "locked":
            return grant.expires_at is not None and time.time() < grant.expires_at
        if grant.screen == "wall":
            return WallScreen.objects.active().filter(pk=grant.wall_pk).exists()
        staff = get_user_model().objects.filter(pk=grant.staff_pk, is_active=True).first()
        sites = list(Site.objects.filter(pk__in=grant.site_pks))
        if staff is None or len(sites) != len(grant.site_pks) or not all(
                _may_follow(staff, s) for s in sites):
            return False
        if grant.token_pk is not None:
            return ApiToken.objects.valid().filter(pk=grant.token_pk).exists()
        store = import_module(settings.SESSION_ENGINE).SessionStore(grant.session_key)
        if str(store.get(SESSION_KEY)) != str(staff.pk):
            return False  # logged out, or the session now belongs to someone else
        # The session's idle time and its absolute lifetime end the stream as they end
        # the pages (staff.middleware).
        now, last_seen, login_at = time.time(), store.get(LAST_SEEN_KEY), store.get(LOGIN_AT_KEY)
        if login_at is not None and now - login_at > session_seconds():
            return False
        return last_seen is None or now - last_seen <= idle_seconds()
    finally:
        release_db_connections()


def allowed_now(grant: Grant) -> bool | None:
    """`still_allowed`, or None when the database cannot be reached to tell. Sync."""
    try:
        return still_allowed(grant)
    except (OperationalError, InterfaceError) as exc:
        if not is_unreachable(exc):
            raise
        logger.warning("event stream for %s: access not checked, the database cannot be "
                       "reached; again in %.0f s", ",".join(grant.site_slugs), RECHECK_SECONDS)
        return None


def open_alarms(grant: Grant) -> list[dict]:
    """The open incidents at the grant's sites, as `alarm` event data with `site`, for a
    screen that (re)connects. Sync (touches the database)."""
    from stofrum.health.board import open_incidents_at
    from stofrum.health.services import alarm_payload

    try:
        return [{**alarm_payload(i), "site": i.site.slug}
                for i in open_incidents_at(grant.site_pks)]
    finally:
        release_db_connections()


def full_board(grant: Grant) -> dict:
    """The whole board of the grant's site as `board` event data: what the board API
    answers (stofrum/visits/board.py, open alarms in `open_incidents`), marked `full`.
    Sync (touches the database)."""
    from stofrum.sites.models import Site
    from stofrum.visits.board import board_as_json, board_for

    try:
        return {**board_as_json(board_for(Site.objects.get(pk=grant.site_pks[0]))),
                "full": True}
    finally:
        release_db_connections()


def release_db_connections() -> None:
    """Close this thread's database connections: a stream lives for hours and must not
    hold one the whole time. Leaves a connection inside a transaction alone (tests)."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


class EventIds:
    """The `id:` of each event of one stream: `<stream>-<n>`, a random token of the stream
    and a counter from 1.

    The server keeps no log of events (the bus carries notifications, and a log would cost
    a database write per event and process), so an id cannot point into a history to
    replay from; it only lets a client that reconnects say "I was here, and may have missed
    something", which any Last-Event-ID answers with the whole board. What an id needs is
    to be unique and to increase within a stream: the random token makes it unique across
    streams, processes and restarts without coordination (no shared counter, no clock that
    could step back), the counter after the dash increases, and it says nothing about other
    streams or the time."""

    def __init__(self):
        self.stream = secrets.token_hex(6)
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"{self.stream}-{self.count}"


def format_event(event: str, data: dict, event_id: str | None = None) -> bytes:
    """One server-sent event: `id: <id>` (if given), `event: <name>`, `data: <json>`, blank
    line."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}event: {event}\ndata: {body}\n\n".encode()


async def event_stream(grant: Grant, last_event_id: str = ""):
    """The body of an event stream: hello, then the site's events and heartbeats, until
    the client goes away (the server cancels us) or the caller loses access. A page's
    stream (`snapshot`) gets the open alarms right after hello, then `alarms_synced`; a
    site's stream opened with `last_event_id` gets the full board (see the module's
    docstring, also for lost events)."""
    loop = asyncio.get_running_loop()
    ids = EventIds()

    def frame(event: str, data: dict) -> bytes:
        return format_event(event, data, ids.next())

    # A page's stream (several sites, or a screen's) tags each event with its site; the
    # API's stream of one site sends the events as they are.
    slugs = grant.site_slugs if grant.snapshot else grant.site_slug
    hello = {"site": grant.site_slug} if isinstance(slugs, str) else {"sites": slugs}

    async def state() -> bytes:
        """The whole state: for a page, the open alarms and `alarms_synced` (it fetches its
        board on hello); for a site's stream, the full board."""
        if grant.snapshot:
            return b"".join(
                frame("alarm", data) for alarm in await sync_to_async(open_alarms)(grant)
                if (data := grant.shows("alarm", alarm)) is not None
            ) + frame("alarms_synced", {})
        data = grant.shows("board", await sync_to_async(full_board)(grant))
        return b"" if data is None else frame("board", data)

    try:
        # watching(): this process sweeps for overdue booths while it serves streams.
        async with get_bus().subscribe(slugs) as subscription, watching():
            # Subscribed before hello: a client that fetches on hello misses nothing after.
            yield f"retry: {RETRY_MILLISECONDS}\n".encode() + frame("hello", hello)
            if (grant.snapshot or last_event_id) and (chunk := await state()):
                yield chunk
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
                    out = b": ping\n\n"
                else:
                    resync = event == "board" and data.get("resync") is True
                    if resync or subscription.dropped != dropped:
                        # Events were lost (this client lagged, or the bus reconnected):
                        # send the whole state rather than a hint to refetch.
                        dropped = subscription.dropped
                        out = (frame("hello", hello) if grant.snapshot else b"") + await state()
                    else:
                        out = b""
                    if not resync:
                        data = grant.shows(event, data)
                        if data is not None:
                            out += frame(event, data)
                    out = out or b": ping\n\n"
                if loop.time() >= next_check:
                    allowed = await sync_to_async(allowed_now)(grant)
                    if allowed is False:
                        reason = "expired" if grant.screen != "staff" else "not_authenticated"
                        yield frame("goodbye", {"reason": reason})
                        return
                    next_check = loop.time() + (REVALIDATE_SECONDS if allowed
                                                else RECHECK_SECONDS)
                yield out
    except asyncio.CancelledError:
        logger.debug("event stream for %s closed by the client", ",".join(grant.site_slugs))
        raise


async def stream_by_credential(request, grant_for) -> HttpResponse:
    """The stream of a screen that holds a device credential instead of a login (a locked
    terminal's mark, a wall screen's key): `grant_for(request)` (sync) finds its Grant, or
    None for 401."""
    grant = await sync_to_async(grant_for)(request)
    if grant is None:
        return _error("not_authenticated", 401)
    return stream_response(grant)


def stream_response(grant: Grant, last_event_id: str = "") -> StreamingHttpResponse:
    response = StreamingHttpResponse(event_stream(grant, last_event_id),
                                     content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


async def _respond(request, slug: str, *, allow_bearer: bool) -> HttpResponse:
    grant = await sync_to_async(authorise)(request, slug, allow_bearer=allow_bearer)
    if isinstance(grant, HttpResponse):
        return grant
    return stream_response(grant, request.headers.get("Last-Event-ID", "").strip())


@require_GET
async def api_site_events(request, slug: str) -> HttpResponse:
    """`GET /api/v1/sites/{slug}/events`: the site's live events, for a bearer token or a
    verified session holding site.board there. 401 / 404 as JSON like the rest of the API.
    With `Last-Event-ID` the full board follows hello (see the module's docstring)."""
    return await _respond(request, slug, allow_bearer=True)


@require_GET
async def page_site_events(request, slug: str) -> HttpResponse:
    """`GET /staff/sites/<slug>/events`: the same stream for the pages (session only)."""
    return await _respond(request, slug, allow_bearer=False)


@require_GET
async def page_events(request) -> HttpResponse:
    """`GET /staff/events?site=h17&site=skyen`: everything one staff page listens to, on one
    connection (alarms of the sites where its user responds, the board it shows). Each
    event carries its `site`; the open alarms follow hello. The response also marks this
    browser as a terminal of the alarm sites, so that its lock screen keeps showing their
    alarms after the login ends (stofrum/live/terminal.py)."""
    from stofrum.live.terminal import remember_terminal

    grant = await sync_to_async(authorise)(request, request.GET.getlist("site"),
                                           allow_bearer=False, snapshot=True)
    if isinstance(grant, HttpResponse):
        return grant
    response = stream_response(grant)
    await sync_to_async(remember_terminal)(request, response)
    return response

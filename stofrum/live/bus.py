"""The event bus: carries small "something changed at site X" events to open screens.

Two back ends, chosen by the database (see `get_bus`):

- `InProcessBus` (SQLite, one server process): publish hands the event straight to the
  subscribers of this process.
- `PostgresBus` (PostgreSQL, any number of processes and machines): publish sends
  `pg_notify('stofrum_events', ...)`; one LISTEN connection per process hands every
  notification to that process's subscribers, its own included (publish never delivers
  directly). Nothing a second process needs is kept here. A use case's event is sent inside
  its own transaction (`publish_in_transaction`): PostgreSQL delivers it exactly when the
  change commits, and drops it with a rollback.

Events are notifications, not data: a `board` event says "the board changed", and the
screen fetches the board again. That keeps each payload far below PostgreSQL's 8000-byte
NOTIFY limit and makes coalescing and dropping safe for a lagging screen.

`publish` is plain sync code, safe from any thread (the in-process bus's use cases call it
after commit, often in a worker thread of the ASGI server); it never blocks on a
subscriber. Subscribers live in an event loop, each with its own bounded queue.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import AsyncIterator

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("stofrum.live")

CHANNEL = "stofrum_events"
# Readiness pings notify here: nobody listens, no screen is woken.
PING_CHANNEL = "stofrum_ping"
# PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; stay clear of it.
MAX_PAYLOAD_BYTES = 7900
QUEUE_SIZE = 64

Event = tuple[str, dict]


def encode(site_slug: str, event: str, data: dict) -> str:
    """The wire form of an event (JSON), the same for both back ends.

    An oversized `data` is dropped (the event name still goes out, so screens refetch)
    rather than raised: refusing would turn a change into an error for want of a detail
    the screen fetches anyway.
    """
    if not event or "\n" in event or "\r" in event:
        raise ValueError(f"invalid event name {event!r}")
    payload = json.dumps({"site": site_slug, "event": event, "data": data or {}},
                         ensure_ascii=False, separators=(",", ":"))
    if len(payload.encode()) > MAX_PAYLOAD_BYTES:
        logger.error("live event %s for %s too large (%d bytes); data dropped",
                     event, site_slug, len(payload.encode()))
        payload = json.dumps({"site": site_slug, "event": event, "data": {}},
                             separators=(",", ":"))
    return payload


class Subscription:
    """One screen's view of one site's events: an async context manager and iterator.

    ``async with bus.subscribe("h17") as sub: async for event, data in sub: ...``

    The queue is bounded. An event identical to one still waiting is coalesced into it
    (the screen will refetch anyway); when the queue is full the oldest event is dropped
    and counted in `dropped`, so the stream can tell the screen to resync.
    """

    def __init__(self, bus: _Bus, site_slug: str | tuple[str, ...], maxsize: int = QUEUE_SIZE):
        self.bus = bus
        # A tuple of sites: one page listens to all it needs on one connection (a browser
        # allows only six per host over HTTP/1.1). Their events then carry `site`.
        self.site_slugs = (site_slug,) if isinstance(site_slug, str) else tuple(site_slug)
        self.site_slug = self.site_slugs[0]
        self.tags_site = not isinstance(site_slug, str)
        self.maxsize = maxsize
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queue: asyncio.Queue[Event] | None = None
        self.dropped = 0
        self._pending: set[str] = set()  # keys of the events waiting in the queue

    async def __aenter__(self) -> Subscription:
        self.loop = asyncio.get_running_loop()
        self.queue = asyncio.Queue(self.maxsize)
        await self.bus._register(self)
        return self

    async def __aexit__(self, *exc_info) -> None:
        self.bus._unregister(self)

    def __aiter__(self) -> AsyncIterator[Event]:
        return self

    async def __anext__(self) -> Event:
        return await self.get()

    async def get(self) -> Event:
        """The next event for this site, waiting for one if need be."""
        event, data = await self.queue.get()
        self._pending.discard(_key(event, data))
        return event, data

    def offer(self, event: str, data: dict, site_slug: str | None = None) -> None:
        """Queue an event without ever waiting. Call only in this subscription's loop."""
        if self.tags_site and site_slug is not None:
            data = {**data, "site": site_slug}
        key = _key(event, data)
        if key in self._pending:
            return
        if self.queue.full():
            self._pending.discard(_key(*self.queue.get_nowait()))
            self.dropped += 1
        self.queue.put_nowait((event, data))
        self._pending.add(key)


def _key(event: str, data: dict) -> str:
    return event + "\0" + json.dumps(data, sort_keys=True)


class _Bus:
    """The subscriber registry both back ends share; thread-safe."""

    def __init__(self, queue_size: int = QUEUE_SIZE):
        self.queue_size = queue_size
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[Subscription]] = {}

    def subscribe(self, site_slug: str | tuple[str, ...]) -> Subscription:
        """Events of one site (or of several, tagged with `site`), for use as
        ``async with bus.subscribe(slug) as sub``."""
        return Subscription(self, site_slug, self.queue_size)

    def publish(self, site_slug: str, event: str, data: dict) -> None:
        raise NotImplementedError

    def ping(self) -> bool:
        """Whether the bus can carry an event now (for `GET /readyz`)."""
        raise NotImplementedError

    def joins_transaction(self, connection) -> bool:
        """Whether an event can ride in a transaction of Django's `connection`
        (`publish_in_transaction`) rather than be published after its commit."""
        return False

    def publish_in_transaction(self, connection, site_slug: str, event: str,
                               data: dict) -> None:
        raise NotImplementedError

    def statement_in_transaction(self, site_slug: str, event: str, data: dict) -> tuple:
        """`publish_in_transaction`'s statement, (SQL, parameters), for a caller that sends
        it with others in one round trip (stofrum/round_trip.py)."""
        raise NotImplementedError

    async def _register(self, sub: Subscription) -> None:
        with self._lock:
            for slug in sub.site_slugs:
                self._subscribers.setdefault(slug, set()).add(sub)

    def _unregister(self, sub: Subscription) -> None:
        with self._lock:
            for slug in sub.site_slugs:
                subs = self._subscribers.get(slug)
                if subs is not None:
                    subs.discard(sub)
                    if not subs:
                        del self._subscribers[slug]

    def subscriber_count(self, site_slug: str | None = None) -> int:
        """How many subscriptions are open (for one site, or all); for health checks."""
        with self._lock:
            if site_slug is not None:
                return len(self._subscribers.get(site_slug, ()))
            return sum(len(s) for s in self._subscribers.values())

    def _deliver(self, site_slug: str, event: str, data: dict, *, loop=None) -> None:
        """Hand an event to local subscribers of `site_slug` (only those in `loop`, if
        given). From any thread: each subscriber's queue is touched only in its own loop."""
        with self._lock:
            subs = [s for s in self._subscribers.get(site_slug, ())
                    if loop is None or s.loop is loop]
        for sub in subs:
            try:
                sub.loop.call_soon_threadsafe(sub.offer, event, data, site_slug)
            except RuntimeError:
                # Its event loop has closed without the subscription leaving.
                self._unregister(sub)

    def _deliver_all(self, event: str, data: dict, *, loop) -> None:
        with self._lock:
            sites = list(self._subscribers)
        for site_slug in sites:
            self._deliver(site_slug, event, data, loop=loop)


class InProcessBus(_Bus):
    """Delivers to the subscribers of this process only: for SQLite, one server process."""

    def publish(self, site_slug: str, event: str, data: dict) -> None:
        """Send `event` to every subscriber of `site_slug` in this process."""
        message = json.loads(encode(site_slug, event, data))
        self._deliver(site_slug, message["event"], message["data"])

    def ping(self) -> bool:
        return True  # it is this process


class _Listener:
    """The LISTEN connection of one event loop (one per process under uvicorn)."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.ready = asyncio.Event()
        self.task: asyncio.Task | None = None


class PostgresBus(_Bus):
    """Delivers through PostgreSQL LISTEN/NOTIFY to subscribers in every process.

    A use case's event is a `pg_notify` in its own transaction (`publish_in_transaction`):
    committed with the change, or rolled back with it, so a process that dies right after
    its commit has announced the change all the same. `publish` (outside a transaction)
    opens its own short autocommit connection. Each event loop that has subscribers runs one
    listener task, started on the first subscribe, that reconnects with backoff. After a
    reconnect every local subscriber gets a `board` event with `{"resync": true}`, since
    notifications sent while the connection was down are lost (the stream sends the screen
    the whole state in its place: stofrum/live/views.py).
    """

    #: How long a new subscription waits for the LISTEN to be in place.
    ready_timeout = 5.0
    backoff_initial = 0.5
    backoff_max = 30.0

    def __init__(self, queue_size: int = QUEUE_SIZE, conninfo: str | None = None):
        super().__init__(queue_size)
        self._conninfo = conninfo
        self._listeners: dict[asyncio.AbstractEventLoop, _Listener] = {}

    def conninfo(self) -> str:
        """libpq connection string for the default database (the test one under tests)."""
        if self._conninfo:
            return self._conninfo
        return conninfo_from_django()

    def publish(self, site_slug: str, event: str, data: dict) -> None:
        """NOTIFY every process's subscribers of `site_slug`. Failures are logged, not
        raised: the change is committed already, and screens resync on reconnect."""
        import psycopg

        payload = encode(site_slug, event, data)
        try:
            with psycopg.connect(self.conninfo(), autocommit=True, connect_timeout=5) as conn:
                conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
        except psycopg.Error:
            logger.exception("could not publish live event %s for %s", event, site_slug)

    def joins_transaction(self, connection) -> bool:
        """Whether `connection` is the PostgreSQL database this bus LISTENs on."""
        return (self._conninfo is None and connection.vendor == "postgresql"
                and connection.alias == "default")

    def publish_in_transaction(self, connection, site_slug: str, event: str,
                               data: dict) -> None:
        """Queue the NOTIFY in the transaction open on Django's `connection` (or send it
        at once under autocommit). PostgreSQL delivers it when, and only if, that
        transaction commits; then the LISTEN connections deliver it, this process's too.
        An error is raised, not logged: the transaction it belongs to cannot commit."""
        with connection.cursor() as cursor:
            cursor.execute(*self.statement_in_transaction(site_slug, event, data))

    def statement_in_transaction(self, site_slug: str, event: str, data: dict) -> tuple:
        return "SELECT pg_notify(%s, %s)", [CHANNEL, encode(site_slug, event, data)]

    def ping(self) -> bool:
        """The bus's PostgreSQL server answers a NOTIFY on a connection of its own (as
        `publish` makes one), within a few seconds."""
        import psycopg

        try:
            with psycopg.connect(self.conninfo(), autocommit=True, connect_timeout=3) as conn:
                conn.execute("SELECT pg_notify(%s, '')", (PING_CHANNEL,))
        except psycopg.Error:
            return False
        return True

    async def _register(self, sub: Subscription) -> None:
        # Register before waiting for LISTEN so nothing sent after it is in place is missed.
        await super()._register(sub)
        listener = self._ensure_listener(sub.loop)
        try:
            async with asyncio.timeout(self.ready_timeout):
                await listener.ready.wait()
        except TimeoutError:
            logger.warning("live events: LISTEN not ready after %.0f s; still trying",
                           self.ready_timeout)

    def _ensure_listener(self, loop: asyncio.AbstractEventLoop) -> _Listener:
        with self._lock:
            for old in [lp for lp in self._listeners if lp.is_closed()]:
                del self._listeners[old]
            listener = self._listeners.get(loop)
            if listener is None or listener.task is None or listener.task.done():
                listener = _Listener(loop)
                listener.task = loop.create_task(self._listen(listener),
                                                 name="stofrum-live-listener")
                self._listeners[loop] = listener
            return listener

    async def _listen(self, listener: _Listener) -> None:
        import psycopg

        delay = self.backoff_initial
        connected_before = False
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(self.conninfo(), autocommit=True)
            except (psycopg.Error, OSError) as exc:
                logger.warning("live events: cannot connect for LISTEN (%s); retry in %.1f s",
                               exc, delay)
            else:
                try:
                    async with conn:
                        await conn.execute(f"LISTEN {CHANNEL}")
                        listener.ready.set()
                        delay = self.backoff_initial
                        if connected_before:
                            self._deliver_all("board", {"resync": True}, loop=listener.loop)
                        connected_before = True
                        async for notify in conn.notifies():
                            self._dispatch(notify.payload, listener.loop)
                except (psycopg.Error, OSError) as exc:
                    logger.warning("live events: LISTEN connection lost (%s); retry in %.1f s",
                                   exc, delay)
                finally:
                    listener.ready.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.backoff_max)

    def _dispatch(self, payload: str, loop: asyncio.AbstractEventLoop) -> None:
        try:
            message = json.loads(payload)
            site_slug, event, data = message["site"], message["event"], message["data"]
        except (ValueError, KeyError, TypeError):
            logger.warning("live events: ignoring malformed notification")
            return
        self._deliver(site_slug, event, data, loop=loop)


def conninfo_from_django(alias: str = "default") -> str:
    """A libpq connection string for a Django PostgreSQL database alias."""
    from django.db import connections
    from psycopg.conninfo import make_conninfo

    settings_dict = connections[alias].settings_dict
    params = {
        "dbname": settings_dict.get("NAME") or "postgres",
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": str(settings_dict["PORT"]) if settings_dict.get("PORT") else None,
    }
    # Django's own options (isolation level, pool, ...) are not libpq parameters.
    django_only = {"isolation_level", "server_side_binding", "pool", "assume_role",
                   "cursor_factory", "context", "prepare_threshold"}
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if key not in django_only and isinstance(value, str | int):
            params[key] = str(value)
    return make_conninfo(**{k: v for k, v in params.items() if v is not None})


_bus: _Bus | None = None
_bus_lock = threading.Lock()


def choose_backend() -> str:
    """'postgres' or 'inprocess': STOFRUM_EVENT_BUS (setting, else environment), else by
    the database engine."""
    from django.conf import settings

    choice = getattr(settings, "STOFRUM_EVENT_BUS", None) or os.environ.get(
        "STOFRUM_EVENT_BUS", ""
    )
    choice = choice.strip().lower()
    if not choice:
        engine = settings.DATABASES["default"]["ENGINE"]
        return "postgres" if "postgresql" in engine else "inprocess"
    if choice not in ("postgres", "inprocess"):
        raise ImproperlyConfigured(
            f"STOFRUM_EVENT_BUS must be 'postgres' or 'inprocess', got {choice!r}"
        )
    return choice


def get_bus() -> _Bus:
    """The bus of this process, created on first use."""
    global _bus
    if _bus is None:
        with _bus_lock:
            if _bus is None:
                _bus = PostgresBus() if choose_backend() == "postgres" else InProcessBus()
    return _bus

"""The event bus: fan-out per site, delivery from other threads, lagging subscribers, and
(on PostgreSQL) LISTEN/NOTIFY within one process and across processes."""

import asyncio
import os
import sys
import threading
import time
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from stofrum.live.bus import InProcessBus, PostgresBus, choose_backend, conninfo_from_django


async def next_event(sub, timeout=5.0):
    async with asyncio.timeout(timeout):
        return await sub.get()


async def assert_nothing(sub, wait=0.1):
    await asyncio.sleep(wait)
    assert sub.queue.empty()


def test_fan_out_to_every_subscriber_of_the_site_only():
    bus = InProcessBus()

    async def scenario():
        async with (bus.subscribe("h17") as a, bus.subscribe("h17") as b,
                    bus.subscribe("skyen") as other):
            bus.publish("h17", "board", {})
            assert await next_event(a) == ("board", {})
            assert await next_event(b) == ("board", {})
            await assert_nothing(other)
        assert bus.subscriber_count() == 0

    asyncio.run(scenario())


def test_publish_from_another_thread_arrives():
    bus = InProcessBus()

    async def scenario():
        async with bus.subscribe("h17") as sub:
            thread = threading.Thread(target=bus.publish, args=("h17", "alarm", {"incident": 3}))
            thread.start()
            assert await next_event(sub) == ("alarm", {"incident": 3})
            thread.join()

    asyncio.run(scenario())


def test_a_slow_subscriber_blocks_nobody_and_keeps_the_newest_events():
    bus = InProcessBus(queue_size=4)

    async def scenario():
        async with bus.subscribe("h17") as slow, bus.subscribe("h17") as fast:
            for n in range(20):
                started = time.monotonic()
                await asyncio.to_thread(bus.publish, "h17", "alarm", {"incident": n})
                assert time.monotonic() - started < 1
                assert await next_event(fast) == ("alarm", {"incident": n})
            assert slow.queue.qsize() == 4
            assert slow.dropped == 16
            assert [await slow.get() for _ in range(4)] == [
                ("alarm", {"incident": n}) for n in range(16, 20)
            ]

    asyncio.run(scenario())


def test_identical_pending_events_are_coalesced():
    bus = InProcessBus()

    async def scenario():
        async with bus.subscribe("h17") as sub:
            for _ in range(10):
                bus.publish("h17", "board", {})
            bus.publish("h17", "alarm", {"incident": 1})
            await asyncio.sleep(0.05)
            assert sub.queue.qsize() == 2
            assert await sub.get() == ("board", {})
            bus.publish("h17", "board", {})  # the earlier one was consumed: not coalesced
            assert await next_event(sub) == ("alarm", {"incident": 1})
            assert await next_event(sub) == ("board", {})

    asyncio.run(scenario())


def test_oversized_data_is_dropped_not_the_event():
    bus = InProcessBus()

    async def scenario():
        async with bus.subscribe("h17") as sub:
            bus.publish("h17", "board", {"blob": "x" * 10_000})
            assert await next_event(sub) == ("board", {})

    asyncio.run(scenario())


def test_backend_follows_the_database_unless_overridden(settings):
    expected = "postgres" if connection.vendor == "postgresql" else "inprocess"
    assert choose_backend() == expected
    settings.STOFRUM_EVENT_BUS = "inprocess"
    assert choose_backend() == "inprocess"


# --- PostgreSQL LISTEN/NOTIFY ---------------------------------------------------------



@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_publish_reaches_a_subscriber_through_listen_notify():
    bus = PostgresBus()

    async def scenario():
        async with bus.subscribe("h17") as sub, bus.subscribe("skyen") as other:
            # From a worker thread, as on_commit does under the ASGI server.
            await asyncio.to_thread(bus.publish, "h17", "board", {"n": 1})
            assert await next_event(sub) == ("board", {"n": 1})
            await assert_nothing(other)

    asyncio.run(scenario())


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_publish_from_another_process_arrives():
    bus = PostgresBus()
    code = (
        "import django; django.setup()\n"
        "from stofrum.live.bus import get_bus\n"
        "bus = get_bus(); print(type(bus).__name__)\n"
        "bus.publish('h17', 'alarm', {'incident': 42})\n"
    )
    env = {**os.environ, "DATABASE_URL": _database_url(),
           "DJANGO_SETTINGS_MODULE": "stofrum.settings"}
    env.pop("STOFRUM_EVENT_BUS", None)

    async def scenario():
        async with bus.subscribe("h17") as sub:
            child = await asyncio.create_subprocess_exec(
                sys.executable, "-c", code, env=env, cwd=settings.BASE_DIR,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )
            out, err = await asyncio.wait_for(child.communicate(), 60)
            assert child.returncode == 0, err.decode()
            assert out.decode().strip() == "PostgresBus"
            assert await next_event(sub) == ("alarm", {"incident": 42})

    asyncio.run(scenario())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_listener_reconnects_and_asks_screens_to_resync():
    bus = PostgresBus()
    bus.backoff_initial = 0.05

    def kill_listener():
        with psycopg.connect(conninfo_from_django(), autocommit=True) as conn:
            killed = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND query = 'LISTEN stofrum_events'"
                " AND pid <> pg_backend_pid()"
            ).fetchone()[0]
        assert killed == 1

    async def scenario():
        async with bus.subscribe("h17") as sub:
            await asyncio.to_thread(kill_listener)
            assert await next_event(sub) == ("board", {"resync": True})
            await asyncio.to_thread(bus.publish, "h17", "alarm_closed", {"incident": 5})
            assert await next_event(sub) == ("alarm_closed", {"incident": 5})

    asyncio.run(scenario())

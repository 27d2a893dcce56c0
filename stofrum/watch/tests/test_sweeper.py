"""Every app process sweeps while it serves event streams, and stops when the last one
closes: the pacing is the only thing a process holds; what is overdue lives in the
database (test_booth_watch.py, test_watch_race.py)."""

import asyncio

import pytest

from stofrum.watch import sweeper

pytestmark = pytest.mark.engine_free


def test_a_process_sweeps_while_streams_are_open_and_stops_after(settings, monkeypatch):
    settings.STOFRUM_WATCH_SWEEP_SECONDS = 0.01
    calls = []
    monkeypatch.setattr(sweeper, "sweep_once", lambda: calls.append(1))

    async def scenario():
        async with sweeper.watching(), sweeper.watching():  # two streams, one sweeper
            await asyncio.sleep(0.2)
        swept = len(calls)
        await asyncio.sleep(0.1)
        return swept

    swept = asyncio.run(scenario())
    assert swept >= 3
    assert len(calls) == swept  # no sweeping without a stream
    assert sweeper._streams == 0 and sweeper._task is None


def test_sweeping_can_be_left_to_the_timer(settings, monkeypatch):
    settings.STOFRUM_WATCH_SWEEP_SECONDS = 0
    monkeypatch.setattr(sweeper, "sweep_once", lambda: pytest.fail("swept"))

    async def scenario():
        async with sweeper.watching():
            await asyncio.sleep(0.05)

    asyncio.run(scenario())


def test_an_outage_is_one_warning_without_a_traceback(monkeypatch, caplog):
    import psycopg
    from django.db import OperationalError

    from stofrum.watch import services

    def lost():
        try:
            raise psycopg.OperationalError("connection to server at 10.0.0.5, user stofrum_app")
        except psycopg.OperationalError as exc:
            raise OperationalError("lost") from exc

    monkeypatch.setattr(services, "sweep", lost)
    with caplog.at_level("WARNING", logger="stofrum.watch"):
        assert sweeper.sweep_once() is None
    [entry] = caplog.records
    assert entry.levelname == "WARNING" and entry.exc_info is None
    assert "10.0.0.5" not in caplog.text and "stofrum_app" not in caplog.text


def test_any_other_failure_is_logged_with_its_traceback(monkeypatch, caplog):
    from stofrum.watch import services

    monkeypatch.setattr(services, "sweep", lambda: 1 / 0)
    with caplog.at_level("ERROR", logger="stofrum.watch"):
        assert sweeper.sweep_once() is None
    [entry] = caplog.records
    assert entry.exc_info is not None

"""The event streams end to end through the ASGI stack (AsyncClient): who may open them,
and what arrives on them after a use case commits."""

import asyncio
import json
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from stofrum.live import views
from stofrum.live.publish import publish_after_commit
from stofrum.staff.models import ApiToken

API = "/api/v1/sites/{}/events"


def bearer(staff) -> dict:
    _, raw = ApiToken.issue(staff, timezone.now() + timedelta(hours=1))
    return {"Authorization": f"Bearer {raw}"}


def commit_and_publish(site_slug, event, data):
    with transaction.atomic():
        publish_after_commit(site_slug, event, data)


async def read_frame(stream, timeout=5.0) -> bytes:
    async with asyncio.timeout(timeout):
        return await anext(stream)


def parse(frame: bytes) -> tuple[str, dict]:
    fields = dict(line.split(": ", 1) for line in frame.decode().strip().split("\n")
                  if not line.startswith("retry:"))
    return fields["event"], json.loads(fields["data"])


def test_without_credentials_401(db, sites, async_client):
    for url in (API.format("h17"), reverse("staff:site_events", args=["h17"])):
        response = async_to_sync(async_client.get)(url)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


def test_unverified_second_factor_is_not_enough(db, cast, async_client):
    async_client.force_login(cast["health"])  # health needs TOTP; not verified here
    response = async_to_sync(async_client.get)(API.format("h17"))
    assert response.status_code == 401


def test_site_of_another_membership_is_not_found(db, cast, async_client):
    response = async_to_sync(async_client.get)(API.format("h17"),
                                               headers=bearer(cast["other_reception"]))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    async_client.force_login(cast["other_reception"])
    for url in (API.format("h17"), reverse("staff:site_events", args=["h17"]),
                API.format("no-such-site")):
        response = async_to_sync(async_client.get)(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.django_db(transaction=True)
def test_bearer_stream_says_hello_then_the_committed_board_event(cast, async_client):
    headers = bearer(cast["reception"])

    async def scenario():
        response = await async_client.get(API.format("h17"), headers=headers)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/event-stream"
        assert response["Cache-Control"] == "no-cache"
        assert response["X-Accel-Buffering"] == "no"
        stream = response.streaming_content
        hello = await read_frame(stream)
        assert hello.startswith(b"retry: ")
        assert parse(hello) == ("hello", {"site": "h17"})
        await sync_to_async(commit_and_publish)("skyen", "board", {})
        await sync_to_async(commit_and_publish)("h17", "board", {})
        assert parse(await read_frame(stream)) == ("board", {})
        await stream.aclose()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_for_a_rolled_back_change(cast, async_client):
    async_client.force_login(cast["reception"])

    def roll_back():
        with transaction.atomic():
            publish_after_commit("h17", "board", {"rolled": "back"})
            transaction.set_rollback(True)

    async def scenario():
        response = await async_client.get(reverse("staff:site_events", args=["h17"]))
        stream = response.streaming_content
        assert parse(await read_frame(stream))[0] == "hello"
        await sync_to_async(roll_back)()
        await sync_to_async(commit_and_publish)("h17", "alarm", {"incident": 9})
        assert parse(await read_frame(stream)) == ("alarm", {"incident": 9})
        await stream.aclose()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_heartbeat_and_end_of_stream_after_logout(cast, async_client, monkeypatch):
    monkeypatch.setattr(views, "HEARTBEAT_SECONDS", 0.05)
    monkeypatch.setattr(views, "REVALIDATE_SECONDS", 0)
    async_client.force_login(cast["reception"])

    async def scenario():
        response = await async_client.get(reverse("staff:site_events", args=["h17"]))
        stream = response.streaming_content
        assert parse(await read_frame(stream))[0] == "hello"
        assert await read_frame(stream) == b": ping\n\n"
        await sync_to_async(async_client.logout)()
        assert parse(await read_frame(stream)) == ("goodbye", {"reason": "not_authenticated"})
        with pytest.raises(StopAsyncIteration):
            await read_frame(stream)

    async_to_sync(scenario)()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_stream_goes_on_while_the_database_cannot_be_reached_to_check_access(
        cast, async_client, monkeypatch):
    # A stream dropped then would be refused (503) on reconnecting, and a browser gives up
    # on a stream that answered an error (tests/ops/test_faults.py restarts the database).
    monkeypatch.setattr(views, "HEARTBEAT_SECONDS", 0.05)
    monkeypatch.setattr(views, "REVALIDATE_SECONDS", 0)
    monkeypatch.setattr(views, "RECHECK_SECONDS", 0)
    async_client.force_login(cast["reception"])
    # The streams' checks run in this thread, on this connection, opened anew each time.
    settings_dict = connection.settings_dict
    reachable = {k: settings_dict[k] for k in ("HOST", "PORT")}

    async def scenario():
        response = await async_client.get(reverse("staff:site_events", args=["h17"]))
        stream = response.streaming_content
        assert parse(await read_frame(stream))[0] == "hello"
        settings_dict.update(HOST="127.0.0.1", PORT="1")  # nothing listens there
        try:
            for _ in range(3):
                assert await read_frame(stream) == b": ping\n\n"
        finally:
            settings_dict.update(reachable)
        # Back: access is checked again, and a logout still ends the stream.
        await sync_to_async(async_client.logout)()
        assert parse(await read_frame(stream)) == ("goodbye", {"reason": "not_authenticated"})

    async_to_sync(scenario)()


"""A screen that reconnects or lost events catches up from the stream alone: every event has
an id, a site's stream opened with Last-Event-ID gets the whole board (open alarms
included) right after hello, and lost events bring the whole state again. Through the
ASGI stack (AsyncClient), with real use cases."""

import asyncio
import json
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.utils import timezone

from stofrum.live.bus import get_bus
from stofrum.live.views import Grant, full_board
from stofrum.staff.models import ApiToken

API = "/api/v1/sites/h17/events"


def bearer(staff) -> dict:
    _, raw = ApiToken.issue(staff, timezone.now() + timedelta(hours=1))
    return {"Authorization": f"Bearer {raw}"}


async def read_events(stream, timeout=5.0) -> list[tuple[str | None, str, dict]]:
    """The events of the next chunk that holds any (pings skipped), as (id, event, data)."""
    while True:
        async with asyncio.timeout(timeout):
            chunk = await anext(stream)
        events = []
        for block in chunk.decode().strip().split("\n\n"):
            fields = dict(line.split(": ", 1) for line in block.split("\n")
                          if not line.startswith(("retry:", ":")))
            if fields:
                events.append((fields.get("id"), fields["event"], json.loads(fields["data"])))
        if events:
            return events


def id_parts(event_id: str) -> tuple[str, int]:
    stream, count = event_id.rsplit("-", 1)
    return stream, int(count)


@pytest.fixture
def occupied(make_person, door, sites, set_booths):
    """Kasper in a booth at h17, Mette waiting in the queue behind him."""
    from stofrum.visits.services import check_in

    set_booths("h17", "injection", 1)
    kasper, mette = make_person(alias="Kasper"), make_person(alias="Mette")
    visit = check_in(door, kasper, sites["h17"], ["heroin"], "injection")
    check_in(door, mette, sites["h17"], ["heroin"], "injection")
    return visit, kasper, mette


@pytest.mark.django_db(transaction=True)
def test_reconnecting_with_last_event_id_gets_the_full_board_with_the_alarm_missed(
        door, sites, async_client, occupied):
    from stofrum.health.services import raise_alarm

    visit, kasper, mette = occupied
    headers = bearer(door)

    async def scenario():
        first = (await async_client.get(API, headers=headers)).streaming_content
        [(hello_id, name, data)] = await read_events(first)
        assert (name, data) == ("hello", {"site": "h17"})
        await first.aclose()  # the connection drops ...
        incident = await sync_to_async(raise_alarm)(door, sites["h17"], "overdose_opioid",
                                                    visit=visit)  # ... while this happens

        again = await async_client.get(API, headers={**headers, "Last-Event-ID": hello_id})
        stream = again.streaming_content
        assert [e[1] for e in await read_events(stream)] == ["hello"]
        [(_, name, board)] = await read_events(stream)
        assert name == "board" and board["full"] is True and board["site"] == "h17"
        assert [a["incident"] for a in board["open_incidents"]] == [str(incident.pk)]
        assert board["open_incidents"][0]["person_code"] == kasper.code
        [booth] = [b for b in board["booths"] if b["state"] == "occupied"]
        assert booth["visit"]["person_code"] == kasper.code
        assert booth["incident"] == str(incident.pk)
        assert [q["person_code"] for q in board["queue"]] == [mette.code]
        await stream.aclose()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_the_full_board_is_the_board_apis_answer(door, sites, async_client, occupied, client,
                                                  login):
    login(door)
    answer = client.get("/api/v1/sites/h17/board").json()
    board = full_board(Grant(door.pk, (sites["h17"].pk,), ("h17",)))
    ignore = {"generated_at", "full"}  # the clock moved on between the two
    assert board["full"] is True
    assert {k: v for k, v in board.items() if k not in ignore} == {
        k: v for k, v in answer.items() if k not in ignore}


@pytest.mark.django_db(transaction=True)
def test_a_first_connection_gets_no_board_after_hello_and_ids_increase(
        door, sites, async_client, occupied):
    from stofrum.health.services import raise_alarm

    visit, _, _ = occupied
    headers = bearer(door)

    async def scenario():
        stream = (await async_client.get(API, headers=headers)).streaming_content
        seen = await read_events(stream)
        await sync_to_async(raise_alarm)(door, sites["h17"], "unknown", visit=visit)
        # Without Last-Event-ID what follows hello is the site's events, not a full board.
        while len(seen) < 3:
            seen += await read_events(stream)
        assert [name for _, name, _ in seen] == ["hello", "alarm", "board"]
        assert seen[2][2] == {"reason": "alarm"}
        ids = [id_parts(event_id) for event_id, _, _ in seen]
        assert len({token for token, _ in ids}) == 1
        assert [count for _, count in ids] == [1, 2, 3]
        await stream.aclose()

        other = (await async_client.get(API, headers=headers)).streaming_content
        [(other_id, _, _)] = await read_events(other)
        assert id_parts(other_id)[0] != ids[0][0]  # another stream, other ids
        await other.aclose()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_lost_events_bring_the_full_board_instead_of_a_hint(door, sites, async_client,
                                                            occupied):
    from stofrum.health.services import raise_alarm

    incident = raise_alarm(door, sites["h17"], "overdose_opioid", visit=occupied[0])
    headers = bearer(door)

    async def scenario():
        stream = (await async_client.get(API, headers=headers)).streaming_content
        [(hello_id, _, _)] = await read_events(stream)
        # The bus lost notifications (its listener reconnected): it asks for a resync.
        get_bus()._deliver_all("board", {"resync": True}, loop=None)
        [(board_id, name, board)] = await read_events(stream)
        assert name == "board" and board["full"] is True
        assert [a["incident"] for a in board["open_incidents"]] == [str(incident.pk)]
        assert id_parts(board_id)[1] > id_parts(hello_id)[1]
        await stream.aclose()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_page_that_lost_events_gets_hello_and_the_open_alarms_again(door, sites,
                                                                      async_client, occupied):
    from stofrum.health.services import raise_alarm

    incident = raise_alarm(door, sites["h17"], "overdose_opioid", visit=occupied[0])
    async_client.force_login(door)

    async def scenario():
        stream = (await async_client.get("/staff/events?site=h17")).streaming_content
        assert [e[1] for e in await read_events(stream)] == ["hello"]
        assert [e[1] for e in await read_events(stream)] == ["alarm", "alarms_synced"]
        get_bus()._deliver_all("board", {"resync": True}, loop=None)
        events = await read_events(stream)
        assert [name for _, name, _ in events] == ["hello", "alarm", "alarms_synced"]
        assert events[1][2]["incident"] == str(incident.pk)
        await stream.aclose()

    async_to_sync(scenario)()


def test_a_wall_or_locked_screens_full_board_carries_no_person_data(door, sites, occupied):
    from stofrum.health.services import raise_alarm
    from stofrum.visits.services import check_out

    visit, kasper, mette = occupied
    raise_alarm(door, sites["h17"], "overdose_opioid", visit=visit)
    other = check_out(door, visit)  # Mette moves in; Kasper is recently checked out
    assert other.pk == visit.pk
    site = (sites["h17"].pk,), ("h17",)
    board = full_board(Grant(door.pk, *site))
    wall = Grant(None, *site, screen="wall", names=False, snapshot=True)
    locked = Grant(None, *site, screen="locked", names=False, snapshot=True)

    # The staff member's board holds person data everywhere ...
    text = json.dumps(board)
    assert kasper.code in text and mette.code in text and "Kasper" in text
    assert '"substances"' in text
    # ... the wall screen's none of it, at any depth; the locked screen gets no board.
    shown = json.dumps(wall.shows("board", board))
    for secret in (kasper.code, mette.code, "Kasper", "Mette", '"person_code"', '"alias"',
                   '"substances"', "heroin"):
        assert secret not in shown
    assert json.loads(shown)["open_incidents"] and json.loads(shown)["booths"]
    assert locked.shows("board", board) is None
    named_wall = Grant(None, *site, screen="wall", names=True, snapshot=True)
    assert named_wall.shows("board", board) == board

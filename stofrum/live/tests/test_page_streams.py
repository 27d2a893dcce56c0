"""One stream per page, the lock screen of a shared terminal and wall screens, through the
ASGI stack (AsyncClient): what each kind of screen receives, and what it must not."""

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import transaction

from stofrum.live import terminal, views
from stofrum.live.publish import publish_after_commit
from stofrum.staff.models import WallScreen
from stofrum.staff.services import create_wall_screen, revoke_wall_screen


def commit_and_publish(site_slug, event, data):
    with transaction.atomic():
        publish_after_commit(site_slug, event, data)


async def read_frame(stream, timeout=5.0) -> bytes:
    async with asyncio.timeout(timeout):
        return await anext(stream)


def parse(frame: bytes) -> list[tuple[str, dict]]:
    """Every event in a chunk (a snapshot chunk holds several)."""
    events = []
    for block in frame.decode().strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\n")
                      if not line.startswith(("retry:", ":")))
        if fields:
            events.append((fields["event"], json.loads(fields["data"])))
    return events


@pytest.fixture
def alarm_in_booth(make_person, door, sites, set_booths):
    from stofrum.health.services import raise_alarm
    from stofrum.visits.services import check_in

    set_booths("h17", "injection", 2)
    person = make_person(alias="Kasper")
    visit = check_in(door, person, sites["h17"], ["heroin"], "injection")
    incident = raise_alarm(door, sites["h17"], "overdose_opioid", visit=visit)
    return incident, person


@pytest.mark.django_db(transaction=True)
def test_one_page_stream_carries_every_site_it_follows_tagged_with_the_site(
        door, async_client, alarm_in_booth):
    incident, person = alarm_in_booth
    async_client.force_login(door)

    async def scenario():
        response = await async_client.get("/staff/events?site=h17&site=skyen")
        assert response.status_code == 200
        stream = response.streaming_content
        assert parse(await read_frame(stream)) == [("hello", {"sites": ["h17", "skyen"]})]
        snapshot = parse(await read_frame(stream))
        # The open alarm comes right after hello, so a page that (re)connects shows it.
        assert snapshot[0][0] == "alarm"
        assert snapshot[0][1]["incident"] == str(incident.pk)
        assert snapshot[0][1]["site"] == "h17"
        assert snapshot[0][1]["person_code"] == person.code
        assert snapshot[-1] == ("alarms_synced", {})
        await sync_to_async(commit_and_publish)("reden", "board", {})  # not followed
        await sync_to_async(commit_and_publish)("skyen", "board", {"reason": "x"})
        await sync_to_async(commit_and_publish)("h17", "alarm_closed", {"incident": "1"})
        assert parse(await read_frame(stream)) == [("board", {"reason": "x", "site": "skyen"})]
        assert parse(await read_frame(stream)) == [("alarm_closed",
                                                    {"incident": "1", "site": "h17"})]
        await stream.aclose()

    async_to_sync(scenario)()


def test_page_stream_refuses_a_site_the_member_does_not_belong_to(cast, async_client):
    async_client.force_login(cast["reception"])  # h17 only
    for url in ("/staff/events?site=h17&site=skyen", "/staff/events", "/staff/events?site=x"):
        response = async_to_sync(async_client.get)(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.django_db(transaction=True)
def test_page_stream_marks_the_browser_as_a_terminal_of_its_alarm_sites(door, async_client,
                                                                       sites):
    async_client.force_login(door)

    async def scenario():
        response = await async_client.get("/staff/events?site=h17")
        cookie = response.cookies[terminal.COOKIE]
        assert cookie["httponly"]
        await response.streaming_content.aclose()
        return cookie.value

    value = async_to_sync(scenario)()
    from django.core import signing

    mark = signing.loads(value, salt=terminal.SALT)
    # Only site slugs: no name, no staff member, nothing about a person.
    assert set(mark) == {"sites", "at"}
    assert mark["sites"] == ["h17", "reden", "skyen", "sundholm"]


@pytest.mark.django_db(transaction=True)
def test_locked_terminal_gets_alarms_without_person_data_and_nothing_else(
        door, async_client, alarm_in_booth, client):
    incident, person = alarm_in_booth
    async_client.force_login(door)

    async def locked_stream():
        opened = await async_client.get("/staff/events?site=h17")
        mark = opened.cookies[terminal.COOKIE].value
        await opened.streaming_content.aclose()
        await sync_to_async(async_client.logout)()  # the login ends; the mark stays
        async_client.cookies[terminal.COOKIE] = mark  # (the test client's logout drops all)
        response = await async_client.get("/terminal/events")
        assert response.status_code == 200
        stream = response.streaming_content
        assert parse(await read_frame(stream))[0][0] == "hello"
        snapshot = parse(await read_frame(stream))
        assert snapshot[0][0] == "alarm"
        alarm = snapshot[0][1]
        assert alarm["incident"] == str(incident.pk) and alarm["booth"]
        assert "person_code" not in alarm and person.code not in json.dumps(snapshot)
        await sync_to_async(commit_and_publish)("h17", "board", {})  # not for a locked screen
        await sync_to_async(commit_and_publish)("h17", "alarm", {
            "incident": "2", "booth": "I2", "person_code": "SECRET1"})
        frame = await read_frame(stream)
        while frame == b": ping\n\n":
            frame = await read_frame(stream)
        assert parse(frame) == [("alarm", {"incident": "2", "booth": "I2", "site": "h17"})]
        await stream.aclose()

    async_to_sync(locked_stream)()


def test_terminal_stream_without_a_mark_or_with_a_forged_one_is_refused(db, client):
    assert client.get("/terminal/events").status_code == 401
    client.cookies[terminal.COOKIE] = "eyJzaXRlcyI6WyJoMTciXX0:forged:sig"
    response = client.get("/terminal/events")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_lock_ends_the_login_and_the_lock_screen_names_the_sites_it_still_watches(
        door, client, login):
    from stofrum.audit.models import AuditEvent

    login(door)
    client.cookies[terminal.COOKIE] = __import__("django.core.signing").core.signing.dumps(
        {"sites": ["h17"], "at": int(__import__("time").time())}, salt=terminal.SALT,
        compress=True)

    response = client.post("/lock/", {"next": "/staff/sites/h17/"}, follow=True)

    assert response.redirect_chain[-1][0] == "/login/?next=%2Fstaff%2Fsites%2Fh17%2F"
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="staff.logout", summary="lock").exists()
    page = response.content.decode()
    assert 'id="live-config"' in page and '"mode": "locked"' in page
    assert "H17" in page and 'id="lock-note"' in page
    assert client.get("/staff/sites/h17/").status_code == 302  # personal data is gone


def test_login_page_without_a_terminal_mark_listens_to_nothing(db, client):
    page = client.get("/login/").content.decode()
    assert 'id="live-config"' not in page


def test_idle_seconds_setting_shortens_the_session(door, client, login, settings):
    import time

    from stofrum.staff.middleware import LAST_SEEN_KEY

    settings.STOFRUM_IDLE_SECONDS = 30
    login(door)
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 31
    session.save()
    assert client.get("/staff/").status_code == 302


# --- wall screens -------------------------------------------------------------------------


@pytest.fixture
def leader(make_staff):
    return make_staff("leader", ["h17"], username="leader-wall")


def test_leader_sets_up_a_wall_screen_whose_key_is_shown_once_and_stored_hashed(
        leader, client, login, sites):
    from stofrum.audit.models import AuditEvent

    login(leader)
    response = client.post("/staff/sites/h17/wall-screens/", {"name": "Over døren"})

    assert response.status_code == 200
    link = response.context["new_link"]
    key = link.rstrip("/").rsplit("/", 1)[1]
    screen = WallScreen.objects.get()
    assert screen.site == sites["h17"] and not screen.show_names
    assert key not in screen.key_hash and WallScreen.objects.lookup(key) == screen
    event = AuditEvent.objects.get(action="wall_screen.created")
    assert key not in json.dumps(event.changes)
    assert key not in client.get("/staff/sites/h17/wall-screens/").content.decode()


def test_wall_screen_shows_the_board_without_names_and_no_actions(
        leader, client, sites, alarm_in_booth):
    incident, person = alarm_in_booth
    _, key = create_wall_screen(leader, sites["h17"], "Rummet")

    connect = client.get(f"/wall/connect/{key}/")
    assert connect.status_code == 302 and connect["Location"] == "/wall/"
    page = client.get("/wall/").content.decode()
    assert "Kasper" not in page and person.code not in page and "Heroin" not in page
    assert "<form" not in page.split('id="board"')[1]  # no check-out, no alarm, nothing
    assert '"mode": "wall"' in page
    # The key opens nothing else.
    assert client.get("/staff/sites/h17/").status_code == 302
    assert client.get("/staff/sites/h17/board").status_code == 302


def test_wall_screen_may_show_names_when_set_up_so(leader, client, sites, alarm_in_booth):
    _, person = alarm_in_booth
    _, key = create_wall_screen(leader, sites["h17"], "Personalerum", show_names=True)
    client.get(f"/wall/connect/{key}/")
    assert "Kasper" in client.get("/wall/board").content.decode()


@pytest.mark.django_db(transaction=True)
def test_revoked_wall_screen_goes_dark(leader, sites, async_client, monkeypatch):
    monkeypatch.setattr(views, "REVALIDATE_SECONDS", 0)
    monkeypatch.setattr(views, "HEARTBEAT_SECONDS", 0.05)
    screen, key = create_wall_screen(leader, sites["h17"], "Gangen")
    async_client.cookies["stofrum_wall"] = key

    async def scenario():
        response = await async_client.get("/wall/events")
        assert response.status_code == 200
        stream = response.streaming_content
        assert parse(await read_frame(stream))[0][0] == "hello"
        assert parse(await read_frame(stream)) == [("alarms_synced", {})]
        await sync_to_async(revoke_wall_screen)(leader, screen)
        frame = await read_frame(stream)
        while frame == b": ping\n\n":
            frame = await read_frame(stream)
        assert parse(frame) == [("goodbye", {"reason": "expired"})]
        await stream.aclose()

    async_to_sync(scenario)()
    assert async_to_sync(async_client.get)("/wall/").status_code == 401


def test_only_the_sites_leader_or_an_administrator_manages_wall_screens(cast, sites):
    from stofrum.errors import DomainError

    for role in ("reception", "health", "analyst"):
        with pytest.raises(DomainError) as refused:
            create_wall_screen(cast[role], sites["h17"], "X")
        assert refused.value.code == "forbidden"
    with pytest.raises(DomainError):
        create_wall_screen(cast["leader"], sites["skyen"], "X")
    assert create_wall_screen(cast["admin"], sites["skyen"], "X")[0].site == sites["skyen"]
    with pytest.raises(DomainError) as bad:
        create_wall_screen(cast["leader"], sites["h17"], " " * 3)
    assert bad.value.code == "invalid_input"


def test_a_stream_ends_with_the_sessions_absolute_lifetime(door, client, login, sites):
    """An open board stream outlives neither the idle time nor the session's lifetime
    (STOFRUM_SESSION_HOURS), however active the page is."""
    import time

    from stofrum.live.views import Grant, still_allowed
    from stofrum.staff.middleware import LAST_SEEN_KEY, LOGIN_AT_KEY, session_seconds

    login(door)
    client.get("/staff/")
    session = client.session
    grant = Grant(door.pk, (sites["h17"].pk,), ("h17",), session_key=session.session_key)
    assert still_allowed(grant)
    session[LAST_SEEN_KEY] = time.time()
    session[LOGIN_AT_KEY] = time.time() - session_seconds() - 1
    session.save()
    assert not still_allowed(grant)

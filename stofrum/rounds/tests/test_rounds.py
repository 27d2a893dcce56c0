"""Rounds around a site: recording (validated, audited, announced), who may, the board's
last round and due state, the form (kept on refusal) and the API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.errors import DomainError
from stofrum.rounds import services
from stofrum.rounds.models import Round, RoundSchedule, Zone
from stofrum.visits.board import board_as_json, board_for


@pytest.fixture
def zones(sites):
    services.seed_zones()
    return {z.code: z for z in Zone.objects.all()}


def _round(staff, site, minutes_ago=10, length=30, **kwargs):
    now = timezone.now()
    ended = now - timedelta(minutes=minutes_ago)
    return services.record_round(staff, site, started_at=ended - timedelta(minutes=length),
                                 ended_at=ended, **kwargs)


def test_a_round_is_recorded_with_its_zones_and_counts_and_audited(door, sites, zones):
    round_ = _round(door, sites["h17"], zones=["halmtorvet", "skelbaekgade"], syringes=7,
                    litter=3, public_use_seen=2, contacts={"neighbours": 1, "police": 1},
                    note="Talte med købmanden")

    round_.refresh_from_db()
    assert {z.code for z in round_.zones.all()} == {"halmtorvet", "skelbaekgade"}
    assert (round_.syringes, round_.litter, round_.public_use_seen) == (7, 3, 2)
    assert round_.contacts == {"neighbours": 1, "shops": 0, "police": 1}
    event = AuditEvent.objects.get(action="rounds.round_recorded", object_id=str(round_.pk))
    assert event.site_id == sites["h17"].pk
    assert "købmanden" not in str(event.changes)  # the note stays out of the trail


def _now():
    return timezone.now()


@pytest.mark.parametrize(("kwargs", "code", "status"), [
    ({"ended_at": lambda: _now() - timedelta(hours=1),
      "started_at": lambda: _now() - timedelta(minutes=10)}, "round_ends_before_start", 422),
    ({"ended_at": lambda: _now() + timedelta(minutes=30),
      "started_at": lambda: _now()}, "round_in_future", 422),
    ({"ended_at": lambda: _now(), "started_at": lambda: _now() - timedelta(hours=13)},
     "round_too_long", 422),
    ({"syringes": -1}, "count_out_of_range", 400),
    ({"syringes": 5001}, "count_out_of_range", 400),
    ({"public_use_seen": "many"}, "count_out_of_range", 400),
    ({"contacts": {"police": 201}}, "count_out_of_range", 400),
    ({"contacts": {"mayor": 1}}, "invalid_input", 400),
    ({"zones": ["istedgade"]}, "unknown_zone", 422),  # Skyen's zone, not H17's
    ({"zones": ["nowhere"]}, "unknown_zone", 422),
    ({"note": "Mødte 070380-1234 ved stationen"}, "cpr_in_free_text", 400),
    ({"note": "x" * 2001}, "text_too_long", 400),
])
def test_bad_rounds_are_refused_and_write_nothing(door, sites, zones, kwargs, code, status):
    times = {"started_at": _now() - timedelta(minutes=40), "ended_at": _now()}
    for key in ("started_at", "ended_at"):
        if key in kwargs:
            times[key] = kwargs.pop(key)()
    with pytest.raises(DomainError) as info:
        services.record_round(door, sites["h17"], **times, **kwargs)

    assert (info.value.code, info.value.status) == (code, status)
    assert not Round.objects.exists()
    assert not AuditEvent.objects.filter(action="rounds.round_recorded").exists()


def test_an_inactive_zone_is_refused(door, sites, zones):
    Zone.objects.filter(code="halmtorvet").update(is_active=False)
    with pytest.raises(DomainError) as info:
        _round(door, sites["h17"], zones=["halmtorvet"])
    assert info.value.code == "unknown_zone"


def test_only_door_staff_of_the_site_record_rounds(cast, sites):
    with pytest.raises(DomainError) as info:
        _round(cast["other_reception"], sites["h17"])
    assert info.value.status == 404
    for role in ("admin", "analyst"):
        with pytest.raises(DomainError) as info:
            _round(cast[role], sites["h17"])
        assert info.value.status == 403
    assert not Round.objects.exists()


def test_the_board_tells_the_last_round_and_when_one_is_due(door, sites):
    h17 = sites["h17"]
    RoundSchedule.objects.create(site=h17, every_minutes=60)

    empty = board_as_json(board_for(h17))
    assert empty["last_round_ended_at"] is None and empty["round_due"] is True

    round_ = _round(door, h17, minutes_ago=20)
    answer = board_as_json(board_for(h17))
    assert answer["last_round_ended_at"] == round_.ended_at.isoformat()
    assert answer["round_due"] is False

    later = board_as_json(board_for(h17, now=round_.ended_at + timedelta(minutes=61)))
    assert later["round_due"] is True


def test_no_round_is_due_where_none_are_scheduled_or_the_site_is_closed(door, sites):
    RoundSchedule.objects.create(site=sites["h17"], every_minutes=0)
    assert board_as_json(board_for(sites["h17"]))["round_due"] is False
    sites["reden"].opening_hours.all().delete()  # closed now
    assert board_as_json(board_for(sites["reden"]))["round_due"] is False


def test_recording_announces_the_board(door, sites, monkeypatch):
    sent = []
    monkeypatch.setattr(services, "publish_after_commit",
                        lambda slug, event, data: sent.append((slug, event, data)))
    _round(door, sites["h17"])
    assert sent == [("h17", "board", {"reason": "round_recorded"})]


# --- the pages ---------------------------------------------------------------------------


def test_the_board_page_shows_the_line_and_the_link(client, cast, sites, login, english):
    login(cast["reception"])
    page = client.get("/staff/sites/h17/").content.decode()
    assert "Round due" in page and "No round recorded yet" in page
    assert "/staff/sites/h17/round" in page


def test_the_form_records_a_round_and_goes_back_to_the_board(client, cast, sites, zones,
                                                             login, english):
    login(cast["reception"])
    page = client.get("/staff/sites/h17/round").content.decode()
    assert "Halmtorvet" in page and "Istedgade" not in page  # H17's zones only
    now = timezone.localtime()
    response = client.post("/staff/sites/h17/round", {
        "started_at": (now - timedelta(minutes=25)).strftime("%Y-%m-%dT%H:%M"),
        "ended_at": now.strftime("%Y-%m-%dT%H:%M"), "zones": ["halmtorvet"],
        "syringes": "4", "litter": "", "public_use_seen": "1", "contacts_shops": "2"})

    assert response.status_code == 302 and response["Location"] == "/staff/sites/h17/#board"
    round_ = Round.objects.get()
    assert (round_.syringes, round_.litter, round_.public_use_seen,
            round_.contacts_shops) == (4, 0, 1, 2)
    board = client.get("/staff/sites/h17/").content.decode()
    assert "Last round ended" in board and "Round due" not in board


def test_a_refused_form_keeps_what_was_typed(client, cast, sites, zones, login, english):
    login(cast["reception"])
    response = client.post("/staff/sites/h17/round", {
        "started_at": "2026-11-02T10:30", "ended_at": "2026-11-02T10:00",
        "zones": ["skelbaekgade"], "syringes": "12", "note": "Ved trappen"})

    assert response.status_code == 422
    page = response.content.decode()
    assert "The round cannot end before it started." in page
    assert 'value="2026-11-02T10:30"' in page and 'value="12"' in page
    assert 'value="skelbaekgade" checked' in page and "Ved trappen" in page
    assert not Round.objects.exists()


def test_the_form_of_another_site_is_not_found(client, cast, sites, login):
    login(cast["other_reception"])
    assert client.get("/staff/sites/h17/round").status_code == 404


# --- the API -----------------------------------------------------------------------------


def test_api_records_a_round_in_api_md_shape(api_as, cast, sites, zones):
    ended = timezone.now() - timedelta(minutes=5)
    response = api_as(cast["health"]).post("/neighbourhood/rounds", {
        "site": "h17", "started_at": (ended - timedelta(minutes=30)).isoformat(),
        "ended_at": ended.isoformat(), "zones": ["halmtorvet"], "syringes": 9,
        "litter": 2, "public_use_seen": 1, "contacts": {"neighbours": 2},
        "note": "Rolig runde"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["site"] == "h17" and body["zones"] == ["halmtorvet"]
    assert (body["syringes"], body["litter"], body["public_use_seen"]) == (9, 2, 1)
    assert body["contacts"] == {"neighbours": 2, "shops": 0, "police": 0}
    board = api_as(cast["health"]).get("/sites/h17/board").json()
    assert board["round_due"] is False
    assert board["last_round_ended_at"] is not None


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"syringes": -3}, 400, "invalid_input"),
    ({"syringes": None}, 400, "invalid_input"),
    ({"zones": ["istedgade"]}, 422, "unknown_zone"),
    ({"ended_at": "2026-13-45T99:00"}, 400, "invalid_input"),
    ({"site": "skyen"}, 404, "not_found"),
    ({"site": "x" * 300}, 400, "invalid_input"),
])
def test_api_refuses_bad_rounds(api_as, cast, sites, zones, change, status, code):
    ended = timezone.now() - timedelta(minutes=5)
    body = {"site": "h17", "started_at": (ended - timedelta(minutes=30)).isoformat(),
            "ended_at": ended.isoformat(), "syringes": 1, **change}
    response = api_as(cast["reception"]).post("/neighbourhood/rounds", body)
    assert response.status_code == status and response.json()["code"] == code
    assert not Round.objects.exists()


def test_api_takes_a_time_without_offset_as_copenhagen_time(api_as, cast, sites):
    ended = timezone.localtime() - timedelta(minutes=5)
    response = api_as(cast["reception"]).post("/neighbourhood/rounds", {
        "site": "h17", "started_at": (ended - timedelta(minutes=30)).isoformat(),
        "ended_at": ended.replace(tzinfo=None).isoformat(), "syringes": 0})
    assert response.status_code == 201, response.content
    assert Round.objects.get().ended_at == ended.replace(microsecond=ended.microsecond)


def test_api_lists_a_sites_rounds_and_zones_only_for_its_staff(api_as, cast, door, sites,
                                                                zones):
    _round(door, sites["h17"], syringes=1)
    _round(door, sites["skyen"], syringes=2)
    mine = api_as(cast["reception"]).get("/neighbourhood/rounds", site="h17").json()
    assert mine["count"] == 1 and mine["items"][0]["site"] == "h17"
    assert api_as(cast["other_reception"]).get("/neighbourhood/rounds",
                                               site="h17").status_code == 404
    listed = api_as(cast["reception"]).get("/neighbourhood/zones", site="h17").json()
    assert [z["code"] for z in listed["items"]][:2] == ["halmtorvet", "skelbaekgade"]

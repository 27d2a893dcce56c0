"""Browsing the audit trail on /staff/audit/ and through GET /api/v1/audit: the same
filters, the same visibility (leaders their own sites, administrators everything)."""

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from stofrum.audit.services import record
from stofrum.errors import MESSAGES

CPH = ZoneInfo("Europe/Copenhagen")

H17_IN = "h17 check-in"
H17_OUT = "h17 check-out"
H17_QUARANTINE = "h17 quarantine"
SKYEN_IN = "skyen check-in"
NO_SITE = "login, no site"
MARKERS = (H17_IN, H17_OUT, H17_QUARANTINE, SKYEN_IN, NO_SITE)


def record_at(moment: datetime, *args, **kwargs):
    # `at` is set on insert (auto_now_add) and events cannot be changed afterwards.
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return record(*args, **kwargs)


@pytest.fixture
def events(cast, sites):
    h17, skyen = sites["h17"], sites["skyen"]
    reception, leader = cast["reception"], cast["leader"]
    record_at(datetime(2025, 3, 3, 12, tzinfo=CPH), reception, "visits.checked_in",
              site=h17, summary=H17_IN, object_type="visits.visit", object_id="v1")
    record_at(datetime(2025, 3, 4, 12, tzinfo=CPH), cast["other_reception"],
              "visits.checked_in", site=skyen, summary=SKYEN_IN, object_type="visits.visit",
              object_id="v2")
    record_at(datetime(2025, 3, 4, 13, tzinfo=CPH), leader, "staff.login", summary=NO_SITE,
              object_type="staff.staffmember", object_id=str(leader.pk))
    record_at(datetime(2025, 3, 5, 23, 30, tzinfo=CPH), reception, "visits.checked_out",
              site=h17, summary=H17_OUT, object_type="visits.visit", object_id="v1")
    record_at(datetime(2025, 3, 7, 9, tzinfo=CPH), leader, "conduct.quarantine.imposed",
              site=h17, summary=H17_QUARANTINE, object_type="conduct.quarantine",
              object_id="7")


def seen_on_page(client, params) -> set[str]:
    response = client.get("/staff/audit/", params)
    assert response.status_code == 200
    content = response.content.decode()
    return {marker for marker in MARKERS if marker in content}


def seen_in_api(client, params) -> set[str]:
    response = client.get("/api/v1/audit", params)
    assert response.status_code == 200, response.content
    return {item["summary"] for item in response.json()["items"]} & set(MARKERS)


SEEN = {"page": seen_on_page, "api": seen_in_api}


@pytest.fixture(params=sorted(SEEN))
def seen(request):
    return SEEN[request.param]


@pytest.mark.parametrize(("params", "expected"), [
    ({"actor": "reception-h17"}, {H17_IN, H17_OUT}),
    ({"action": "visits."}, {H17_IN, H17_OUT, SKYEN_IN}),
    ({"action": "visits.checked_in"}, {H17_IN, SKYEN_IN}),
    ({"object": "visits.visit:v1"}, {H17_IN, H17_OUT}),
    ({"object": "visits.visit"}, {H17_IN, H17_OUT, SKYEN_IN}),
    ({"object": "conduct.quarantine:8"}, set()),
    ({"site": "skyen"}, {SKYEN_IN}),
    ({"since": "2025-03-04", "until": "2025-03-05"}, {SKYEN_IN, NO_SITE, H17_OUT}),
    ({"since": "2025-03-06"}, {H17_QUARANTINE}),
    ({"until": "2025-03-03"}, {H17_IN}),
    ({"since": "2025-03-04T12:30:00+01:00", "until": "2025-03-04T23:59:00+01:00"},
     {NO_SITE}),
    ({"actor": "reception-h17", "action": "visits.checked_out"}, {H17_OUT}),
], ids=lambda value: "&".join(f"{k}={v}" for k, v in value.items())
   if isinstance(value, dict) else None)
def test_admin_filters_the_trail(client, cast, login, events, seen, params, expected):
    login(cast["admin"])

    assert seen(client, params) == expected


def test_admin_sees_every_site_and_events_without_a_site(client, cast, login, events, seen):
    login(cast["admin"])

    assert seen(client, {}) == set(MARKERS)


def test_leader_sees_only_the_events_of_own_sites(client, cast, login, events, seen):
    login(cast["leader"])

    assert seen(client, {}) == {H17_IN, H17_OUT, H17_QUARANTINE}


@pytest.mark.parametrize("params", [{"site": "skyen"}, {"action": "staff.login"},
                                    {"actor": "reception-skyen"}])
def test_leader_cannot_filter_their_way_to_other_events(client, cast, login, events, seen,
                                                        params):
    login(cast["leader"])

    assert seen(client, params) == set()


BAD_DATES = [{"since": "not-a-date"}, {"until": "03/05/2025"}, {"since": "2025-02-30"},
             {"until": "2025-03-05T25:00"}]


@pytest.mark.parametrize("params", BAD_DATES)
def test_unreadable_date_on_the_page_is_400_with_a_message(client, cast, login, events,
                                                           params):
    login(cast["leader"])

    response = client.get("/staff/audit/", params)

    assert response.status_code == 400
    with translation.override("da"):
        assert str(MESSAGES["invalid_input"]) in response.content.decode()


@pytest.mark.parametrize("params", BAD_DATES)
def test_unreadable_date_in_the_api_is_400_invalid_input(client, cast, login, events, params):
    login(cast["leader"])

    response = client.get("/api/v1/audit", params)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_api_pages_with_limit_and_offset_newest_first(client, cast, login, events):
    login(cast["admin"])
    params = {"action": "visits.", "limit": 2}

    first = client.get("/api/v1/audit", {**params, "offset": 0}).json()
    second = client.get("/api/v1/audit", {**params, "offset": 2}).json()

    assert first["count"] == second["count"] == 3
    assert [e["summary"] for e in first["items"] + second["items"]] == [
        H17_OUT, SKYEN_IN, H17_IN]


def test_api_item_carries_the_event_fields(client, cast, login, events):
    login(cast["admin"])

    item = client.get("/api/v1/audit", {"action": "visits.checked_out"}).json()["items"][0]

    assert item["actor"] == "reception-h17"
    assert (item["action"], item["object_type"], item["object_id"], item["site"]) == (
        "visits.checked_out", "visits.visit", "v1", "h17")
    assert datetime.fromisoformat(item["at"]) == datetime(2025, 3, 5, 23, 30, tzinfo=CPH)


def test_api_pages_by_fifty_by_default(client, cast, login, sites):
    for n in range(55):
        record(None, "test.many", site=sites["h17"], summary=f"event {n}")
    login(cast["admin"])

    body = client.get("/api/v1/audit", {"action": "test.many"}).json()

    assert body["count"] == 55
    assert len(body["items"]) == 50


def test_api_accepts_the_largest_page(client, cast, login, events):
    login(cast["admin"])

    response = client.get("/api/v1/audit", {"limit": 500})

    assert response.status_code == 200


@pytest.mark.parametrize("params", [{"limit": 501}, {"limit": 100000}, {"limit": 0},
                                    {"offset": -1}, {"limit": "many"}])
def test_api_refuses_a_page_size_out_of_range_cleanly(client, cast, login, events, params):
    login(cast["admin"])

    response = client.get("/api/v1/audit", params)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert [e["field"] for e in body["errors"]] == [f"query.{next(iter(params))}"]

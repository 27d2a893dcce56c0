"""Bad input answers like a missing thing or a malformed request, never 500 (issue 11,
finding 2): malformed ids, a body over the configured limit, over-long or NUL-bearing text,
and times outside a sane range."""

import json

import pytest

from stofrum.errors import MESSAGES

BAD_IDS = ["abc", "zzz", "-1", "1.5", "9" * 30, "\x00", "x" * 300]


@pytest.fixture
def door_client(client, door):
    client.force_login(door)
    return client


def _json(response) -> dict:
    return json.loads(response.content.decode())


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize("path", ["check-out", "leave-queue", "undo-check-out"])
def test_a_malformed_visit_on_a_door_action_is_shown_as_not_found(door_client, path, bad):
    r = door_client.post(f"/staff/sites/h17/{path}", {"visit": bad})

    assert r.status_code == 302 and r["Location"].startswith("/staff/sites/h17/")


@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_malformed_booth_on_booth_ready_changes_nothing(door_client, bad):
    r = door_client.post("/staff/sites/h17/booth-ready", {"booth": bad})

    assert r.status_code == 302


@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_malformed_visit_on_the_alarm_is_shown_in_place(door_client, bad):
    r = door_client.post("/staff/sites/h17/alarm", {"visit": bad})

    assert r.status_code == 302 and r["Location"] == "/staff/sites/h17/"


@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_malformed_visit_on_the_services_page_is_a_404(door_client, bad):
    assert door_client.get("/staff/sites/h17/care", {"visit": bad}).status_code == 404
    assert door_client.post("/staff/sites/h17/care", {"visit": bad, "action": "service",
                                                      "kind": "coffee"}).status_code == 404


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize("path, body", [
    ("/incidents", {"site": "h17"}),
    ("/services", {"site": "h17", "kind": "wound_care"}),
    ("/referrals", {"person": "PLACEHOLDER", "target": "detox", "site": "h17"}),
])
def test_a_malformed_visit_in_an_api_body_is_404_not_found(api_as, door, make_person, path,
                                                           body, bad):
    if body.get("person") == "PLACEHOLDER":
        body = {**body, "person": make_person().code}
    r = api_as(door).post(path, {**body, "visit": bad})

    assert r.status_code == 404, r.content
    assert _json(r)["code"] == "not_found"


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize("path", ["/incidents/{}", "/journal/{}", "/referrals/{}",
                                  "/persons/{}", "/visits/{}/checkout"])
def test_a_malformed_id_in_an_api_path_is_not_a_500(api_as, door, path, bad):
    api = api_as(door)
    url = path.format(bad.replace("\x00", "%00"))
    r = api.post(url, {}) if url.endswith("checkout") else api.get(url)

    assert r.status_code in (400, 404, 405), r.content
    assert _json(r)["code"] in ("not_found", "invalid_input", "method_not_allowed")


@pytest.mark.parametrize("getter, key", [
    ("stofrum.visits.services.get_visit_for", "abc"),
    ("stofrum.health.services.get_incident_for", "abc"),
    ("stofrum.health.services.get_journal_for", "abc"),
    ("stofrum.care.services.get_referral_for", "abc"),
    ("stofrum.conduct.services.get_quarantine_for", "abc"),
    ("stofrum.voice.services.get_suggestion_for", "abc"),
    ("stofrum.voice.services.get_complaint_for", "abc"),
    ("stofrum.voice.services.get_council_meeting_for", "abc"),
    ("stofrum.people.services.get_person_for", "\x00"),
    ("stofrum.people.services.get_person_for", "x" * 300),
    ("stofrum.visits.services.get_visit_for", "9" * 40),
    ("stofrum.care.services.get_referral_for", "9" * 40),
    ("stofrum.care.services.get_referral_for", 10 ** 30),
])
def test_every_getter_answers_a_malformed_key_as_not_found(cast, getter, key):
    from django.utils.module_loading import import_string

    from stofrum.errors import NotFound

    with pytest.raises(NotFound):
        import_string(getter)(cast["admin"] if "voice" not in getter else cast["leader"], key)


def test_a_body_over_the_limit_is_413_too_large_on_the_api(api_as, door, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    r = api_as(door).post("/incidents", {"site": "h17", "kind": "other", "pad": "x" * 2000})

    assert r.status_code == 413, r.content
    body = _json(r)
    assert body["code"] == "too_large" and body["message"] == str(MESSAGES["too_large"])


def test_a_form_over_the_limit_is_a_413_page(door_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    r = door_client.post("/staff/sites/h17/check-in", {"person": "x", "note": "x" * 2000})

    assert r.status_code == 413
    assert r["Content-Type"].startswith("text/html")

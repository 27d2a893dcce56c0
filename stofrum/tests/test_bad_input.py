"""Bad input answers like a missing thing or a malformed request, never 500 (issue 11,
finding 2): malformed ids, a body over the configured limit, over-long or NUL-bearing text,
and times outside a sane range."""

import json

import pytest

from stofrum.errors import MESSAGES

BAD_IDS = ["abc", "zzz", "-1", "1.5", "9" * 30, "x" * 300]


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

    # API.md: an id that cannot be one answers 404 (or 400 when the schema refuses it).
    expected = (400, "invalid_input") if len(bad) > 150 else (404, "not_found")
    assert (r.status_code, _json(r)["code"]) == expected, r.content


@pytest.mark.parametrize("bad", [*BAD_IDS, "\x00"])
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


def test_an_overlong_username_on_the_token_endpoint_is_400_before_any_login(client, db):
    from axes.models import AccessAttempt

    r = client.post("/api/v1/auth/token", {"username": "u" * 300, "password": "x"},
                    content_type="application/json")

    assert r.status_code == 400, r.content
    assert _json(r)["code"] == "invalid_input"
    assert not AccessAttempt.objects.exists()


def test_an_overlong_username_on_the_login_page_is_refused_in_place(client, db):
    r = client.post("/login/", {"username": "u" * 300, "password": "x"})

    assert r.status_code == 400


@pytest.mark.parametrize("body", [
    {"alias": "Ka\x00ren", "birth_year": 1980, "gender": "female", "municipality": "101",
     "site": "h17"},
    {"alias": "Karen", "birth_year": 1980, "gender": "female\x00", "municipality": "101",
     "site": "h17"},
    {"alias": "Karen", "birth_year": 1980, "gender": "female", "municipality": "101",
     "site": "h\x0017"},
])
def test_a_nul_character_in_a_json_body_is_400_invalid_input(api_as, door, body):
    from stofrum.people.models import Person

    r = api_as(door).post("/persons", body)

    assert r.status_code == 400, r.content
    assert _json(r)["code"] == "invalid_input"
    assert not Person.objects.exists()


@pytest.mark.parametrize("params", [{"q": "Ka\x00ren"}, {"person": "\x00"}])
def test_a_nul_character_in_a_query_string_is_a_400(door_client, params):
    assert door_client.get("/staff/sites/h17/", params).status_code == 400


def test_a_nul_character_in_a_posted_form_is_a_400_and_writes_nothing(door_client):
    from stofrum.people.models import Person

    r = door_client.post("/staff/sites/h17/persons/new", {
        "alias": "Ka\x00ren", "birth_year": "1980", "gender": "female",
        "municipality": "101"})

    assert r.status_code == 400
    assert not Person.objects.exists()


def test_a_nul_character_in_an_api_query_is_400(api_as, door):
    r = api_as(door).get("/persons", q="Ka\x00ren")

    assert r.status_code == 400, r.content
    assert _json(r)["code"] == "invalid_input"


@pytest.mark.parametrize("target", ["abc", "staff:home", "javascript:alert(1)", "//evil"])
def test_a_next_that_is_not_a_path_leads_home_after_login(client, cast, target):
    from conftest import PASSWORD

    r = client.post(f"/login/?next={target}", {"username": cast["reception"].username,
                                               "password": PASSWORD, "next": target})
    assert r.status_code == 302 and r["Location"] == "/staff/"
    # Logged in already: the login page sends on at once.
    r = client.post("/login/", {"next": target})
    assert r.status_code == 302 and r["Location"] == "/staff/"

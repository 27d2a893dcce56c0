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

    # A role that holds the getter's capability (health staff do the door's work and the
    # journal's; leaders answer the users' voice): lacking it would answer 403 first.
    with pytest.raises(NotFound):
        import_string(getter)(cast["leader"] if "voice" in getter else cast["health"], key)


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


@pytest.mark.parametrize("started_at", ["0001-01-01T00:00:00+00:00",
                                        "1999-12-31T12:00:00+01:00",
                                        "2999-01-01T00:00:00+00:00"])
def test_an_incident_outside_the_sane_range_of_times_is_refused(api_as, door, started_at):
    from stofrum.health.models import Incident

    r = api_as(door).post("/incidents", {"site": "h17", "kind": "other",
                                         "started_at": started_at})

    assert r.status_code == 400, r.content
    assert not Incident.objects.exists()


def test_the_alarm_service_refuses_a_time_before_2000(door, sites):
    from datetime import datetime

    from django.utils import timezone

    from stofrum.errors import InvalidInput
    from stofrum.health.services import raise_alarm

    with pytest.raises(InvalidInput) as info:
        raise_alarm(door, sites["h17"], "other",
                    started_at=timezone.make_aware(datetime(1, 1, 1, 12)))
    assert info.value.code == "invalid_date"


@pytest.mark.parametrize("field, value", [("until", "0001-01-01"), ("until", "9999-12-31")])
def test_a_quarantine_date_outside_the_sane_range_is_refused(api_as, cast, make_person,
                                                            field, value):
    person = make_person()
    r = api_as(cast["leader"]).post("/quarantines", {
        "person": str(person.pk), "sites": ["h17"], "reason": "r", field: value})

    assert r.status_code == 400, r.content


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_posted_date_outside_the_sane_range_is_invalid_date(value):
    from stofrum.errors import DomainError
    from stofrum.forms_util import posted_date, posted_moment

    with pytest.raises(DomainError) as info:
        posted_date(value, "until")
    assert info.value.code == "invalid_date"
    with pytest.raises(DomainError) as info:
        posted_moment(f"{value}T10:00", "meeting_at")
    assert info.value.code == "invalid_date"


def test_a_huge_journal_text_is_refused_and_not_stored(make_staff, door, sites, make_person):
    from stofrum.errors import InvalidInput
    from stofrum.health import services
    from stofrum.health.models import JournalRecord
    from stofrum.text import LONG_TEXT_MAX

    nurse = make_staff("health", ["h17"], username="nurse")
    incident = services.raise_alarm(door, sites["h17"], "other", person=make_person())
    with pytest.raises(InvalidInput) as info:
        services.write_journal(nurse, incident, disclosure_consent="not_asked",
                               assessment="x" * 2_000_000, treatment="t", fictitious=True)
    assert info.value.code == "text_too_long"
    assert info.value.extra["max_length"] == LONG_TEXT_MAX
    assert not JournalRecord.objects.exists()


def test_a_huge_journal_text_through_the_api_is_refused(api_as, make_staff, door, sites):
    from stofrum.health import services
    from stofrum.health.models import JournalRecord

    nurse = make_staff("health", ["h17"], username="nurse")
    incident = services.raise_alarm(door, sites["h17"], "other")
    r = api_as(nurse).post(f"/incidents/{incident.pk}/journal", {
        "fictitious": True, "birth_date": "1980-01-01", "disclosure_consent": "not_asked",
        "assessment": "x" * 200_000, "treatment": "t"})

    assert r.status_code == 400, r.content
    assert _json(r)["code"] == "text_too_long"
    assert not JournalRecord.objects.exists()


def test_a_birth_date_before_1900_is_refused_for_a_fictitious_number(make_staff, door, sites):
    from datetime import date

    from stofrum.errors import DomainError
    from stofrum.health import services

    nurse = make_staff("health", ["h17"], username="nurse")
    incident = services.raise_alarm(door, sites["h17"], "other")
    with pytest.raises(DomainError):
        services.write_journal(nurse, incident, disclosure_consent="not_asked",
                               assessment="a", treatment="t", fictitious=True,
                               birth_date=date(1, 1, 1))


@pytest.mark.parametrize("booth", [10 ** 30, 2 ** 63, 0])
def test_a_booth_id_beyond_any_column_is_not_found(api_as, door, booth):
    r = api_as(door).post(f"/sites/h17/booths/{booth}/ready")

    assert r.status_code == 404, r.content
    assert _json(r)["code"] == "not_found"


@pytest.mark.parametrize("bad", ["abc", "9" * 30, "-1"])
def test_a_malformed_intervention_on_the_incident_page_is_shown_in_place(door_client, door,
                                                                        sites, bad):
    from stofrum.health import services

    incident = services.raise_alarm(door, sites["h17"], "other")
    r = door_client.post(f"/staff/incidents/{incident.pk}/",
                         {"action": "correct_time", "intervention": bad, "at": "10:00"})

    assert r.status_code == 302

"""`Idempotency-Key` on the API's writes (API.md, "Reliability"): a repeat answers the first
answer again and writes nothing more; the same key with another body is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.care.models import Service
from stofrum.health.models import Incident, Intervention
from stofrum.idempotency.models import IdempotentRequest
from stofrum.idempotency.services import delete_expired_idempotency_keys
from stofrum.visits.models import RefusedCheckIn, Visit

pytestmark = pytest.mark.django_db


def _key(value):
    return {"HTTP_IDEMPOTENCY_KEY": value}


def test_a_repeated_check_in_answers_the_first_answer_and_writes_nothing_more(
        api_as, door, make_person):
    person = make_person()
    api = api_as(door)
    body = {"person": person.code, "site": "h17", "substances": ["heroin"],
            "method": "injection"}
    first = api.post("/visits", body, **_key("door-1"))
    again = api.post("/visits", {**body}, **_key("door-1"))
    assert first.status_code == 201, first.json()
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert again["Idempotent-Replayed"] == "true"
    assert Visit.objects.filter(person=person).count() == 1
    assert AuditEvent.objects.filter(action="visits.checked_in").count() == 1
    # Without the key the repeat is a new request: the person is in already.
    assert api.post("/visits", body).json()["code"] == "already_checked_in"


def test_the_same_key_with_another_body_is_refused(api_as, door, make_person):
    one, two = make_person(alias="Ene"), make_person(alias="Anden")
    api = api_as(door)
    body = {"site": "h17", "substances": ["heroin"], "method": "injection"}
    assert api.post("/visits", {**body, "person": one.code}, **_key("k")).status_code == 201
    refused = api.post("/visits", {**body, "person": two.code}, **_key("k"))
    assert refused.status_code == 422
    assert refused.json()["code"] == "idempotency_key_reused"
    assert not Visit.objects.filter(person=two).exists()


def test_keys_belong_to_one_staff_member(api_as, door, make_staff, make_person):
    other = make_staff("reception", ["h17"], username="other-door")
    body = {"site": "h17", "substances": ["heroin"], "method": "injection"}
    assert api_as(door).post("/visits", {**body, "person": make_person(alias="A").code},
                             **_key("shared")).status_code == 201
    answer = api_as(other).post("/visits", {**body, "person": make_person(alias="B").code},
                                **_key("shared"))
    assert answer.status_code == 201 and "Idempotent-Replayed" not in answer
    assert Visit.objects.count() == 2


def test_a_refusal_is_an_answer_too_and_is_counted_once(api_as, door, make_person):
    person = make_person(agreement=False)
    api = api_as(door)
    body = {"person": person.code, "site": "h17", "substances": ["heroin"],
            "method": "injection"}
    first = api.post("/visits", body, **_key("refused"))
    again = api.post("/visits", body, **_key("refused"))
    assert first.status_code == 422 and first.json()["code"] == "no_first_aid_agreement"
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert RefusedCheckIn.objects.count() == 1


def test_a_repeated_checkout_answers_200_again(api_as, door, make_person):
    api = api_as(door)
    visit = api.post("/visits", {"person": make_person().code, "site": "h17",
                                 "substances": ["heroin"], "method": "injection"}).json()
    first = api.post(f"/visits/{visit['id']}/checkout", **_key("out"))
    again = api.post(f"/visits/{visit['id']}/checkout", **_key("out"))
    assert first.status_code == 200 and first.json()["state"] == "done"
    assert (again.status_code, again.content) == (200, first.content)
    assert AuditEvent.objects.filter(action="visits.checked_out").count() == 1


def test_a_repeated_alarm_intervention_and_service_each_write_once(api_as, make_staff, sites):
    nurse = make_staff("health", ["h17"], username="nurse")
    api = api_as(nurse)
    alarms = [api.post("/incidents", {"site": "h17", "kind": "overdose_opioid"},
                       **_key("alarm")) for _ in range(2)]
    assert [a.status_code for a in alarms] == [201, 201]
    assert alarms[0].content == alarms[1].content
    assert Incident.objects.count() == 1
    incident = alarms[0].json()["id"]
    doses = [api.post(f"/incidents/{incident}/interventions",
                      {"kind": "naloxone", "dose_mg": "0.4", "route": "in"}, **_key("dose"))
             for _ in range(2)]
    assert [d.status_code for d in doses] == [201, 201]
    assert doses[0].content == doses[1].content
    assert Intervention.objects.count() == 1
    rinses = [api.post("/services", {"site": "h17", "kind": "eye_rinse"}, **_key("rinse"))
              for _ in range(2)]
    assert [r.status_code for r in rinses] == [201, 201]
    assert Service.objects.count() == 1
    # A second dose is a new request with a new key.
    assert api.post(f"/incidents/{incident}/interventions",
                    {"kind": "naloxone", "dose_mg": "0.4", "route": "in"},
                    **_key("dose-2")).status_code == 201
    assert Intervention.objects.count() == 2


@pytest.mark.parametrize("key", ["", "   ", "x" * 151, "nul\x00key", "tab\tkey", "æøå"])
def test_a_malformed_key_is_invalid_input(api_as, door, make_person, key):
    answer = api_as(door).post("/visits", {"person": make_person().code, "site": "h17",
                                           "substances": ["heroin"], "method": "injection"},
                               **_key(key))
    assert answer.status_code == 400 and answer.json()["code"] == "invalid_input"
    assert not Visit.objects.exists() and not IdempotentRequest.objects.exists()


def test_a_key_older_than_24_hours_answers_nothing(api_as, door, make_person):
    api = api_as(door)
    body = {"person": make_person().code, "site": "h17", "substances": ["heroin"],
            "method": "injection"}
    assert api.post("/visits", body, **_key("old")).status_code == 201
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=24, seconds=1))
    # Run again, not replayed: the person is in already.
    answer = api.post("/visits", body, **_key("old"))
    assert answer.status_code == 409 and answer.json()["code"] == "already_checked_in"


def test_expired_keys_are_deleted(api_as, door, make_person):
    api = api_as(door)
    for alias in ("Gammel", "Ny"):
        api.post("/visits", {"person": make_person(alias=alias).code, "site": "h17",
                             "substances": ["heroin"], "method": "injection"}, **_key(alias))
    now = timezone.now()
    IdempotentRequest.objects.filter(key="Gammel").update(created_at=now - timedelta(hours=25))
    assert delete_expired_idempotency_keys(now) == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["Ny"]


def test_the_openapi_document_declares_the_header_and_the_refusal(client):
    document = client.get("/api/v1/openapi.json").json()
    writes = [("/api/v1/visits", "post"), ("/api/v1/incidents", "post"),
              ("/api/v1/incidents/{incident_id}/interventions", "post"),
              ("/api/v1/services", "post"), ("/api/v1/visits/{visit_id}/checkout", "post")]
    for path, method in writes:
        operation = document["paths"][path][method]
        headers = [p for p in operation["parameters"] if p["in"] == "header"]
        assert [(h["name"], h.get("required", False)) for h in headers] == \
            [("Idempotency-Key", False)], path
        assert "422" in operation["responses"], path

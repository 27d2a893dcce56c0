"""The pages send one key per form submission (issue 13): a form sent twice (a double tap,
the door's script sending it again after a network error) is recorded once and answered
with the first answer."""

import re
import uuid

import pytest

from stofrum.audit.models import AuditEvent
from stofrum.care.models import Service
from stofrum.health.models import Incident, Intervention
from stofrum.visits.models import Visit

pytestmark = pytest.mark.django_db

KEY = re.compile(r'name="idempotency_key" value="([0-9a-f-]{36})"')


def _twice(client, url, data):
    return [client.post(url, data) for _ in range(2)]


def test_the_check_in_form_carries_a_new_key_each_time_and_a_double_submit_is_one_visit(
        client, login, door, make_person):
    login(door)
    person = make_person()
    page = client.get(f"/staff/sites/h17/?person={person.code}").content.decode()
    again = client.get(f"/staff/sites/h17/?person={person.code}").content.decode()
    key = KEY.search(page.split('id="check-in-form"', 1)[1]).group(1)
    assert key != KEY.search(again.split('id="check-in-form"', 1)[1]).group(1)
    data = {"idempotency_key": key, "person": person.code, "substances": ["heroin"],
            "method": "injection"}
    first, second = _twice(client, "/staff/sites/h17/check-in", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == "/staff/sites/h17/"
    assert second["Idempotent-Replayed"] == "true"
    assert Visit.objects.filter(person=person).count() == 1
    # The board shows no refusal: the second submission was not run again.
    board = client.get("/staff/sites/h17/").content.decode()
    assert "already checked in" not in board and "allerede tjekket ind" not in board


def test_the_board_forms_carry_keys_and_a_double_check_out_is_one(client, login, door,
                                                                   make_person):
    login(door)
    client.post("/staff/sites/h17/check-in", {
        "person": make_person().code, "substances": ["heroin"], "method": "injection"})
    visit = Visit.objects.get()
    board = client.get("/staff/sites/h17/").content.decode()
    out_form = board.split('action="/staff/sites/h17/check-out"', 1)[1].split("</form>")[0]
    key = KEY.search(out_form).group(1)
    data = {"idempotency_key": key, "visit": str(visit.pk), "cleaning": "0"}
    first, second = _twice(client, "/staff/sites/h17/check-out", data)
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    assert second["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(action="visits.checked_out").count() == 1


def test_a_double_alarm_intervention_and_service_are_recorded_once(
        client, login, make_staff, sites):
    nurse = make_staff("health", ["h17"], username="nurse")
    login(nurse)
    board = client.get("/staff/sites/h17/").content.decode()
    alarm_form = board.split('action="/staff/sites/h17/alarm"', 1)[1].split("</form>")[0]
    alarms = _twice(client, "/staff/sites/h17/alarm",
                    {"idempotency_key": KEY.search(alarm_form).group(1)})
    assert alarms[0]["Location"] == alarms[1]["Location"]
    incident = Incident.objects.get()

    url = f"/staff/incidents/{incident.pk}/"
    page = client.get(url).content.decode()
    naloxone_form = page.split('class="naloxone-form"', 1)[1].split("</form>")[0]
    key = KEY.search(naloxone_form).group(1)
    dose = {"idempotency_key": key, "action": "intervention", "kind": "naloxone",
            "route": "in", "dose_mg": "0.4"}
    _twice(client, url, dose)
    assert Intervention.objects.count() == 1
    # Another button of the same rendered form is another submission.
    client.post(url, {**dose, "dose_mg": "0.8"})
    assert Intervention.objects.count() == 2

    care = client.get("/staff/sites/h17/care").content.decode()
    service_key = KEY.search(care).group(1)
    _twice(client, "/staff/sites/h17/care", {"idempotency_key": service_key,
                                              "action": "service", "kind": "eye_rinse"})
    assert Service.objects.count() == 1


def test_a_form_without_a_key_is_handled_as_before(client, login, make_staff, sites):
    login(make_staff("health", ["h17"], username="nurse"))
    for _ in range(2):
        client.post("/staff/sites/h17/alarm", {})
    assert Incident.objects.count() == 2


@pytest.mark.parametrize("key", ["", "x" * 151, "tab\tkey"])
def test_a_malformed_key_is_a_bad_request(client, login, make_staff, sites, key):
    login(make_staff("health", ["h17"], username="nurse"))
    assert client.post("/staff/sites/h17/alarm", {"idempotency_key": key}).status_code == 400
    assert not Incident.objects.exists()


def test_keys_differ_per_form(client, login, door, make_person):
    login(door)
    make_person()
    client.post("/staff/sites/h17/check-in", {"person": make_person(alias="Anden").code,
                                              "substances": ["heroin"], "method": "injection"})
    board = client.get("/staff/sites/h17/").content.decode()
    keys = KEY.findall(board)
    assert len(keys) == len(set(keys)) >= 2
    assert all(uuid.UUID(k) for k in keys)

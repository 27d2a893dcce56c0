from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.errors import DomainError
from stofrum.health import services
from stofrum.health.models import Incident
from stofrum.staff.models import ApiToken
from stofrum.visits.services import check_in


@pytest.fixture
def visit(door, sites, make_person):
    return check_in(door, make_person(alias="Ole"), sites["h17"], ["heroin"], "injection")


@pytest.fixture
def api(client, door):
    _, raw = ApiToken.issue(door, timezone.now() + timedelta(hours=1))

    def post(path, body=None):
        return client.post(f"/api/v1{path}", body or {}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")

    def get(path):
        return client.get(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {raw}")

    post.get = get
    return post


def test_alarm_from_a_booth_takes_person_and_booth(door, sites, visit):
    incident = services.raise_alarm(door, sites["h17"], "overdose_opioid", visit=visit)
    assert incident.person == visit.person and incident.booth == visit.booth
    payload = services.alarm_payload(incident)
    assert payload["booth"] == visit.booth.label and payload["person_code"] == visit.person.code
    assert AuditEvent.objects.filter(action="health.incident.raised").count() == 1


def test_acknowledging_shows_who_and_is_idempotent(door, sites, visit, make_staff):
    nurse = make_staff("health", ["h17"])
    incident = services.raise_alarm(door, sites["h17"], "overdose_opioid", visit=visit)
    services.acknowledge(nurse, incident)
    services.acknowledge(nurse, incident)
    services.acknowledge(door, incident)
    assert services.alarm_payload(incident)["responders"] == [nurse.username, door.username]


def test_several_incidents_at_once(door, sites, make_person):
    a = check_in(door, make_person(alias="A"), sites["h17"], ["heroin"], "injection")
    b = check_in(door, make_person(alias="B"), sites["h17"], ["heroin"], "injection")
    services.raise_alarm(door, sites["h17"], "overdose_opioid", visit=a)
    services.raise_alarm(door, sites["h17"], "seizure", visit=b)
    assert Incident.objects.open().filter(site=sites["h17"]).count() == 2


def test_naloxone_reminder_after_the_interval_without_improvement(door, sites, visit, settings):
    settings.STOFRUM_NALOXONE_REDOSE_SECONDS = 150
    incident = services.raise_alarm(door, sites["h17"], "overdose_opioid", visit=visit)
    now = timezone.now()
    services.record_intervention(door, incident, "naloxone", dose_mg="0.4", route="im",
                                 at=now - timedelta(seconds=200))
    assert services.naloxone_reminder_due(incident, now)
    assert not services.naloxone_reminder_due(incident, now - timedelta(seconds=100))
    services.record_intervention(door, incident, "improvement", at=now - timedelta(seconds=10))
    assert not services.naloxone_reminder_due(incident, now)


@pytest.mark.parametrize("kwargs", [
    {"kind": "naloxone", "dose_mg": "0"},
    {"kind": "naloxone", "dose_mg": "50"},
    {"kind": "naloxone", "dose_mg": "abc"},
    {"kind": "naloxone", "dose_mg": "0.4", "route": "oral"},
    {"kind": "oxygen", "dose_mg": "0.4"},
    {"kind": "dance"},
])
def test_bad_interventions_are_refused_and_write_nothing(door, sites, visit, kwargs):
    incident = services.raise_alarm(door, sites["h17"], "overdose_opioid", visit=visit)
    kind = kwargs.pop("kind")
    with pytest.raises(DomainError) as info:
        services.record_intervention(door, incident, kind, **kwargs)
    assert info.value.code == "invalid_input"
    assert incident.interventions.count() == 0


def test_times_cannot_be_in_the_future(door, sites, visit):
    incident = services.raise_alarm(door, sites["h17"], "overdose_opioid", visit=visit)
    with pytest.raises(DomainError):
        services.record_intervention(door, incident, "oxygen",
                                     at=timezone.now() + timedelta(minutes=10))


def test_correcting_a_time_is_audited_with_before_and_after(door, sites, visit):
    incident = services.raise_alarm(door, sites["h17"], "overdose_opioid", visit=visit)
    intervention = services.record_intervention(door, incident, "oxygen")
    earlier = intervention.at - timedelta(minutes=1)
    services.correct_intervention_time(door, intervention, earlier)
    intervention.refresh_from_db()
    assert intervention.at == earlier
    event = AuditEvent.objects.get(action="health.intervention.time_corrected")
    assert event.changes["at"][1] == earlier.isoformat()


def test_close_needs_a_known_outcome_and_happens_once(door, sites, visit):
    incident = services.raise_alarm(door, sites["h17"], "overdose_opioid", visit=visit)
    with pytest.raises(DomainError):
        services.close_incident(door, incident, "fine")
    services.close_incident(door, incident, "recovered_on_site")
    with pytest.raises(DomainError) as info:
        services.close_incident(door, incident, "hospital")
    assert info.value.code == "incident_closed"
    with pytest.raises(DomainError):
        services.record_intervention(door, incident, "oxygen")


def test_analysts_and_other_sites_cannot_raise_alarms(sites, make_staff):
    for staff in (make_staff("analyst", ["h17"]), make_staff("reception", ["skyen"], "sk")):
        with pytest.raises(DomainError) as info:
            services.raise_alarm(staff, sites["h17"], "overdose_opioid")
        assert info.value.code == "not_found"


def test_the_api_flow_and_the_board_lists_open_incidents(api, visit):
    r = api("/incidents", {"site": "h17", "kind": "overdose_opioid", "visit": str(visit.pk)})
    assert r.status_code == 201, r.json()
    incident = r.json()
    assert incident["booth"] == visit.booth.label
    board = api.get("/sites/h17/board").json()
    assert [i["incident"] for i in board["open_incidents"]] == [incident["id"]]
    r = api(f"/incidents/{incident['id']}/interventions",
            {"kind": "naloxone", "dose_mg": "0.4", "route": "in"})
    assert r.status_code == 201 and r.json()["dose_mg"] == "0.40"
    r = api(f"/incidents/{incident['id']}/close", {"outcome": "hospital"})
    assert r.status_code == 200 and r.json()["outcome"] == "hospital"
    assert api.get("/sites/h17/board").json()["open_incidents"] == []


def test_api_refuses_unknown_kind_with_400(api, sites):
    r = api("/incidents", {"site": "h17", "kind": "sneeze"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"


def test_one_tap_alarm_page_flow(client, door, visit):
    client.force_login(door)
    r = client.post("/staff/sites/h17/alarm", {"visit": str(visit.pk)})
    incident = Incident.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/staff/incidents/{incident.pk}/"
    page = client.get(r["Location"]).content.decode()
    assert visit.booth.label in page and "0.4 mg" in page
    client.post(r["Location"], {"action": "intervention", "kind": "naloxone", "dose_mg": "0.8",
                                "route": "im"})
    client.post(r["Location"], {"action": "close", "outcome": "recovered_on_site"})
    incident.refresh_from_db()
    assert incident.outcome == "recovered_on_site"
    assert incident.interventions.get().dose_mg == Decimal("0.8")

"""Issue 16 item 3: one alarm per emergency, the kind chosen later (statistics follow it),
and whoever records an intervention responds."""

from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.errors import DomainError
from stofrum.health import services
from stofrum.health.models import Incident
from stofrum.stats import indicators
from stofrum.visits.services import check_in


@pytest.fixture
def visit(door, sites, make_person):
    return check_in(door, make_person(alias="Ole"), sites["h17"], ["cocaine"], "injection")


@pytest.fixture
def published():
    """Every event published after commit, as (site, event, data)."""
    with mock.patch("stofrum.health.services.publish_after_commit") as publish:
        yield publish


def _events(publish, name):
    return [c.args[2] for c in publish.call_args_list if c.args[1] == name]


def test_a_second_alarm_on_the_same_visit_joins_the_open_incident(door, sites, visit,
                                                                   make_staff, published):
    nurse = make_staff("health", ["h17"])
    first = services.raise_alarm(door, sites["h17"], visit=visit)
    second = services.raise_alarm(nurse, sites["h17"], visit=visit)
    assert second.pk == first.pk and second.joined and not first.joined
    assert Incident.objects.count() == 1
    assert len(_events(published, "alarm")) == 1  # no second banner
    assert AuditEvent.objects.filter(action="health.incident.raised").count() == 1


def test_after_closing_a_new_alarm_opens_a_new_incident(door, sites, visit):
    first = services.raise_alarm(door, sites["h17"], visit=visit)
    services.close_incident(door, first, "recovered_on_site")
    second = services.raise_alarm(door, sites["h17"], visit=visit)
    assert second.pk != first.pk and not second.joined


def test_alarms_without_a_visit_never_join(door, sites):
    a = services.raise_alarm(door, sites["h17"])
    b = services.raise_alarm(door, sites["h17"])
    assert a.pk != b.pk


def test_the_api_answers_201_then_200_with_the_open_incident(api_as, door, visit):
    api = api_as(door)
    first = api.post("/incidents", {"site": "h17", "visit": str(visit.pk)})
    assert first.status_code == 201, first.json()
    assert first.json()["kind"] == "unknown"
    second = api.post("/incidents", {"site": "h17", "kind": "seizure",
                                     "visit": str(visit.pk)})
    assert second.status_code == 200, second.json()
    assert second.json()["id"] == first.json()["id"]
    assert Incident.objects.count() == 1


def test_the_tile_alarm_joins_and_the_board_tile_shows_it(client, door, sites, visit):
    client.force_login(door)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the message is made in English
    r1 = client.post("/staff/sites/h17/alarm", {"visit": str(visit.pk)})
    r2 = client.post("/staff/sites/h17/alarm", {"visit": str(visit.pk)})
    incident = Incident.objects.get()
    assert r1["Location"] == r2["Location"] == f"/staff/incidents/{incident.pk}/"
    assert incident.kind == "unknown"
    assert "An alarm is already running here" in client.get(r2["Location"]).content.decode()
    board = client.get("/staff/sites/h17/board").content.decode()
    assert 'class="tile-alarm"' in board
    assert f'href="/staff/incidents/{incident.pk}/"' in board
    services.close_incident(door, incident, "recovered_on_site")
    assert 'class="tile-alarm"' not in client.get("/staff/sites/h17/board").content.decode()


def test_kind_is_unknown_until_chosen_and_a_correction_is_audited(door, sites, visit,
                                                                  published):
    incident = services.raise_alarm(door, sites["h17"], visit=visit)
    assert incident.kind == "unknown"
    services.set_incident_kind(door, incident, "overdose_stimulant")
    incident.refresh_from_db()
    assert incident.kind == "overdose_stimulant"
    event = AuditEvent.objects.get(action="health.incident.kind_set")
    assert event.changes["kind"] == ["unknown", "overdose_stimulant"]
    assert _events(published, "alarm")[-1]["kind"] == "overdose_stimulant"
    with pytest.raises(DomainError) as info:
        services.set_incident_kind(door, incident, "sneeze")
    assert info.value.code == "invalid_input"


def test_the_kind_can_be_corrected_after_closing_and_statistics_follow(door, sites, visit):
    incident = services.raise_alarm(door, sites["h17"], "overdose_opioid", visit=visit)
    services.close_incident(door, incident, "recovered_on_site")
    today = timezone.localdate()
    before = indicators.summary([sites["h17"]], today, today)
    assert before["incidents_by_kind"] == {"overdose_opioid": 1}
    services.set_incident_kind(door, incident, "overdose_stimulant")
    after = indicators.summary([sites["h17"]], today, today)
    assert after["incidents_by_kind"] == {"overdose_stimulant": 1}


def test_closing_may_set_the_kind_in_the_same_step(door, sites, visit):
    incident = services.raise_alarm(door, sites["h17"], visit=visit)
    services.close_incident(door, incident, "hospital", kind="seizure")
    incident.refresh_from_db()
    assert (incident.kind, incident.outcome) == ("seizure", "hospital")
    other = services.raise_alarm(door, sites["h17"])
    services.close_incident(door, other, "other")  # "unknown" may stay: decided later
    assert Incident.objects.get(pk=other.pk).kind == "unknown"


def test_the_api_patches_the_kind(api_as, door, visit):
    api = api_as(door)
    incident = api.post("/incidents", {"site": "h17", "visit": str(visit.pk)}).json()
    r = api.patch(f"/incidents/{incident['id']}", {"kind": "overdose_other"})
    assert r.status_code == 200 and r.json()["kind"] == "overdose_other"
    r = api.patch(f"/incidents/{incident['id']}", {"kind": "sneeze"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"


def test_the_incident_page_sets_the_kind(client, door, sites, visit):
    incident = services.raise_alarm(door, sites["h17"], visit=visit)
    client.force_login(door)
    page = client.get(f"/staff/incidents/{incident.pk}/").content.decode()
    assert 'name="kind"' in page and 'value="set_kind"' in page
    client.post(f"/staff/incidents/{incident.pk}/", {"action": "set_kind", "kind": "bleeding"})
    assert Incident.objects.get(pk=incident.pk).kind == "bleeding"


def test_recording_an_intervention_makes_a_responder(door, sites, visit, make_staff,
                                                     published):
    nurse = make_staff("health", ["h17"])
    incident = services.raise_alarm(door, sites["h17"], visit=visit)
    assert services.alarm_payload(incident)["responders"] == []
    services.record_intervention(nurse, incident, "naloxone", dose_mg="0.4", route="in")
    services.record_intervention(nurse, incident, "oxygen")
    assert services.alarm_payload(incident)["responders"] == [nurse.username]
    assert _events(published, "alarm")[-1]["responders"] == [nurse.username]
    assert AuditEvent.objects.filter(action="health.incident.acknowledged").count() == 1

"""Violations, quarantines and exclusions: scope, expiry in Copenhagen time, lifting, and
who may do what, through the use cases, the pages and the API."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.conduct import services
from stofrum.conduct.models import Quarantine
from stofrum.errors import DomainError
from stofrum.visits.services import check_in


@pytest.fixture
def leader(make_staff):
    return make_staff("leader", ["h17"])


def refused_code(door, person, site):
    with pytest.raises(DomainError) as info:
        check_in(door, person, site, ["heroin"], "injection")
    return info.value


def test_all_sites_quarantine_refuses_check_in_at_another_site_with_the_end_date(
        door, leader, make_person, sites):
    person = make_person()
    until = timezone.localdate() + timedelta(days=14)
    services.decide_quarantine(leader, person, "all", until=until, reason="Threatened staff")
    error = refused_code(door, person, sites["skyen"])
    assert error.code == "quarantined"
    assert error.extra["until"] == until.isoformat()
    assert until.strftime("%d.%m.%Y") in str(error.message) or until.strftime(
        "%d.%m.%y") in str(error.message) or str(until.day) in str(error.message)


def test_one_site_quarantine_covers_only_that_site(door, leader, make_person, sites):
    person = make_person()
    services.decide_quarantine(leader, person, [sites["h17"]],
                               until=timezone.localdate() + timedelta(days=3), reason="r")
    assert refused_code(door, person, sites["h17"]).code == "quarantined"
    assert check_in(door, person, sites["skyen"], ["heroin"], "injection").pk


def test_a_leader_cannot_quarantine_at_a_site_they_do_not_lead(leader, make_person, sites):
    with pytest.raises(DomainError) as info:
        services.decide_quarantine(leader, make_person(), [sites["skyen"]],
                                   until=timezone.localdate(), reason="r")
    assert info.value.status == 404
    assert not Quarantine.objects.exists()


@pytest.mark.parametrize("role", ["reception", "health", "analyst", "admin"])
def test_only_leaders_decide_quarantines(make_staff, make_person, role):
    staff = make_staff(role, ["h17"])
    with pytest.raises(DomainError) as info:
        services.decide_quarantine(staff, make_person(), "all",
                                   until=timezone.localdate(), reason="r")
    assert info.value.status == 403
    assert not Quarantine.objects.exists()


@pytest.mark.parametrize("until_delta, reason, code", [
    (-1, "r", "until_in_past"),
    (3, "", "text_required"),
    (3, "   ", "text_required"),
    (3, "x" * 2001, "text_too_long"),
])
def test_bad_quarantines_are_refused_and_write_nothing(leader, make_person, until_delta,
                                                       reason, code):
    person = make_person()
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as info:
        services.decide_quarantine(leader, person, "all", reason=reason,
                                   until=timezone.localdate() + timedelta(days=until_delta))
    assert info.value.code == code
    assert not Quarantine.objects.exists()
    assert AuditEvent.objects.count() == events


def test_empty_scope_is_refused(leader, make_person):
    with pytest.raises(DomainError) as info:
        services.decide_quarantine(leader, make_person(), [], until=timezone.localdate(),
                                   reason="r")
    assert info.value.code == "quarantine_scope"


def test_quarantine_ends_at_midnight_copenhagen_time(door, leader, make_person, sites,
                                                     monkeypatch):
    """Until 1 December (included): refused at 23:59 Copenhagen time on 1 December, which
    is 22:59 UTC, and admitted one minute past midnight, which is still 1 December in UTC."""
    person = make_person()
    last_day = timezone.localdate() + timedelta(days=5)
    services.decide_quarantine(leader, person, "all", until=last_day, reason="r")
    before_midnight = datetime(last_day.year, last_day.month, last_day.day, 22, 59, tzinfo=UTC)
    after_midnight = before_midnight + timedelta(minutes=2)
    assert timezone.localdate(after_midnight) > last_day >= after_midnight.date()

    monkeypatch.setattr(timezone, "now", lambda: before_midnight)
    assert refused_code(door, person, sites["h17"]).code == "quarantined"
    monkeypatch.setattr(timezone, "now", lambda: after_midnight)
    assert check_in(door, person, sites["h17"], ["heroin"], "injection").pk


def test_a_future_quarantine_does_not_refuse_today(door, leader, make_person, sites):
    person = make_person()
    today = timezone.localdate()
    services.decide_quarantine(leader, person, "all", starts_on=today + timedelta(days=2),
                               until=today + timedelta(days=9), reason="r")
    assert check_in(door, person, sites["h17"], ["heroin"], "injection").pk


def test_lifting_early_lets_the_person_in_and_is_audited(door, leader, make_person, sites):
    person = make_person()
    q = services.decide_quarantine(leader, person, "all",
                                   until=timezone.localdate() + timedelta(days=30), reason="r")
    with pytest.raises(DomainError) as info:
        services.lift_quarantine(leader, q, reason="")
    assert info.value.code == "text_required"
    services.lift_quarantine(leader, q, reason="Apologised; agreed a plan")
    assert check_in(door, person, sites["h17"], ["heroin"], "injection").pk
    with pytest.raises(DomainError) as info:
        services.lift_quarantine(leader, q, reason="again")
    assert info.value.code == "not_quarantined"
    assert AuditEvent.objects.filter(action="conduct.quarantine_lifted").count() == 1
    assert AuditEvent.objects.filter(action="conduct.quarantine_decided").count() == 1


def test_reception_cannot_lift_and_a_leader_elsewhere_cannot_lift_a_site_quarantine(
        door, leader, make_staff, make_person, sites):
    q = services.decide_quarantine(leader, make_person(), [sites["h17"]],
                                   until=timezone.localdate() + timedelta(days=3), reason="r")
    for staff in (door, make_staff("leader", ["skyen"])):
        with pytest.raises(DomainError) as info:
            services.lift_quarantine(staff, q, reason="no")
        assert info.value.status == 404
    q.refresh_from_db()
    assert q.lifted_at is None


def test_door_staff_exclude_for_the_rest_of_the_day_at_their_site_only(door, make_person,
                                                                      sites):
    person = make_person()
    exclusion = services.exclude_for_today(door, person, sites["h17"], reason="Dealing")
    assert exclusion.starts_on == timezone.localdate()
    assert exclusion.starts_at <= timezone.now() < exclusion.ends_at
    assert refused_code(door, person, sites["h17"]).code == "excluded_today"
    assert check_in(door, person, sites["skyen"], ["heroin"], "injection").pk
    assert list(services.active_quarantines(sites["h17"])) == [exclusion]
    assert list(services.active_quarantines(sites["skyen"])) == []


def test_violation_is_recorded_with_rule_and_time(door, make_person, sites):
    person = make_person()
    v = services.record_violation(door, person, sites["h17"], rule="No dealing",
                                  description="Sold pills in the waiting room")
    assert list(services.history(person, door)["violations"]) == [v]
    with pytest.raises(DomainError) as info:
        services.record_violation(door, person, sites["h17"], rule="", description="x")
    assert info.value.code == "text_required"
    with pytest.raises(DomainError) as info:
        services.record_violation(door, person, sites["h17"], rule="r", description="x",
                                  occurred_at=timezone.now() + timedelta(hours=2))
    assert info.value.code == "invalid_date"


def test_the_database_refuses_a_day_exclusion_longer_than_a_day(leader, make_person):
    from django.db import IntegrityError, transaction

    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        Quarantine.objects.create(kind="day_exclusion", person=make_person(),
                                  starts_on=today, ends_on=today + timedelta(days=1),
                                  reason="r", decided_by=leader)


# --- the API -----------------------------------------------------------------------------


def test_api_quarantine_lift_and_history(api_as, leader, door, make_person, sites):
    person = make_person()
    until = (timezone.localdate() + timedelta(days=7)).isoformat()
    r = api_as(leader).post("/quarantines", {"person": str(person.pk), "sites": "all",
                                             "until": until, "reason": "Violence"})
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["sites"] == "all" and body["until"] == until and body["in_force"]

    r = api_as(door).post("/visits", {"person": str(person.pk), "site": "skyen",
                                      "substances": ["heroin"], "method": "injection"})
    assert r.status_code == 422 and r.json()["code"] == "quarantined"
    assert r.json()["until"] == until

    history = api_as(door).get(f"/persons/{person.code}/quarantines")
    assert history.status_code == 200 and [q["id"] for q in history.json()["items"]] == [body["id"]]

    assert api_as(door).post(f"/quarantines/{body['id']}/lift",
                             {"reason": "x"}).status_code == 403
    r = api_as(leader).post(f"/quarantines/{body['id']}/lift", {"reason": "Calm talk"})
    assert r.status_code == 200 and not r.json()["in_force"]


@pytest.mark.parametrize("body, status, code", [
    ({"sites": ["skyen"]}, 404, "not_found"),
    ({"sites": "everywhere"}, 400, "quarantine_scope"),
    ({"sites": []}, 400, "quarantine_scope"),
    ({"until": "2001-01-01"}, 422, "until_in_past"),
    ({"until": "not a date"}, 400, "invalid_input"),
    ({"reason": ""}, 400, "text_required"),
])
def test_api_refuses_bad_quarantines(api_as, leader, make_person, body, status, code):
    person = make_person()
    payload = {"person": str(person.pk), "sites": ["h17"], "reason": "r",
               "until": (timezone.localdate() + timedelta(days=1)).isoformat(), **body}
    r = api_as(leader).post("/quarantines", payload)
    assert r.status_code == status, r.json()
    assert r.json()["code"] == code
    assert not Quarantine.objects.exists()


def test_api_exclusion_and_violation_by_door_staff(api_as, door, make_person):
    person = make_person()
    r = api_as(door).post("/violations", {"person": person.code, "site": "h17",
                                          "rule": "No dealing", "description": "Sold pills"})
    assert r.status_code == 201
    r = api_as(door).post("/quarantines/exclusions", {"person": person.code, "site": "h17",
                                                      "reason": "Sold pills"})
    assert r.status_code == 201 and r.json()["kind"] == "day_exclusion"


# --- the pages ---------------------------------------------------------------------------


def test_leader_quarantines_from_the_person_page(client, login, leader, make_person):
    person = make_person()
    login(leader)
    until = (timezone.localdate() + timedelta(days=10)).isoformat()
    r = client.post(f"/staff/persons/{person.code}/quarantines",
                    {"scope": "all", "until": until, "reason": "Threats"})
    assert r.status_code == 302
    q = Quarantine.objects.get()
    assert q.all_sites and q.ends_on.isoformat() == until
    page = client.get(f"/staff/persons/{person.code}/").content.decode()
    assert "Threats" in page
    r = client.post(f"/staff/persons/{person.code}/quarantines",
                    {"scope": "all", "until": "", "reason": "again"}, follow=True)
    assert Quarantine.objects.count() == 1
    assert "error" in r.content.decode()


def test_site_quarantine_list_shows_who_is_out_today(client, login, door, leader,
                                                     make_person, sites):
    person = make_person(alias="Karantænius")
    services.decide_quarantine(leader, person, "all",
                               until=timezone.localdate() + timedelta(days=2), reason="r")
    login(door)
    page = client.get("/staff/sites/skyen/quarantines").content.decode()
    assert "Karantænius" in page


def test_door_staff_exclude_from_the_person_page(client, login, door, make_person, sites):
    person = make_person()
    login(door)
    page = client.get(f"/staff/persons/{person.code}/").content.decode()
    assert 'id="exclusion-form"' in page and 'id="quarantine-form"' not in page
    r = client.post(f"/staff/persons/{person.code}/exclusion",
                    {"site": "h17", "reason": "Solgte piller"})
    assert r.status_code == 302
    q = Quarantine.objects.get()
    assert q.kind == "day_exclusion" and list(q.sites.all()) == [sites["h17"]]

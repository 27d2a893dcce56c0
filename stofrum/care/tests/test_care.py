"""Services and referrals: recording, the status flow, follow-ups due, bad input, and the
same through the API and the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.care import services
from stofrum.care.models import Referral, Service, ServiceKind
from stofrum.errors import DomainError
from stofrum.visits.services import check_in


@pytest.fixture
def visit(door, make_person, sites):
    return check_in(door, make_person(alias="Ada"), sites["h17"], ["heroin"], "injection")


def test_every_service_of_the_domain_is_in_the_code_list(db):
    codes = set(ServiceKind.objects.values_list("code", flat=True))
    assert {"wound_care", "eye_rinse", "injection_guidance", "doctor_assessment",
            "conversation", "advice_drugs", "observation"} <= codes


def test_service_from_a_visit_links_the_person_and_is_audited(door, visit, sites):
    service = services.record_service(door, sites["h17"], "wound_care", visit=visit)
    assert service.person == visit.person and service.visit == visit
    assert AuditEvent.objects.filter(action="care.service_recorded",
                                     object_id=str(service.pk)).exists()


def test_anonymous_service(door, sites):
    service = services.record_service(door, sites["h17"], "advice_drugs", note="Naloxone kit")
    assert service.person is None and service.note == "Naloxone kit"


@pytest.mark.parametrize("kind, note, code", [
    ("no_such_service", "", "unknown_service_kind"),
    ("wound_care", "x" * 2001, "text_too_long"),
])
def test_bad_services_are_refused_and_write_nothing(door, sites, kind, note, code):
    with pytest.raises(DomainError) as info:
        services.record_service(door, sites["h17"], kind, note=note)
    assert info.value.code == code and info.value.status == 400
    assert not Service.objects.exists()


def test_a_visit_at_another_site_is_refused(door, visit, sites):
    with pytest.raises(DomainError) as info:
        services.record_service(door, sites["skyen"], "wound_care", visit=visit)
    assert info.value.code == "visit_elsewhere"


def test_staff_of_another_site_cannot_record_there(make_staff, sites):
    with pytest.raises(DomainError) as info:
        services.record_service(make_staff("reception", ["skyen"]), sites["h17"], "wound_care")
    assert info.value.status == 404


def test_referral_gets_a_default_follow_up_and_moves_through_its_statuses(door, visit, sites,
                                                                          settings):
    settings.STOFRUM_REFERRAL_FOLLOW_UP_DAYS = 5
    referral = services.refer(door, sites["h17"], visit.person, "drug_treatment", visit=visit)
    assert referral.status == "suggested"
    assert referral.follow_up_on == timezone.localdate() + timedelta(days=5)
    services.update_referral(door, referral, status="contacted")
    services.update_referral(door, referral, status="appointment",
                             follow_up_on=timezone.localdate() + timedelta(days=1))
    referral = services.update_referral(door, referral, status="attended",
                                        outcome="Started methadone")
    assert referral.closed_at is not None and referral.outcome == "Started methadone"
    with pytest.raises(DomainError) as info:
        services.update_referral(door, referral, status="contacted")
    assert info.value.code == "referral_closed"
    assert AuditEvent.objects.filter(action="care.referral_updated").count() == 3


def test_a_referral_cannot_skip_to_attended_from_suggested(door, visit, sites):
    referral = services.refer(door, sites["h17"], visit.person, "gp")
    with pytest.raises(DomainError) as info:
        services.update_referral(door, referral, status="not_attended")
    assert info.value.code == "invalid_status_change"
    with pytest.raises(DomainError) as info:
        services.update_referral(door, referral, status="bogus")
    assert info.value.code == "invalid_status"
    referral.refresh_from_db()
    assert referral.status == "suggested"


def test_a_missed_appointment_can_be_made_again(door, visit, sites):
    referral = services.refer(door, sites["h17"], visit.person, "gp")
    services.update_referral(door, referral, status="appointment")
    referral = services.update_referral(door, referral, status="not_attended")
    assert not referral.is_open
    referral = services.update_referral(door, referral, status="appointment")
    assert referral.is_open


def test_follow_ups_due_lists_open_referrals_whose_day_has_come(door, make_person, sites):
    today = timezone.localdate()
    a, b, c = (make_person(alias=n) for n in ("Ane", "Bent", "Carl"))
    due = services.refer(door, sites["h17"], a, "gp", follow_up_on=today)
    services.refer(door, sites["h17"], b, "gp", follow_up_on=today + timedelta(days=3))
    closed = services.refer(door, sites["h17"], c, "gp", follow_up_on=today)
    services.update_referral(door, closed, status="declined")
    Referral.objects.filter(pk=due.pk).update(follow_up_on=today - timedelta(days=2))
    assert [r.pk for r in services.follow_ups_due(sites["h17"])] == [due.pk]
    assert list(services.follow_ups_due(sites["skyen"])) == []


def test_a_follow_up_in_the_past_is_refused(door, visit, sites):
    with pytest.raises(DomainError) as info:
        services.refer(door, sites["h17"], visit.person, "gp",
                       follow_up_on=timezone.localdate() - timedelta(days=1))
    assert info.value.code == "invalid_date"
    assert not Referral.objects.exists()


def test_api_services_and_referrals(api_as, door, visit):
    api = api_as(door)
    r = api.post("/services", {"site": "h17", "kind": "eye_rinse", "visit": str(visit.pk)})
    assert r.status_code == 201 and r.json()["person"] == visit.person.code
    assert api.post("/services", {"site": "h17", "kind": "nope"}).json()["code"] == \
        "unknown_service_kind"
    r = api.post("/referrals", {"person": str(visit.person.pk), "target": "psychiatry",
                                "site": "h17", "note": "Wants to talk"})
    assert r.status_code == 201 and r.json()["status"] == "suggested"
    rid = r.json()["id"]
    r = api.patch(f"/referrals/{rid}", {"status": "contacted", "outcome": "Called"})
    assert r.status_code == 200 and r.json()["status"] == "contacted"
    r = api.patch(f"/referrals/{rid}", {"status": "bogus"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_status"
    r = api.get("/referrals", site="h17")
    assert r.json()["count"] == 1


def test_api_referral_without_site_uses_the_visit_or_needs_one(api_as, door, visit):
    api = api_as(door)  # door works at four sites
    r = api.post("/referrals", {"person": visit.person.code, "target": "gp"})
    assert r.status_code == 400 and r.json()["code"] == "site_required"
    r = api.post("/referrals", {"person": visit.person.code, "target": "gp",
                                "visit": str(visit.pk)})
    assert r.status_code == 201 and r.json()["site"] == "h17"


def test_two_taps_from_the_board_record_a_service(client, login, door, visit):
    login(door)
    board = client.get("/staff/sites/h17/board").content.decode()
    link = f"/staff/sites/h17/care?visit={visit.pk}"
    assert link in board
    page = client.get(link).content.decode()
    assert 'value="wound_care"' in page
    r = client.post("/staff/sites/h17/care", {"action": "service", "kind": "wound_care",
                                               "visit": str(visit.pk)})
    assert r.status_code == 302 and r["Location"] == "/staff/sites/h17/#board"
    assert Service.objects.get().visit == visit


def test_referral_page_flow_and_follow_ups_on_staff_home(client, login, door, visit):
    login(door)
    r = client.post("/staff/sites/h17/care", {
        "action": "referral", "target": "emergency_housing", "visit": str(visit.pk),
        "follow_up_on": timezone.localdate().isoformat()})
    assert r.status_code == 302
    referral = Referral.objects.get()
    home = client.get("/staff/").content.decode()
    assert f"/staff/referrals/{referral.pk}/" in home
    r = client.post(f"/staff/referrals/{referral.pk}/", {"status": "contacted",
                                                         "outcome": "Called the shelter"})
    assert r.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "contacted"
    r = client.post(f"/staff/referrals/{referral.pk}/", {"status": "suggested"})
    assert r.status_code == 422


def test_bad_service_on_the_page_is_shown_in_place(client, login, door, visit):
    login(door)
    r = client.post("/staff/sites/h17/care", {"action": "service", "kind": "nope",
                                               "visit": str(visit.pk)})
    assert r.status_code == 422 and "error-box" in r.content.decode()
    assert not Service.objects.exists()

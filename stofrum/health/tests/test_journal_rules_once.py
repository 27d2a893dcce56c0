"""The journal's rules live once, in health.services: writing is audited as a write (never
also as a read), and the extract for the Region (consent checked, CPR shown in full) is
one audited use case with a stable reason code."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.errors import DomainError
from stofrum.health import services
from stofrum.visits.services import check_in

REAL_CPR = "070380-1234"


@pytest.fixture
def incident(door, sites, make_person):
    visit = check_in(door, make_person(alias="Journal Jens", birth_year=1980), sites["h17"],
                     ["heroin"], "injection")
    return services.raise_alarm(door, sites["h17"], "overdose_opioid", visit=visit)


def journal_actions():
    return list(AuditEvent.objects.filter(action__startswith="health.journal")
                .order_by("pk").values_list("action", flat=True))


def bearer(staff):
    from stofrum.staff.models import ApiToken

    _, raw = ApiToken.issue(staff, timezone.now() + timedelta(hours=1))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# --- a write is audited as a write ---------------------------------------------------------

def test_writing_through_the_api_logs_a_write_and_no_read(client, nurse, incident):
    r = client.post(f"/api/v1/incidents/{incident.pk}/journal",
                    {"cpr": REAL_CPR, "disclosure_consent": "given", "assessment": "a",
                     "treatment": "t"}, content_type="application/json", **bearer(nurse))
    assert r.status_code == 201, r.content
    assert r.json()["cpr_masked"] == "070380-XXXX"
    assert journal_actions() == ["health.journal.written"]


def test_writing_on_the_page_logs_a_write_and_no_read(client, login, nurse, incident):
    login(nurse)
    r = client.post(f"/staff/incidents/{incident.pk}/journal",
                    {"patient_id": "cpr", "cpr": REAL_CPR, "disclosure_consent": "given",
                     "assessment": "a", "treatment": "t", "treated_by": "nurse"})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert journal_actions() == ["health.journal.written"]


# --- the extract for the Region ------------------------------------------------------------

def write(nurse, incident, consent):
    return services.write_journal(nurse, incident, disclosure_consent=consent,
                                  assessment="a", treatment="t", cpr_number=REAL_CPR)


def test_the_extract_is_one_use_case_with_a_stable_reason_code(nurse, incident):
    journal = write(nurse, incident, "given")
    shown = services.journal_extract(nurse, journal)
    assert shown["cpr"] == REAL_CPR and shown["revealed"]
    event = AuditEvent.objects.get(action="health.journal.cpr_revealed")
    assert event.summary == services.EXTRACT_REASON == "extract_for_region"


@pytest.mark.parametrize("consent", ["refused", "not_asked"])
def test_the_extract_needs_consent_and_reveals_nothing_without_it(nurse, incident, consent):
    journal = write(nurse, incident, consent)
    with pytest.raises(DomainError) as info:
        services.journal_extract(nurse, journal)
    assert info.value.code == "no_consent" and info.value.status == 422
    assert journal_actions() == ["health.journal.written"]


def test_the_extract_page_goes_through_the_use_case(client, login, nurse, incident):
    journal = write(nurse, incident, "given")
    login(nurse)
    r = client.get(f"/staff/journal/{journal.pk}/extract")
    assert r.status_code == 200 and REAL_CPR in r.content.decode()
    event = AuditEvent.objects.get(action="health.journal.cpr_revealed")
    assert event.summary == "extract_for_region"


def test_the_extract_page_without_consent_goes_back_to_the_record(client, login, nurse,
                                                                  incident):
    journal = write(nurse, incident, "refused")
    login(nurse)
    r = client.get(f"/staff/journal/{journal.pk}/extract")
    assert r.status_code == 302 and r.url.endswith(f"/staff/journal/{journal.pk}/")
    assert not AuditEvent.objects.filter(action="health.journal.cpr_revealed").exists()

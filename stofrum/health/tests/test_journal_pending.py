"""Issue 16 item 4: the journal is not lost after closing (a list of incidents whose
journal is still to be written, overdue after a set time), and an addendum always belongs
to the original record's patient and treatment time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stofrum.errors import DomainError
from stofrum.health import services
from stofrum.health.models import Incident, JournalRecord, PatientIdentifier
from stofrum.visits.services import check_in

REAL_CPR = "070380-1234"


@pytest.fixture
def incident(door, sites, make_person):
    visit = check_in(door, make_person(alias="Pending Per", birth_year=1980), sites["h17"],
                     ["heroin"], "injection")
    return services.raise_alarm(door, sites["h17"], "overdose_opioid", visit=visit)


def write(nurse, incident, **kw):
    fields = {"disclosure_consent": "given", "assessment": "Respirationsdepression.",
              "treatment": "Naloxon 0,4 mg im.", **kw}
    return services.write_journal(nurse, incident, **fields)


def test_incidents_without_a_journal_are_pending_until_written(nurse, door, sites, incident):
    services.close_incident(door, incident, "recovered_on_site")
    still_open = services.raise_alarm(door, sites["h17"])
    elsewhere = services.raise_alarm(door, sites["skyen"])
    pending = services.journals_pending(sites["h17"])
    assert [i.pk for i in pending] == [incident.pk, still_open.pk]
    assert elsewhere.pk not in [i.pk for i in pending]
    write(nurse, incident, cpr_number=REAL_CPR)
    assert [i.pk for i in services.journals_pending(sites["h17"])] == [still_open.pk]


def test_pending_journals_are_overdue_after_the_set_hours(sites, incident, settings):
    settings.STOFRUM_JOURNAL_DUE_HOURS = 24
    (pending,) = services.journals_pending(sites["h17"])
    assert not pending.journal_overdue
    Incident.objects.filter(pk=incident.pk).update(
        started_at=timezone.now() - timedelta(hours=25))
    (pending,) = services.journals_pending(sites["h17"])
    assert pending.journal_overdue


def test_health_home_lists_pending_journals_of_own_sites_only(client, login, nurse, door,
                                                              sites, make_staff, incident,
                                                              settings):
    settings.STOFRUM_JOURNAL_DUE_HOURS = 24
    Incident.objects.filter(pk=incident.pk).update(
        started_at=timezone.now() - timedelta(hours=30))
    login(nurse)
    page = client.get("/staff/").content.decode()
    assert f"/staff/incidents/{incident.pk}/journal" in page
    assert 'class="badge danger overdue"' in page
    skyen_nurse = make_staff("health", ["skyen"], username="skyen-nurse")
    login(skyen_nurse)
    assert f"/staff/incidents/{incident.pk}/journal" not in client.get("/staff/").content.decode()
    login(door)
    assert "/journal" not in client.get("/staff/").content.decode()


def test_the_board_shows_pending_journals_with_a_link_for_health_staff_only(
        client, login, nurse, door, incident):
    from stofrum.visits.services import check_out

    services.close_incident(door, incident, "recovered_on_site")
    check_out(door, incident.visit)
    login(nurse)
    board = client.get("/staff/sites/h17/board").content.decode()
    assert 'class="journals-pending"' in board
    assert f"/staff/incidents/{incident.pk}/journal" in board
    login(door)
    board = client.get("/staff/sites/h17/board").content.decode()
    assert 'class="journals-pending"' in board
    assert f"/staff/incidents/{incident.pk}/journal" not in board
    pending = board[board.index('class="journals-pending"'):]
    pending = pending[:pending.index("</div>")]
    assert incident.person.code not in pending  # no person data beyond the board's own


def test_an_addendum_keeps_the_patient_and_the_treatment_time(nurse, incident):
    original = write(nurse, incident, fictitious=True)
    numbers = PatientIdentifier.objects.count()
    addendum = write(nurse, incident, assessment="Tilføjelse.", addendum_to=original)
    assert addendum.patient_id == original.patient_id
    assert PatientIdentifier.objects.count() == numbers  # no new fictitious number
    assert addendum.treated_at == original.treated_at
    shown = services.read_journal(nurse, addendum)
    assert shown["cpr_masked"] == services.read_journal(nurse, original)["cpr_masked"]
    assert shown["fictitious"]


def test_an_addendum_refuses_another_patient_identifier(nurse, incident):
    original = write(nurse, incident, cpr_number=REAL_CPR)
    for kw in ({"cpr_number": "010190-1234"}, {"fictitious": True}):
        with pytest.raises(DomainError) as info:
            write(nurse, incident, addendum_to=original, **kw)
        assert info.value.code == "invalid_input"
    assert JournalRecord.objects.count() == 1


def test_the_treatment_time_is_the_treatment_not_the_writing(nurse, incident):
    Incident.objects.filter(pk=incident.pk).update(
        started_at=timezone.now() - timedelta(hours=3))
    incident.refresh_from_db()
    journal = write(nurse, incident, cpr_number=REAL_CPR)
    assert journal.treated_at == incident.started_at


def test_the_addendum_page_does_not_ask_for_the_patient_again(client, login, nurse, incident):
    original = write(nurse, incident, fictitious=True)
    login(nurse)
    url = f"/staff/incidents/{incident.pk}/journal?addendum_to={original.pk}"
    page = client.get(url).content.decode()
    assert 'name="patient_id"' not in page and 'name="cpr"' not in page
    assert "-XXXX" in page  # the original's patient, masked
    r = client.post(url, {"addendum_to": str(original.pk), "treated_by": "nurse",
                          "assessment": "Tilføjelse.", "treatment": "Ingen ændring.",
                          "disclosure_consent": "refused"})
    assert r.status_code == 302, r.content.decode()[:2000]
    addendum = JournalRecord.objects.get(addendum_to=original)
    assert addendum.patient_id == original.patient_id
    assert addendum.treated_at == original.treated_at

"""The health journal: CPR or fictitious number, encrypted, masked, audited, append-only."""

import pytest
from django.db import connection, transaction

from stofrum.audit.models import AuditEvent
from stofrum.errors import DomainError
from stofrum.health import services
from stofrum.health.models import AppendOnlyError, JournalRecord
from stofrum.visits.services import check_in

REAL_CPR = "070380-1234"  # 7 March 1980, 7th digit 1: the 1900s


@pytest.fixture
def incident(door, sites, make_person):
    visit = check_in(door, make_person(alias="Journal Jens", birth_year=1980), sites["h17"],
                     ["heroin"], "injection")
    incident = services.raise_alarm(door, sites["h17"], "overdose_opioid", visit=visit)
    services.record_intervention(door, incident, "naloxone", dose_mg="0.4", route="im")
    return incident


def write(nurse, incident, **kw):
    fields = {"disclosure_consent": "given", "assessment": "Respirationsdepression.",
              "treatment": "Naloxon 0,4 mg im.", **kw}
    return services.write_journal(nurse, incident, **fields)


def test_real_cpr_is_stored_encrypted_and_shown_masked(nurse, incident):
    journal = write(nurse, incident, cpr_number=REAL_CPR)
    stored = JournalRecord.objects.select_related("patient").get(pk=journal.pk)
    assert b"0703801234" not in bytes(stored.patient.ciphertext)
    assert not stored.patient.fictitious
    shown = services.read_journal(nurse, journal)
    assert shown["cpr"] == "070380-XXXX" and not shown["revealed"]
    assert AuditEvent.objects.filter(action="health.journal.read").count() == 1


def test_reveal_needs_a_reason_and_is_audited(nurse, incident):
    journal = write(nurse, incident, cpr_number=REAL_CPR)
    with pytest.raises(DomainError) as info:
        services.read_journal(nurse, journal, reveal=True)
    assert info.value.code == "reason_required"
    shown = services.read_journal(nurse, journal, reveal=True, reason="Videregivelse")
    assert shown["cpr"] == REAL_CPR
    event = AuditEvent.objects.get(action="health.journal.cpr_revealed")
    assert event.summary == "Videregivelse" and "1234" not in str(event.changes)


def test_invalid_cpr_is_refused_with_422(nurse, incident):
    with pytest.raises(DomainError) as info:
        write(nurse, incident, cpr_number="320180-1234")
    assert info.value.code == "invalid_cpr" and info.value.status == 422
    assert not JournalRecord.objects.exists()


def test_exactly_one_of_cpr_and_fictitious(nurse, incident):
    for kw in ({}, {"cpr_number": REAL_CPR, "fictitious": True}):
        with pytest.raises(DomainError) as info:
            write(nurse, incident, **kw)
        assert info.value.code == "invalid_input"


def test_fictitious_number_is_marked_and_reused_for_the_same_person(nurse, incident, door,
                                                                      sites):
    first = write(nurse, incident, fictitious=True)
    shown = services.read_journal(nurse, first, reveal=True, reason="kontrol")
    day = int(shown["cpr"][:2])
    assert first.patient.fictitious and 61 <= day <= 91
    assert shown["cpr"][2:6] == "0780"  # 1 July of the registered birth year
    second_incident = services.raise_alarm(door, sites["h17"], "overdose_opioid",
                                           person=incident.person)
    second = write(nurse, second_incident, fictitious=True)
    assert second.patient_id == first.patient_id
    assert [x["id"] for x in services.read_journal(nurse, second)["linked"]] == [first.pk]


def test_a_later_journal_with_the_same_cpr_links_to_the_earlier(nurse, incident, door, sites,
                                                                  make_person):
    first = write(nurse, incident, cpr_number=REAL_CPR)
    other = services.raise_alarm(door, sites["h17"], "seizure",
                                 person=make_person(alias="Someone else"))
    second = write(nurse, other, cpr_number="0703801234")
    assert services.read_journal(nurse, second)["linked"] == [
        {"id": first.pk, "written_at": first.written_at}]


def test_records_are_append_only_and_corrected_by_addenda(nurse, incident):
    journal = write(nurse, incident, cpr_number=REAL_CPR)
    journal.assessment = "changed"
    with pytest.raises(AppendOnlyError):
        journal.save()
    with pytest.raises(AppendOnlyError):
        journal.delete()
    addendum = write(nurse, incident, assessment="Rettelse: 0,8 mg.", addendum_to=journal)
    assert addendum.addendum_to == journal
    assert JournalRecord.objects.get(pk=journal.pk).assessment == "Respirationsdepression."


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_refuses_update_and_delete_of_journals(nurse, incident):
    journal = write(nurse, incident, cpr_number=REAL_CPR)
    for sql in ("UPDATE health_journalrecord SET assessment = 'x' WHERE id = %s",
                "DELETE FROM health_journalrecord WHERE id = %s"):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(sql, [journal.pk])
    assert JournalRecord.objects.get(pk=journal.pk).assessment == "Respirationsdepression."


def test_only_health_staff_of_the_site_read_journals(nurse, incident, make_staff):
    journal = write(nurse, incident, cpr_number=REAL_CPR)
    for role in ("reception", "leader", "admin", "analyst"):
        staff = make_staff(role, ["h17"], username=f"{role}-j")
        with pytest.raises(DomainError) as info:
            services.get_journal_for(staff, journal.pk)
        # A role that never reads journals is told so; health staff elsewhere are not
        # told the journal exists (API.md, "Access answers").
        assert info.value.code == "forbidden"
    other_nurse = make_staff("health", ["skyen"], username="skyen-nurse")
    with pytest.raises(DomainError) as info:
        services.get_journal_for(other_nurse, journal.pk)
    assert info.value.code == "not_found"


def test_disclosure_only_with_consent(nurse, incident):
    refused = write(nurse, incident, cpr_number=REAL_CPR, disclosure_consent="refused")
    with pytest.raises(DomainError) as info:
        services.record_disclosure(nurse, refused, "Region Hovedstaden")
    assert info.value.code == "no_consent"
    given = write(nurse, incident, cpr_number=REAL_CPR)
    disclosure = services.record_disclosure(nurse, given, "Region Hovedstaden")
    assert disclosure.disclosed_by == nurse


def test_treatment_is_prefilled_from_the_timeline(incident):
    assert "Naloxon" in services.treatment_from_timeline(incident) or \
        "Naloxone" in services.treatment_from_timeline(incident)
    assert "0.40 mg" in services.treatment_from_timeline(incident)


def test_no_cpr_digits_anywhere_in_the_database_file(nurse, incident, settings):
    write(nurse, incident, cpr_number=REAL_CPR)
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the schema
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row if not isinstance(v, bytes | memoryview))
                assert "0703801234" not in text and "070380-1234" not in text, table
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        assert b"0703801234" not in bytes(value)


def test_journal_api(client, nurse, incident):
    from datetime import timedelta

    from django.utils import timezone

    from stofrum.staff.models import ApiToken

    _, raw = ApiToken.issue(nurse, timezone.now() + timedelta(hours=1))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    r = client.post(f"/api/v1/incidents/{incident.pk}/journal",
                    {"cpr": REAL_CPR, "disclosure_consent": "given", "assessment": "a",
                     "treatment": "t", "note": "informeret"},
                    content_type="application/json", **auth)
    assert r.status_code == 201, r.json()
    assert r.json()["cpr_masked"] == "070380-XXXX" and r.json()["fictitious"] is False
    jid = r.json()["id"]
    assert client.get(f"/api/v1/journal/{jid}", **auth).json()["cpr"] == "070380-XXXX"
    r = client.get(f"/api/v1/journal/{jid}", {"reveal": "cpr", "reason": "kontrol"}, **auth)
    assert r.json()["cpr"] == REAL_CPR
    r = client.post(f"/api/v1/incidents/{incident.pk}/journal",
                    {"cpr": "999999-9999", "disclosure_consent": "given", "assessment": "a",
                     "treatment": "t"}, content_type="application/json", **auth)
    assert r.status_code == 422 and r.json()["code"] == "invalid_cpr"


def test_rotate_cpr_key_reencrypts_and_keeps_the_links(nurse, incident):
    from django.core.management import call_command

    journal = write(nurse, incident, cpr_number=REAL_CPR)
    before = JournalRecord.objects.select_related("patient").get(pk=journal.pk).patient
    call_command("rotate_cpr_key")
    after = JournalRecord.objects.select_related("patient").get(pk=journal.pk).patient
    assert after.key_id != before.key_id
    assert bytes(after.ciphertext) != bytes(before.ciphertext)
    assert after.cpr_hash == before.cpr_hash
    assert services.read_journal(nurse, journal, reveal=True, reason="r")["cpr"] == REAL_CPR


def test_no_cpr_in_the_logs(nurse, incident, caplog, client):
    import logging

    with caplog.at_level(logging.DEBUG):
        journal = write(nurse, incident, cpr_number=REAL_CPR)
        services.read_journal(nurse, journal, reveal=True, reason="kontrol")
        with pytest.raises(DomainError):
            write(nurse, incident, cpr_number="999999-9999")
    assert "0703801234" not in caplog.text and "070380-1234" not in caplog.text
    assert "999999" not in caplog.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_dump_holds_no_cpr_digits(nurse, incident):
    import subprocess

    write(nurse, incident, cpr_number=REAL_CPR)
    db = connection.settings_dict
    dump = subprocess.run(
        ["pg_dump", "--data-only", "-h", db["HOST"] or "127.0.0.1", "-p",
         str(db["PORT"] or 5432), "-U", db["USER"] or "postgres", db["NAME"]],
        capture_output=True, check=True).stdout
    assert b"0703801234" not in dump and b"070380-1234" not in dump
    assert b"health_patientidentifier" in dump  # the table was dumped, encrypted

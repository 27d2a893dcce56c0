"""Retention (`manage.py apply_retention`): every limit tried on both sides, the statistics
the same before and after, the append-only guards intact for everyone but the pass."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.conduct.models import Quarantine
from stofrum.desk import services
from stofrum.desk.services import apply_retention
from stofrum.health import services as health
from stofrum.health.models import Disclosure, JournalRecord, PatientIdentifier
from stofrum.people.models import ANONYMISED_ALIAS, FirstAidAgreement, Person
from stofrum.people.search import find_duplicates, search
from stofrum.people.services import sign_first_aid_agreement
from stofrum.sites.models import Site
from stofrum.stats.indicators import summary
from stofrum.visits.services import check_in, check_out
from stofrum.voice.models import Complaint, PublicSubmissionWindow

REAL_CPR = "070380-1234"
ASSESSMENT = "Respirationsdepression efter heroin."
SIGNATURE = "data:image/png;base64,iVBORw0KGgo="
ZEROS = {"journals_deleted": 0, "patients_deleted": 0, "persons_anonymised": 0,
         "addresses_removed": 0, "lockout_records_deleted": 0, "rate_windows_swept": 0,
         "idempotency_keys_deleted": 0, "api_tokens_deleted": 0,
         "neighbour_contacts_removed": 0}


def counts(**nonzero):
    return {**ZEROS, **nonzero}


def years_later(day, years):
    return services._years_before(day, -years)


@pytest.fixture
def nurse(make_staff):
    return make_staff("health", ["h17"], username="nurse")


@pytest.fixture
def incident(door, sites, make_person, settings):
    settings.STOFRUM_INACTIVE_YEARS = 50  # the journal tests' person stays who they are
    visit = check_in(door, make_person(alias="Journal Jens", birth_year=1980), sites["h17"],
                     ["heroin"], "injection")
    return health.raise_alarm(door, sites["h17"], "overdose_opioid", visit=visit)


def write(nurse, incident, **kw):
    fields = {"disclosure_consent": "given", "assessment": ASSESSMENT,
              "treatment": "Naloxon 0,4 mg im.", **kw}
    return health.write_journal(nurse, incident, **fields)


def run_sql(sql, params=None):
    # In a savepoint, so that the test's transaction survives a refusal.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def trail_text() -> str:
    return " ".join(str(row) for row in AuditEvent.objects.values_list(
        "summary", "changes", "object_type", "object_id"))


# --- journal records ------------------------------------------------------------------


def test_a_journal_goes_the_day_after_its_keep_until_date_audited_without_content(
        nurse, incident):
    journal = write(nurse, incident, cpr_number=REAL_CPR)
    Disclosure.objects.create(journal=journal, to_whom="Region Hovedstaden",
                              disclosed_by=nurse)
    keep_until = journal.retain_until

    assert apply_retention(keep_until) == ZEROS
    assert JournalRecord.objects.filter(pk=journal.pk).exists()

    assert apply_retention(keep_until + timedelta(days=1)) == counts(
        journals_deleted=1, patients_deleted=1)
    assert not JournalRecord.objects.exists()
    assert not Disclosure.objects.exists() and not PatientIdentifier.objects.exists()
    event = AuditEvent.objects.get(action="health.journal.deleted")
    assert event.object_id == str(journal.pk) and event.actor is None
    assert event.changes == {"retain_until": keep_until.isoformat(), "disclosures": 1}
    assert AuditEvent.objects.filter(action="health.patient.deleted").count() == 1
    assert ASSESSMENT not in trail_text() and "Region" not in trail_text()
    assert "0703801234" not in trail_text()
    # the incident (and so the statistics of incidents) stays
    assert type(incident).objects.filter(pk=incident.pk).exists()

    assert apply_retention(keep_until + timedelta(days=1)) == ZEROS


def test_a_record_an_addendum_still_needs_stays_until_the_addendum_goes(
        nurse, incident, settings):
    original = write(nurse, incident, cpr_number=REAL_CPR)
    settings.STOFRUM_JOURNAL_RETENTION_YEARS = 11
    addendum = write(nurse, incident, assessment="Rettelse.", addendum_to=original)
    assert addendum.retain_until > original.retain_until

    assert apply_retention(original.retain_until + timedelta(days=1)) == ZEROS
    assert JournalRecord.objects.count() == 2

    assert apply_retention(addendum.retain_until + timedelta(days=1)) == counts(
        journals_deleted=2, patients_deleted=1)
    assert not JournalRecord.objects.exists() and not PatientIdentifier.objects.exists()


def test_an_expired_addendum_goes_alone_and_its_patient_stays_with_the_original(
        nurse, incident, settings):
    settings.STOFRUM_JOURNAL_RETENTION_YEARS = 11
    original = write(nurse, incident, cpr_number=REAL_CPR)
    settings.STOFRUM_JOURNAL_RETENTION_YEARS = 10
    addendum = write(nurse, incident, assessment="Rettelse.", addendum_to=original)

    assert apply_retention(addendum.retain_until + timedelta(days=1)) == counts(
        journals_deleted=1)
    assert list(JournalRecord.objects.values_list("pk", flat=True)) == [original.pk]
    assert PatientIdentifier.objects.count() == 1


def test_outside_the_pass_no_one_deletes_or_changes_a_journal_on_either_engine(
        nurse, incident):
    journal = write(nurse, incident, cpr_number=REAL_CPR)
    journal_id = JournalRecord._meta.pk.get_db_prep_value(journal.pk, connection)
    for sql in ("UPDATE health_journalrecord SET assessment = 'x' WHERE id = %s",
                "DELETE FROM health_journalrecord WHERE id = %s",
                "DELETE FROM health_patientidentifier WHERE id = %s"):
        pk = journal.patient_id if "patient" in sql else journal_id
        with pytest.raises(DatabaseError, match="append-only"):
            run_sql(sql, [pk])
    with services._retention_pass(), pytest.raises(DatabaseError, match="append-only"):
        run_sql("UPDATE health_journalrecord SET assessment = 'x' WHERE id = %s",
                [journal_id])
    # the pass has ended: the same transaction is no longer privileged
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql("DELETE FROM health_journalrecord WHERE id = %s", [journal_id])
    assert JournalRecord.objects.get(pk=journal.pk).assessment == ASSESSMENT


# --- audit trail and lock-out addresses -----------------------------------------------


def test_outside_the_pass_no_one_removes_an_address_and_inside_only_the_address(db):
    event = AuditEvent.objects.create(action="test.event", client_address="10.1.2.3",
                                      summary="as written")
    remove = "UPDATE audit_auditevent SET client_address = NULL WHERE id = %s"
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql(remove, [event.pk])
    with services._retention_pass():
        for sql, params in (
                ("UPDATE audit_auditevent SET summary = 'rewritten' WHERE id = %s", [event.pk]),
                ("UPDATE audit_auditevent SET client_address = NULL, summary = 'x' "
                 "WHERE id = %s", [event.pk]),
                ("UPDATE audit_auditevent SET client_address = '10.9.9.9' WHERE id = %s",
                 [event.pk]),
                ("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])):
            with pytest.raises(DatabaseError, match="append-only"):
                run_sql(sql, params)
        run_sql(remove, [event.pk])
    event.refresh_from_db()
    assert event.client_address is None and event.summary == "as written"
    other = AuditEvent.objects.create(action="test.event", client_address="10.1.2.4")
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql(remove, [other.pk])


def lockout_rows(address):
    row = {"ip_address": address, "user_agent": "test", "username": "someone",
           "http_accept": "*/*", "path_info": "/staff/login/"}
    AccessLog.objects.create(**row)
    AccessFailureLog.objects.create(**row)
    AccessAttempt.objects.create(**row, get_data="", post_data="", failures_since_start=1)


def test_addresses_go_the_day_after_they_are_address_days_old(db, settings):
    settings.STOFRUM_ADDRESS_DAYS = 90
    event = AuditEvent.objects.create(action="test.event", client_address="10.1.2.3",
                                      summary="kept")
    lockout_rows("10.1.2.3")
    written = timezone.localdate(event.at)

    assert apply_retention(written + timedelta(days=90)) == ZEROS
    assert AuditEvent.objects.get(pk=event.pk).client_address == "10.1.2.3"
    assert AccessLog.objects.count() == AccessAttempt.objects.count() == 1

    assert apply_retention(written + timedelta(days=91)) == counts(
        addresses_removed=1, lockout_records_deleted=3)
    event.refresh_from_db()
    assert event.client_address is None and event.summary == "kept"
    assert not (AccessLog.objects.exists() or AccessFailureLog.objects.exists()
                or AccessAttempt.objects.exists())
    assert apply_retention(written + timedelta(days=91)) == ZEROS


def test_expired_complaint_rate_windows_are_swept_and_the_current_one_kept(db):
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    PublicSubmissionWindow.objects.create(key="a" * 64, window_start=hour, count=1)
    PublicSubmissionWindow.objects.create(key="b" * 64, window_start=hour - timedelta(hours=1),
                                          count=3)

    assert apply_retention() == counts(rate_windows_swept=1)
    assert list(PublicSubmissionWindow.objects.values_list("key", flat=True)) == ["a" * 64]
    assert apply_retention() == ZEROS


def test_idempotency_keys_go_when_they_are_over_24_hours_old(door):
    from stofrum.idempotency.models import IdempotentRequest

    today = timezone.localdate()
    midnight = services._start_of(today)
    for key, age in (("old", timedelta(hours=24)), ("young", timedelta(hours=23, minutes=59))):
        IdempotentRequest.objects.create(staff=door, key=key, fingerprint="f" * 64, status=201,
                                         body='{"code": "P-1"}', created_at=midnight - age)

    assert apply_retention(today) == counts(idempotency_keys_deleted=1)
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["young"]
    assert apply_retention(today) == ZEROS


def test_api_tokens_go_once_they_have_expired(door):
    from stofrum.staff.models import ApiToken

    midnight = services._start_of(timezone.localdate())
    ApiToken.issue(door, midnight)
    alive, _raw = ApiToken.issue(door, midnight + timedelta(seconds=1))

    assert apply_retention(timezone.localdate()) == counts(api_tokens_deleted=1)
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [alive.pk]
    assert apply_retention(timezone.localdate()) == ZEROS


# --- persons --------------------------------------------------------------------------


def test_a_person_is_anonymised_the_day_after_the_inactive_years(door, sites, make_person,
                                                                  settings):
    settings.STOFRUM_INACTIVE_YEARS = 5
    person = make_person(alias="Store Bjarne", birth_year=1979, gender="male",
                         municipality="147")
    sign_first_aid_agreement(door, person, sites["h17"], signature=SIGNATURE)
    check_out(door, check_in(door, person, sites["h17"], ["heroin"], "injection"))
    today = timezone.localdate()
    complaint = Complaint.objects.create(
        site=sites["h17"], route="leader", text="For lang ventetid.", anonymous=False,
        person=person, signed_as="Store Bjarne", received_at=timezone.now(),
        answer_due_on=today, recorded_by=door)

    assert apply_retention(years_later(today, 5)) == ZEROS
    assert Person.objects.get(pk=person.pk).alias == "Store Bjarne"

    assert apply_retention(years_later(today, 5) + timedelta(days=1)) == counts(
        persons_anonymised=1)
    person.refresh_from_db()
    assert person.alias == ANONYMISED_ALIAS and person.anonymised_at is not None
    assert (person.birth_year, person.gender, person.municipality) == (1979, "male", "147")
    assert person.visits.count() == 1 and person.agreements.count() == 2
    assert not FirstAidAgreement.objects.exclude(signature="").exists()
    complaint.refresh_from_db()
    assert complaint.signed_as == "" and complaint.person_id == person.pk
    assert search("Store Bjarne") == [] and search("anonymiseret") == []
    assert find_duplicates(ANONYMISED_ALIAS, 1979, "male") == []
    assert [m.person.pk for m in search(person.code)] == [person.pk]  # the code still finds
    event = AuditEvent.objects.get(action="people.person.anonymised")
    assert event.object_id == str(person.pk) and "Bjarne" not in str(event.changes)
    assert "Bjarne" not in event.summary

    # saving the person again (a correction) leaves the search keys empty
    person.save()
    assert search("anonymiseret") == []
    assert apply_retention(years_later(today, 5) + timedelta(days=1)) == ZEROS


def test_a_quarantine_running_past_the_limit_keeps_a_person(door, sites, make_person,
                                                             settings):
    settings.STOFRUM_INACTIVE_YEARS = 5
    today = timezone.localdate()
    quiet = make_person(alias="Quiet One")
    excluded = make_person(alias="Long Quarantine")
    ends_on = today + timedelta(days=30)
    Quarantine.objects.create(person=excluded, all_sites=True, starts_on=today,
                              ends_on=ends_on, reason="Vold", decided_by=door)

    assert apply_retention(years_later(today, 5) + timedelta(days=1)) == counts(
        persons_anonymised=1)
    assert Person.objects.get(pk=quiet.pk).alias == ANONYMISED_ALIAS
    assert apply_retention(years_later(ends_on, 5)) == ZEROS
    assert Person.objects.get(pk=excluded.pk).alias == "Long Quarantine"
    assert apply_retention(years_later(ends_on, 5) + timedelta(days=1)) == counts(
        persons_anonymised=1)


def test_the_person_page_says_the_person_was_anonymised(client, door, make_person, login,
                                                        settings):
    person = make_person(alias="Gamle Hans")
    apply_retention(years_later(timezone.localdate(), settings.STOFRUM_INACTIVE_YEARS + 1))
    login(door)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/staff/persons/{person.code}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Gamle Hans" not in body and "Anonymised" in body


# --- the whole run --------------------------------------------------------------------


def everything(nurse, incident, door, sites, make_person):
    """A journal, an inactive-to-be person with visits, an old address, a stale window."""
    write(nurse, incident, cpr_number=REAL_CPR)
    for alias in ("Anna", "Bo", "Carl"):
        person = make_person(alias=alias)
        check_out(door, check_in(door, person, sites["h17"], ["heroin"], "injection"))
    AuditEvent.objects.create(action="test.event", client_address="10.1.2.3")
    lockout_rows("10.1.2.3")
    PublicSubmissionWindow.objects.create(
        key="b" * 64, count=1,
        window_start=timezone.now().replace(minute=0, second=0, microsecond=0)
        - timedelta(hours=2))


def test_statistics_are_the_same_before_and_after(nurse, incident, door, sites, make_person,
                                                  settings):
    settings.STOFRUM_INACTIVE_YEARS = 5
    everything(nurse, incident, door, sites, make_person)
    today = timezone.localdate()
    every_site = Site.objects.all()
    before = summary(every_site, today - timedelta(days=1), today)
    assert before["visits"] == 4 and before["incidents"] == 1

    done = apply_retention(years_later(today, 20))
    assert done["journals_deleted"] == 1 and done["persons_anonymised"] == 4

    assert summary(every_site, today - timedelta(days=1), today) == before


def state():
    return (list(JournalRecord.objects.values_list("pk", flat=True)),
            list(Person.objects.order_by("pk").values_list("alias", "anonymised_at")),
            list(AuditEvent.objects.order_by("pk").values_list("pk", "client_address")),
            AccessLog.objects.count(), PublicSubmissionWindow.objects.count())


def test_a_dry_run_changes_nothing_and_counts_what_the_run_does(nurse, incident, door, sites,
                                                                 make_person, settings):
    settings.STOFRUM_INACTIVE_YEARS = 5
    everything(nurse, incident, door, sites, make_person)
    later = years_later(timezone.localdate(), 20)
    before = state()

    planned = apply_retention(later, dry_run=True)
    assert state() == before
    assert planned == apply_retention(later)
    assert planned["persons_anonymised"] == 4 and planned["rate_windows_swept"] == 1
    assert state() != before
    assert AuditEvent.objects.filter(action="retention.applied").count() == 1


def test_the_command_prints_counts_only_and_a_second_run_zeros(nurse, incident, door, sites,
                                                                make_person, capsys,
                                                                settings):
    settings.STOFRUM_INACTIVE_YEARS = 5
    everything(nurse, incident, door, sites, make_person)
    later = years_later(timezone.localdate(), 20).isoformat()

    call_command("apply_retention", "--dry-run", "--today", later)
    dry = capsys.readouterr().out.splitlines()
    assert dry[0].startswith("Dry run")
    call_command("apply_retention", "--today", later)
    lines = capsys.readouterr().out.splitlines()
    assert lines == dry[1:] and len(lines) == len(services.RETENTION_COUNTS)
    assert all(re.fullmatch(r"[A-Za-z -]+: \d+", line) for line in lines)
    assert "persons anonymised: 4" in lines and "journal records deleted: 1" in lines
    call_command("apply_retention", "--today", later)
    assert all(line.endswith(": 0") for line in capsys.readouterr().out.splitlines())


@pytest.mark.parametrize("bad", ["2026-13-01", "tomorrow", ""])
def test_a_bad_date_is_a_clear_error(db, bad):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("apply_retention", "--today", bad)

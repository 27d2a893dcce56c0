"""Use cases that gather several apps (the top layer of ARCHITECTURE.md)."""

from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.audit.services import record
from stofrum.care.models import Referral, Service
from stofrum.conduct.models import Quarantine, Violation
from stofrum.errors import Conflict, InvalidInput, NotFound
from stofrum.health.models import Disclosure, Incident, JournalRecord, PatientIdentifier
from stofrum.idempotency.services import delete_expired_idempotency_keys
from stofrum.neighbours.services import remove_expired_contacts
from stofrum.people.models import ANONYMISED_ALIAS, FirstAidAgreement, Person
from stofrum.staff.models import ApiToken
from stofrum.staff.roles import Capability
from stofrum.stats.summaries import mark_visits_stale
from stofrum.visits.choices import OPEN_STATES
from stofrum.visits.models import Visit
from stofrum.voice.models import Complaint, Suggestion
from stofrum.voice.services import sweep_submission_windows


@transaction.atomic
def merge_persons(staff, keep: Person, duplicate: Person) -> Person:
    """Merge `duplicate` into `keep`: visits, agreements, quarantines, violations,
    services, referrals, suggestions and complaints move over, the duplicate stays as a
    pointer (its code still finds `keep`). Refuses `invalid_input`
    (same person / already merged), `open_visits` (409) when both have an open visit.
    Emits `people.person.merged`."""
    if not staff.can(Capability.PERSONS_REGISTER):
        raise NotFound()
    keep, duplicate = (Person.objects.select_for_update().get(pk=p.pk) for p in (keep, duplicate))
    if keep.pk == duplicate.pk or keep.merged_into_id or duplicate.merged_into_id:
        raise InvalidInput("invalid_input", field="person")
    open_visits = Visit.objects.filter(person__in=[keep, duplicate], state__in=OPEN_STATES)
    if open_visits.values("person").distinct().count() > 1:
        raise Conflict("open_visits")
    mark_visits_stale(Visit.objects.filter(person=duplicate))
    moved = Visit.objects.filter(person=duplicate).update(person=keep)
    Visit.objects.filter(assisted_by=duplicate).update(assisted_by=keep)
    for model in (FirstAidAgreement, Quarantine, Violation, Service, Referral, Suggestion,
                  Complaint):
        model.objects.filter(person=duplicate).update(person=keep)
    Person.objects.filter(merged_into=duplicate).update(merged_into=keep)
    duplicate.merged_into = keep
    duplicate.save(update_fields=["merged_into"])
    record(staff, "people.person.merged", keep, summary=f"{duplicate.code} -> {keep.code}",
           changes={"merged": duplicate.code, "visits_moved": moved})
    return keep


# --- Retention (API.md: `manage.py apply_retention`) -------------------------------------

# What a run reports, in this order (counts only: never an alias, an id or an address).
RETENTION_COUNTS = (
    ("journals_deleted", "journal records deleted"),
    ("patients_deleted", "patient identifiers deleted"),
    ("persons_anonymised", "persons anonymised"),
    ("addresses_removed", "client addresses removed from the audit trail"),
    ("lockout_records_deleted", "login lock-out records deleted"),
    ("rate_windows_swept", "complaint rate windows swept"),
    ("idempotency_keys_deleted", "expired idempotency keys deleted"),
    ("api_tokens_deleted", "expired API tokens deleted"),
    ("neighbour_contacts_removed", "neighbour contact details removed"),
)
_CHUNK = 500


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _chunks(items: list):
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


@contextmanager
def _retention_pass():
    """Mark this transaction as the retention pass: the only one the append-only triggers
    let delete a journal record or a patient identifier, or remove an audit event's client
    address (audit 0005, health 0005). The mark ends with the pass (a savepoint), so
    nothing after it in the same transaction is privileged."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL stofrum.retention = 'on'" if postgres
                           else "INSERT INTO stofrum_retention_pass (id) VALUES (1)")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL stofrum.retention = 'off'" if postgres
                           else "DELETE FROM stofrum_retention_pass")


def _deletable_journals(today: date) -> set:
    """Records whose keep-until date lies before `today`, less those an addendum that must
    still be kept points at (directly or through other addenda): each addendum's own date
    decides for it, and a record goes only when nothing kept refers to it."""
    expired = set(JournalRecord.objects.select_for_update()
                  .filter(retain_until__lt=today).values_list("pk", flat=True))
    addenda = defaultdict(set)
    for ids in _chunks(sorted(expired)):
        for pk, original in (JournalRecord.objects.filter(addendum_to__in=ids)
                             .values_list("pk", "addendum_to")):
            addenda[original].add(pk)
    deletable, changed = set(expired), True
    while changed:
        kept = {pk for pk in deletable if addenda[pk] - deletable}
        deletable -= kept
        changed = bool(kept)
    return deletable


def _delete_journals(today: date) -> tuple[int, int]:
    """Delete the journal records past their keep-until date (with their disclosures) and
    the patient identifiers no record uses any more; each deletion audited by id and date
    only. (journals deleted, identifiers deleted)"""
    ids = sorted(_deletable_journals(today))
    patients = set()
    for chunk in _chunks(ids):
        journals = (JournalRecord.objects.filter(pk__in=chunk).select_related("site")
                    .annotate(n_disclosures=models.Count("disclosures")).order_by("pk"))
        for journal in journals:
            patients.add(journal.patient_id)
            record(None, "health.journal.deleted", journal, site=journal.site,
                   summary="retention",
                   changes={"retain_until": journal.retain_until.isoformat(),
                            "disclosures": journal.n_disclosures})
        Disclosure.objects.filter(journal__in=chunk).delete()
    deleted = 0
    for chunk in _chunks(ids):
        # A raw DELETE: the records of one chunk may be each other's addenda, which the
        # collector's PROTECT check would refuse; the database checks the references at
        # commit (deferred), by which time every addendum of a deleted record is gone too.
        deleted += JournalRecord.objects.filter(pk__in=chunk)._raw_delete(connection.alias)
    unused = list(PatientIdentifier.objects.filter(pk__in=patients, journals__isnull=True)
                  .order_by("pk").values_list("pk", flat=True))
    for pk in unused:
        record(None, "health.patient.deleted", object_type="health.patientidentifier",
               object_id=str(pk), summary="retention")
    PatientIdentifier.objects.filter(pk__in=unused).delete()
    return deleted, len(unused)


def _inactive_persons(today: date):
    """Persons not yet anonymised with no activity on or after the day STOFRUM_INACTIVE_YEARS
    before `today`: registered, visited (or assisted a visit), signed an agreement, were
    given a service, referred, recorded for a violation, under a quarantine (or one that
    ends on or after that day), in an incident, or wrote a suggestion or complaint."""
    day = _years_before(today, settings.STOFRUM_INACTIVE_YEARS)
    since = _start_of(day)
    person = OuterRef("pk")
    activity = (
        Visit.objects.filter(person=person, checked_in_at__gte=since),
        Visit.objects.filter(assisted_by=person, checked_in_at__gte=since),
        FirstAidAgreement.objects.filter(person=person, signed_at__gte=since),
        Service.objects.filter(person=person, given_at__gte=since),
        Referral.objects.filter(Q(updated_at__gte=since) | Q(follow_up_on__gte=day),
                                person=person),
        Violation.objects.filter(Q(occurred_at__gte=since) | Q(recorded_at__gte=since),
                                 person=person),
        Quarantine.objects.filter(Q(decided_at__gte=since) | Q(ends_on__gte=day)
                                  | Q(lifted_at__gte=since), person=person),
        Incident.objects.filter(person=person, started_at__gte=since),
        Suggestion.objects.filter(person=person, created_at__gte=since),
        Complaint.objects.filter(person=person, received_at__gte=since),
    )
    persons = Person.objects.filter(anonymised_at__isnull=True, created_at__lt=since)
    for recent in activity:
        persons = persons.exclude(Exists(recent))
    return persons


def _anonymise_persons(today: date) -> int:
    """Anonymise the inactive persons: the alias becomes ANONYMISED_ALIAS (and leaves the
    search keys), the drawn signatures of their first-aid agreements and the names they
    signed complaints with are cleared. Birth year, gender, municipality and every link
    stay, so the statistics stay the same. Audited per person without the alias."""
    persons = list(_inactive_persons(today).select_for_update(of=("self",))
                   .select_related("created_site").order_by("pk"))
    now = timezone.now()
    for chunk in _chunks([p.pk for p in persons]):
        Person.objects.filter(pk__in=chunk).update(
            alias=ANONYMISED_ALIAS, alias_folded="", alias_loose="", anonymised_at=now)
        FirstAidAgreement.objects.filter(person__in=chunk).exclude(signature="").update(
            signature="")
        Complaint.objects.filter(person__in=chunk).exclude(signed_as="").update(signed_as="")
    for person in persons:
        record(None, "people.person.anonymised", person, site=person.created_site,
               summary="retention")
    return len(persons)


def _remove_addresses(today: date) -> tuple[int, int]:
    """Client addresses older than STOFRUM_ADDRESS_DAYS: removed from audit events (only
    the address; the trigger refuses any other change) and, with their rows, from the
    login lock-out tables. (audit events, lock-out rows)"""
    before = _start_of(today - timedelta(days=settings.STOFRUM_ADDRESS_DAYS))
    # The plain QuerySet: AuditEventQuerySet refuses updates to everyone else.
    audit = models.QuerySet.update(
        AuditEvent.objects.filter(at__lt=before, client_address__isnull=False),
        client_address=None)
    lockout = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        _total, per_model = model.objects.filter(attempt_time__lt=before).delete()
        lockout += per_model.get(model._meta.label, 0)
    return audit, lockout


def apply_retention(today: date | None = None, *, dry_run: bool = False) -> dict:
    """Delete and anonymise what has passed its retention time, in one transaction:
    journal records whose keep-until date lies before `today` (default: Copenhagen's today),
    with their disclosures and the patient identifiers no record uses any more; persons
    inactive for STOFRUM_INACTIVE_YEARS anonymised; client addresses older than
    STOFRUM_ADDRESS_DAYS removed from the audit trail and the lock-out tables; the
    complaint form's rate windows (hashed addresses) whose hour is over swept. Each
    deletion and anonymisation is audited without content, and the run as
    `retention.applied` with its counts when it did anything; a second run finds nothing.
    `dry_run` does it all and rolls it back, so its counts are exactly what a run would do.
    Returns the counts (RETENTION_COUNTS)."""
    now = timezone.now() if today is None else _start_of(today)
    today = today or timezone.localdate()
    with transaction.atomic():
        with _retention_pass():
            journals, patients = _delete_journals(today)
            persons = _anonymise_persons(today)
            addresses, lockout = _remove_addresses(today)
        counts = {
            "journals_deleted": journals, "patients_deleted": patients,
            "persons_anonymised": persons, "addresses_removed": addresses,
            "lockout_records_deleted": lockout,
            "rate_windows_swept": sweep_submission_windows(),
            "idempotency_keys_deleted": delete_expired_idempotency_keys(now),
            "api_tokens_deleted": ApiToken.objects.filter(expires_at__lte=now).delete()[0],
            "neighbour_contacts_removed": remove_expired_contacts(today),
        }
        if any(counts.values()):
            record(None, "retention.applied", summary=today.isoformat(), changes=counts)
        if dry_run:
            transaction.set_rollback(True)
    return counts

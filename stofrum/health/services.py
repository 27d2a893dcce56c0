"""Use cases of the overdose response: raise the alarm, respond, record what was done,
close with an outcome. Every one is audited and announced to the site's screens."""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from stofrum.audit.services import record
from stofrum.errors import Conflict, DomainError, InvalidInput, NotFound
from stofrum.health.choices import (
    DisclosureConsent,
    IncidentKind,
    InterventionKind,
    NaloxoneRoute,
    Outcome,
)
from stofrum.health.models import Incident, Intervention, Responder
from stofrum.health.signals import incident_kind_changed
from stofrum.limits import check_date, check_moment
from stofrum.live.publish import publish_after_commit
from stofrum.lookups import at_sites_of, by_pk
from stofrum.staff.access import require_capability
from stofrum.staff.roles import Capability
from stofrum.text import LONG_TEXT_MAX, SHORT_TEXT_MAX, clean_text, refuse_cpr

MAX_NALOXONE_MG = Decimal("10")
# Times entered afterwards may lie this far before the onset (the onset itself is a guess).
BACKDATE_LIMIT = timedelta(hours=6)


def get_incident_for(staff, incident_id) -> Incident:
    """The incident if the staff member responds at its site; else `not_found`;
    `forbidden` when their role does not respond to incidents."""
    require_capability(staff, Capability.INCIDENTS_RESPOND)
    incident = by_pk(Incident.objects.select_related("site", "person", "booth", "visit"),
                     incident_id)
    if incident is None or not staff.can(Capability.INCIDENTS_RESPOND, incident.site):
        raise NotFound()
    return incident


def alarm_payload(incident: Incident) -> dict:
    """What every screen of the site needs to show the alarm (small: NOTIFY's limit)."""
    return {
        "incident": str(incident.pk), "kind": incident.kind,
        "booth": incident.booth.label if incident.booth_id else None,
        "person_code": incident.person.code if incident.person_id else None,
        "started_at": incident.started_at.isoformat(),
        "responders": [r.staff.username for r in incident.responders.all()],
    }


def _moment(value, field: str, *, not_before=None):
    now = timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    check_moment(value, field, event=True)
    if value > now + timedelta(minutes=1):
        raise InvalidInput("invalid_input", field=field, reason="in the future")
    if not_before is not None and value < not_before - BACKDATE_LIMIT:
        raise InvalidInput("invalid_input", field=field, reason="too early")
    return value


def _open_incident_of(visit) -> Incident | None:
    return (Incident.objects.open().filter(visit=visit)
            .select_related("site", "person", "booth", "visit").first())


@transaction.atomic
def raise_alarm(staff, site, kind: str = IncidentKind.UNKNOWN, *, visit=None, person=None,
                started_at=None) -> Incident:
    """Start an incident at once and alarm every screen of the site.

    The kind is "unknown" until staff choose it (`set_incident_kind`). With a visit, the
    person and booth come from it, and an alarm on a visit that already has an open
    incident joins that incident instead of opening another: it is returned with
    `joined = True`, nothing is written and no second alarm goes out. The database holds at
    most one open incident per visit (`incident_one_open_per_visit`), so concurrent alarms
    join too. Refuses `not_found` (site or visit not the caller's), `invalid_input`
    (unknown kind, onset in the future). Emits `health.incident.raised` and an `alarm`
    event.
    """
    if not staff.can(Capability.INCIDENTS_RESPOND, site):
        raise NotFound()
    if kind not in IncidentKind.values:
        raise InvalidInput("invalid_input", field="kind")
    if visit is not None:
        if visit.site_id != site.pk:
            raise NotFound()
        person = visit.person
        if (existing := _open_incident_of(visit)) is not None:
            existing.joined = True
            return existing
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                site=site, kind=kind, visit=visit, person=person,
                booth=visit.booth if visit is not None else None,
                started_at=_moment(started_at, "started_at"), raised_by=staff,
            )
    except IntegrityError:
        # Another alarm for this visit committed first: join it.
        existing = _open_incident_of(visit) if visit is not None else None
        if existing is None:
            raise
        existing.joined = True
        return existing
    incident.joined = False
    record(staff, "health.incident.raised", incident, site=site, summary=kind,
           changes={"booth": incident.booth.label if incident.booth_id else None,
                    "person": person.code if person else None})
    incident_kind_changed.send(sender=Incident, incident=incident, staff=staff, kind_before="")
    publish_after_commit(site.slug, "alarm", alarm_payload(incident))
    publish_after_commit(site.slug, "board", {"reason": "alarm"})
    return incident


def _add_responder(staff, incident: Incident) -> bool:
    """Make the staff member a responder (once); True when they were not one yet."""
    try:
        with transaction.atomic():
            Responder.objects.create(incident=incident, staff=staff)
    except IntegrityError:
        return False
    record(staff, "health.incident.acknowledged", incident, site=incident.site)
    return True


@transaction.atomic
def acknowledge(staff, incident: Incident) -> Incident:
    """"I'm on it": the alarm shows who responds. Idempotent per staff member.
    Emits `health.incident.acknowledged` and an updated `alarm` event."""
    incident = get_incident_for(staff, incident.pk)
    if not incident.is_open:
        raise Conflict("incident_closed")
    if _add_responder(staff, incident):
        publish_after_commit(incident.site.slug, "alarm", alarm_payload(incident))
    return incident


def _apply_kind(staff, incident: Incident, kind: str) -> None:
    """Set the kind of a locked incident, audited with before and after. Incidents are
    counted live by kind (stofrum/stats/indicators.py), so statistics follow at once."""
    if kind not in IncidentKind.values:
        raise InvalidInput("invalid_input", field="kind")
    before = incident.kind
    if kind == before:
        return
    incident.kind = kind
    incident.save(update_fields=["kind"])
    record(staff, "health.incident.kind_set", incident, site=incident.site, summary=kind,
           changes={"kind": [before, kind]})
    incident_kind_changed.send(sender=Incident, incident=incident, staff=staff,
                               kind_before=before)


@transaction.atomic
def set_incident_kind(staff, incident: Incident, kind: str) -> Incident:
    """Choose or correct what kind of incident it was, during or after it (an alarm starts
    as "unknown"). Refuses `invalid_input`. Emits `health.incident.kind_set` (before and
    after) and, while it is open, an updated `alarm` event."""
    incident = get_incident_for(staff, incident.pk)
    incident = (Incident.objects.select_for_update(of=("self",))
                .select_related("site", "person", "booth").get(pk=incident.pk))
    before = incident.kind
    _apply_kind(staff, incident, kind)
    if incident.kind != before:
        if incident.is_open:
            publish_after_commit(incident.site.slug, "alarm", alarm_payload(incident))
        publish_after_commit(incident.site.slug, "board", {"reason": "incident_kind"})
    return incident


def _dose(kind, dose_mg, route):
    if kind != InterventionKind.NALOXONE:
        if dose_mg not in (None, "") or route:
            raise InvalidInput("invalid_input", field="dose_mg", reason="naloxone only")
        return None, ""
    if dose_mg in (None, ""):
        dose = None
    else:
        try:
            dose = Decimal(str(dose_mg))
        except InvalidOperation as exc:
            raise InvalidInput("invalid_input", field="dose_mg") from exc
        if not dose.is_finite() or not Decimal("0") < dose <= MAX_NALOXONE_MG:
            raise InvalidInput("invalid_input", field="dose_mg")
        dose = dose.quantize(Decimal("0.01"))
    if route and route not in NaloxoneRoute.values:
        raise InvalidInput("invalid_input", field="route")
    return dose, route or ""


@transaction.atomic
def record_intervention(staff, incident: Incident, kind: str, *, dose_mg=None, route="",
                        at=None, note: str = "") -> Intervention:
    """Add what was done, when (now unless given). Naloxone takes a dose (mg) and route.
    The staff member who records it becomes a responder (as with "I'm on it").
    Refuses `invalid_input`, `cpr_in_free_text` (400, a CPR number in the note);
    `incident_closed` (409) once closed.
    Emits `health.intervention.recorded` and an `alarm` event (timeline changed)."""
    incident = get_incident_for(staff, incident.pk)
    if not incident.is_open:
        raise Conflict("incident_closed")
    if kind not in InterventionKind.values:
        raise InvalidInput("invalid_input", field="kind")
    dose, route = _dose(kind, dose_mg, route)
    note = (note or "").strip()
    if len(note) > 500:
        raise InvalidInput("invalid_input", field="note")
    refuse_cpr(note, "note")
    intervention = Intervention.objects.create(
        incident=incident, kind=kind, dose_mg=dose, route=route, note=note,
        at=_moment(at, "at", not_before=incident.started_at), recorded_by=staff,
    )
    record(staff, "health.intervention.recorded", intervention, site=incident.site,
           summary=kind, changes={"dose_mg": dose, "route": route,
                                  "at": intervention.at.isoformat()})
    _add_responder(staff, incident)  # who acts responds, as with "I'm on it"
    publish_after_commit(incident.site.slug, "alarm", alarm_payload(incident))
    return intervention


@transaction.atomic
def correct_intervention_time(staff, intervention: Intervention, at) -> Intervention:
    """Correct when something was done (afterwards, from memory or the ambulance's notes).
    Emits `health.intervention.time_corrected` with before and after."""
    incident = get_incident_for(staff, intervention.incident_id)
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    before = intervention.at
    intervention.at = _moment(at, "at", not_before=incident.started_at)
    intervention.save(update_fields=["at"])
    record(staff, "health.intervention.time_corrected", intervention, site=incident.site,
           changes={"at": [before.isoformat(), intervention.at.isoformat()]})
    return intervention


@transaction.atomic
def close_incident(staff, incident: Incident, outcome: str, *, kind: str | None = None
                   ) -> Incident:
    """Close the incident with its outcome; the alarm goes away on every screen. `kind`,
    when given, sets the kind in the same step; "unknown" may stay (it can be corrected
    afterwards with `set_incident_kind`). Refuses `invalid_input` (unknown outcome or
    kind), `incident_closed` (409).
    Emits `health.incident.closed` and an `alarm_closed` event."""
    incident = get_incident_for(staff, incident.pk)
    incident = (Incident.objects.select_for_update(of=("self",)).select_related("site")
                .get(pk=incident.pk))
    if incident.closed_at is not None:
        raise Conflict("incident_closed")
    if outcome not in Outcome.values:
        raise InvalidInput("invalid_input", field="outcome")
    if kind:
        _apply_kind(staff, incident, kind)
    incident.closed_at, incident.closed_by, incident.outcome = timezone.now(), staff, outcome
    incident.save(update_fields=["closed_at", "closed_by", "outcome"])
    record(staff, "health.incident.closed", incident, site=incident.site, summary=outcome)
    publish_after_commit(incident.site.slug, "alarm_closed", {"incident": str(incident.pk)})
    publish_after_commit(incident.site.slug, "board", {"reason": "incident_closed"})
    return incident


def naloxone_reminder_due(incident: Incident, now=None) -> bool:
    """True when the re-dose interval has passed since the last naloxone without an
    improvement recorded after it."""
    now = now or timezone.now()
    interventions = list(incident.interventions.all())
    doses = [i.at for i in interventions if i.kind == InterventionKind.NALOXONE]
    if not doses or not incident.is_open:
        return False
    last = max(doses)
    if any(i.kind == InterventionKind.IMPROVEMENT and i.at >= last for i in interventions):
        return False
    return now - last >= timedelta(seconds=settings.STOFRUM_NALOXONE_REDOSE_SECONDS)


# --- The health journal ----------------------------------------------------------------

def _cpr_modules():
    from stofrum.health import cpr, vault

    return cpr, vault

def get_journal_for(staff, journal_id):
    """The journal record for health staff of its site; `forbidden` for other roles,
    `not_found` for health staff of other sites."""
    from stofrum.health.models import JournalRecord

    require_capability(staff, Capability.JOURNAL_WRITE)
    journal = by_pk(JournalRecord.objects.select_related(
        "incident", "site", "written_by", "incident__person", "patient"), journal_id)
    if journal is None or not staff.can(Capability.JOURNAL_WRITE, journal.site):
        raise NotFound()
    return journal


def _approximate_birth_date(person, birth_date):
    """The birth date for a fictitious number: as told, or 1 July of the birth year."""
    if birth_date is not None:
        return check_date(birth_date, "birth_date", birth=True)
    if person is None:
        raise InvalidInput("invalid_input", field="birth_date",
                           reason="needed for a fictitious number without a person")
    return date(person.birth_year, 7, 1)


def _patient_for(digits: str, fictitious: bool):
    """The patient identifier of this number: found by its keyed hash, else stored now,
    encrypted. Two journals written at once for a new number still share one."""
    from stofrum.health.models import PatientIdentifier

    cpr, vault = _cpr_modules()
    digest = vault.cpr_hash(digits)
    existing = PatientIdentifier.objects.filter(cpr_hash=digest).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return PatientIdentifier.objects.create(
                ciphertext=vault.encrypt_cpr(digits), cpr_hash=digest,
                key_id=vault.current_key_id(), fictitious=fictitious)
    except IntegrityError:
        return PatientIdentifier.objects.get(cpr_hash=digest)


def _fictitious_patient(incident, birth_date, gender):
    """The person's earlier fictitious identifier if there is one (so their journals
    link), else a new number that collides with no stored one."""
    from stofrum.health.models import JournalRecord, PatientIdentifier

    cpr, vault = _cpr_modules()
    person = incident.person
    if person is not None:
        earlier = (JournalRecord.objects.filter(incident__person=person,
                                                patient__fictitious=True)
                   .select_related("patient").order_by("-written_at").first())
        if earlier is not None:
            return earlier.patient
    born = _approximate_birth_date(person, birth_date)
    gender = gender or (person.gender if person is not None else "unknown")
    number = cpr.generate_fictitious(
        born, gender,
        exists=lambda n: PatientIdentifier.objects.filter(
            cpr_hash=vault.cpr_hash(cpr.parse_any(n).digits)).exists())
    return _patient_for(cpr.parse_any(number).digits, fictitious=True)


@transaction.atomic
def write_journal(staff, incident: Incident, *, disclosure_consent: str, assessment: str,
                  treatment: str, information_given: str = "", treated_by: str = "",
                  treated_at=None, cpr_number: str | None = None, fictitious: bool = False,
                  birth_date=None, gender: str | None = None, addendum_to=None):
    """Write the journal record after treatment (health staff of the site only).

    Exactly one of `cpr_number` (validated: real date, century from the 7th digit, no
    modulus 11) and `fictitious` (generated in the CPR office's form for replacement
    numbers, or the person's earlier one). The number is stored encrypted with a keyed hash.
    An addendum (`addendum_to`) takes neither: it belongs to the original record's patient
    and, unless given, its treatment time. The treatment time is the onset unless given.
    The returned record carries `cpr_masked` (DDMMYY-XXXX) for the writer's receipt: the
    write is audited as a write, never also as a read.
    Refuses `not_found`, `invalid_cpr` (422), `invalid_input` (400).
    Emits `health.journal.written` (no CPR in the trail).
    """
    from stofrum.health.models import JournalRecord

    cpr, vault = _cpr_modules()
    require_capability(staff, Capability.JOURNAL_WRITE)
    incident = get_incident_for(staff, incident.pk)
    if not staff.can(Capability.JOURNAL_WRITE, incident.site):
        raise NotFound()
    if addendum_to is not None:
        if cpr_number or fictitious:
            raise InvalidInput("invalid_input", field="cpr",
                               reason="an addendum belongs to the original record's patient")
    elif bool(cpr_number) == bool(fictitious):
        raise InvalidInput("invalid_input", field="cpr",
                           reason="exactly one of cpr and fictitious")
    if disclosure_consent not in DisclosureConsent.values:
        raise InvalidInput("invalid_input", field="disclosure_consent")
    assessment = clean_text(assessment, "assessment", max_length=LONG_TEXT_MAX)
    treatment = clean_text(treatment, "treatment", max_length=LONG_TEXT_MAX)
    information_given = clean_text(information_given, "information_given",
                                   max_length=LONG_TEXT_MAX)
    treated_by = clean_text(treated_by, "treated_by", max_length=SHORT_TEXT_MAX)
    if not assessment or not treatment:
        raise InvalidInput("invalid_input", field="assessment" if not assessment
                           else "treatment")
    if addendum_to is not None and addendum_to.incident_id != incident.pk:
        raise InvalidInput("invalid_input", field="addendum_to")
    if addendum_to is not None:
        patient = addendum_to.patient  # the original's patient, never asked for again
        treated_at = treated_at or addendum_to.treated_at
    elif cpr_number:
        patient = _patient_for(cpr.parse_cpr(cpr_number).digits, fictitious=False)
    else:
        patient = _fictitious_patient(incident, birth_date, gender)
    now = timezone.now()
    journal = JournalRecord.objects.create(
        incident=incident, site=incident.site, addendum_to=addendum_to, written_by=staff,
        treated_by=(treated_by or staff.get_full_name() or staff.username)[:300],
        treated_at=_moment(treated_at or incident.started_at, "treated_at",
                           not_before=incident.started_at),
        assessment=assessment, treatment=treatment,
        information_given=information_given,
        disclosure_consent=disclosure_consent, patient=patient,
        retain_until=(timezone.localdate(now)
                      + timedelta(days=365 * settings.STOFRUM_JOURNAL_RETENTION_YEARS + 3)),
    )
    record(staff, "health.journal.written", journal, site=incident.site,
           summary="addendum" if addendum_to else "",
           changes={"fictitious": patient.fictitious, "consent": disclosure_consent})
    if addendum_to is None:
        publish_after_commit(incident.site.slug, "board", {"reason": "journal_written"})
    journal.cpr_masked = cpr.mask(vault.decrypt_cpr(bytes(patient.ciphertext)))
    return journal


def _without_journal(site):
    from stofrum.health.models import JournalRecord

    return (Incident.objects.filter(site=site)
            .filter(~Exists(JournalRecord.objects.filter(incident=OuterRef("pk")))))


def journals_pending(site, now=None, limit: int | None = None) -> list[Incident]:
    """The site's incidents (open or closed) whose journal is not written yet, oldest
    first (at most `limit`); each with `journal_overdue` once `STOFRUM_JOURNAL_DUE_HOURS`
    have passed since the onset. Shown on the health staff's home page and the board."""
    now = now or timezone.now()
    due = timedelta(hours=settings.STOFRUM_JOURNAL_DUE_HOURS)
    incidents = _without_journal(site).select_related("booth").order_by("started_at", "pk")
    incidents = list(incidents[:limit] if limit else incidents)
    for incident in incidents:
        incident.journal_overdue = now - incident.started_at >= due
    return incidents


def journals_pending_count(site) -> int:
    return _without_journal(site).count()


# The reason recorded (audit summary) when the extract for the Region shows the CPR
# number: a stable code, not a sentence in some language (the trail is read in both).
EXTRACT_REASON = "extract_for_region"


def read_journal(staff, journal, *, reveal: bool = False, reason: str = "") -> dict:
    """The record for display with the CPR number masked (DDMMYY-XXXX); `reveal` shows it in
    full, only with a reason. Every read is audited (`health.journal.read`,
    `health.journal.cpr_revealed`, the reason as the summary). Refuses `reason_required`
    (422), `cpr_in_free_text` (400: the reason would carry the number into the audit
    trail)."""
    journal = get_journal_for(staff, journal.pk)
    reason = (reason or "").strip()
    if reveal and not reason:
        raise DomainError("reason_required")
    refuse_cpr(reason, "reason")
    return _shown(staff, journal, reveal=reveal, summary=reason[:200])


def journal_extract(staff, journal) -> dict:
    """The printable extract for the Region: the record with the CPR number in full, only
    when the person consented to disclosure (`disclosure_consent` "given"). The reveal is
    audited as `health.journal.cpr_revealed` with the stable reason `EXTRACT_REASON`.
    Refuses `not_found`, `no_consent` (422; nothing is shown or recorded)."""
    journal = get_journal_for(staff, journal.pk)
    if journal.disclosure_consent != DisclosureConsent.GIVEN:
        raise DomainError("no_consent")
    return _shown(staff, journal, reveal=True, summary=EXTRACT_REASON)


def _shown(staff, journal, *, reveal: bool, summary: str) -> dict:
    """The record as shown, with the read (or the reveal) audited in its own transaction."""
    from stofrum.health.models import JournalRecord

    cpr, vault = _cpr_modules()
    digits = vault.decrypt_cpr(bytes(journal.patient.ciphertext))
    with transaction.atomic():
        record(staff, "health.journal.cpr_revealed" if reveal else "health.journal.read",
               journal, site=journal.site, summary=summary)
    # The same patient's other journals, only those at the reader's sites.
    linked = (at_sites_of(JournalRecord.objects.filter(patient=journal.patient_id), staff)
              .exclude(pk=journal.pk).order_by("-written_at").values_list("pk", "written_at"))
    return {
        "journal": journal,
        "cpr": cpr.format_cpr(digits) if reveal else cpr.mask(digits),
        "cpr_masked": cpr.mask(digits), "revealed": reveal,
        "fictitious": journal.patient.fictitious,
        "linked": [{"id": pk, "written_at": at} for pk, at in linked],
        "addenda": list(journal.addenda.order_by("written_at")),
    }


@transaction.atomic
def record_disclosure(staff, journal, to_whom: str):
    """Record that the journal was passed to the Region; only with consent given.
    Refuses `no_consent` (422), `invalid_input`, `cpr_in_free_text` (400). Emits
    `health.journal.disclosed`."""
    from stofrum.health.models import Disclosure

    journal = get_journal_for(staff, journal.pk)
    if journal.disclosure_consent != DisclosureConsent.GIVEN:
        raise DomainError("no_consent")
    to_whom = (to_whom or "").strip()
    if not to_whom or len(to_whom) > 200:
        raise InvalidInput("invalid_input", field="to_whom")
    refuse_cpr(to_whom, "to_whom")
    disclosure = Disclosure.objects.create(journal=journal, to_whom=to_whom,
                                           disclosed_by=staff)
    record(staff, "health.journal.disclosed", journal, site=journal.site, summary=to_whom)
    return disclosure


def treatment_from_timeline(incident: Incident) -> str:
    """The treatment text pre-filled from the interventions, one line each."""
    lines = []
    for i in incident.interventions.order_by("at"):
        line = f"{timezone.localtime(i.at):%H:%M:%S} {i.get_kind_display()}"
        if i.dose_mg:
            line += f" {i.dose_mg} mg"
        if i.route:
            line += f" ({i.get_route_display()})"
        lines.append(line)
    return "\n".join(lines)


# --- The CPR key (issue 12): explicit, audited commands; the vault never makes a key ------

def create_cpr_key(*, if_missing: bool = False) -> str | None:
    """Make the CPR key ring of a new installation (`manage.py create_cpr_key`); returns the
    new key id, or None when `if_missing` and a key is already there. Refuses
    `cpr_key_exists` when a key ring is there, and `cpr_key_lost` when journals already hold
    CPR numbers: a new ring could not read them and would give their patients new links, so
    the lost key file must be restored from its backup instead.
    Emits `health.cpr_key.created` (the key id, never the key)."""
    from stofrum.health import vault
    from stofrum.health.models import PatientIdentifier

    if vault.ring_exists():
        if if_missing:
            return None
        raise Conflict("cpr_key_exists", f"A CPR key is already configured "
                       f"({settings.STOFRUM_CPR_KEY_FILE} or STOFRUM_CPR_KEY); rotate it "
                       f"with `manage.py rotate_cpr_key`.")
    stored = PatientIdentifier.objects.count()
    if stored:
        raise Conflict("cpr_key_lost", f"{stored} stored CPR numbers were sealed with a key "
                       f"ring that is missing at {settings.STOFRUM_CPR_KEY_FILE}. Restore it "
                       f"from its backup; a new key could not read them and would give the "
                       f"same patients new links.")
    key_id = vault.new_key_id()
    with transaction.atomic():  # the file is written last: a failed write leaves no event
        record(None, "health.cpr_key.created", None, object_type="health.patientidentifier",
               summary=f"key {key_id}")
        vault.create_ring(key_id)
    return key_id


def rotate_cpr_key(*, new_key: bool = False, report=None) -> dict:
    """Re-encrypt every stored CPR number under a new current key (`manage.py
    rotate_cpr_key`). A new key is added only when every row is already under the current
    one (or `new_key`): a run after an interrupted one, or after rows it could not read,
    resumes under the key that run added. Each row is re-encrypted in its own transaction,
    so the work done survives an interruption; a row that cannot be read (its key is not in
    the ring, or it fails authentication) is reported to `report(pk, reason)` and skipped.
    Returns {key, added, reencrypted, unreadable: [pk], left}.
    Emits `health.cpr_key.added` when it adds a key, `health.cpr_key.rotated` (counts)."""
    from stofrum.health import vault
    from stofrum.health.models import PatientIdentifier

    current = vault.current_key_id()
    added = new_key or not PatientIdentifier.objects.exclude(key_id=current).exists()
    if added:
        with transaction.atomic():
            current = vault.new_key_id()
            record(None, "health.cpr_key.added", None,
                   object_type="health.patientidentifier", summary=f"key {current}")
            vault.rotate_key(current)
    done, unreadable = 0, []
    pending = (PatientIdentifier.objects.exclude(key_id=current).order_by("pk")
               .values_list("pk", flat=True))
    for pk in list(pending):
        try:
            with transaction.atomic():
                patient = PatientIdentifier.objects.select_for_update().get(pk=pk)
                if patient.key_id == current:
                    continue
                patient.ciphertext = vault.reencrypt(bytes(patient.ciphertext))
                patient.key_id = current
                patient.save(update_fields=["ciphertext", "key_id"])
                done += 1
        except vault.VaultError as exc:
            unreadable.append(pk)
            if report is not None:
                report(pk, str(exc))
    left = PatientIdentifier.objects.exclude(key_id=current).count()
    with transaction.atomic():
        record(None, "health.cpr_key.rotated", None, object_type="health.patientidentifier",
               summary=f"key {current}: {done} re-encrypted, {len(unreadable)} unreadable, "
                       f"{left} left")
    return {"key": current, "added": added, "reencrypted": done, "unreadable": unreadable,
            "left": left}


def retire_cpr_key(key_id: str) -> None:
    """Remove an old key from the ring (`manage.py retire_cpr_key KEY_ID`), only when no
    stored CPR number needs it. Refuses `cpr_key_current` (rotate first), `cpr_key_in_use`
    (with the count of rows under it), `not_found` (no such key in the ring).
    Emits `health.cpr_key.retired`."""
    from stofrum.health import vault
    from stofrum.health.models import PatientIdentifier

    if key_id == vault.current_key_id():
        raise Conflict("cpr_key_current", f"{key_id} is the current key: run "
                       f"`manage.py rotate_cpr_key` first.")
    if key_id not in vault.key_ids():
        raise NotFound("not_found", f"There is no key {key_id} in the key ring.")
    with transaction.atomic():
        needed = (PatientIdentifier.objects.select_for_update()
                  .filter(key_id=key_id).count())
        if needed:
            raise Conflict("cpr_key_in_use", f"{needed} stored CPR numbers still need key "
                           f"{key_id}: run `manage.py rotate_cpr_key` until none is left.")
        record(None, "health.cpr_key.retired", None, object_type="health.patientidentifier",
               summary=f"key {key_id}")
        vault.retire_key(key_id)

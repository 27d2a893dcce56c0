from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Router, Schema, Status
from ninja.decorators import decorate_view

from stofrum.api_auth import require, staff_auth
from stofrum.api_errors import errors
from stofrum.errors import DomainError, NotFound
from stofrum.health import services
from stofrum.health.choices import IncidentKind
from stofrum.health.models import Incident
from stofrum.idempotency.api import idempotent
from stofrum.limits import BirthDate, EventTime
from stofrum.no_store import no_store, no_store_router
from stofrum.people.services import get_person_for
from stofrum.staff.access import get_site_for
from stofrum.staff.roles import Capability
from stofrum.text import Key, LongText, Note, ShortText
from stofrum.visits.services import get_visit_for

router = Router(tags=["health"], auth=staff_auth)


class IncidentIn(Schema):
    site: Key
    kind: Key = IncidentKind.UNKNOWN.value
    visit: Key | None = None
    person: Key | None = None
    started_at: EventTime | None = None


class InterventionIn(Schema):
    kind: Key
    dose_mg: Decimal | None = None
    route: Key = ""
    at: EventTime | None = None
    note: Note = ""


class CloseIn(Schema):
    outcome: Key
    kind: Key | None = None


class IncidentPatch(Schema):
    kind: Key


class InterventionOut(Schema):
    id: int
    kind: str
    at: datetime
    dose_mg: Decimal | None
    route: str
    note: str
    recorded_by: str

    @staticmethod
    def resolve_recorded_by(obj):
        return obj.recorded_by.username


class IncidentOut(Schema):
    id: UUID
    site: str
    kind: str
    visit: UUID | None
    person_code: str | None
    booth: str | None
    started_at: datetime
    closed_at: datetime | None
    outcome: str
    responders: list[str]
    interventions: list[InterventionOut]
    naloxone_reminder_due: bool


def incident_out(incident: Incident) -> dict:
    incident = (Incident.objects.select_related("site", "person", "booth")
                .prefetch_related("responders__staff", "interventions__recorded_by")
                .get(pk=incident.pk))
    return {
        "id": incident.pk, "site": incident.site.slug, "kind": incident.kind,
        "visit": incident.visit_id, "person_code": incident.person.code if incident.person_id
        else None, "booth": incident.booth.label if incident.booth_id else None,
        "started_at": incident.started_at, "closed_at": incident.closed_at,
        "outcome": incident.outcome,
        "responders": [r.staff.username for r in incident.responders.all()],
        "interventions": list(incident.interventions.all()),
        "naloxone_reminder_due": services.naloxone_reminder_due(incident),
    }


def _incident(request, incident_id) -> Incident:
    try:
        UUID(str(incident_id))
    except ValueError as exc:
        raise NotFound() from exc
    return services.get_incident_for(request.auth, incident_id)


@router.post("", response={200: IncidentOut, 201: IncidentOut, **errors(404, 422)})
@idempotent
def raise_alarm(request, payload: IncidentIn):
    """Start an incident: the alarm goes to every screen of the site at once. `kind` is
    "unknown" unless given. For a visit with an open incident: 200 with that incident."""
    staff = request.auth
    site = get_site_for(staff, payload.site, Capability.INCIDENTS_RESPOND)
    visit = get_visit_for(staff, payload.visit, Capability.INCIDENTS_RESPOND) \
        if payload.visit else None
    person = get_person_for(staff, payload.person) if payload.person else None
    incident = services.raise_alarm(staff, site, payload.kind, visit=visit, person=person,
                                    started_at=payload.started_at)
    return Status(200 if incident.joined else 201, incident_out(incident))


@router.get("/{incident_id}", response={200: IncidentOut, **errors(404)})
def detail(request, incident_id: str):
    return incident_out(_incident(request, incident_id))


@router.patch("/{incident_id}", response={200: IncidentOut, **errors(404)})
def set_kind(request, incident_id: str, payload: IncidentPatch):
    """Choose or correct the kind, during or after the incident (audited)."""
    return incident_out(services.set_incident_kind(request.auth,
                                                   _incident(request, incident_id),
                                                   payload.kind))


@router.post("/{incident_id}/acknowledge", response={200: IncidentOut, **errors(404, 409)})
def acknowledge(request, incident_id: str):
    """"I'm on it"."""
    return incident_out(services.acknowledge(request.auth, _incident(request, incident_id)))


@router.post("/{incident_id}/interventions",
             response={201: InterventionOut, **errors(404, 409, 422)})
@idempotent
def add_intervention(request, incident_id: str, payload: InterventionIn):
    """Record what was done and when (naloxone with dose in mg and route)."""
    intervention = services.record_intervention(
        request.auth, _incident(request, incident_id), payload.kind, dose_mg=payload.dose_mg,
        route=payload.route, at=payload.at, note=payload.note)
    return Status(201, intervention)


@router.post("/{incident_id}/close", response={200: IncidentOut, **errors(404, 409)})
def close(request, incident_id: str, payload: CloseIn):
    """Close with the outcome; the alarm disappears everywhere."""
    return incident_out(services.close_incident(request.auth, _incident(request, incident_id),
                                                payload.outcome, kind=payload.kind))


class JournalIn(Schema):
    cpr: Key | None = None
    fictitious: bool = False
    birth_date: BirthDate | None = None
    disclosure_consent: Key
    assessment: LongText
    treatment: LongText
    note: Note = ""
    treated_by: ShortText = ""
    treated_at: EventTime | None = None


class JournalCreated(Schema):
    id: UUID
    cpr_masked: str
    fictitious: bool


class JournalOut(Schema):
    id: UUID
    incident: UUID
    site: str
    written_by: str
    written_at: datetime
    treated_by: str
    treated_at: datetime
    assessment: str
    treatment: str
    information_given: str
    disclosure_consent: str
    cpr: str
    cpr_masked: str
    fictitious: bool
    addendum_to: UUID | None
    linked_journals: list[UUID]
    retain_until: date


class DisclosureIn(Schema):
    to_whom: ShortText


def _journal(request, journal_id):
    try:
        UUID(str(journal_id))
    except ValueError as exc:
        raise NotFound() from exc
    return services.get_journal_for(request.auth, journal_id)


@router.post("/{incident_id}/journal",
             response={201: JournalCreated, **errors(404, 409, 422)})
@decorate_view(no_store)
def write_journal(request, incident_id: str, payload: JournalIn):
    """Health staff write the journal: exactly one of `cpr` and `fictitious`."""
    require(request, Capability.JOURNAL_WRITE)
    try:
        journal = services.write_journal(
            request.auth, _incident(request, incident_id),
            disclosure_consent=payload.disclosure_consent, assessment=payload.assessment,
            treatment=payload.treatment, information_given=payload.note,
            treated_by=payload.treated_by, treated_at=payload.treated_at,
            cpr_number=payload.cpr, fictitious=payload.fictitious,
            birth_date=payload.birth_date)
    except DomainError as exc:
        if exc.extra.get("field") == "information_given":  # the API calls it `note`
            exc.extra["field"] = "note"
        raise
    return Status(201, {"id": journal.pk, "cpr_masked": journal.cpr_masked,
                        "fictitious": journal.patient.fictitious})


journal_router = no_store_router(Router(tags=["health"], auth=staff_auth))


@journal_router.get("/{journal_id}", response={200: JournalOut, **errors(404, 422)})
def read_journal(request, journal_id: str, reveal: str = "", reason: str = ""):
    """The record with the CPR number masked; `?reveal=cpr&reason=...` shows it (audited)."""
    shown = services.read_journal(request.auth, _journal(request, journal_id),
                                  reveal=reveal == "cpr", reason=reason)
    j = shown["journal"]
    return {
        "id": j.pk, "incident": j.incident_id, "site": j.site.slug,
        "written_by": j.written_by.username, "written_at": j.written_at,
        "treated_by": j.treated_by, "treated_at": j.treated_at, "assessment": j.assessment,
        "treatment": j.treatment, "information_given": j.information_given,
        "disclosure_consent": j.disclosure_consent, "cpr": shown["cpr"],
        "cpr_masked": shown["cpr_masked"], "fictitious": shown["fictitious"],
        "addendum_to": j.addendum_to_id, "linked_journals": [x["id"] for x in shown["linked"]],
        "retain_until": j.retain_until,
    }


@journal_router.post("/{journal_id}/disclosures",
                     response={201: dict, **errors(404, 422)})
def disclose(request, journal_id: str, payload: DisclosureIn):
    """Record that the journal was passed to the Region (consent must be given)."""
    disclosure = services.record_disclosure(request.auth, _journal(request, journal_id),
                                            payload.to_whom)
    return Status(201, {"id": disclosure.pk, "to_whom": disclosure.to_whom,
                        "disclosed_at": disclosure.disclosed_at.isoformat()})

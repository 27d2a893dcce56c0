from datetime import datetime
from decimal import Decimal
from uuid import UUID

from ninja import Router, Schema, Status

from stofrum.api_auth import staff_auth
from stofrum.errors import NotFound
from stofrum.health import services
from stofrum.health.models import Incident
from stofrum.people.services import get_person_for
from stofrum.staff.access import get_site_for
from stofrum.staff.roles import Capability
from stofrum.visits.services import get_visit_for

router = Router(tags=["health"], auth=staff_auth)


class IncidentIn(Schema):
    site: str
    kind: str
    visit: str | None = None
    person: str | None = None
    started_at: datetime | None = None


class InterventionIn(Schema):
    kind: str
    dose_mg: Decimal | None = None
    route: str = ""
    at: datetime | None = None
    note: str = ""


class CloseIn(Schema):
    outcome: str


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


@router.post("", response={201: IncidentOut})
def raise_alarm(request, payload: IncidentIn):
    """Start an incident: the alarm goes to every screen of the site at once."""
    staff = request.auth
    site = get_site_for(staff, payload.site, Capability.INCIDENTS_RESPOND)
    visit = get_visit_for(staff, payload.visit, Capability.INCIDENTS_RESPOND) \
        if payload.visit else None
    person = get_person_for(staff, payload.person) if payload.person else None
    incident = services.raise_alarm(staff, site, payload.kind, visit=visit, person=person,
                                    started_at=payload.started_at)
    return Status(201, incident_out(incident))


@router.get("/{incident_id}", response=IncidentOut)
def detail(request, incident_id: str):
    return incident_out(_incident(request, incident_id))


@router.post("/{incident_id}/acknowledge", response=IncidentOut)
def acknowledge(request, incident_id: str):
    """"I'm on it"."""
    return incident_out(services.acknowledge(request.auth, _incident(request, incident_id)))


@router.post("/{incident_id}/interventions", response={201: InterventionOut})
def add_intervention(request, incident_id: str, payload: InterventionIn):
    """Record what was done and when (naloxone with dose in mg and route)."""
    intervention = services.record_intervention(
        request.auth, _incident(request, incident_id), payload.kind, dose_mg=payload.dose_mg,
        route=payload.route, at=payload.at, note=payload.note)
    return Status(201, intervention)


@router.post("/{incident_id}/close", response=IncidentOut)
def close(request, incident_id: str, payload: CloseIn):
    """Close with the outcome; the alarm disappears everywhere."""
    return incident_out(services.close_incident(request.auth, _incident(request, incident_id),
                                                payload.outcome))

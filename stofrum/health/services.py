"""Use cases of the overdose response: raise the alarm, respond, record what was done,
close with an outcome. Every one is audited and announced to the site's screens."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from stofrum.audit.services import record
from stofrum.errors import Conflict, InvalidInput, NotFound
from stofrum.health.choices import IncidentKind, InterventionKind, NaloxoneRoute, Outcome
from stofrum.health.models import Incident, Intervention, Responder
from stofrum.live.publish import publish_after_commit
from stofrum.staff.roles import Capability

MAX_NALOXONE_MG = Decimal("10")
# Times entered afterwards may lie this far before the onset (the onset itself is a guess).
BACKDATE_LIMIT = timedelta(hours=6)


def get_incident_for(staff, incident_id) -> Incident:
    """The incident if the staff member responds at its site; else `not_found`."""
    incident = (Incident.objects.select_related("site", "person", "booth", "visit")
                .filter(pk=incident_id).first())
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
    if value > now + timedelta(minutes=1):
        raise InvalidInput("invalid_input", field=field, reason="in the future")
    if not_before is not None and value < not_before - BACKDATE_LIMIT:
        raise InvalidInput("invalid_input", field=field, reason="too early")
    return value


@transaction.atomic
def raise_alarm(staff, site, kind: str, *, visit=None, person=None, started_at=None) -> Incident:
    """Start an incident at once and alarm every screen of the site.

    With a visit, the person and booth come from it. Refuses `not_found` (site or visit not
    the caller's), `invalid_input` (unknown kind, onset in the future). Emits
    `health.incident.raised` and an `alarm` event.
    """
    if not staff.can(Capability.INCIDENTS_RESPOND, site):
        raise NotFound()
    if kind not in IncidentKind.values:
        raise InvalidInput("invalid_input", field="kind")
    if visit is not None:
        if visit.site_id != site.pk:
            raise NotFound()
        person = visit.person
    incident = Incident.objects.create(
        site=site, kind=kind, visit=visit, person=person,
        booth=visit.booth if visit is not None else None,
        started_at=_moment(started_at, "started_at"), raised_by=staff,
    )
    record(staff, "health.incident.raised", incident, site=site, summary=kind,
           changes={"booth": incident.booth.label if incident.booth_id else None,
                    "person": person.code if person else None})
    publish_after_commit(site.slug, "alarm", alarm_payload(incident))
    return incident


@transaction.atomic
def acknowledge(staff, incident: Incident) -> Incident:
    """"I'm on it": the alarm shows who responds. Idempotent per staff member.
    Emits `health.incident.acknowledged` and an updated `alarm` event."""
    incident = get_incident_for(staff, incident.pk)
    if not incident.is_open:
        raise Conflict("incident_closed")
    try:
        with transaction.atomic():
            Responder.objects.create(incident=incident, staff=staff)
    except IntegrityError:
        return incident
    record(staff, "health.incident.acknowledged", incident, site=incident.site)
    publish_after_commit(incident.site.slug, "alarm", alarm_payload(incident))
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
    Refuses `invalid_input`; `incident_closed` (409) once closed.
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
    intervention = Intervention.objects.create(
        incident=incident, kind=kind, dose_mg=dose, route=route, note=note,
        at=_moment(at, "at", not_before=incident.started_at), recorded_by=staff,
    )
    record(staff, "health.intervention.recorded", intervention, site=incident.site,
           summary=kind, changes={"dose_mg": dose, "route": route,
                                  "at": intervention.at.isoformat()})
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
def close_incident(staff, incident: Incident, outcome: str) -> Incident:
    """Close the incident with its outcome; the alarm goes away on every screen.
    Refuses `invalid_input` (unknown outcome), `incident_closed` (409).
    Emits `health.incident.closed` and an `alarm_closed` event."""
    incident = get_incident_for(staff, incident.pk)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.closed_at is not None:
        raise Conflict("incident_closed")
    if outcome not in Outcome.values:
        raise InvalidInput("invalid_input", field="outcome")
    incident.closed_at, incident.closed_by, incident.outcome = timezone.now(), staff, outcome
    incident.save(update_fields=["closed_at", "closed_by", "outcome"])
    record(staff, "health.incident.closed", incident, site=incident.site, summary=outcome)
    publish_after_commit(incident.site.slug, "alarm_closed", {"incident": str(incident.pk)})
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

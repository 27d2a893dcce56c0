from datetime import date, datetime

from django.utils import timezone
from ninja import Router, Schema, Status

from stofrum.api_auth import require, staff_auth
from stofrum.api_errors import errors
from stofrum.conduct import services
from stofrum.conduct.models import Quarantine
from stofrum.errors import InvalidInput
from stofrum.limits import EventTime, SaneDate
from stofrum.lookups import at_sites_of
from stofrum.paging import Rows, paged
from stofrum.people.services import get_person_for
from stofrum.staff.access import get_site_for
from stofrum.staff.roles import Capability
from stofrum.text import Key, Note, ShortText

router = Router(tags=["conduct"], auth=staff_auth)
violations_router = Router(tags=["conduct"], auth=staff_auth)
person_router = Router(tags=["conduct"], auth=staff_auth)


class QuarantineIn(Schema):
    person: Key
    sites: list[Key] | Key
    until: SaneDate
    reason: Note
    starts_on: SaneDate | None = None
    violation: int | None = None


class ExclusionIn(Schema):
    person: Key
    site: Key
    reason: Note


class LiftIn(Schema):
    reason: Note


class QuarantineOut(Schema):
    id: int
    person: str
    kind: str
    sites: list[str] | str
    starts_on: date
    until: SaneDate
    reason: str
    decided_at: datetime
    lifted_at: datetime | None
    lift_reason: str
    ends_at: datetime | None  # an exclusion's end: when the site's day ends
    in_force: bool


class ViolationIn(Schema):
    person: Key
    site: Key
    rule: ShortText = ""  # written out, when rule_ref is absent or "other"
    description: Note
    # A line of the site's current house rules, "<version id>:<line number>", or "other".
    rule_ref: Key | None = None
    occurred_at: EventTime | None = None
    # Also exclude the person from the site for the rest of its day (one transaction).
    exclude_today: bool = False


class ViolationOut(Schema):
    id: int
    person: str
    site: str
    rule: str
    description: str
    occurred_at: datetime
    exclusion: int | None = None  # the day exclusion recorded with it, if any


def quarantine_out(q: Quarantine) -> dict:
    return {"id": q.pk, "person": q.person.code, "kind": q.kind,
            "sites": "all" if q.all_sites else [s.slug for s in q.sites.all()],
            "starts_on": q.starts_on, "until": q.ends_on, "reason": q.reason,
            "decided_at": q.decided_at, "lifted_at": q.lifted_at,
            "lift_reason": q.lift_reason, "ends_at": q.ends_at,
            "in_force": q.in_force_at(timezone.now())}


def _sites(request, sites):
    if isinstance(sites, str):
        if sites != services.ALL_SITES:
            raise InvalidInput("quarantine_scope", field="sites")
        return services.ALL_SITES
    return [get_site_for(request.auth, slug, Capability.QUARANTINE_DECIDE) for slug in sites]


@router.post("", response={201: QuarantineOut, **errors(404, 422)})
def decide(request, payload: QuarantineIn):
    """A leader quarantines a person at some sites or `"all"` until a date (included)."""
    require(request, Capability.QUARANTINE_DECIDE)
    person = get_person_for(request.auth, payload.person)
    violation = None
    if payload.violation is not None:
        violation = at_sites_of(person.violations, request.auth).filter(
            pk=payload.violation).first()
        if violation is None:
            raise InvalidInput("invalid_input", field="violation")
    quarantine = services.decide_quarantine(
        request.auth, person, _sites(request, payload.sites), until=payload.until,
        reason=payload.reason, starts_on=payload.starts_on, violation=violation)
    return Status(201, quarantine_out(quarantine))


@router.post("/exclusions", response={201: QuarantineOut, **errors(404, 422)})
def exclude(request, payload: ExclusionIn):
    """Exclude a person from a site for the rest of the day (any door staff)."""
    site = get_site_for(request.auth, payload.site, Capability.CONDUCT_RECORD)
    person = get_person_for(request.auth, payload.person)
    return Status(201, quarantine_out(
        services.exclude_for_today(request.auth, person, site, reason=payload.reason)))


@router.get("/{quarantine_id}", response={200: QuarantineOut, **errors(404)})
def detail(request, quarantine_id: int):
    return quarantine_out(services.get_quarantine_for(request.auth, quarantine_id))


@router.post("/{quarantine_id}/lift", response={200: QuarantineOut, **errors(404, 422)})
def lift(request, quarantine_id: int, payload: LiftIn):
    """A leader lifts a quarantine early, with a reason."""
    require(request, Capability.QUARANTINE_DECIDE)
    quarantine = services.get_quarantine_for(request.auth, quarantine_id)
    return quarantine_out(services.lift_quarantine(request.auth, quarantine,
                                                   reason=payload.reason))


@person_router.get("/{person_id}/quarantines",
                   response={200: list[QuarantineOut], **errors(403, 404)})
@paged
def person_quarantines(request, person_id: str, **kwargs):
    """A person's quarantines and exclusions, newest first."""
    require(request, Capability.CONDUCT_RECORD)
    person = get_person_for(request.auth, person_id)
    return Rows(services.history(person, request.auth)["quarantines"], quarantine_out)


@violations_router.post("", response={201: ViolationOut, **errors(404, 422)})
def record_violation(request, payload: ViolationIn):
    """Record a breach of the house rules."""
    site = get_site_for(request.auth, payload.site, Capability.CONDUCT_RECORD)
    person = get_person_for(request.auth, payload.person)
    v = services.record_violation(request.auth, person, site, rule=payload.rule,
                                  rule_ref=payload.rule_ref,
                                  description=payload.description,
                                  occurred_at=payload.occurred_at,
                                  exclude_today=payload.exclude_today)
    return Status(201, {"id": v.pk, "person": person.code, "site": site.slug, "rule": v.rule,
                        "description": v.description, "occurred_at": v.occurred_at,
                        "exclusion": v.exclusion.pk if v.exclusion else None})

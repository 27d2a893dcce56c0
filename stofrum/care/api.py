from datetime import date, datetime

from ninja import Router, Schema, Status

from stofrum.api_auth import require, staff_auth
from stofrum.api_errors import errors
from stofrum.care import services
from stofrum.care.models import Referral
from stofrum.errors import DomainError
from stofrum.idempotency.api import idempotent
from stofrum.limits import SaneDate
from stofrum.paging import Rows, paged
from stofrum.people.services import get_person_for
from stofrum.sites.models import Site
from stofrum.staff.access import get_site_for
from stofrum.staff.roles import Capability
from stofrum.text import Key, Note
from stofrum.visits.services import get_visit_for

services_router = Router(tags=["care"], auth=staff_auth)
referrals_router = Router(tags=["care"], auth=staff_auth)


class ServiceIn(Schema):
    site: Key
    kind: Key
    person: Key | None = None
    visit: Key | None = None
    note: Note = ""


class ServiceOut(Schema):
    id: int
    site: str
    kind: str
    person: str | None
    visit: str | None
    note: str
    given_at: datetime


class ReferralIn(Schema):
    person: Key
    target: Key
    site: Key | None = None
    visit: Key | None = None
    note: Note = ""
    follow_up_on: SaneDate | None = None


class ReferralPatch(Schema):
    status: Key | None = None
    outcome: Note | None = None
    note: Note | None = None
    follow_up_on: SaneDate | None = None


class ReferralOut(Schema):
    id: int
    site: str
    person: str
    target: str
    status: str
    note: str
    outcome: str
    follow_up_on: date | None
    created_at: datetime
    closed_at: datetime | None


def service_out(service) -> dict:
    return {"id": service.pk, "site": service.site.slug, "kind": service.kind.code,
            "person": getattr(service.person, "code", None),
            "visit": str(service.visit_id) if service.visit_id else None,
            "note": service.note, "given_at": service.given_at}


def referral_out(referral: Referral) -> dict:
    return {"id": referral.pk, "site": referral.site.slug, "person": referral.person.code,
            "target": referral.target.code, "status": referral.status,
            "note": referral.note, "outcome": referral.outcome,
            "follow_up_on": referral.follow_up_on, "created_at": referral.created_at,
            "closed_at": referral.closed_at}


def _visit(request, visit_id):
    return get_visit_for(request.auth, visit_id, Capability.CARE_RECORD) if visit_id else None


@services_router.post("", response={201: ServiceOut, **errors(404, 422)})
@idempotent
def record_service(request, payload: ServiceIn):
    """Record a service given at a site, for a person or visit when known."""
    site = get_site_for(request.auth, payload.site, Capability.CARE_RECORD)
    person = get_person_for(request.auth, payload.person) if payload.person else None
    service = services.record_service(request.auth, site, payload.kind, person=person,
                                      visit=_visit(request, payload.visit),
                                      note=payload.note)
    return Status(201, service_out(service))


def _referral_site(request, payload: ReferralIn, person, visit) -> Site:
    """The site given; else the visit's; else the caller's only site."""
    if payload.site:
        return get_site_for(request.auth, payload.site, Capability.CARE_RECORD)
    if visit is not None:
        return visit.site
    sites = [s for s in request.auth.visible_sites()
             if request.auth.can(Capability.CARE_RECORD, s)]
    if len(sites) != 1:
        raise DomainError("site_required", status=400, field="site")
    return sites[0]


@referrals_router.post("", response={201: ReferralOut, **errors(404, 422)})
def refer(request, payload: ReferralIn):
    """Refer a person onwards (brobygning); status starts at `suggested`."""
    require(request, Capability.CARE_RECORD)
    person = get_person_for(request.auth, payload.person)
    visit = _visit(request, payload.visit)
    site = _referral_site(request, payload, person, visit)
    referral = services.refer(request.auth, site, person, payload.target, note=payload.note,
                              visit=visit, follow_up_on=payload.follow_up_on)
    return Status(201, referral_out(referral))


@referrals_router.get("", response={200: list[ReferralOut], **errors(404)})
@paged
def list_referrals(request, site: str, due: bool = False, **kwargs):
    """A site's referrals, newest first; `due=true` for the open ones to follow up now."""
    site_obj = get_site_for(request.auth, site, Capability.CARE_RECORD)
    qs = (services.follow_ups_due(site_obj).order_by("follow_up_on", "created_at", "pk")
          if due else Referral.objects.filter(site=site_obj).order_by("-created_at", "-pk"))
    return Rows(qs.select_related("site", "person", "target"), referral_out)


@referrals_router.get("/{referral_id}", response={200: ReferralOut, **errors(404)})
def referral_detail(request, referral_id: int):
    return referral_out(services.get_referral_for(request.auth, referral_id))


@referrals_router.patch("/{referral_id}", response={200: ReferralOut, **errors(404, 422)})
def update_referral(request, referral_id: int, payload: ReferralPatch):
    """Move the referral on (status), record its outcome, note or next follow-up."""
    referral = services.get_referral_for(request.auth, referral_id)
    changes = payload.dict(exclude_unset=True)
    referral = services.update_referral(request.auth, referral, **changes)
    return referral_out(referral)

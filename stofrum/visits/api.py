from datetime import datetime
from uuid import UUID

from django.utils.dateparse import parse_datetime
from ninja import Router, Schema, Status
from pydantic import BaseModel, ConfigDict

from stofrum.api_auth import require, staff_auth
from stofrum.api_errors import errors
from stofrum.errors import InvalidInput, NotFound
from stofrum.idempotency.api import idempotent
from stofrum.lookups import by_pk
from stofrum.paging import Rows, paged
from stofrum.people.services import get_person_for
from stofrum.sites.models import Booth
from stofrum.staff.access import get_site_for
from stofrum.staff.roles import Capability
from stofrum.text import Key, Note
from stofrum.visits import services
from stofrum.visits.board import board_as_json, board_for
from stofrum.visits.models import Visit

router = Router(tags=["visits"], auth=staff_auth)
board_router = Router(tags=["board"], auth=staff_auth)


class VisitIn(Schema):
    person: Key
    site: Key
    substances: list[Key]
    method: Key
    assisted_by: Key | None = None
    assistant_assessment: Note = ""


class AssistanceIn(Schema):
    assisted_by: Key
    assistant_assessment: Note


class CheckoutIn(Schema):
    cleaning: bool = False


class VisitOut(Schema):
    id: UUID
    person: UUID
    person_code: str
    site: str
    method: str
    substances: list[str]
    state: str
    booth: str | None
    queue_position: int | None
    checked_in_at: datetime
    checked_out_at: datetime | None
    assisted_by: str | None

    @staticmethod
    def resolve_person(visit):
        return visit.person_id

    @staticmethod
    def resolve_person_code(visit):
        return visit.person.code

    @staticmethod
    def resolve_site(visit):
        return visit.site.slug

    @staticmethod
    def resolve_method(visit):
        return visit.method.code

    @staticmethod
    def resolve_substances(visit):
        return [s.code for s in visit.substances.all()]

    @staticmethod
    def resolve_booth(visit):
        return visit.booth.label if visit.booth_id else None

    @staticmethod
    def resolve_queue_position(visit):
        # As told at check-in (counted under the site's lock), else as it is now.
        if hasattr(visit, "queue_position"):
            return visit.queue_position
        return services.queue_position(visit)

    @staticmethod
    def resolve_checked_out_at(visit):
        return visit.ended_at if visit.state == "done" else None

    @staticmethod
    def resolve_assisted_by(visit):
        return visit.assisted_by.code if visit.assisted_by_id else None


class VisitPatch(Schema):
    substances: list[Key] | None = None
    method: Key | None = None
    booth: int | Key | None = None  # the booth's id (as on the board) or its label


class _Open(BaseModel):
    # The board grows fields as features come (extra ones pass through, undeclared).
    model_config = ConfigDict(extra="allow")


class BoardVisitOut(_Open):
    id: str
    person_code: str
    method: str


class BoardBoothOut(_Open):
    id: int
    label: str
    method: str
    state: str  # "free" | "occupied" | "cleaning"
    visit: BoardVisitOut | None
    since: str | None


class BoardQueueOut(_Open):
    visit: str
    person_code: str
    method: str
    since: str
    position: int


class BoardOut(_Open):
    site: str
    generated_at: str
    assisted_intake_available: bool
    booths: list[BoardBoothOut]
    queue: list[BoardQueueOut]
    recently_checked_out: list[dict]
    open_incidents: list[dict]


class AvailabilityIn(Schema):
    available: bool


def _visit(request, visit_id) -> Visit:
    try:
        UUID(str(visit_id))
    except ValueError as exc:
        raise NotFound() from exc
    return services.get_visit_for(request.auth, visit_id, Capability.PERSONS_REGISTER)


@router.post("", response={201: VisitOut, **errors(404, 409, 422)})
@idempotent
def check_in(request, payload: VisitIn):
    """Check in: a booth or the queue. 422 codes of the door's rules; 409
    `already_checked_in`."""
    staff = request.auth
    site = get_site_for(staff, payload.site, Capability.PERSONS_REGISTER)
    person = get_person_for(staff, payload.person)
    assistant = get_person_for(staff, payload.assisted_by) if payload.assisted_by else None
    visit = services.check_in(staff, person, site, payload.substances, payload.method,
                              assisted_by=assistant,
                              assistant_assessment=payload.assistant_assessment)
    return Status(201, visit)


@router.get("", response={200: list[VisitOut], **errors(403, 404)})
@paged
def list_visits(request, site: str = "", since: str = "", until: str = "", person: str = "",
                **kwargs):
    """Visits at the caller's sites, newest first (staff who work at the door only)."""
    staff = request.auth
    require(request, Capability.SITE_BOARD)
    qs = Visit.objects.for_staff(staff).select_related(
        "person", "site", "method", "booth", "assisted_by").prefetch_related("substances")
    if site:
        qs = qs.filter(site=get_site_for(staff, site, Capability.SITE_BOARD))
    for name, value, lookup in (("since", since, "checked_in_at__gte"),
                                ("until", until, "checked_in_at__lt")):
        if value:
            moment = parse_datetime(value)
            if moment is None:
                raise InvalidInput("invalid_input", field=name)
            qs = qs.filter(**{lookup: moment})
    if person:
        qs = qs.filter(person=get_person_for(staff, person))
    return Rows(qs.order_by("-checked_in_at", "-pk"), prepare=services.with_queue_positions)


@router.post("/{visit_id}/assistance", response={200: VisitOut, **errors(404, 409, 422)})
def assistance(request, visit_id: str, payload: AssistanceIn):
    """Add an assistant to an open visit, before the help is given."""
    visit = _visit(request, visit_id)
    assistant = get_person_for(request.auth, payload.assisted_by)
    visit = services.add_assistance(request.auth, visit, assistant,
                                    payload.assistant_assessment)
    return visit


@router.post("/{visit_id}/checkout", response={200: VisitOut, **errors(404, 409, 422)})
@idempotent
def checkout(request, visit_id: str, payload: CheckoutIn | None = None):
    """End the visit; the first in the queue takes the booth (or it is cleaned first)."""
    visit = _visit(request, visit_id)
    visit = services.check_out(request.auth, visit, cleaning=bool(payload and payload.cleaning))
    return visit


@router.patch("/{visit_id}", response={200: VisitOut, **errors(404, 409, 422)})
def correct(request, visit_id: str, payload: VisitPatch):
    """Correct substances and method of an open or recent visit, or move it to another free
    booth of its method (audited; statistics follow). 409 `too_late`, `booth_taken`,
    `not_in_booth`; 422 `invalid_booth`, `method_not_offered`, `substance_not_allowed`."""
    visit = _visit(request, visit_id)
    data = payload.dict(exclude_unset=True)
    return services.correct_visit(request.auth, visit, substances=data.get("substances"),
                                  method=data.get("method"), booth=data.get("booth"))


@router.post("/{visit_id}/undo-checkout", response={200: VisitOut, **errors(404, 409)})
def undo_checkout(request, visit_id: str):
    """Undo a check-out within STOFRUM_UNDO_MINUTES: back in the booth if it is still free,
    else first in the queue. 409 `too_late`, `not_checked_out`, `already_checked_in`."""
    return services.undo_check_out(request.auth, _visit(request, visit_id))


@router.post("/{visit_id}/leave-queue", response={200: VisitOut, **errors(404, 409)})
def leave_queue(request, visit_id: str):
    visit = services.leave_queue(request.auth, _visit(request, visit_id))
    return visit


@board_router.get("/{slug}/board", response={200: BoardOut, **errors(404)})
def board(request, slug: str):
    """Booths with state and occupant, the queue, open incidents."""
    site = get_site_for(request.auth, slug, Capability.SITE_BOARD)
    return board_as_json(board_for(site))


@board_router.post("/{slug}/booths/{booth_id}/ready", response={200: BoardOut, **errors(404)})
def booth_ready(request, slug: str, booth_id: int):
    """A booth is clean again; it takes the first in the queue."""
    site = get_site_for(request.auth, slug, Capability.PERSONS_REGISTER)
    booth = by_pk(Booth.objects.filter(site=site).select_related("site", "method"), booth_id)
    if booth is None:
        raise NotFound()
    services.booth_ready(request.auth, booth)
    return board_as_json(board_for(site))


@board_router.post("/{slug}/assisted-intake", response={200: BoardOut, **errors(404)})
def assisted_intake(request, slug: str, payload: AvailabilityIn):
    """The capacity toggle: is assisted intake possible right now?"""
    site = get_site_for(request.auth, slug, Capability.PERSONS_REGISTER)
    services.set_assisted_intake_available(request.auth, site, payload.available)
    return board_as_json(board_for(site))

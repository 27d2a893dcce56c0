from datetime import date, datetime

from ninja import Router, Schema, Status

from stofrum.api_auth import require, staff_auth
from stofrum.api_errors import errors
from stofrum.client_address import client_address
from stofrum.limits import SaneDate, SaneMoment
from stofrum.paging import Rows, paged
from stofrum.people.services import get_person_for
from stofrum.staff.access import get_site_for
from stofrum.staff.roles import Capability
from stofrum.text import ComplaintText, Key, LongText, ShortText
from stofrum.voice import services
from stofrum.voice.models import CouncilMeeting

PUBLIC = "public"


def _public_caller(request):
    """Anyone may file a complaint without logging in (rate limited)."""
    return PUBLIC


complaints_router = Router(tags=["voice"])
suggestions_router = Router(tags=["voice"], auth=staff_auth)
council_router = Router(tags=["voice"], auth=staff_auth)


class ComplaintIn(Schema):
    site: Key | None = None
    route: Key
    text: ComplaintText
    anonymous: bool = True
    signed_as: ShortText = ""
    person: Key | None = None


class _ComplaintHead(Schema):
    id: int
    route: str
    status: str
    received_at: datetime
    answer_due_on: date


class ComplaintReceipt(_ComplaintHead):
    # True when a CPR-shaped number in the text was masked before it was kept (a caller
    # without login; staff are refused `cpr_in_free_text` instead).
    cpr_masked: bool = False


class ComplaintOut(_ComplaintHead):
    site: str | None
    text: str
    anonymous: bool
    signed_as: str
    person: str | None
    via_public_page: bool
    response: str
    overdue: bool


class ComplaintPatch(Schema):
    status: Key
    response: ComplaintText = ""


class SuggestionIn(Schema):
    site: Key
    kind: Key
    text: ComplaintText
    person: Key | None = None
    meeting_at: SaneMoment | None = None


class SuggestionOut(Schema):
    id: int
    site: str
    kind: str
    text: str
    person: str | None
    created_at: datetime
    meeting_at: datetime | None
    response: str
    responded_at: datetime | None


class ResponseIn(Schema):
    response: ComplaintText
    meeting_at: SaneMoment | None = None


class CouncilIn(Schema):
    site: Key
    held_on: SaneDate
    agenda: LongText
    minutes: LongText = ""
    attendance_count: int = 0
    attendees: LongText = ""
    decisions: LongText = ""
    actions: LongText = ""


class CouncilPatch(Schema):
    held_on: SaneDate | None = None
    agenda: LongText | None = None
    minutes: LongText | None = None
    attendance_count: int | None = None
    attendees: LongText | None = None
    decisions: LongText | None = None
    actions: LongText | None = None


class CouncilOut(Schema):
    id: int
    site: str
    held_on: SaneDate
    agenda: str
    minutes: str
    attendance_count: int
    attendees: str
    decisions: str
    actions: str


def complaint_out(c) -> dict:
    return {"id": c.pk, "site": c.site.slug if c.site_id else None, "route": c.route,
            "status": c.status, "received_at": c.received_at,
            "answer_due_on": c.answer_due_on, "text": c.text, "anonymous": c.anonymous,
            "signed_as": c.signed_as, "person": getattr(c.person, "code", None),
            "via_public_page": c.via_public_page, "response": c.response,
            "overdue": c.is_overdue()}


def suggestion_out(s) -> dict:
    return {"id": s.pk, "site": s.site.slug, "kind": s.kind, "text": s.text,
            "person": getattr(s.person, "code", None), "created_at": s.created_at,
            "meeting_at": s.meeting_at, "response": s.response,
            "responded_at": s.responded_at}


def council_out(m) -> dict:
    return {"id": m.pk, "site": m.site.slug, **{f: getattr(m, f)
                                                 for f in services.COUNCIL_FIELDS}}


@complaints_router.post("", response={201: ComplaintReceipt, **errors(404, 429)},
                        auth=[*staff_auth, _public_caller],
                        # Open to anyone: the empty requirement (added to the bearer and
                        # session ones) says that no login is needed.
                        openapi_extra={"security": [{}]})
def file_complaint(request, payload: ComplaintIn):
    """File a complaint: staff on a person's behalf, or anyone without logging in (rate
    limited; an anonymous caller gets a receipt, never the stored complaint). A CPR number
    in the text is refused for staff (400 `cpr_in_free_text`) and masked for the public
    (`cpr_masked` in the receipt)."""
    staff = None if request.auth == PUBLIC else request.auth
    person = (get_person_for(staff, payload.person)
              if staff is not None and payload.person and not payload.anonymous else None)
    complaint = services.file_complaint(
        staff, site=payload.site, route=payload.route, text=payload.text,
        anonymous=payload.anonymous, signed_as=payload.signed_as, person=person,
        client_address=client_address(request))
    return Status(201, {"id": complaint.pk, "route": complaint.route,
                        "status": complaint.status, "received_at": complaint.received_at,
                        "answer_due_on": complaint.answer_due_on,
                        "cpr_masked": complaint.cpr_masked})


@complaints_router.get("", response={200: list[ComplaintOut], **errors(403)},
                       auth=staff_auth)
@paged
def list_complaints(request, overdue: bool = False, **kwargs):
    """The complaints a leader handles (their sites, and those with no site)."""
    require(request, Capability.VOICE_RESPOND)
    qs = (services.overdue_complaints(request.auth) if overdue
          else services.complaints_for(request.auth))
    return Rows(qs, complaint_out)


@complaints_router.patch("/{complaint_id}", response={200: ComplaintOut, **errors(404, 422)},
                         auth=staff_auth)
def handle_complaint(request, complaint_id: int, payload: ComplaintPatch):
    """Move a complaint on and record the response."""
    require(request, Capability.VOICE_RESPOND)
    complaint = services.get_complaint_for(request.auth, complaint_id)
    return complaint_out(services.handle_complaint(
        request.auth, complaint, status=payload.status, response=payload.response))


@suggestions_router.post("", response={201: SuggestionOut, **errors(404)})
def leave_suggestion(request, payload: SuggestionIn):
    """A suggestion, criticism or meeting request, anonymous unless a person is given."""
    site = get_site_for(request.auth, payload.site, Capability.VOICE_RECORD)
    person = get_person_for(request.auth, payload.person) if payload.person else None
    suggestion = services.leave_suggestion(request.auth, site, payload.kind, payload.text,
                                           person=person, meeting_at=payload.meeting_at)
    return Status(201, suggestion_out(suggestion))


@suggestions_router.get("", response={200: list[SuggestionOut], **errors(404)})
@paged
def list_suggestions(request, site: str, **kwargs):
    site_obj = get_site_for(request.auth, site, Capability.VOICE_RECORD)
    return Rows(services.suggestions_for(site_obj).select_related("site")
                .order_by("-created_at", "-pk"), suggestion_out)


@suggestions_router.post("/{suggestion_id}/response",
                         response={200: SuggestionOut, **errors(404)})
def respond(request, suggestion_id: int, payload: ResponseIn):
    """The leader's response, or the outcome of the meeting."""
    require(request, Capability.VOICE_RESPOND)
    suggestion = services.get_suggestion_for(request.auth, suggestion_id)
    return suggestion_out(services.respond_to_suggestion(
        request.auth, suggestion, payload.response, meeting_at=payload.meeting_at))


@council_router.post("", response={201: CouncilOut, **errors(404)})
def record_council_meeting(request, payload: CouncilIn):
    site = get_site_for(request.auth, payload.site, Capability.VOICE_RECORD)
    data = payload.dict(exclude={"site"})
    return Status(201, council_out(services.record_council_meeting(request.auth, site,
                                                                   **data)))


@council_router.get("", response={200: list[CouncilOut], **errors(404)})
@paged
def list_council_meetings(request, site: str, **kwargs):
    site_obj = get_site_for(request.auth, site, Capability.VOICE_RECORD)
    return Rows(CouncilMeeting.objects.filter(site=site_obj).select_related("site")
                .order_by("-held_on", "-pk"), council_out)


@council_router.patch("/{meeting_id}", response={200: CouncilOut, **errors(404)})
def update_council_meeting(request, meeting_id: int, payload: CouncilPatch):
    meeting = services.get_council_meeting_for(request.auth, meeting_id)
    return council_out(services.update_council_meeting(
        request.auth, meeting, **payload.dict(exclude_unset=True)))

"""`/api/v1/neighbourhood/reports` (API.md, "Surrounding environment")."""

from datetime import datetime

from ninja import Router, Schema, Status

from stofrum.api_auth import require, staff_auth
from stofrum.api_errors import errors
from stofrum.client_address import client_address
from stofrum.neighbours import services
from stofrum.neighbours.models import CONTACT_MAX, PLACE_MAX
from stofrum.paging import Rows, paged
from stofrum.staff.access import get_site_for
from stofrum.text import ApiText, Key, Note

PUBLIC = "public"


def _public_caller(request):
    """Anyone may report without logging in (rate limited)."""
    return PUBLIC


router = Router(tags=["neighbourhood"])


class ReportIn(Schema):
    site: Key | None = None
    kind: Key
    place: ApiText(PLACE_MAX)
    text: Note = ""
    contact: ApiText(CONTACT_MAX) = ""


class ReportReceipt(Schema):
    id: int
    received_at: datetime


class ReportOut(Schema):
    id: int
    site: str | None
    kind: str
    place: str
    text: str
    received_at: datetime
    closed_at: datetime | None
    outcome: str
    pickup_minutes: int | None
    # Whether the neighbour left a way to be answered; the details themselves only with
    # `?reveal=contact`, for the staff who may read them (each reading audited).
    has_contact: bool
    contact: str | None


class CloseIn(Schema):
    outcome: Key


def report_out(report, contact=None) -> dict:
    return {"id": report.pk, "site": report.site.slug if report.site_id else None,
            "kind": report.kind, "place": report.place, "text": report.text,
            "received_at": report.received_at, "closed_at": report.closed_at,
            "outcome": report.outcome, "pickup_minutes": report.pickup_minutes,
            "has_contact": bool(report.contact), "contact": contact}


@router.post("/reports", response={201: ReportReceipt, **errors(404, 429)},
             auth=[*staff_auth, _public_caller],
             # Open to anyone: the empty requirement (added to the bearer and session ones)
             # says that no login is needed.
             openapi_extra={"security": [{}]})
def file_report(request, payload: ReportIn):
    """A neighbour reports a syringe, drug litter, use in public, a disturbance or another
    concern near a room; no login (rate limited per address, none kept). The answer is a
    receipt, never the stored report. A CPR number in the text is masked before it is
    kept. Without `site` the report is about no particular room: every site's staff see
    it, and only leaders read its contact details."""
    report = services.file_report(
        site=payload.site, kind=payload.kind, place=payload.place, text=payload.text,
        contact=payload.contact, client_address=client_address(request))
    return Status(201, {"id": report.pk, "received_at": report.received_at})


@router.get("/reports", response={200: list[ReportOut], **errors(403, 404)},
            auth=staff_auth)
@paged
def list_reports(request, site: str = "", open: bool = False, reveal: str = "",
                 **kwargs):
    """The reports of the caller's sites (of `site`, when given) and those of no
    particular room, newest first; `open=true` only those not yet picked up.
    `reveal=contact` adds the contact details the caller may read (each reading audited);
    without it `contact` is null."""
    require(request, services.SEE)
    site_obj = get_site_for(request.auth, site, services.SEE) if site else None
    staff = request.auth

    def out(report):
        contact = None
        if reveal == "contact" and report.contact and services.may_read_contact(staff,
                                                                                report):
            contact = services.read_contact(staff, report)
        return report_out(report, contact)

    return Rows(services.reports_for(staff, site_obj, open_only=open), out)


@router.post("/reports/{report_id}/close", response={200: ReportOut, **errors(404, 409)},
             auth=staff_auth)
def close_report(request, report_id: str, payload: CloseIn):
    """The report was picked up: `collected`, `answered` or `nothing_found`; the time from
    the report to now is its pickup time. 409 `already_closed`."""
    require(request, services.SEE)
    report = services.get_report_for(request.auth, report_id)
    return report_out(services.close_report(request.auth, report, payload.outcome))

"""Use cases for suggestions, meetings with the leader, complaints and the user council
(DOMAIN.md §9–10).

Complaints come from staff on a person's behalf or from anyone on the public page; the
public path is rate limited per hashed client address and records no address at all.
"""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stofrum.audit.services import diff, record, snapshot
from stofrum.cpr_shape import mask_cpr
from stofrum.errors import DomainError, Forbidden, InvalidInput, NotFound
from stofrum.lookups import by_int_pk
from stofrum.sites.models import Site
from stofrum.staff.access import require_capability
from stofrum.staff.roles import Capability
from stofrum.text import COMPLAINT_MAX, LONG_TEXT_MAX, clean_text
from stofrum.voice.choices import (
    OPEN_COMPLAINT_STATUSES,
    ComplaintRoute,
    ComplaintStatus,
    SuggestionKind,
)
from stofrum.voice.models import Complaint, CouncilMeeting, PublicSubmissionWindow, Suggestion

SIGNED_AS_MAX = 100


# --- suggestions, criticism and meetings with the leader ---------------------------------


def get_suggestion_for(staff, suggestion_id) -> Suggestion:
    if not (staff.can(Capability.VOICE_RECORD) or staff.can(Capability.VOICE_RESPOND)):
        raise Forbidden()
    suggestion = by_int_pk(Suggestion.objects.select_related("site", "person"), suggestion_id)
    if suggestion is None or not staff.can(Capability.VOICE_RECORD, suggestion.site) and \
            not staff.can(Capability.VOICE_RESPOND, suggestion.site):
        raise NotFound()
    return suggestion


def leave_suggestion(staff, site, kind: str, text: str, *, person=None,
                     meeting_at=None) -> Suggestion:
    """A person's suggestion, criticism or request for a meeting with the leader, written
    down by staff; linked to the person only if they want it (else anonymous).

    Refuses: (400) `invalid_input` (kind), `text_required`, `text_too_long`.
    """
    if not staff.can(Capability.VOICE_RECORD, site):
        raise NotFound()
    if kind not in SuggestionKind.values:
        raise InvalidInput("invalid_input", field="kind")
    text = clean_text(text, "text", max_length=COMPLAINT_MAX, required=True)
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            site=site, kind=kind, person=person, text=text, created_at=timezone.now(),
            recorded_by=staff, meeting_at=meeting_at if kind == SuggestionKind.MEETING
            else None)
        record(staff, "voice.suggestion_recorded", suggestion, site=site, summary=kind,
               changes={"person": getattr(person, "code", None)})
    return suggestion


def respond_to_suggestion(staff, suggestion: Suggestion, response: str, *,
                          meeting_at=None) -> Suggestion:
    """The leader's response to a suggestion or criticism, or the outcome of a meeting
    (and when it was held). Refuses: (400) `text_required`, `text_too_long`."""
    if not staff.can(Capability.VOICE_RESPOND, suggestion.site):
        raise NotFound()
    response = clean_text(response, "response", max_length=COMPLAINT_MAX, required=True)
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        before = snapshot(suggestion, ["response", "meeting_at"])
        suggestion.response = response
        if meeting_at is not None:
            suggestion.meeting_at = meeting_at
        suggestion.responded_at, suggestion.responded_by = timezone.now(), staff
        suggestion.save()
        record(staff, "voice.suggestion_answered", suggestion, site=suggestion.site,
               changes=diff(before, snapshot(suggestion, list(before))))
    return suggestion


def suggestions_for(site):
    return Suggestion.objects.filter(site=site).select_related("person", "recorded_by",
                                                                "responded_by")


# --- complaints --------------------------------------------------------------------------


def _rate_key(client_address: str, scope: str = "") -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{scope}{client_address or '?'}".encode(),
                    hashlib.sha256).hexdigest()


def _window_start(now):
    return now.replace(minute=0, second=0, microsecond=0)


def sweep_submission_windows(now=None) -> int:
    """Delete the rate-limit windows (hashed client addresses) whose hour is over; the
    count deleted. Each public complaint sweeps them, and so does the daily
    `apply_retention`, so that none outlives its hour by more than a day when no one
    writes."""
    window = _window_start(now or timezone.now())
    return PublicSubmissionWindow.objects.filter(window_start__lt=window).delete()[0]


def check_public_rate(client_address: str | None, *, scope: str = "",
                      limit: int | None = None) -> None:
    """At most `limit` (default STOFRUM_COMPLAINT_RATE_LIMIT) public submissions per address
    per hour, counted per `scope` ("" the complaints; "neighbourhood:" the neighbours'
    reports, stofrum/neighbours); 429 `too_many_requests` past it. Call it inside the
    submitting transaction: a refused or failed submission then counts nothing."""
    now = timezone.now()
    window = _window_start(now)
    sweep_submission_windows(now)
    key = _rate_key(client_address, scope)
    PublicSubmissionWindow.objects.get_or_create(key=key, window_start=window)
    PublicSubmissionWindow.objects.filter(key=key, window_start=window).update(
        count=F("count") + 1)
    count = PublicSubmissionWindow.objects.get(key=key, window_start=window).count
    if count > (settings.STOFRUM_COMPLAINT_RATE_LIMIT if limit is None else limit):
        raise DomainError("too_many_requests", status=429)


def answer_due(received_at):
    return timezone.localdate(received_at) + timedelta(
        days=settings.STOFRUM_COMPLAINT_ANSWER_DAYS)


def complaint_site(staff, site) -> Site | None:
    """The site a complaint is about: a `Site`, a slug, or nothing ("" / None: no particular
    room, which every leader handles).

    A slug that names no site is refused (404 `unknown_site`) on the public page and the
    API alike, rather than filed without a site: a complaint about one room filed as one
    about no room would reach the wrong leader, and the writer would not know. Nothing is
    lost by refusing: the page shows the form again with the text kept, the API caller
    still holds what it sent. A staff member naming a site they do not record complaints
    for gets `not_found`, exactly as for a missing one.
    """
    if isinstance(site, Site) or site is None:
        return site
    slug = str(site).strip()
    if not slug:
        return None
    found = Site.objects.filter(slug=slug).first()
    if staff is None:
        if found is None:
            raise NotFound("unknown_site", _("That room is not known. Choose a room from the "
                                             "list, or no particular room."))
        return found
    if found is None or not staff.can(Capability.VOICE_RECORD, found):
        raise NotFound()
    return found


def file_complaint(staff, *, site, route: str, text: str, anonymous: bool = True,
                   person=None, signed_as: str = "", client_address: str | None = None
                   ) -> Complaint:
    """File a complaint to the room's leader, Socialforvaltningen or (as guidance, so the
    room knows) Borgerrådgiveren. `staff` None means the public page or API without login:
    rate limited, and no client address is kept anywhere. `site` is a `Site`, a slug, or
    nothing; the page and the API pass what they were given and `complaint_site` decides
    (an unknown slug is refused, never filed without a site).

    A CPR number in the text is refused for staff (400 `cpr_in_free_text`: it belongs in
    the journal's CPR field only); from the public it is masked before anything is kept
    (the digits become "X", in the text and the signature alike), and the returned
    complaint's `cpr_masked` (not stored) tells the receipt to say so.

    Refuses: (400) `invalid_route`, `text_required`, `text_too_long`, `cpr_in_free_text`;
    (404) `unknown_site`, `not_found`; (429) `too_many_requests`.
    """
    public = staff is None
    masked = 0
    if public:
        text, in_text = mask_cpr(str(text or ""))
        signed_as, in_signature = mask_cpr(str(signed_as or ""))
        masked = in_text + (0 if anonymous else in_signature)
    site = complaint_site(staff, site)
    if not public and site is not None and not staff.can(Capability.VOICE_RECORD, site):
        raise NotFound()
    if not public and not staff.can(Capability.VOICE_RECORD):
        raise DomainError("forbidden", status=403)
    if route not in ComplaintRoute.values:
        raise InvalidInput("invalid_route", field="route")
    text = clean_text(text, "text", max_length=COMPLAINT_MAX, required=True)
    signed_as = "" if anonymous else clean_text(signed_as, "signed_as",
                                                max_length=SIGNED_AS_MAX)
    if anonymous or public:
        person = None
    now = timezone.now()
    with transaction.atomic():
        if public:
            check_public_rate(client_address)
        complaint = Complaint.objects.create(
            site=site, route=route, text=text, anonymous=anonymous, person=person,
            signed_as=signed_as, via_public_page=public, received_at=now,
            answer_due_on=answer_due(now), recorded_by=staff)
        record(staff, "voice.complaint_filed", complaint, site=site, summary=route,
               changes={"route": route, "anonymous": anonymous, "public": public},
               keep_address=not public)
    complaint.cpr_masked = bool(masked)
    return complaint


def _may_handle(staff, complaint: Complaint) -> bool:
    if complaint.site_id is None:
        return staff.can(Capability.VOICE_RESPOND)
    return staff.can(Capability.VOICE_RESPOND, complaint.site)


def complaints_for(staff):
    """The complaints a leader handles: those of their sites and those with no site."""
    if not staff.can(Capability.VOICE_RESPOND):
        return Complaint.objects.none()
    qs = Complaint.objects.select_related("site", "person", "responded_by").order_by(
        "-received_at", "-pk")
    if staff.sees_all_sites:
        return qs
    return qs.filter(Q(site__isnull=True) | Q(site_id__in=staff.site_ids))


def overdue_complaints(staff, today=None):
    today = today or timezone.localdate()
    return complaints_for(staff).filter(status__in=OPEN_COMPLAINT_STATUSES,
                                        answer_due_on__lt=today).order_by("answer_due_on", "pk")


def get_complaint_for(staff, complaint_id) -> Complaint:
    require_capability(staff, Capability.VOICE_RESPOND)
    complaint = by_int_pk(complaints_for(staff), complaint_id)
    if complaint is None:
        raise NotFound()
    return complaint


def handle_complaint(staff, complaint: Complaint, *, status: str,
                     response: str = "") -> Complaint:
    """Move a complaint on (received → being handled → forwarded / answered) and record
    the response. An answered complaint needs the response text.

    Refuses: (400) `invalid_status`, `text_required`, `text_too_long`; (422)
    `already_answered`.
    """
    if not _may_handle(staff, complaint):
        raise NotFound()
    if status not in ComplaintStatus.values:
        raise InvalidInput("invalid_status", field="status")
    response = clean_text(response, "response", max_length=COMPLAINT_MAX,
                          required=status == ComplaintStatus.ANSWERED)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.status == ComplaintStatus.ANSWERED:
            raise DomainError("already_answered")
        before = snapshot(complaint, ["status", "response"])
        complaint.status = status
        if response:
            complaint.response = response
        if status in (ComplaintStatus.ANSWERED, ComplaintStatus.FORWARDED):
            complaint.responded_at, complaint.responded_by = timezone.now(), staff
        complaint.save()
        record(staff, "voice.complaint_handled", complaint, site=complaint.site,
               summary=status, changes=diff(before, snapshot(complaint, list(before))))
    return complaint


# --- the user council (brugerråd) --------------------------------------------------------

COUNCIL_FIELDS = ("held_on", "agenda", "minutes", "attendance_count", "attendees",
                  "decisions", "actions")


def get_council_meeting_for(staff, meeting_id) -> CouncilMeeting:
    require_capability(staff, Capability.VOICE_RECORD)
    meeting = by_int_pk(CouncilMeeting.objects.select_related("site"), meeting_id)
    if meeting is None or not staff.can(Capability.VOICE_RECORD, meeting.site):
        raise NotFound()
    return meeting


def _council_fields(data: dict) -> dict:
    clean = {}
    for name in ("agenda", "minutes", "attendees", "decisions", "actions"):
        if name in data:
            clean[name] = clean_text(data[name], name, max_length=LONG_TEXT_MAX,
                                     required=name == "agenda")
    if "attendance_count" in data:
        try:
            count = int(data["attendance_count"] or 0)
        except (TypeError, ValueError):
            raise InvalidInput("invalid_input", field="attendance_count") from None
        if not 0 <= count <= 1000:
            raise InvalidInput("invalid_input", field="attendance_count")
        clean["attendance_count"] = count
    if "held_on" in data:
        if data["held_on"] is None:
            raise InvalidInput("invalid_date", field="held_on")
        clean["held_on"] = data["held_on"]
    return clean


def record_council_meeting(staff, site, **data) -> CouncilMeeting:
    """Record a user-council meeting: date, agenda, minutes, attendance (a count, or
    aliases of those who want to be named), decisions and follow-up actions."""
    if not staff.can(Capability.VOICE_RECORD, site):
        raise NotFound()
    fields = _council_fields({"held_on": data.get("held_on"), "agenda": "", **data})
    with transaction.atomic():
        meeting = CouncilMeeting.objects.create(site=site, recorded_by=staff,
                                                updated_at=timezone.now(), **fields)
        record(staff, "voice.council_meeting_recorded", meeting, site=site,
               summary=str(meeting.held_on))
    return meeting


def update_council_meeting(staff, meeting: CouncilMeeting, **data) -> CouncilMeeting:
    """Add the minutes, decisions and actions after the meeting (audited)."""
    if not staff.can(Capability.VOICE_RECORD, meeting.site):
        raise NotFound()
    fields = _council_fields(data)
    with transaction.atomic():
        meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
        before = snapshot(meeting, list(COUNCIL_FIELDS))
        for name, value in fields.items():
            setattr(meeting, name, value)
        changes = diff(before, snapshot(meeting, list(COUNCIL_FIELDS)))
        if changes:
            meeting.updated_at = timezone.now()
            meeting.save()
            record(staff, "voice.council_meeting_updated", meeting, site=meeting.site,
                   changes=changes)
    return meeting

"""Suggestions and meetings with the leader, complaints (staff side) and the user
council. The public complaint form lives in stofrum/public."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from stofrum.errors import DomainError
from stofrum.forms_util import or_404, posted_date, posted_moment
from stofrum.people.services import get_person_for
from stofrum.staff.access import get_site_for, staff_required
from stofrum.staff.roles import Capability
from stofrum.voice import services
from stofrum.voice.choices import ComplaintRoute, ComplaintStatus, SuggestionKind
from stofrum.voice.models import CouncilMeeting


def _optional_person(request, field="person"):
    code = (request.POST.get(field) or "").strip()
    if not code:
        return None
    try:
        return get_person_for(request.user, code)
    except DomainError:
        raise DomainError("not_found", status=400, field=field) from None


def _suggestions_page(request, site, *, error=None, form=None, response=None,
                      responding_to=None):
    """The suggestions page; refused, with what was typed kept (`form` for a new
    suggestion, `response` for the answer to suggestion `responding_to`)."""
    return render(request, "voice/suggestions.html", {
        "site": site, "error": error, "kinds": SuggestionKind.choices, "form": form,
        "response": response, "responding_to": responding_to,
        "suggestions": services.suggestions_for(site)[:100],
        "can_respond": request.user.can(Capability.VOICE_RESPOND, site),
    }, status=422 if error else 200)


@staff_required(Capability.VOICE_RECORD)
def suggestions_view(request, slug):
    """A site's suggestions, criticism and meeting requests, and the form to add one."""
    site = get_site_for(request.user, slug, Capability.VOICE_RECORD)
    if request.method == "POST":
        try:
            services.leave_suggestion(
                request.user, site, request.POST.get("kind", ""), request.POST.get("text", ""),
                person=_optional_person(request),
                meeting_at=posted_moment(request.POST.get("meeting_at"), "meeting_at"))
        except DomainError as exc:
            return _suggestions_page(request, site, error=exc.message, form=request.POST)
        messages.success(request, _("Thank you. It is recorded for the leader."))
        return redirect("voice:suggestions", slug=site.slug)
    return _suggestions_page(request, site)


@staff_required(Capability.VOICE_RESPOND)
@require_POST
def respond_view(request, suggestion_id):
    """The leader's response to a suggestion; refused, the page comes back with it kept."""
    suggestion = or_404(services.get_suggestion_for, request.user, suggestion_id)
    try:
        services.respond_to_suggestion(
            request.user, suggestion, request.POST.get("response", ""),
            meeting_at=posted_moment(request.POST.get("meeting_at"), "meeting_at"))
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from None
        return _suggestions_page(request, suggestion.site, error=exc.message,
                                 response=request.POST.get("response", ""),
                                 responding_to=suggestion.pk)
    messages.success(request, _("The response is recorded."))
    return redirect("voice:suggestions", slug=suggestion.site.slug)


@staff_required(Capability.VOICE_RECORD)
def complaint_on_behalf_view(request, slug):
    """Staff write down a complaint on a person's behalf."""
    site = get_site_for(request.user, slug, Capability.VOICE_RECORD)
    error = None
    if request.method == "POST":
        anonymous = request.POST.get("anonymous") == "1"
        try:
            services.file_complaint(
                request.user, site=site, route=request.POST.get("route", ""),
                text=request.POST.get("text", ""), anonymous=anonymous,
                signed_as=request.POST.get("signed_as", ""),
                person=None if anonymous else _optional_person(request))
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("The complaint is recorded. The answer is due within "
                                        "%(days)s days.") % {
                "days": settings.STOFRUM_COMPLAINT_ANSWER_DAYS})
            return redirect("staff:site", slug=site.slug)
    return render(request, "voice/complaint_form.html", {
        "site": site, "error": error, "routes": ComplaintRoute.choices,
        "form": request.POST if error else None,
    }, status=422 if error else 200)


@staff_required(Capability.VOICE_RESPOND)
@require_GET
def complaints_view(request):
    """The leader's complaint register: overdue first, then the open ones, then the rest."""
    complaints = list(services.complaints_for(request.user).order_by("answer_due_on")[:300])
    today = timezone.localdate()
    return render(request, "voice/complaints.html", {
        "overdue": [c for c in complaints if c.is_overdue(today)],
        "open": [c for c in complaints if c.is_open and not c.is_overdue(today)],
        "handled": [c for c in complaints if not c.is_open][:50],
    })


@staff_required(Capability.VOICE_RESPOND)
def complaint_view(request, complaint_id):
    complaint = or_404(services.get_complaint_for, request.user, complaint_id)
    error = None
    if request.method == "POST":
        try:
            services.handle_complaint(request.user, complaint,
                                      status=request.POST.get("status", ""),
                                      response=request.POST.get("response", ""))
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("The complaint is updated."))
            return redirect("voice:complaint", complaint_id=complaint.pk)
    return render(request, "voice/complaint.html", {
        "complaint": complaint, "error": error, "statuses": ComplaintStatus.choices,
        "overdue": complaint.is_overdue(), "form": request.POST if error else None,
    }, status=422 if error else 200)


COUNCIL_TEXT_FIELDS = ("agenda", "minutes", "attendance_count", "attendees", "decisions",
                       "actions")


def _council_data(request) -> dict:
    data = {name: request.POST.get(name, "") for name in COUNCIL_TEXT_FIELDS}
    data["held_on"] = posted_date(request.POST.get("held_on"), "held_on", required=True)
    return data


@staff_required(Capability.VOICE_RECORD)
def council_view(request, slug):
    """The site's user-council meetings, and a form for the next one."""
    site = get_site_for(request.user, slug, Capability.VOICE_RECORD)
    error = None
    if request.method == "POST":
        try:
            meeting = services.record_council_meeting(request.user, site,
                                                      **_council_data(request))
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("The meeting is recorded."))
            return redirect("voice:council_meeting", meeting_id=meeting.pk)
    return render(request, "voice/council.html", {
        "site": site, "error": error, "form": request.POST if error else None,
        "meetings": CouncilMeeting.objects.filter(site=site)[:50],
    }, status=422 if error else 200)


@staff_required(Capability.VOICE_RECORD)
def council_meeting_view(request, meeting_id):
    meeting = or_404(services.get_council_meeting_for, request.user, meeting_id)
    error = None
    if request.method == "POST":
        try:
            services.update_council_meeting(request.user, meeting, **_council_data(request))
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("The meeting is updated."))
            return redirect("voice:council_meeting", meeting_id=meeting.pk)
    return render(request, "voice/council_meeting.html", {
        "meeting": meeting, "site": meeting.site, "error": error,
        "form": request.POST if error else None,
    }, status=422 if error else 200)

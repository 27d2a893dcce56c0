"""Services and referrals from the board tile or the person page: one tap to open, one
tap to record."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from stofrum.care import services
from stofrum.care.choices import NEXT_STATUSES, ReferralStatus
from stofrum.care.models import Referral, ReferralTarget, ServiceKind
from stofrum.errors import DomainError
from stofrum.forms_util import or_404, posted_date
from stofrum.idempotency.pages import once_per_form
from stofrum.people.services import get_person_for
from stofrum.staff.access import get_site_for, staff_required
from stofrum.staff.roles import Capability
from stofrum.visits.services import get_visit_for


def _subject(request, site):
    """The visit and person the page is about (either may be absent)."""
    visit = person = None
    try:
        if visit_id := (request.POST.get("visit") or request.GET.get("visit")):
            visit = get_visit_for(request.user, visit_id, Capability.CARE_RECORD)
            if visit.site_id != site.pk:
                raise Http404
            person = visit.person
        elif code := (request.POST.get("person") or request.GET.get("person")):
            person = get_person_for(request.user, code)
    except DomainError:
        raise Http404 from None
    return visit, person


@staff_required(Capability.CARE_RECORD)
@once_per_form
def care_view(request, slug):
    """Big buttons for the services, and a referral form, for a visit or person."""
    site = get_site_for(request.user, slug, Capability.CARE_RECORD)
    visit, person = _subject(request, site)
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "service":
                service = services.record_service(
                    request.user, site, request.POST.get("kind", ""), person=person,
                    visit=visit, note=request.POST.get("note", ""))
                messages.success(request, _("Recorded: %(service)s.") % {
                    "service": service.kind.name})
            elif action == "referral":
                if person is None:
                    raise DomainError("invalid_input", status=400, field="person")
                referral = services.refer(
                    request.user, site, person, request.POST.get("target", ""),
                    note=request.POST.get("note", ""), visit=visit,
                    follow_up_on=posted_date(request.POST.get("follow_up_on"),
                                             "follow_up_on"))
                messages.success(request, _("Referral to %(target)s recorded.") % {
                    "target": referral.target.name})
            else:
                raise DomainError("invalid_input", status=400, field="action")
        except DomainError as exc:
            error = exc.message
        else:
            if request.POST.get("next") == "person" and person is not None:
                return redirect("people:person", code=person.code)
            return redirect(reverse("staff:site", kwargs={"slug": site.slug}) + "#board")
    return render(request, "care/care.html", {
        "site": site, "visit": visit, "person": person, "error": error,
        "form": request.POST if error else None,  # what was typed, kept to correct
        "kinds": ServiceKind.objects.filter(is_active=True),
        "targets": ReferralTarget.objects.filter(is_active=True),
        "default_follow_up": services.default_follow_up(),
    }, status=(422 if error else 200))


@staff_required(Capability.CARE_RECORD)
@require_GET
def referrals_view(request, slug):
    """Follow-ups due at the site, and the open referrals."""
    site = get_site_for(request.user, slug, Capability.CARE_RECORD)
    due = list(services.follow_ups_due(site))
    open_referrals = (Referral.objects.filter(site=site, closed_at__isnull=True)
                      .exclude(pk__in=[r.pk for r in due])
                      .select_related("person", "target").order_by("follow_up_on")[:200])
    recent_closed = (Referral.objects.filter(site=site, closed_at__isnull=False)
                     .select_related("person", "target").order_by("-closed_at")[:20])
    return render(request, "care/referrals.html", {
        "site": site, "due": due, "open_referrals": open_referrals,
        "recent_closed": recent_closed})


@staff_required(Capability.CARE_RECORD)
def referral_view(request, referral_id):
    """One referral: move it on, record the outcome, set the next follow-up."""
    referral = or_404(services.get_referral_for, request.user, referral_id)
    error = None
    if request.method == "POST":
        try:
            follow_up = request.POST.get("follow_up_on")
            services.update_referral(
                request.user, referral, status=request.POST.get("status") or None,
                outcome=request.POST.get("outcome"),
                follow_up_on=(posted_date(follow_up, "follow_up_on")
                              if follow_up is not None else services.UNSET))
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("The referral is updated."))
            return redirect("care:referral", referral_id=referral.pk)
    return render(request, "care/referral.html", {
        "referral": referral, "site": referral.site, "error": error,
        "form": request.POST if error else None,
        "next_statuses": [(s, ReferralStatus(s).label)
                          for s in ReferralStatus.values
                          if s in NEXT_STATUSES[ReferralStatus(referral.status)]],
    }, status=422 if error else 200)

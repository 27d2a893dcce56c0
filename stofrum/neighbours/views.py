"""The public report page (no login, phone first) and the staff's list of a site's
reports with the close actions and the audited reading of contact details."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from stofrum.client_address import client_address
from stofrum.errors import DomainError
from stofrum.forms_util import or_404, say_outcome
from stofrum.neighbours import services
from stofrum.neighbours.choices import ReportKind, ReportOutcome
from stofrum.neighbours.models import CONTACT_MAX, PLACE_MAX
from stofrum.sites.models import Site
from stofrum.staff.access import get_site_for, staff_required
from stofrum.text import NOTE_MAX

CLOSED_SHOWN = 30


def report_view(request):
    """Anyone may report without logging in; rate limited, no address kept. The page asks
    for the nearest room (the API may leave it out) and says how contact details are used
    and when they are deleted."""
    error, status = None, 200
    if request.method == "POST":
        site = request.POST.get("site", "")
        try:
            if not site.strip():
                raise DomainError("site_required", _("Choose the room nearest to the place."),
                                  status=400, field="site")
            report = services.file_report(
                site=site, kind=request.POST.get("kind", ""),
                place=request.POST.get("place", ""), text=request.POST.get("text", ""),
                contact=request.POST.get("contact", ""),
                client_address=client_address(request))
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            contact = "1" if report.contact else "0"
            cpr = "1" if report.cpr_masked else "0"
            return redirect(f"/neighbours/thanks?contact={contact}&cpr={cpr}")
    return render(request, "neighbours/report_form.html", {
        "sites": Site.objects.order_by("name"), "kinds": ReportKind.choices, "error": error,
        "form": request.POST if error else None, "place_max": PLACE_MAX,
        "text_max": NOTE_MAX, "contact_max": CONTACT_MAX,
        "contact_days": settings.STOFRUM_NEIGHBOUR_CONTACT_DAYS,
    }, status=status)


@require_GET
def thanks_view(request):
    return render(request, "neighbours/report_thanks.html", {
        "contact": request.GET.get("contact") == "1", "cpr_masked": request.GET.get("cpr") == "1",
        "contact_days": settings.STOFRUM_NEIGHBOUR_CONTACT_DAYS})


@staff_required(services.SEE)
@require_GET
def site_reports_view(request, slug):
    """A site's reports: the open ones (theirs and those of no particular room) with the
    close actions, and the latest closed ones with their pickup times."""
    site = get_site_for(request.user, slug, services.SEE)
    reports = services.reports_for(request.user, site)
    open_reports = list(reports.filter(closed_at__isnull=True))
    for report in open_reports:
        report.may_read_contact = services.may_read_contact(request.user, report)
    return render(request, "neighbours/site_reports.html", {
        "site": site, "open_reports": open_reports,
        "closed_reports": reports.filter(closed_at__isnull=False).order_by(
            "-closed_at", "-pk")[:CLOSED_SHOWN],
        "outcomes": ReportOutcome.choices,
    })


def _back(request, report):
    slug = request.POST.get("site") or (report.site.slug if report.site_id else "")
    if slug and any(s.slug == slug for s in Site.objects.for_staff(request.user)):
        return redirect("neighbours:site_reports", slug=slug)
    return redirect("staff:home")


@staff_required(services.SEE)
@require_POST
def close_view(request, report_id):
    report = or_404(services.get_report_for, request.user, report_id)
    say_outcome(request, lambda: services.close_report(request.user, report,
                                                       request.POST.get("outcome", "")),
                _("The report is closed."))
    return _back(request, report)


@staff_required(services.SEE)
@require_POST
def contact_view(request, report_id):
    """The contact details of one report, for the staff who may answer (audited)."""
    report = or_404(services.get_report_for, request.user, report_id)
    try:
        contact = services.read_contact(request.user, report)
    except DomainError as exc:  # a role that sees the report but may not read it: 403
        raise PermissionDenied from exc
    response = render(request, "neighbours/contact.html", {
        "report": report, "contact": contact, "back": request.POST.get("site", "")})
    response["Cache-Control"] = "no-store"
    return response

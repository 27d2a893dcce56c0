from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET

from stofrum.care.models import ServiceKind
from stofrum.client_address import client_address
from stofrum.errors import DomainError
from stofrum.sites.models import Site
from stofrum.sites.presenters import opening_hours_rows
from stofrum.sites.services import current_house_rules, rule_lines
from stofrum.visits.models import Substance
from stofrum.voice import services as voice
from stofrum.voice.choices import ComplaintRoute


@require_GET
def home_view(request):
    """What the rooms are for and for whom, anonymity, services, rules, how to complain,
    and the five rooms with whether each is open now. No login."""
    now = timezone.now()
    sites = [
        {"site": site, "open_now": site.is_open_at(now), "hours": opening_hours_rows(site)}
        for site in Site.objects.with_details()
    ]
    return render(request, "public/home.html", {
        "sites": sites, "shared_rules": rule_lines(current_house_rules(None)),
        "services": ServiceKind.objects.filter(is_active=True).exclude(code="other"),
        "substances": Substance.objects.filter(is_active=True).exclude(
            code__in=["mixed", "other"]),
    })


@require_GET
def rules_view(request, slug):
    """A site's house rules as a poster for the wall (print stylesheet), both languages."""
    site = get_object_or_404(Site, slug=slug)
    rule_sets = current_house_rules(site)
    return render(request, "public/rules.html", {
        "site": site, "pairs": [pair for r in rule_sets for pair in r.pairs()],
        "versions": rule_sets,
    })


def complaint_view(request):
    """Anyone may complain without logging in; rate limited, and nothing identifies the
    writer unless they choose to sign."""
    error, status = None, 200
    if request.method == "POST":
        anonymous = request.POST.get("anonymous") == "1"
        try:
            complaint = voice.file_complaint(
                None, site=request.POST.get("site", ""), route=request.POST.get("route", ""),
                text=request.POST.get("text", ""), anonymous=anonymous,
                signed_as=request.POST.get("signed_as", ""),
                client_address=client_address(request))
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            # What the thank-you page needs to say how the answer comes (nothing personal).
            named = "1" if complaint.signed_as and not complaint.anonymous else "0"
            cpr = "1" if complaint.cpr_masked else "0"
            return redirect(f"/complaints/thanks?due={complaint.answer_due_on.isoformat()}"
                            f"&route={complaint.route}&named={named}&cpr={cpr}")
    return render(request, "public/complaint.html", {
        "sites": Site.objects.all(), "routes": ComplaintRoute.choices, "error": error,
        "form": request.POST if error else None,
    }, status=status)


@require_GET
def complaint_thanks_view(request):
    try:
        due = parse_date(request.GET.get("due", ""))
    except ValueError:
        due = None
    route = request.GET.get("route", "")
    return render(request, "public/complaint_thanks.html", {
        "due": due, "route": route if route in ComplaintRoute.values else "",
        "named": request.GET.get("named") == "1", "cpr_masked": request.GET.get("cpr") == "1"})

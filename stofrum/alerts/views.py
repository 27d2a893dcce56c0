"""The pages of drug alerts: the list with a leader's form to raise one, acknowledging for
a site, ending, and the banner fragment the home page redraws on a `drug_alert` event."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from stofrum.alerts import services
from stofrum.alerts.models import DrugAlert
from stofrum.errors import DomainError
from stofrum.forms_util import or_404, say_outcome
from stofrum.sites.models import Site
from stofrum.staff.access import staff_required
from stofrum.staff.roles import Capability
from stofrum.visits.models import Substance

RECENT = 30  # ended alerts listed under the active ones


def _back(request, default="alerts:list"):
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


def home_alerts(staff, now=None) -> list:
    """The alerts in force, each with `site_acks`: (site, acknowledged at or None) for the
    sites whose board the staff member sees (the home page's banner)."""
    sites = [s for s in Site.objects.for_staff(staff).order_by("name")
             if staff.can(Capability.SITE_BOARD, s)]
    alerts = list(services.active_alerts(now))
    for alert in services.with_site_names(alerts):
        acks = {a.site_id: a.at for a in alert.acknowledgements.all()}
        alert.site_acks = [(s, acks.get(s.pk)) for s in sites]
    return alerts


@staff_required(Capability.SITE_BOARD)
@require_GET
def banner_fragment(request):
    """The home page's banner, redrawn when a `drug_alert` event arrives."""
    target = request.GET.get("next", "")
    return render(request, "alerts/_home_banner.html", {
        "drug_alerts": home_alerts(request.user),
        "next": target if target.startswith("/") and not target.startswith("//") else "",
    })


@staff_required(Capability.SITE_BOARD)
def list_view(request):
    """The alerts in force and the latest ended ones; leaders raise one here."""
    now = timezone.now()
    active = home_alerts(request.user, now)
    ended = list(DrugAlert.objects.select_related("substance")
                 .exclude(pk__in=[a.pk for a in active]).order_by("-started_at")[:RECENT])
    return render(request, "alerts/list.html", {
        "drug_alerts": active, "ended": ended,
        "can_raise": request.user.can(Capability.ALERTS_RAISE),
        "settings_cases": settings.STOFRUM_DRUG_ALERT_CASES,
        "settings_hours": settings.STOFRUM_DRUG_ALERT_HOURS,
        "substances": Substance.objects.filter(is_active=True),
    })


@staff_required(Capability.ALERTS_RAISE)
@require_POST
def raise_view(request):
    try:
        alert = services.raise_alert(request.user, request.POST.get("substance", ""),
                                     request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Drug alert raised for %(substance)s: every site sees "
                                    "it now.") % {"substance": alert.substance.name})
    return redirect("alerts:list")


@staff_required(Capability.SITE_BOARD)
@require_POST
def acknowledge_view(request, alert_id):
    alert = or_404(services.get_alert, request.user, alert_id)
    say_outcome(request, lambda: services.acknowledge(request.user, alert,
                                                      request.POST.get("site", "")),
                _("Drug alert acknowledged for this site."))
    return _back(request)


@staff_required(Capability.ALERTS_RAISE)
@require_POST
def end_view(request, alert_id):
    alert = or_404(services.get_alert, request.user, alert_id)
    say_outcome(request, lambda: services.end_alert(request.user, alert),
                _("The drug alert has ended."))
    return _back(request)

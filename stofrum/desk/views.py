"""The staff's pages that gather several apps: the home page, merging two persons."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stofrum.alerts.views import home_alerts
from stofrum.care.services import follow_ups_due
from stofrum.desk import services
from stofrum.errors import DomainError
from stofrum.forms_util import or_404
from stofrum.health.services import journals_pending
from stofrum.people.services import get_person_for
from stofrum.sites.models import Site
from stofrum.staff.access import staff_required
from stofrum.staff.roles import Capability
from stofrum.staff.site_tools import site_tools
from stofrum.voice.services import overdue_complaints

HOME_PENDING_JOURNALS = 20


@staff_required()
def home_view(request):
    staff = request.user
    sites = Site.objects.for_staff(staff).prefetch_related("intake_methods", "booths__method")
    board_sites = [s for s in sites if staff.can(Capability.SITE_BOARD, s)]
    for site in board_sites:
        site.tools = site_tools(staff, site)
        site.follow_ups = (list(follow_ups_due(site)[:20])
                           if staff.can(Capability.CARE_RECORD, site) else [])
        site.journals_pending = (journals_pending(site, limit=HOME_PENDING_JOURNALS)
                                 if staff.can(Capability.JOURNAL_WRITE, site) else [])
    return render(request, "desk/home.html", {
        "sites": board_sites,
        "overdue_complaints": overdue_complaints(staff).count(),
        "can_complaints": staff.can(Capability.VOICE_RESPOND),
        "can_shared_rules": staff.sees_all_sites and staff.can(Capability.RULES_EDIT),
        "can_audit": staff.can(Capability.AUDIT_VIEW),
        "can_admin": staff.can(Capability.SITES_MANAGE) or staff.can(Capability.STAFF_MANAGE),
        "can_stats": staff.can(Capability.STATS_VIEW),
        "other_sites": [s for s in sites if s not in board_sites],
        "drug_alerts": home_alerts(staff) if staff.can(Capability.SITE_BOARD) else None,
    })


@staff_required(Capability.PERSONS_REGISTER)
@require_POST
def merge_view(request, code):
    keep = or_404(get_person_for, request.user, code)
    try:
        duplicate = get_person_for(request.user, request.POST.get("duplicate", ""))
        services.merge_persons(request.user, keep, duplicate)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(code)s was merged into this person.") % {
            "code": duplicate.code})
    return redirect("people:person", code=keep.code)

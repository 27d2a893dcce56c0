"""Violations, exclusions for the day and quarantines: forms on the person page, the
site's list of who is in quarantine, and the leader's lift."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from stofrum.conduct import services
from stofrum.errors import DomainError
from stofrum.forms_util import or_404, posted_date, posted_moment
from stofrum.people.services import get_person_for
from stofrum.people.views import render_person_page
from stofrum.staff.access import get_site_for, staff_required
from stofrum.staff.roles import Capability


def _person(request, code):
    return or_404(get_person_for, request.user, code)


def _posted_site(request, capability):
    slug = request.POST.get("site", "")
    return get_site_for(request.user, slug, capability)


def _back(person):
    return redirect(reverse("people:person", kwargs={"code": person.code}) + "#conduct")


def _refused(request, person, form_name, exc, **kwargs):
    """The person page again (422) with the refusal beside the conduct forms and what was
    typed in the refused one kept, to correct rather than retype."""
    return render_person_page(request, person, refused=form_name, form=request.POST,
                              error=exc.message, **kwargs)


@staff_required(Capability.CONDUCT_RECORD)
@require_POST
def violation_view(request, code):
    person = _person(request, code)
    site = _posted_site(request, Capability.CONDUCT_RECORD)
    try:
        services.record_violation(
            request.user, person, site, rule=request.POST.get("rule", ""),
            rule_ref=request.POST.get("rule_choice"),
            description=request.POST.get("description", ""),
            occurred_at=posted_moment(request.POST.get("occurred_at"), "occurred_at"),
            exclude_today=bool(request.POST.get("exclude_today")))
    except DomainError as exc:
        return _refused(request, person, "violation", exc)
    messages.success(request, _("The violation is recorded."))
    return _back(person)


@staff_required(Capability.CONDUCT_RECORD)
@require_POST
def exclusion_view(request, code):
    person = _person(request, code)
    site = _posted_site(request, Capability.CONDUCT_RECORD)
    try:
        services.exclude_for_today(request.user, person, site,
                                   reason=request.POST.get("reason", ""))
    except DomainError as exc:
        return _refused(request, person, "exclusion", exc)
    messages.success(request, _("%(alias)s is excluded from %(site)s for the rest of the "
                                "day.") % {"alias": person.alias, "site": site.name})
    return _back(person)


@staff_required(Capability.QUARANTINE_DECIDE)
@require_POST
def quarantine_view(request, code):
    """A leader decides a quarantine: some of their sites, or all sites."""
    person = _person(request, code)
    try:
        if request.POST.get("scope") == services.ALL_SITES:
            scope = services.ALL_SITES
        else:
            scope = [get_site_for(request.user, slug, Capability.QUARANTINE_DECIDE)
                     for slug in request.POST.getlist("sites")]
        quarantine = services.decide_quarantine(
            request.user, person, scope,
            until=posted_date(request.POST.get("until"), "until", required=True),
            starts_on=posted_date(request.POST.get("starts_on"), "starts_on"),
            reason=request.POST.get("reason", ""))
    except DomainError as exc:
        return _refused(request, person, "quarantine", exc)
    messages.success(request, _("Quarantine until %(date)s is recorded.") % {
        "date": quarantine.ends_on.strftime("%d.%m.%Y")})
    return _back(person)


@staff_required(Capability.QUARANTINE_DECIDE)
@require_POST
def lift_view(request, quarantine_id):
    quarantine = or_404(services.get_quarantine_for, request.user, quarantine_id)
    try:
        services.lift_quarantine(request.user, quarantine,
                                 reason=request.POST.get("reason", ""))
    except DomainError as exc:
        return _refused(request, quarantine.person, "lift", exc, lifting=quarantine.pk)
    messages.success(request, _("The quarantine is lifted."))
    return _back(quarantine.person)


@staff_required(Capability.CONDUCT_RECORD)
@require_GET
def site_quarantines_view(request, slug):
    """Who may not come in today at this site, and until when."""
    site = get_site_for(request.user, slug, Capability.CONDUCT_RECORD)
    return render(request, "conduct/site_quarantines.html", {
        "site": site, "quarantines": services.active_quarantines(site),
        "can_lift": request.user.can(Capability.QUARANTINE_DECIDE, site)})


def person_conduct_context(staff, person, my_sites) -> dict:
    """What the person page shows and offers about conduct, for this staff member
    (`my_sites`: the sites the staff member sees)."""
    now = timezone.now()
    today = timezone.localdate(now)
    door_sites = [s for s in my_sites if staff.can(Capability.CONDUCT_RECORD, s)]
    lead_sites = [s for s in my_sites if staff.can(Capability.QUARANTINE_DECIDE, s)]
    history = services.history(person, staff)
    return {
        **history, "today": today, "conduct_sites": door_sites, "lead_sites": lead_sites,
        "can_decide": staff.can(Capability.QUARANTINE_DECIDE),
        "in_force": [q for q in history["quarantines"] if q.in_force_at(now)],
        "rule_choices": [(s, services.house_rule_choices(s)) for s in door_sites],
        "other_rule": services.OTHER_RULE,
    }

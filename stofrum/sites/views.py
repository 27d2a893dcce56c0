"""Editing the house rules: a site's own (its leaders, administrators) and the shared ones
(administrators). Every save is a new version; the history stays readable."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from stofrum.errors import DomainError
from stofrum.sites import services
from stofrum.sites.models import HouseRules, Site
from stofrum.staff.access import staff_required
from stofrum.staff.roles import Capability

SHARED = "shared"


@staff_required(Capability.RULES_EDIT)
def house_rules_view(request, scope):
    staff = request.user
    if scope == SHARED:
        site = None
        if not staff.sees_all_sites:  # the shared rules are the administrators' alone
            raise PermissionDenied
    else:
        site = Site.objects.filter(slug=scope).first()
        if site is None or not staff.can(Capability.RULES_EDIT, site):
            raise Http404
    versions = HouseRules.objects.filter(site=site).select_related("changed_by")
    current = versions.first()
    error = None
    if request.method == "POST":
        try:
            rules = services.change_house_rules(
                staff, site, rules_da=request.POST.get("rules_da", ""),
                rules_en=request.POST.get("rules_en", ""),
                change_note=request.POST.get("change_note", ""))
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("A new version of the house rules is published."))
            if rules.line_counts_differ:
                messages.warning(request, _(
                    "The Danish rules have %(da)d lines and the English %(en)d. The poster "
                    "pairs them line by line: check that each line matches its translation."
                ) % {"da": len(rules.lines("da")), "en": len(rules.lines("en"))})
            return redirect("sites:house_rules", scope=scope)
    return render(request, "sites/house_rules.html", {
        "site": site, "scope": scope, "current": current, "versions": versions[:30],
        "error": error, "form": request.POST if error else None,
    }, status=422 if error else 200)

"""The booth watch's pages: the 'Checked' tap on a booth tile, and a site's intervals."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stofrum.errors import DomainError
from stofrum.staff.access import get_site_for, staff_required
from stofrum.watch import services


@staff_required(services.LOOK_IN)
@require_POST
def look_in_view(request, slug):
    """'Checked' on a tile or an escalation banner: back to the board (in place with
    JavaScript, stofrum/static/stofrum/door.js)."""
    site = get_site_for(request.user, slug, services.LOOK_IN)
    try:
        look = services.record_look_in(request.user, request.POST.get("visit", ""),
                                       request.POST.get("note", ""), site=site)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Booth %(booth)s checked.") % {"booth": look.booth.label})
    return redirect(reverse("staff:site", kwargs={"slug": site.slug}) + "#board")


@staff_required(services.SET_INTERVALS)
def intervals_view(request, slug):
    """A site's check intervals, per intake method (leaders, administrators)."""
    site = get_site_for(request.user, slug, services.SET_INTERVALS)
    error = None
    if request.method == "POST":
        values = {row["method"].code: (request.POST.get(f"{row['method'].code}-minutes", ""),
                                       request.POST.get(f"{row['method'].code}-assisted", ""))
                  for row in services.site_intervals(site)}
        try:
            services.set_intervals(request.user, site, values)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("The check intervals are saved."))
            return redirect("watch:intervals", slug=site.slug)
    return render(request, "watch/intervals.html", {
        "site": site, "rows": services.site_intervals(site), "error": error,
        "form": request.POST if error else None}, status=400 if error else 200)

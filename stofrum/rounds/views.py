"""The round form: phone-first, filled in under a minute (big number steppers, the zones as
checkboxes, 'now' as the default times)."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from stofrum.errors import DomainError
from stofrum.forms_util import posted_moment
from stofrum.idempotency.pages import once_per_form
from stofrum.rounds import services
from stofrum.rounds.services import COUNT_MAX, RECORD_ROUNDS
from stofrum.staff.access import get_site_for, staff_required

# The default start of a round: this long before now.
TYPICAL_ROUND = timedelta(minutes=30)


def _steppers(form):
    """(field, label, value, max) of the number steppers, in the form's order."""
    fields = [("syringes", _("Syringes and needles collected")),
              ("litter", _("Other drug litter (items)")),
              ("public_use_seen", _("People seen using in public")),
              ("contacts_neighbours", _("Talks with neighbours")),
              ("contacts_shops", _("Talks with shops")),
              ("contacts_police", _("Talks with the police"))]
    return [(name, label, (form.get(name, "0") if form else "0"), COUNT_MAX[name])
            for name, label in fields]


@staff_required(RECORD_ROUNDS)
@once_per_form
def round_view(request, slug):
    """Record a round around the site; the last few rounds below the form."""
    site = get_site_for(request.user, slug, RECORD_ROUNDS)
    error = None
    if request.method == "POST":
        post = request.POST
        try:
            services.record_round(
                request.user, site,
                started_at=posted_moment(post.get("started_at"), "started_at"),
                ended_at=posted_moment(post.get("ended_at"), "ended_at"),
                zones=post.getlist("zones"), syringes=post.get("syringes"),
                litter=post.get("litter"), public_use_seen=post.get("public_use_seen"),
                contacts={"neighbours": post.get("contacts_neighbours"),
                          "shops": post.get("contacts_shops"),
                          "police": post.get("contacts_police")},
                note=post.get("note", ""))
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("The round is recorded."))
            return redirect(reverse("staff:site", kwargs={"slug": site.slug}) + "#board")
    now = timezone.localtime()
    form = request.POST if error else None
    return render(request, "rounds/round.html", {
        "site": site, "error": error, "form": form,
        "zones": services.zones_of(site), "steppers": _steppers(form),
        "default_start": (now - TYPICAL_ROUND).strftime("%Y-%m-%dT%H:%M"),
        "default_end": now.strftime("%Y-%m-%dT%H:%M"),
        "state": services.round_state(site), "recent": services.recent_rounds(site),
    }, status=422 if error else 200)

"""The context every staff page gets: who is signed in, what the navigation offers, and
what its one event stream follows (live's alarms, or a locked terminal's). It gathers staff
and live, so it lives at the top."""

from django.urls import reverse

from stofrum.staff.access import is_fully_authenticated
from stofrum.staff.middleware import idle_seconds
from stofrum.staff.roles import Capability

ZERO_UUID = "00000000-0000-0000-0000-000000000000"
# Pages a locked terminal shows: the login steps, where its sites' alarms keep coming.
LOCK_SCREENS = frozenset({"login", "verify"})


def staff_context(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and is_fully_authenticated(user)
    return {
        "staff_signed_in": signed_in,
        "nav_can_audit": signed_in and user.can(Capability.AUDIT_VIEW),
        "idle_minutes": max(1, idle_seconds() // 60),
        "live": _live(request, user) if signed_in else _locked(request),
    }


def _live(request, user) -> dict:
    """What a staff page's one event stream follows: the alarms of the sites where its
    user responds (a page showing a board adds that site: see stofrum/static/live.js)."""
    from stofrum.live.terminal import alarm_sites

    sites = alarm_sites(user)
    return {
        "mode": "staff", "events": reverse("live:events"), "idle_seconds": idle_seconds(),
        "lock": reverse("staff:lock"),
        "incident": reverse("health:incident", kwargs={"incident_id": ZERO_UUID}),
        "respond": [s.slug for s in sites], "names": {s.slug: s.name for s in sites},
    }


def _locked(request) -> dict | None:
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name not in LOCK_SCREENS:
        return None
    from stofrum.live.terminal import locked_sites

    sites = locked_sites(request)
    if not sites:
        return None
    return {"mode": "locked", "events": reverse("live:terminal_events"),
            "respond": [s.slug for s in sites], "names": {s.slug: s.name for s in sites}}

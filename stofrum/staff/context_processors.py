from django.conf import settings
from django.urls import reverse

from stofrum.staff.access import is_fully_authenticated
from stofrum.staff.roles import Capability

ZERO_UUID = "00000000-0000-0000-0000-000000000000"


def staff_context(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and is_fully_authenticated(user)
    return {
        "staff_signed_in": signed_in,
        "nav_can_audit": signed_in and user.can(Capability.AUDIT_VIEW),
        "idle_minutes": settings.STOFRUM_IDLE_MINUTES,
        "alarm_streams": _alarm_streams(user) if signed_in else [],
    }


def _alarm_streams(user) -> list[dict]:
    """Every staff page listens for alarms at the sites where its user responds."""
    if not user.can(Capability.INCIDENTS_RESPOND):
        return []
    return [
        {"site": s.slug, "name": s.name,
         "events": reverse("staff:site_events", kwargs={"slug": s.slug}),
         "alarms": reverse("health:open_alarms", kwargs={"slug": s.slug}),
         "incident": reverse("health:incident", kwargs={"incident_id": ZERO_UUID})}
        for s in user.visible_sites() if user.can(Capability.INCIDENTS_RESPOND, s)
    ]

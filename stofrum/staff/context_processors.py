from django.conf import settings

from stofrum.staff.access import is_fully_authenticated
from stofrum.staff.roles import Capability


def staff_context(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and is_fully_authenticated(user)
    return {
        "staff_signed_in": signed_in,
        "nav_can_audit": signed_in and user.can(Capability.AUDIT_VIEW),
        "idle_minutes": settings.STOFRUM_IDLE_MINUTES,
    }

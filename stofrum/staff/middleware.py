import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext as _

from stofrum.staff import services

LAST_SEEN_KEY = "stofrum_last_seen"


def idle_seconds() -> int:
    """How long a staff session may be idle before it ends (and the screen locks)."""
    return settings.STOFRUM_IDLE_SECONDS or settings.STOFRUM_IDLE_MINUTES * 60


def is_passive(request) -> bool:
    """Requests a page makes by itself (live event streams) do not count as activity."""
    return request.path.endswith("/events") or request.headers.get("X-Stofrum-Passive") == "1"


class IdleTimeoutMiddleware:
    """Ends a session after STOFRUM_IDLE_MINUTES without activity: terminals are shared."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN_KEY)
            if last is not None and now - last > idle_seconds():
                services.record_logout(user, reason="idle")
                logout(request)
                if request.path.startswith("/api/") or request.path == reverse("staff:lock"):
                    # The API answers 401 itself; locking an idle screen locks it all the
                    # same, and returns to the page it was on after the next login.
                    return self.get_response(request)
                messages.info(request, _("You were logged out after a period of inactivity."))
                return redirect_to_login(request.get_full_path())
            if not is_passive(request):
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)

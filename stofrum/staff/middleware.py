import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext as _

from stofrum.staff import services

LAST_SEEN_KEY = "stofrum_last_seen"
LOGIN_AT_KEY = "stofrum_login_at"

# The middleware's clock (seconds since the epoch); tests move it forward.
clock = time.time


def session_seconds() -> int:
    """How long a staff session may last from its login, however active."""
    return settings.STOFRUM_SESSION_HOURS * 60 * 60


def remember_login_time(sender, request, user, **kwargs):
    """At login the session notes when, for the absolute session lifetime."""
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = clock()


user_logged_in.connect(remember_login_time, dispatch_uid="stofrum_login_at")


def idle_seconds() -> int:
    """How long a staff session may be idle before it ends (and the screen locks)."""
    return settings.STOFRUM_IDLE_SECONDS or settings.STOFRUM_IDLE_MINUTES * 60


def is_passive(request) -> bool:
    """Requests a page makes by itself (live event streams) do not count as activity."""
    return request.path.endswith("/events") or request.headers.get("X-Stofrum-Passive") == "1"


class IdleTimeoutMiddleware:
    """Ends a session after STOFRUM_IDLE_MINUTES without activity (terminals are shared), and
    STOFRUM_SESSION_HOURS after its login however active."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = clock()
            last = request.session.get(LAST_SEEN_KEY)
            # A session from before login times were noted starts its lifetime now.
            login_at = request.session.setdefault(LOGIN_AT_KEY, now)
            if now - login_at > session_seconds():
                reason = "session_lifetime"
            elif last is not None and now - last > idle_seconds():
                reason = "idle"
            else:
                reason = None
            if reason is not None:
                services.record_logout(user, reason=reason)
                logout(request)
                if request.path.startswith("/api/") or request.path == reverse("staff:lock"):
                    # The API answers 401 itself; locking an idle screen locks it all the
                    # same, and returns to the page it was on after the next login.
                    return self.get_response(request)
                messages.info(request, _("You were logged out after a period of inactivity.")
                              if reason == "idle" else
                              _("Your session has ended; please log in again."))
                return redirect_to_login(request.get_full_path())
            if not is_passive(request):
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)

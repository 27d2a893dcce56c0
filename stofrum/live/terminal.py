"""A shared terminal keeps shouting after its login ends.

A door tablet logs out after the idle time (or when someone locks it), but an overdose
alarm at its site must still reach it. Every staff page's event stream marks the browser
as a terminal of the sites where its user responds to alarms: a signed, HttpOnly cookie
holding only those site slugs. The lock screen (the login page) of such a browser opens a
`locked` stream: alarms only, with the booth and the running clock but no person data,
until the mark expires (STOFRUM_TERMINAL_HOURS after the last staff page) or someone logs
in again.
"""

import time

from django.conf import settings
from django.core import signing
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from stofrum.staff.roles import Capability

COOKIE = "stofrum_terminal"
SALT = "stofrum.live.terminal"


def _max_age() -> int:
    return settings.STOFRUM_TERMINAL_HOURS * 3600


def alarm_sites(staff) -> list:
    """The sites where `staff` responds to alarms, in a stable order."""
    return [s for s in staff.visible_sites().order_by("name")
            if staff.can(Capability.INCIDENTS_RESPOND, s)]


def remember_terminal(request, response) -> None:
    """Mark this browser as a terminal of the staff member's alarm sites. Sync."""
    slugs = [s.slug for s in alarm_sites(request.user)]
    if not slugs:
        return
    value = signing.dumps({"sites": slugs, "at": int(time.time())}, salt=SALT, compress=True)
    response.set_cookie(COOKIE, value, max_age=_max_age(), httponly=True, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)


def terminal_mark(request) -> tuple[list[str], float] | None:
    """The site slugs this browser is a terminal of and when that ends, or None."""
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return None
    try:
        mark = signing.loads(raw, salt=SALT, max_age=_max_age())
        slugs, issued = [str(s) for s in mark["sites"]][:10], float(mark["at"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return (slugs, issued + _max_age()) if slugs else None


def locked_grant(request):
    """The stream grant of a locked terminal, or None. Sync (touches the database)."""
    from stofrum.live.views import Grant, release_db_connections
    from stofrum.sites.models import Site

    mark = terminal_mark(request)
    if mark is None:
        return None
    slugs, expires_at = mark
    try:
        sites = list(Site.objects.filter(slug__in=slugs).order_by("name"))
    finally:
        release_db_connections()
    if not sites:
        return None
    return Grant(None, tuple(s.pk for s in sites), tuple(s.slug for s in sites),
                 screen="locked", names=False, snapshot=True, expires_at=expires_at)


def locked_sites(request) -> list:
    """The sites whose alarms this browser's lock screen shows (for the page)."""
    from stofrum.sites.models import Site

    mark = terminal_mark(request)
    return list(Site.objects.filter(slug__in=mark[0]).order_by("name")) if mark else []


@require_GET
async def terminal_events(request) -> HttpResponse:
    """`GET /terminal/events`: the alarms of a locked terminal's sites (no login)."""
    from stofrum.live.views import stream_by_credential

    return await stream_by_credential(request, locked_grant)

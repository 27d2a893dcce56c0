"""Wall screens: one site's board and alarms on a screen that never logs out.

A leader or administrator sets one up for a site (`/staff/sites/<slug>/wall-screens/`) and
opens its link once on the screen; the link leaves the key in an HttpOnly cookie. From then
on the screen shows `/wall/` — the board (without aliases and person codes when it faces
the room) and every alarm of the site — and nothing else: no action, no person page, no
other site. Revoking it darkens the screen within a minute.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from stofrum.errors import DomainError
from stofrum.lookups import by_int_pk
from stofrum.staff import services
from stofrum.staff.access import get_site_for, staff_required
from stofrum.staff.models import WallScreen
from stofrum.staff.roles import Capability
from stofrum.visits.board import board_for

COOKIE = "stofrum_wall"
# Browsers keep a cookie for at most 400 days; the screen renews it on every page load.
COOKIE_SECONDS = 400 * 24 * 3600


def _screen(request) -> WallScreen | None:
    return WallScreen.objects.lookup(request.COOKIES.get(COOKIE, ""))


def _set_cookie(response, raw: str, request) -> None:
    response.set_cookie(COOKIE, raw, max_age=COOKIE_SECONDS, httponly=True, samesite="Lax",
                        secure=request.is_secure())


def _not_connected(request):
    return render(request, "live/wall_not_connected.html", status=401)


@require_GET
def connect_view(request, key: str):
    """`/wall/connect/<key>/`: opened once on the screen; keeps the key in a cookie."""
    if WallScreen.objects.lookup(key) is None:
        return _not_connected(request)
    response = redirect("live:wall")
    _set_cookie(response, key, request)
    return response


def _board_context(screen) -> dict:
    return {"site": screen.site, "board": board_for(screen.site), "can_door": False,
            "can_respond": False, "hide_names": not screen.show_names, "wall": True,
            "screen": screen}


@require_GET
def board_page_view(request):
    """`/wall/`: the wall screen's board and alarms."""
    screen = _screen(request)
    if screen is None:
        return _not_connected(request)
    site = screen.site
    live = {"mode": "wall", "events": reverse("live:wall_events"),
            "respond": [site.slug], "names": {site.slug: site.name}}
    response = render(request, "live/wall.html", {**_board_context(screen), "live": live})
    _set_cookie(response, request.COOKIES[COOKIE], request)
    return response


@require_GET
def board_fragment_view(request):
    """`/wall/board`: the board alone, fetched again on every `board` event."""
    screen = _screen(request)
    if screen is None:
        return _not_connected(request)
    return render(request, "visits/_board.html", _board_context(screen))


def wall_grant(request):
    """The stream grant of this wall screen, or None. Sync (touches the database)."""
    from stofrum.live.views import Grant, release_db_connections

    try:
        screen = _screen(request)
    finally:
        release_db_connections()
    if screen is None:
        return None
    return Grant(None, (screen.site_id,), (screen.site.slug,), screen="wall",
                 names=screen.show_names, snapshot=True, wall_pk=screen.pk)


@require_GET
async def events_view(request):
    """`/wall/events`: the site's events for the wall screen."""
    from stofrum.live.views import stream_by_credential

    return await stream_by_credential(request, wall_grant)


@staff_required(Capability.WALL_SCREENS)
@require_http_methods(["GET", "POST"])
def manage_view(request, slug):
    """`/staff/sites/<slug>/wall-screens/`: set up and revoke the site's wall screens."""
    site = get_site_for(request.user, slug, Capability.WALL_SCREENS)
    new_link = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                screen = by_int_pk(WallScreen.objects.filter(site=site),
                                   request.POST.get("screen"))
                if screen is None:
                    raise DomainError("not_found", status=404)
                services.revoke_wall_screen(request.user, screen)
                messages.success(request, _("The wall screen is revoked."))
                return redirect("live:wall_screens", slug=site.slug)
            screen, raw = services.create_wall_screen(
                request.user, site, request.POST.get("name", ""),
                show_names=request.POST.get("show_names") == "1")
            new_link = request.build_absolute_uri(reverse("live:wall_connect", args=[raw]))
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(request, "live/wall_screens.html", {
        "site": site, "new_link": new_link,
        "screens": WallScreen.objects.filter(site=site).select_related("created_by"),
    })

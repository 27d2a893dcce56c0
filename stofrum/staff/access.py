"""Who may see a page: one decorator for views and one access function for sites.

An object the staff member may not see answers "not found", the same as a missing one.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from stofrum.errors import Forbidden
from stofrum.lookups import clean_key
from stofrum.sites.models import Site


def is_fully_authenticated(user) -> bool:
    """Logged in, and past the second factor where the role needs one."""
    if not user.is_authenticated or not user.is_active:
        return False
    return not user.needs_two_factor or user.is_verified()


def staff_required(capability: str | None = None):
    """Require a fully logged-in staff member holding `capability` (any site)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if user.needs_two_factor and not user.is_verified():
                return redirect(f"{reverse('staff:verify')}?next={request.get_full_path()}")
            if capability and not user.can(capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def require_capability(staff, capability: str) -> None:
    """Refuse with 403 `forbidden` when the staff member's role lacks `capability` at every
    site (API.md, "Access answers"). Asked before looking anything up: an object at a site
    the staff member does not belong to is the next question, and answers 404."""
    if not staff.can(capability):
        raise Forbidden()


def get_site_for(staff, slug: str, capability: str) -> Site:
    """The site `slug` if the staff member may do `capability` there; 403 when the role
    lacks the capability, 404 for a site they are not a member of (or no such site)."""
    if not staff.can(capability):  # Django's 403: pages and the API answer it alike
        raise PermissionDenied
    key = clean_key(slug)
    site = Site.objects.filter(slug=key).first() if key is not None else None
    if site is None or not staff.can(capability, site):
        raise Http404
    return site

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from stofrum.staff.access import is_fully_authenticated
from stofrum.staff.roles import Capability


def install() -> None:
    """The Django admin goes through Stofrum's own login (with two-factor) and is open only
    to those who may configure sites or staff."""
    site = admin.site

    def has_permission(request):
        user = request.user
        return (
            is_fully_authenticated(user)
            and user.is_staff
            and (user.can(Capability.SITES_MANAGE) or user.can(Capability.STAFF_MANAGE))
        )

    def login(request, extra_context=None):
        if is_fully_authenticated(request.user):
            # Signed in but not an administrator: sending them to the login page would
            # only bounce them back here.
            raise PermissionDenied
        return redirect(f"{reverse('staff:login')}?next={request.GET.get('next', '/admin/')}")

    original_admin_view = site.admin_view

    def admin_view(view, cacheable=False):
        wrapped = original_admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if is_fully_authenticated(request.user) and not has_permission(request):
                raise PermissionDenied
            return wrapped(request, *args, **kwargs)

        return guarded

    site.has_permission = has_permission
    site.login = login
    site.admin_view = admin_view
    site.site_header = "Stofrum"
    site.site_title = "Stofrum"

from django.contrib import admin
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
        return redirect(f"{reverse('staff:login')}?next={request.GET.get('next', '/admin/')}")

    site.has_permission = has_permission
    site.login = login
    site.site_header = "Stofrum"
    site.site_title = "Stofrum"

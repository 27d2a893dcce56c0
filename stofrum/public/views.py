from django.shortcuts import render
from django.utils import timezone

from stofrum.sites.models import Site
from stofrum.sites.presenters import opening_hours_rows


def home_view(request):
    """The rooms, their addresses, intake forms and opening hours. No login."""
    now = timezone.now()
    sites = [
        {"site": site, "open_now": site.is_open_at(now), "hours": opening_hours_rows(site)}
        for site in Site.objects.with_details()
    ]
    return render(request, "public/home.html", {"sites": sites})

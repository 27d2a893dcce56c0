"""Which sites and days a statistics request covers, read from the query string the same
way for pages, API and exports."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.http import Http404
from django.utils import timezone

from stofrum.errors import DomainError, Forbidden
from stofrum.forms_util import posted_date
from stofrum.sites.models import Site
from stofrum.staff.roles import Capability

MAX_DAYS = 11 * 366
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Scope:
    sites: list
    site: Site | None  # None: the whole city
    day_from: date
    day_to: date

    @property
    def label(self) -> str:
        return self.site.name if self.site else "København"


def scope_for(staff, site_slug: str | None, day_from=None, day_to=None) -> Scope:
    """The sites (one, or every site for the city) and the days, or a refusal: 403 without
    statistics rights, 404 for a site the staff member may not see, 400 for bad dates."""
    if not staff.can(Capability.STATS_VIEW):
        raise Forbidden()
    if site_slug:
        site = Site.objects.filter(slug=site_slug).first()
        if site is None or not staff.can(Capability.STATS_VIEW, site):
            raise Http404
        sites = [site]
    else:
        site, sites = None, list(Site.objects.all())
    today = timezone.localdate()
    day_to = posted_date(day_to, "to") or today
    day_from = posted_date(day_from, "from") or day_to - timedelta(days=DEFAULT_DAYS - 1)
    if day_from > day_to or (day_to - day_from).days > MAX_DAYS:
        raise DomainError("invalid_date", status=400, field="from")
    return Scope(sites=sites, site=site, day_from=day_from, day_to=day_to)

from django.utils import timezone
from ninja import Router, Schema

from stofrum.api_errors import errors
from stofrum.errors import NotFound
from stofrum.lookups import clean_key
from stofrum.paging import Rows, paged
from stofrum.sites.models import Site

router = Router(tags=["sites"])


class OpeningHoursOut(Schema):
    weekday: int
    opens: str
    closes: str


class SiteOut(Schema):
    slug: str
    name: str
    address: str
    intake_methods: list[str]
    women_only: bool
    status: str
    opening_date: str | None
    open_now: bool
    booths: dict[str, int]
    opening_hours: list[OpeningHoursOut]
    legal_basis: str


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def site_out(site: Site, now) -> dict:
    return {
        "slug": site.slug,
        "name": site.name,
        "address": site.address,
        "intake_methods": [m.code for m in site.intake_methods.all()],
        "women_only": site.women_only,
        "status": site.status,
        "opening_date": _iso(site.shown_opening_date(timezone.localdate(now))),
        "open_now": site.is_open_at(now),
        "booths": site.booth_counts(),
        "opening_hours": [
            {"weekday": h.weekday, "opens": f"{h.opens:%H:%M}", "closes": f"{h.closes:%H:%M}"}
            for h in site.opening_hours.all()
        ],
        "legal_basis": site.legal_basis,
    }


@router.get("", response=list[SiteOut], auth=None)
@paged
def list_sites(request, **kwargs):
    """The rooms with address, intake methods, status and booths. Public information, the
    same as on the public page, so no login is needed."""
    now = timezone.now()
    return Rows(Site.objects.with_details(), lambda s: site_out(s, now))


@router.get("/{slug}", response={200: SiteOut, **errors(404)}, auth=None)
def get_site(request, slug: str):
    key = clean_key(slug)
    site = Site.objects.with_details().filter(slug=key).first() if key else None
    if site is None:
        raise NotFound()
    return site_out(site, timezone.now())

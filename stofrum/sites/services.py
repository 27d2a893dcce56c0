"""Use cases for sites."""

from django.db import transaction

from stofrum.audit.services import record
from stofrum.sites import seed
from stofrum.sites.models import Booth, IntakeMethod, OpeningHours, Site


@transaction.atomic
def seed_sites(actor=None) -> list[Site]:
    """Load the five Copenhagen sites and the intake methods, creating only what is missing.

    Idempotent: a second run changes nothing, and sites that already exist are left as the
    administrators have configured them. Emits `sites.site.seeded` per created site.
    Returns the sites it created.
    """
    methods = {}
    for data in seed.INTAKE_METHODS:
        methods[data["code"]], _ = IntakeMethod.objects.get_or_create(
            code=data["code"], defaults=data
        )
    created = []
    existing = set(Site.objects.values_list("slug", flat=True))
    for data in seed.SITES:
        if data["slug"] in existing:
            continue
        fields = {k: v for k, v in data.items() if k not in ("booths", "hours")}
        site = Site.objects.create(**fields)
        site.intake_methods.set(methods[code] for code in data["booths"])
        Booth.objects.bulk_create(
            Booth(site=site, method=methods[code], label=f"{methods[code].booth_prefix}{n}",
                  sort_order=n)
            for code, count in data["booths"].items()
            for n in range(1, count + 1)
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(site=site, weekday=day, opens=opens, closes=closes)
            for day, opens, closes in data["hours"]
        )
        record(actor, "sites.site.seeded", site, site=site, summary=site.name)
        created.append(site)
    return created

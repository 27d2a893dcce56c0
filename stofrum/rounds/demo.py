"""Synthetic rounds for the demo data (stofrum/stats/management/commands/demo_data.py):
the example zones, and at each open site a round every few hours with plausible counts.
Deterministic for a given seed. No person is named anywhere."""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from stofrum.rounds.models import Round, Zone
from stofrum.rounds.services import every_minutes_of, seed_zones
from stofrum.sites.choices import SiteStatus
from stofrum.sites.models import Site


@transaction.atomic
def make_rounds(*, start: date, end: date, seed: int, staff, now: datetime) -> int:
    """Rounds at the open sites from `start` to `end` (both included), none after `now`;
    returns how many."""
    rng = random.Random(seed * 7919 + 13)
    seed_zones()
    tz = ZoneInfo(settings.TIME_ZONE)
    sites = list(Site.objects.filter(status=SiteStatus.OPEN).prefetch_related("opening_hours"))
    every = every_minutes_of(sites)
    zones = {site.pk: list(Zone.objects.filter(site=site, is_active=True)) for site in sites}
    made = []
    day = start
    while day <= end:
        for site in sites:
            if not every[site.pk]:
                continue
            moment = datetime.combine(day, time(8), tzinfo=tz)
            last = datetime.combine(day, time(22), tzinfo=tz)
            while moment < last:
                # now and then a round is missed (the door is busy)
                if site.is_open_at(moment) and rng.random() < 0.8:
                    began = moment + timedelta(minutes=rng.randint(0, 40))
                    ended = began + timedelta(minutes=rng.randint(15, 50))
                    if ended <= now:
                        made.append((site, began, ended, rng.sample(
                            zones[site.pk], k=min(len(zones[site.pk]), rng.choice([1, 1, 2])))))
                moment += timedelta(minutes=every[site.pk])
        day += timedelta(days=1)
    rows = []
    for site, began, ended, _ in made:
        busy = site.slug in ("h17", "skyen")
        rows.append(Round(site=site, started_at=began, ended_at=ended,
                          syringes=max(0, int(rng.gauss(6 if busy else 2, 3))),
                          litter=max(0, int(rng.gauss(8 if busy else 3, 4))),
                          public_use_seen=max(0, int(rng.gauss(1.5 if busy else 0.4, 1.2))),
                          contacts_neighbours=int(rng.random() < 0.3),
                          contacts_shops=int(rng.random() < 0.2),
                          contacts_police=int(rng.random() < 0.1),
                          recorded_by=staff, recorded_at=ended))
    Round.objects.bulk_create(rows, batch_size=2000)
    through = Round.zones.through
    through.objects.bulk_create(
        [through(round_id=row.pk, zone_id=zone.pk)
         for row, (_, _, _, chosen) in zip(rows, made, strict=True) for zone in chosen],
        batch_size=2000)
    return len(rows)

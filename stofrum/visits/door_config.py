"""What the door reads about the rooms on every check-in, kept once per process: each
site's opening hours and intake methods, and the substances' code list. They change
rarely (in the admin) and were three of a check-in's round trips.

Never stale, in any process: a trigger on each of their tables (sites_openinghours,
sites_site_intake_methods, sites_intakemethod, visits_substance; migration visits 0008)
gives the stamp (one row of `visits_door_stamp`) a new random token in the transaction
that changes a row. A check-in reads the token in a round trip it makes anyway (with the
person's facts, `stamp_statement`) and uses what this process keeps only if it was read
under the same token; otherwise it reads them again, after the token, so what is kept is
never older than its token. A change is seen by every process from its commit on; a
rolled-back one never (a token is never used twice, unlike a counter that a rollback
would give out again). Without the stamp's row (a test database flushed) nothing is kept.
"""

from dataclasses import dataclass, field

from stofrum.sites.models import IntakeMethod, OpeningHours

STAMP_TABLE = "visits_door_stamp"


def stamp_statement() -> tuple[str, None]:
    """The token, to send with other statements (stofrum/round_trip.py); its rows go to
    `current`."""
    return f"SELECT token FROM {STAMP_TABLE} WHERE id = 1", None  # noqa: S608 - a constant


@dataclass
class _Kept:
    token: str | None
    sites: dict = field(default_factory=dict)  # site id → (opening hours, intake methods)
    substances: dict | None = None  # code → Substance (all of them, in use or not)


_kept = _Kept(token=None)


def current(stamp_rows) -> "_Kept":
    """What this process keeps, good for the token in `stamp_rows` (the rows of
    `stamp_statement`, read in this transaction): emptied when the token changed."""
    global _kept
    token = stamp_rows[0][0] if stamp_rows else None
    if token is None or token != _kept.token:
        _kept = _Kept(token=token)
    return _kept


def give_site(kept: "_Kept", site) -> None:
    """Give `site` its opening hours and intake methods as kept (read now if not yet), as if
    prefetched, so that the rules read them from the site as always (`Site.is_open_at`,
    `rules.check_method_offered`). A site that had them prefetched keeps its own; one
    given them here before (a site object kept across check-ins) gets them anew."""
    hours_and_methods = kept.sites.get(site.pk)
    if hours_and_methods is None:
        hours_and_methods = (list(OpeningHours.objects.filter(site=site.pk)),
                             list(IntakeMethod.objects.filter(sites=site.pk)))
        if kept.token is not None:
            kept.sites[site.pk] = hours_and_methods
    cache = getattr(site, "_prefetched_objects_cache", None)
    if cache is None:
        cache = site._prefetched_objects_cache = {}
    given_here = getattr(site, "_given_by_door_config", False)
    for name, rows in zip(("opening_hours", "intake_methods"), hours_and_methods, strict=True):
        if name not in cache or given_here:
            cache.pop(name, None)
            queryset = getattr(site, name).all()
            queryset._result_cache, queryset._prefetch_done = list(rows), True
            cache[name] = queryset
            site._given_by_door_config = True


def substances(kept: "_Kept") -> dict:
    """Every substance by code, in use or not, as kept (read now if not yet)."""
    from stofrum.visits.models import Substance

    found = kept.substances
    if found is None:
        found = {s.code: s for s in Substance.objects.all()}
        if kept.token is not None:
            kept.substances = found
    return found

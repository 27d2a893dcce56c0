"""The rounds' figures for statistics (stofrum/stats): syringes collected (in all and by
zone), other drug litter, people seen using in public, talks with neighbours, shops and
police, and rounds done against rounds due. A round counts on the Copenhagen day it ended.

Syringes count in the zone a round covered; a round over several zones counts under
"several zones" of its site, a round without zones under "no zone given". Keys are
`<site slug>:<zone code>`, `<site slug>:+` (several) and `<site slug>:-` (none), so the
city's figures keep the sites' zones apart.

Rounds due: while a site is open, one every `every_minutes` (the site's RoundSchedule):
its opening minutes over the days divided by the interval, rounded down; only for sites in
operation (status open). Statistics give
`open_minutes(site, day_from, day_to)` (stofrum/stats/indicators.py), the one place that
counts opening minutes.
"""

from collections import Counter, defaultdict

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from stofrum.rounds.models import Round, Zone
from stofrum.rounds.services import every_minutes_of
from stofrum.sites.choices import SiteStatus

SEVERAL, NONE = "+", "-"


def _rounds(sites, start, end):
    return Round.objects.filter(site__in=sites, ended_at__gte=start, ended_at__lt=end)


def zone_key(site_slug: str, zone_code: str) -> str:
    return f"{site_slug}:{zone_code}"


def _zone_keys(rounds) -> dict[int, str]:
    """{round id: its key} for syringes by zone."""
    zones = defaultdict(list)
    for round_id, site_slug, code in (Round.zones.through.objects
                                      .filter(round__in=rounds)
                                      .values_list("round_id", "zone__site__slug",
                                                   "zone__code")):
        zones[round_id].append(zone_key(site_slug, code))
    keys = {}
    for round_id, site_slug in rounds.values_list("pk", "site__slug"):
        mine = zones.get(round_id, [])
        keys[round_id] = (mine[0] if len(mine) == 1
                          else zone_key(site_slug, SEVERAL if mine else NONE))
    return keys


def syringes_by_key(rounds) -> Counter:
    keys = _zone_keys(rounds)
    out = Counter()
    for round_id, n in rounds.values_list("pk", "syringes"):
        if n:
            out[keys[round_id]] += n
    return out


def rounds_due(sites, day_from, day_to, open_minutes) -> int:
    """Rounds due at the sites in operation now (a planned or closed site has none)."""
    every = every_minutes_of(sites)
    return sum(open_minutes(site, day_from, day_to) // every[site.pk]
               for site in sites if every[site.pk] > 0 and site.status == SiteStatus.OPEN)


def summary(sites, start, end, day_from, day_to, open_minutes) -> dict:
    """The rounds' indicators of the sites over [start, end) (the Copenhagen days
    day_from..day_to)."""
    sites = list(sites)
    rounds = _rounds(sites, start, end).order_by()
    totals = rounds.aggregate(n=Count("pk"), syringes=Sum("syringes"), litter=Sum("litter"),
                              seen=Sum("public_use_seen"), neighbours=Sum("contacts_neighbours"),
                              shops=Sum("contacts_shops"), police=Sum("contacts_police"))
    by_zone = syringes_by_key(rounds)
    return {
        "rounds": totals["n"],
        "rounds_due": rounds_due(sites, day_from, day_to, open_minutes),
        "syringes_collected": totals["syringes"] or 0,
        "syringes_by_zone": dict(sorted(by_zone.items(), key=lambda kv: (-kv[1], kv[0]))),
        "drug_litter_collected": totals["litter"] or 0,
        "public_use_seen": totals["seen"] or 0,
        "neighbourhood_contacts": {"neighbours": totals["neighbours"] or 0,
                                   "shops": totals["shops"] or 0,
                                   "police": totals["police"] or 0},
    }


def zone_names() -> dict[str, str]:
    """{key: readable name} of every zone key (see the module), e.g. "H17 · Halmtorvet"."""
    from django.utils.translation import gettext as _

    from stofrum.sites.models import Site

    names = {}
    for site in Site.objects.all():
        names[zone_key(site.slug, SEVERAL)] = f"{site.name} · {_('several zones')}"
        names[zone_key(site.slug, NONE)] = f"{site.name} · {_('no zone given')}"
    for slug, site_name, code, name in Zone.objects.values_list(
            "site__slug", "site__name", "code", "name"):
        names[zone_key(slug, code)] = f"{site_name} · {name}"
    return names


def weekly(sites, weeks, bounds, open_minutes, tz) -> dict:
    """Per week (each a (first day, last day) inside the scope, `bounds(first, last)` its
    [start, end)): syringes by zone key, people seen using in public, rounds done and due.
    """
    sites = list(sites)
    if not weeks:
        return {"weeks": [], "zones": {}, "public_use": [], "done": [], "due": []}
    start, end = bounds(weeks[0][0], weeks[-1][1])
    rounds = _rounds(sites, start, end).order_by()
    keys = _zone_keys(rounds)
    firsts = [first for first, _ in weeks]

    def week_of(day):
        for first, last in weeks:
            if first <= day <= last:
                return first
        return None

    zones, seen, done = defaultdict(Counter), Counter(), Counter()
    for round_id, day, syringes, public_use in (
            rounds.annotate(day=TruncDate("ended_at", tzinfo=tz))
            .values_list("pk", "day", "syringes", "public_use_seen")):
        week = week_of(day)
        if week is None:
            continue
        done[week] += 1
        seen[week] += public_use
        if syringes:
            zones[keys[round_id]][week] += syringes
    return {
        "weeks": firsts,
        "zones": {key: [counts.get(w, 0) for w in firsts]
                  for key, counts in sorted(zones.items())},
        "public_use": [seen.get(w, 0) for w in firsts],
        "done": [done.get(w, 0) for w in firsts],
        "due": [rounds_due(sites, first, last, open_minutes) for first, last in weeks],
    }

"""Use cases for rounds around a site (nærmiljørunder, DOMAIN.md §13).

Door staff of a site (those who record care there) record its rounds; each is validated,
written and audited in one transaction and announced to the site's board, which shows
when the last round ended and whether one is due (stofrum/rounds/board.py).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from stofrum.audit.services import record
from stofrum.errors import DomainError, InvalidInput, NotFound
from stofrum.limits import check_moment
from stofrum.live.publish import publish_after_commit
from stofrum.lookups import clean_key
from stofrum.rounds.models import DEFAULT_EVERY_MINUTES, Round, RoundSchedule, Zone
from stofrum.staff.access import require_capability
from stofrum.staff.roles import Capability
from stofrum.text import clean_text

# Who records rounds: the door staff of the site (reception, health, leaders), the same
# people who record services there. Administrators and analysts do not walk rounds.
RECORD_ROUNDS = Capability.CARE_RECORD

# The sane upper bound of each count of one round (a larger one is a typo).
COUNT_MAX = {"syringes": 5000, "litter": 5000, "public_use_seen": 500,
             "contacts_neighbours": 200, "contacts_shops": 200, "contacts_police": 200}
# A round may end this far ahead of the server's clock (a phone's clock runs fast).
CLOCK_SKEW = timedelta(minutes=5)
# No round lasts longer than this.
LONGEST_ROUND = timedelta(hours=12)


@dataclass(frozen=True)
class RoundState:
    """What a site's board shows about rounds."""

    last_ended_at: datetime | None
    every_minutes: int
    due: bool


def can_record(staff, site) -> bool:
    return staff.can(RECORD_ROUNDS, site)


def require_site(staff, site) -> None:
    """`forbidden` (403) for a role that never records rounds, `not_found` (404) for a site
    the staff member is not a member of."""
    require_capability(staff, RECORD_ROUNDS)
    if not staff.can(RECORD_ROUNDS, site):
        raise NotFound()


def zones_of(site):
    """The site's zones in use, in their order."""
    return Zone.objects.filter(site=site, is_active=True).order_by("sort_order", "name")


def every_minutes(site) -> int:
    """How often a round is due at `site` (its schedule, else DEFAULT_EVERY_MINUTES)."""
    schedule = RoundSchedule.objects.filter(site=site).first()
    return DEFAULT_EVERY_MINUTES if schedule is None else schedule.every_minutes


def every_minutes_of(sites) -> dict[int, int]:
    """{site id: minutes} for several sites at once."""
    known = dict(RoundSchedule.objects.filter(site__in=sites)
                 .values_list("site_id", "every_minutes"))
    return {site.pk: known.get(site.pk, DEFAULT_EVERY_MINUTES) for site in sites}


def last_round_ended_at(site) -> datetime | None:
    return (Round.objects.filter(site=site).order_by("-ended_at")
            .values_list("ended_at", flat=True).first())


def round_state(site, now: datetime | None = None) -> RoundState:
    """The last round's end and whether a round is due: the site is open now, rounds are
    scheduled there, and none ended within the interval (or none was ever recorded)."""
    now = now or timezone.now()
    last = last_round_ended_at(site)
    every = every_minutes(site)
    due = (every > 0 and site.is_open_at(now)
           and (last is None or now - last >= timedelta(minutes=every)))
    return RoundState(last_ended_at=last, every_minutes=every, due=due)


def _count(value, field: str) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise InvalidInput("count_out_of_range", field=field, max=COUNT_MAX[field])
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise InvalidInput("count_out_of_range", field=field, max=COUNT_MAX[field]) from None
    if not 0 <= number <= COUNT_MAX[field]:
        raise InvalidInput("count_out_of_range", field=field, max=COUNT_MAX[field])
    return number


def _zones(site, codes) -> list[Zone]:
    codes = list(dict.fromkeys(codes or []))
    keys = [clean_key(code) for code in codes]
    if any(key is None for key in keys):
        raise InvalidInput("invalid_input", field="zones")
    found = {z.code: z for z in zones_of(site).filter(code__in=keys)}
    unknown = [key for key in keys if key not in found]
    if unknown:
        raise DomainError("unknown_zone", field="zones")
    return [found[key] for key in keys]


def record_round(staff, site, *, started_at: datetime, ended_at: datetime, zones=(),
                 syringes=0, litter=0, public_use_seen=0, contacts=None,
                 note: str = "", now: datetime | None = None) -> Round:
    """Record one round around `site`: when it started and ended, the site's zones it
    covered (codes), the syringes and needles and other drug litter collected, how many
    people were seen using in public (a count, never who), the talks with neighbours,
    shops and police (`contacts`: {neighbours, shops, police}) and a short note.

    Refuses: (403) `forbidden`, (404) `not_found` (not staff of the site); (400)
    `invalid_date`, `count_out_of_range`, `text_too_long`, `cpr_in_free_text`,
    `invalid_input`; (422) `round_ends_before_start`, `round_in_future`, `round_too_long`,
    `unknown_zone` (not a zone in use at this site).
    """
    require_site(staff, site)
    now = now or timezone.now()
    if started_at is None or ended_at is None:
        raise InvalidInput("invalid_date", field="started_at" if started_at is None
                           else "ended_at")
    # a time without an offset is Copenhagen time (as the pages' datetime-local fields)
    started_at, ended_at = (timezone.make_aware(m) if timezone.is_naive(m) else m
                            for m in (started_at, ended_at))
    check_moment(started_at, "started_at", event=True)
    check_moment(ended_at, "ended_at", event=True)
    if ended_at < started_at:
        raise DomainError("round_ends_before_start", field="ended_at")
    if ended_at > now + CLOCK_SKEW:
        raise DomainError("round_in_future", field="ended_at")
    if ended_at - started_at > LONGEST_ROUND:
        raise DomainError("round_too_long", field="started_at")
    contacts = contacts or {}
    if not isinstance(contacts, dict) or set(contacts) - {"neighbours", "shops", "police"}:
        raise InvalidInput("invalid_input", field="contacts")
    counts = {"syringes": syringes, "litter": litter, "public_use_seen": public_use_seen,
              "contacts_neighbours": contacts.get("neighbours"),
              "contacts_shops": contacts.get("shops"),
              "contacts_police": contacts.get("police")}
    counts = {field: _count(value, field) for field, value in counts.items()}
    note = clean_text(note, "note")
    zone_list = _zones(site, zones)
    with transaction.atomic():
        round_ = Round.objects.create(site=site, started_at=started_at, ended_at=ended_at,
                                      note=note, recorded_by=staff, recorded_at=now,
                                      **counts)
        round_.zones.set(zone_list)
        record(staff, "rounds.round_recorded", round_, site=site,
               summary=f"{counts['syringes']}",
               changes={"started_at": started_at, "ended_at": ended_at,
                        "zones": [z.code for z in zone_list], **counts})
        publish_after_commit(site.slug, "board", {"reason": "round_recorded"})
    return round_


def recent_rounds(site, limit: int = 5) -> list[Round]:
    return list(Round.objects.filter(site=site).prefetch_related("zones")
                .order_by("-ended_at", "-pk")[:limit])


@transaction.atomic
def seed_zones(actor=None) -> int:
    """Create the example zones (stofrum/rounds/seed.py) for the seeded sites that have no
    zones yet; returns how many were created. Idempotent."""
    from stofrum.rounds.seed import ZONES
    from stofrum.sites.models import Site

    created = 0
    for site in Site.objects.filter(slug__in=list(ZONES)):
        if Zone.objects.filter(site=site).exists():
            continue
        for order, (code, name) in enumerate(ZONES[site.slug], start=1):
            zone = Zone.objects.create(site=site, code=code, name=name, sort_order=order)
            record(actor, "rounds.zone_seeded", zone, site=site, summary=name)
            created += 1
    return created

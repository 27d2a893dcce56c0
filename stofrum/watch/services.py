"""Use cases of the booth watch (DOMAIN.md §4: heightened attention): look in on a booth,
notice booths that went past their check interval, set a site's intervals.

When a booth is overdue is worked out from the database every time (`watches`): the last
look-in, the end of the visit's last alarm, or the moment the person entered the booth,
plus the site's interval for the visit's intake method (shorter for an assisted intake).
After one more interval without a look-in the booth is escalated. While an alarm for the
visit is open the alarm speaks for the booth and the watch is silent.

Nothing is kept in a process's memory: `sweep` (run by every process that serves event
streams, stofrum/watch/sweeper.py, and by `manage.py watch_booths` from a systemd timer)
records each overdue period once in `Overdue` (a unique constraint picks one process) and
each escalation once (a conditional UPDATE), and only the process that wrote the row sends
`booth_overdue` / `booth_escalated`."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from stofrum.audit.services import record
from stofrum.errors import Conflict, InvalidInput, NotFound
from stofrum.health.models import Incident
from stofrum.live.publish import publish_after_commit
from stofrum.staff.access import require_capability
from stofrum.staff.roles import Capability
from stofrum.text import clean_text
from stofrum.visits.choices import VisitState
from stofrum.visits.models import Visit
from stofrum.visits.services import get_visit_for
from stofrum.watch.models import (
    MAX_MINUTES,
    MIN_MINUTES,
    CheckInterval,
    LookIn,
    Overdue,
    Resolution,
)

logger = logging.getLogger("stofrum.watch")

# Minutes without a look-in, (plain, assisted), by intake method, where a site has not set
# its own (README, "Booth watch"). Another method falls back to FALLBACK_MINUTES.
DEFAULT_MINUTES = {"injection": (10, 5), "smoking": (15, 10)}
FALLBACK_MINUTES = (15, 10)

# Who looks in: the staff on the floor, who raise and answer alarms.
LOOK_IN = Capability.INCIDENTS_RESPOND
# Who sets a site's intervals: leaders and administrators, as the house rules.
SET_INTERVALS = Capability.RULES_EDIT


@dataclass(frozen=True)
class Watch:
    """The watch of one visit in a booth: when it was last seen to, and when it is due."""

    visit_id: object
    anchor_at: datetime  # the last look-in, end of an alarm, or entering the booth
    interval: timedelta
    last_check_at: datetime | None
    alarm_open: bool

    @property
    def due_at(self) -> datetime:
        return self.anchor_at + self.interval

    @property
    def escalate_at(self) -> datetime:
        return self.anchor_at + 2 * self.interval

    def overdue(self, now: datetime) -> bool:
        return not self.alarm_open and now >= self.due_at

    def escalated(self, now: datetime) -> bool:
        return not self.alarm_open and now >= self.escalate_at

    def minutes(self, now: datetime) -> int:
        """Whole minutes since the booth was last seen to."""
        return max(0, int((now - self.anchor_at).total_seconds() // 60))


def default_minutes(method_code: str) -> tuple[int, int]:
    return DEFAULT_MINUTES.get(method_code, FALLBACK_MINUTES)


def intervals_of(site_ids) -> dict[tuple[int, int], tuple[int, int]]:
    """(site, method) -> (minutes, assisted minutes) the sites have set."""
    return {(row.site_id, row.method_id): (row.minutes, row.assisted_minutes)
            for row in CheckInterval.objects.filter(site_id__in=set(site_ids))}


def watches(visits, now: datetime | None = None) -> dict:
    """The Watch of each visit (in a booth), by visit pk: three queries for any number."""
    visits = [v for v in visits if v is not None]
    if not visits:
        return {}
    pks = [v.pk for v in visits]
    table = intervals_of(v.site_id for v in visits)
    checks = dict(LookIn.objects.filter(visit_id__in=pks).order_by().values_list("visit")
                  .annotate(at=Max("at")))
    alarms = {row["visit"]: row for row in (
        Incident.objects.filter(visit_id__in=pks).order_by().values("visit")
        .annotate(open=Count("pk", filter=Q(closed_at__isnull=True)),
                  ended=Max("closed_at")))}
    out = {}
    for visit in visits:
        plain, assisted = table.get((visit.site_id, visit.method_id)) or \
            default_minutes(visit.method.code)
        alarm = alarms.get(visit.pk, {})
        moments = [visit.booth_at or visit.checked_in_at, checks.get(visit.pk),
                   alarm.get("ended")]
        out[visit.pk] = Watch(
            visit.pk, max(m for m in moments if m is not None),
            timedelta(minutes=assisted if visit.is_assisted else plain),
            checks.get(visit.pk), bool(alarm.get("open")))
    return out


def _in_booth(visit_pk) -> Visit | None:
    """The visit, locked, if it is still in a booth (look-ins and claims queue on it)."""
    return (Visit.objects.select_for_update(of=("self",))
            .select_related("site", "booth", "method")
            .filter(pk=visit_pk, state=VisitState.IN_BOOTH).first())


def event_payload(visit: Visit, watch: Watch, now: datetime) -> dict:
    """`booth_overdue` / `booth_escalated` data (API.md): no person data."""
    return {"visit": str(visit.pk), "booth": visit.booth.label, "minutes": watch.minutes(now),
            "due_at": watch.due_at.isoformat()}


@transaction.atomic
def record_look_in(staff, visit_id, note: str = "", now: datetime | None = None, *,
                   site=None) -> LookIn:
    """A staff member looked in on the person in the booth ("Tjekket"): the check interval
    starts again, and an overdue or escalated booth is back to normal on every board.
    Refuses `forbidden` (role), `not_found` (visit not at the caller's sites, malformed
    id), `not_in_booth` (409), `cpr_in_free_text` / `text_too_long` (note). Emits
    `watch.look_in` and the events `booth_checked` and `board`."""
    visit = get_visit_for(staff, visit_id, LOOK_IN)
    if site is not None and visit.site_id != site.pk:
        raise NotFound()  # the page of another site
    note = clean_text(note, "note")
    now = now or timezone.now()
    visit = _in_booth(visit.pk)
    if visit is None:
        raise Conflict("not_in_booth")
    look = LookIn.objects.create(visit=visit, site=visit.site, booth=visit.booth, staff=staff,
                                 at=now, note=note)
    ended = Overdue.objects.filter(visit=visit, resolved_at__isnull=True).update(
        resolved_at=now, resolution=Resolution.LOOK_IN, resolved_by=staff)
    record(staff, "watch.look_in", look, site=visit.site, summary=visit.booth.label,
           changes={"visit": str(visit.pk), "booth": visit.booth.label,
                    "was_overdue": bool(ended), "note": bool(note)})
    publish_after_commit(visit.site.slug, "booth_checked", {
        "visit": str(visit.pk), "booth": visit.booth.label, "at": now.isoformat(),
        "by": staff.username})
    publish_after_commit(visit.site.slug, "board", {"reason": "booth_checked"})
    return look


def _close_ended(open_rows, states, now) -> int:
    """Close the overdue periods that ended without a look-in here: the visit left the
    booth, or an alarm (or a look-in another way) moved its anchor on."""
    closed = 0
    for row in open_rows:
        watch = states.get(row.visit_id)
        if watch is None:
            resolution, at = Resolution.LEFT_BOOTH, now
        elif watch.alarm_open:
            resolution, at = Resolution.ALARM, now
        elif watch.anchor_at > row.anchor_at:
            looked = watch.last_check_at is not None and watch.last_check_at > row.anchor_at
            resolution = Resolution.LOOK_IN if looked else Resolution.ALARM
            at = watch.anchor_at
        else:
            continue
        closed += Overdue.objects.filter(pk=row.pk, resolved_at__isnull=True).update(
            resolved_at=at, resolution=resolution)
    return closed


def _claim(visit_pk, now) -> Overdue | None:
    """Record that the visit's booth is overdue, once per overdue period: None when it is
    not overdue (any more) or another process recorded it first."""
    with transaction.atomic():
        visit = _in_booth(visit_pk)
        watch = watches([visit], now).get(visit_pk) if visit is not None else None
        if watch is None or not watch.overdue(now):
            return None
        try:
            with transaction.atomic():
                row = Overdue.objects.create(
                    visit=visit, site=visit.site, booth=visit.booth,
                    assisted=visit.is_assisted, anchor_at=watch.anchor_at,
                    due_at=watch.due_at, noticed_at=now)
        except IntegrityError:
            return None  # this period is recorded already
        record(None, "watch.booth_overdue", row, site=visit.site, summary=visit.booth.label,
               changes={"visit": str(visit.pk), "booth": visit.booth.label,
                        "minutes": watch.minutes(now)})
        publish_after_commit(visit.site.slug, "booth_overdue", event_payload(visit, watch, now))
        publish_after_commit(visit.site.slug, "board", {"reason": "booth_overdue"})
        return row


def _escalate(visit_pk, now) -> bool:
    """Escalate the visit's open overdue period once it has lasted one more interval:
    True for the one process whose conditional update won."""
    with transaction.atomic():
        visit = _in_booth(visit_pk)
        watch = watches([visit], now).get(visit_pk) if visit is not None else None
        if watch is None or not watch.escalated(now):
            return False
        won = Overdue.objects.filter(visit=visit, anchor_at=watch.anchor_at,
                                     resolved_at__isnull=True,
                                     escalated_at__isnull=True).update(escalated_at=now)
        if not won:
            return False
        record(None, "watch.booth_escalated", visit, site=visit.site,
               summary=visit.booth.label,
               changes={"booth": visit.booth.label, "minutes": watch.minutes(now)})
        publish_after_commit(visit.site.slug, "booth_escalated",
                             event_payload(visit, watch, now))
        publish_after_commit(visit.site.slug, "board", {"reason": "booth_escalated"})
        return True


def sweep(now: datetime | None = None) -> dict:
    """Look over every occupied booth of every site: record and announce the booths that
    went overdue or escalated since the last look, and close the periods that ended. Safe
    to run from any number of processes at once (each period and escalation is claimed in
    the database). Returns counts: {"overdue", "escalated", "closed"}."""
    now = now or timezone.now()
    visits = list(Visit.objects.filter(state=VisitState.IN_BOOTH)
                  .select_related("method", "assisted_by"))
    states = watches(visits, now)
    open_rows = list(Overdue.objects.filter(resolved_at__isnull=True))
    counts = {"overdue": 0, "escalated": 0,
              "closed": _close_ended(open_rows, states, now)}
    # The periods of these visits recorded already (open or not), and those escalated.
    recorded, escalated = set(), set()
    for visit_pk, anchor_at, escalated_at in Overdue.objects.filter(
            visit_id__in=[v.pk for v in visits if states[v.pk].overdue(now)]).values_list(
            "visit_id", "anchor_at", "escalated_at"):
        recorded.add((visit_pk, anchor_at))
        if escalated_at is not None:
            escalated.add((visit_pk, anchor_at))
    for visit in visits:
        watch = states[visit.pk]
        if not watch.overdue(now):
            continue
        period = (visit.pk, watch.anchor_at)
        if period not in recorded and _claim(visit.pk, now):
            counts["overdue"] += 1
        if watch.escalated(now) and period not in escalated and _escalate(visit.pk, now):
            counts["escalated"] += 1
    return counts


def _minutes(value, field: str) -> int:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise InvalidInput("invalid_input", field=field) from exc
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise InvalidInput("invalid_input", field=field,
                           reason=f"{MIN_MINUTES}-{MAX_MINUTES} minutes")
    return minutes


def site_intervals(site) -> list[dict]:
    """The site's interval for each intake method it offers, set or default."""
    table = intervals_of([site.pk])
    out = []
    for method in site.intake_methods.all():
        set_ = table.get((site.pk, method.pk))
        minutes, assisted = set_ or default_minutes(method.code)
        out.append({"method": method, "minutes": minutes, "assisted_minutes": assisted,
                    "default": set_ is None})
    return out


@transaction.atomic
def set_intervals(staff, site, values: dict) -> list[CheckInterval]:
    """Set the site's check intervals: `values` maps an intake method's code to (minutes,
    minutes for an assisted intake), each 1-120, the assisted one no longer than the other.
    All or nothing. Refuses `forbidden` (role), `not_found` (site not the caller's, method
    not offered there), `invalid_input`. Emits `watch.interval_set` (before and after) for
    each change, and a `board` event (due times move on every board)."""
    rows = [_set_interval(staff, site, code, minutes, assisted)
            for code, (minutes, assisted) in values.items()]
    publish_after_commit(site.slug, "board", {"reason": "check_interval"})
    return rows


def _set_interval(staff, site, method_code: str, minutes, assisted_minutes) -> CheckInterval:
    if not staff.can(SET_INTERVALS, site):
        require_capability(staff, SET_INTERVALS)
        raise NotFound()
    method = site.intake_methods.filter(code=str(method_code or "")).first()
    if method is None:
        raise NotFound()
    minutes = _minutes(minutes, "minutes")
    assisted = _minutes(assisted_minutes, "assisted_minutes")
    if assisted > minutes:
        raise InvalidInput("invalid_input", field="assisted_minutes",
                           reason="not longer than the plain interval")
    row, created = CheckInterval.objects.select_for_update().get_or_create(
        site=site, method=method, defaults={"minutes": minutes, "assisted_minutes": assisted})
    before = default_minutes(method.code) if created else (row.minutes, row.assisted_minutes)
    if not created and before == (minutes, assisted):
        return row
    row.minutes, row.assisted_minutes = minutes, assisted
    row.changed_at, row.changed_by = timezone.now(), staff
    row.save()
    record(staff, "watch.interval_set", row, site=site, summary=method.code,
           changes={"minutes": [before[0], minutes], "assisted_minutes": [before[1], assisted]})
    return row

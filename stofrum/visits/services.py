"""Use cases at the door: check in, assistance, check out, booths and the queue.

Concurrency: every use case that changes who is in a booth first locks the booth rows of
that site and intake method (SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises
writers with IMMEDIATE transactions). Partial unique indexes guarantee one open visit per
person and one visit per booth even if that discipline were broken.
"""

import functools
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from stofrum.audit.services import chain_lock_statements, record
from stofrum.errors import Conflict, DomainError, InvalidInput, NotFound
from stofrum.live.publish import publish_after_commit, publish_with_next_statements
from stofrum.lookups import by_pk
from stofrum.people.models import Person
from stofrum.round_trip import insert_statement, run_together
from stofrum.sites.models import Booth, IntakeMethod, Site
from stofrum.staff.access import require_capability
from stofrum.staff.roles import Capability
from stofrum.text import clean_text
from stofrum.visits import door_config, rules
from stofrum.visits.choices import OPEN_STATES, RefusalCode, VisitState
from stofrum.visits.models import RefusedCheckIn, Substance, Visit
from stofrum.visits.signals import mark_stale


def get_visit_for(staff, visit_id, capability=Capability.SITE_BOARD) -> Visit:
    """The visit if the staff member may act on its site, else `not_found`; `forbidden`
    when their role lacks `capability`."""
    require_capability(staff, capability)
    visit = by_pk(Visit.objects.select_related("site", "person", "booth", "method"), visit_id)
    if visit is None or not staff.can(capability, visit.site):
        raise NotFound()
    return visit


def _require_site(staff, site):
    if not staff.can(Capability.PERSONS_REGISTER, site):
        raise NotFound("not_found")


def _substances(codes, known=None) -> list[Substance]:
    """The substances in use named by `codes`; `known`: every substance by code, when
    already read (door_config)."""
    codes = list(dict.fromkeys(c.strip() for c in codes or [] if c and c.strip()))
    if not codes:
        raise InvalidInput("invalid_input", field="substances")
    if known is None:
        found = list(Substance.objects.filter(code__in=codes, is_active=True))
    else:
        found = [known[c] for c in codes if c in known and known[c].is_active]
    unknown = sorted(set(codes) - {s.code for s in found})
    if unknown:
        raise DomainError("unknown_substance", status=400, substances=unknown)
    return found


# --- the queue: one definition ----------------------------------------------------------
# The queue of a site is its queued visits in arrival order: the arrival number allocated
# at check-in (`_next_queue_number`), older visits without one first, by check-in time.
# The board shows it in this order, the booths are given in this order (per intake method,
# `_promote`), and a person's position is their place in it among the visits for the same
# method (`queue_position`): the API, the door and the board all read it here.
QUEUE_ORDER = (F("queue_number").asc(nulls_first=True), "checked_in_at", "id")


def queue(site, method=None):
    """The site's queued visits (of one intake method, if given) in queue order."""
    visits = Visit.objects.filter(site=site, state=VisitState.QUEUED)
    if method is not None:
        visits = visits.filter(method=method)
    return visits.order_by(*QUEUE_ORDER)


def queue_positions(visits) -> dict:
    """Visit id → position (1, 2, ...) among the visits for the same intake method, for
    visits given in queue order (e.g. `queue(site)`)."""
    seen, positions = {}, {}
    for visit in visits:
        seen[visit.method_id] = seen.get(visit.method_id, 0) + 1
        positions[visit.pk] = seen[visit.method_id]
    return positions


def queue_position(visit, queued_ids=None) -> int | None:
    """The visit's place in the queue for its intake method (1 = next to get a booth), or
    None when it is not queued. At check-in it is counted under the site's lock, so it is
    exact: everyone numbered before has committed, nobody after is counted. `queued_ids`:
    the ids of that queue in order, when already read."""
    if visit.state != VisitState.QUEUED:
        return None
    ahead = queued_ids if queued_ids is not None else list(
        queue(visit.site_id, visit.method_id).values_list("pk", flat=True))
    return ahead.index(visit.pk) + 1 if visit.pk in ahead else None


def with_queue_positions(visits) -> None:
    """Set `queue_position` on each of `visits` (None unless queued), reading each site's
    queue once, so that a list of visits costs the same few queries however long it is."""
    positions = {}
    for site_id in {v.site_id for v in visits if v.state == VisitState.QUEUED}:
        positions.update(queue_positions(queue(site_id).only("pk", "method_id")))
    for visit in visits:
        visit.queue_position = positions.get(visit.pk)


# The next arrival number at a site, computed by the database as the visit is inserted
# (`_check_in`), after the site's row lock (FOR NO KEY UPDATE, so inserts that merely
# reference the site are not held up) is taken in an earlier statement and held until the
# check-in commits: numbers are handed out one at a time, in the order the check-ins
# commit, and the unique constraint (site, queue_number) refuses a repeat even if that
# were broken.
# The columns of a row read by the compiled locks below (`_booths_to_lock`, `_visit_lock_sql`),
# in the order the ORM selects them, to make model instances of.
_BOOTH_FIELDS = [f.attname for f in Booth._meta.concrete_fields]
_VISIT_FIELDS = [f.attname for f in Visit._meta.concrete_fields]
_SITE_LOCK = f"SELECT 1 FROM {Site._meta.db_table} WHERE id = %s FOR NO KEY UPDATE"  # noqa: S608
_NEXT_QUEUE_NUMBER = (f"SELECT COALESCE(MAX(queue_number), 0) + 1 "  # noqa: S608
                      f"FROM {Visit._meta.db_table} WHERE site_id = %s")


def _booths_to_lock(site, method):
    return (Booth.objects.select_for_update()
            .filter(site=site, method=method, is_active=True).order_by("sort_order", "label"))


def _lock_booths(site, method) -> list[Booth]:
    return list(_booths_to_lock(site, method))


@functools.lru_cache(maxsize=256)
def _compiled_at_the_door(vendor: str, site_id: int, method_id: int) -> tuple:
    """The booth lock and the queue's read of check-in (`_booths_to_lock`, `queue`) as SQL
    with their parameters, built by the ORM once per process for each site and intake
    method (they depend on nothing else) instead of on every check-in."""
    site, method = Site(pk=site_id), IntakeMethod(pk=method_id)
    return (_booths_to_lock(site, method).query.sql_with_params(),
            queue(site, method).values_list("pk").query.sql_with_params())


# PostgreSQL gives the free booths to the queue in one statement, so the booth lock is held
# for one round trip instead of several. It runs after the booth rows are locked (a new
# statement, so it sees what the previous holder of the lock committed; the booths are the
# locked ones, `_booths_to_lock`), and re-checks
# `state = 'queued'` on each row it updates, so someone who just left the queue stays out.
_PROMOTE_SQL = f"""
WITH free AS (
    SELECT b.id, row_number() OVER (ORDER BY b.sort_order, b.label) AS rn
    FROM {Booth._meta.db_table} b
    WHERE b.site_id = %(site)s AND b.method_id = %(method)s AND b.is_active
      AND b.cleaning_since IS NULL
      AND NOT EXISTS (SELECT 1 FROM {Visit._meta.db_table} o
                      WHERE o.booth_id = b.id AND o.state = %(in_booth)s)
), waiting AS (
    SELECT q.id, row_number() OVER (ORDER BY q.queue_number NULLS FIRST, q.checked_in_at,
                                           q.id) AS rn
    FROM {Visit._meta.db_table} q
    WHERE q.site_id = %(site)s AND q.method_id = %(method)s AND q.state = %(queued)s
    ORDER BY q.queue_number NULLS FIRST, q.checked_in_at, q.id
    LIMIT (SELECT count(*) FROM free)
)
UPDATE {Visit._meta.db_table} v SET state = %(in_booth)s, booth_id = free.id, booth_at = %(now)s
FROM waiting JOIN free USING (rn)
WHERE v.id = waiting.id AND v.state = %(queued)s
RETURNING v.id, v.checked_in_at, v.booth_id
"""  # noqa: S608 - the table names come from the models; values are parameters


@dataclass(frozen=True)
class Promoted:
    """A visit that has just been given a booth."""

    pk: object
    checked_in_at: object
    booth_id: int


# With positional parameters, so that it can go with other statements in one round trip.
_PROMOTE_NAMES = re.findall(r"%\((\w+)\)s", _PROMOTE_SQL)
_PROMOTE_POSITIONAL = re.sub(r"%\(\w+\)s", "%s", _PROMOTE_SQL)


def _promote_statement(site, method, now) -> tuple[str, list]:
    values = {"site": site.pk, "method": method.pk, "now": now,
              "queued": VisitState.QUEUED, "in_booth": VisitState.IN_BOOTH}
    return _PROMOTE_POSITIONAL, [values[name] for name in _PROMOTE_NAMES]


def _promote(site, method, booths: list[Booth], now) -> list[Promoted]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(*_promote_statement(site, method, now))
            return [Promoted(*row) for row in cursor.fetchall()]
    occupied = set(
        Visit.objects.filter(booth__in=booths, state=VisitState.IN_BOOTH).order_by()
        .values_list("booth_id", flat=True)
    )
    free = [b for b in booths if b.pk not in occupied and b.cleaning_since is None]
    if not free:
        return []
    queued = list(queue(site, method).select_for_update()[: len(free)])
    for visit, booth in zip(queued, free, strict=False):
        visit.state, visit.booth, visit.booth_at = VisitState.IN_BOOTH, booth, now
        visit.save(update_fields=["state", "booth", "booth_at"])
    return [Promoted(v.pk, v.checked_in_at, v.booth_id) for v in queued]


def _handover_time(site, before):
    """The time a booth changes hands, read once the booths are locked (`_lock_booths`): so
    never before the previous holder of the lock ended a visit in one. Read before the
    lock, a check-in that waited behind a check-out would go into the booth before the
    check-out freed it. `before`: the time read before the lock (its day marked stale by
    the caller); a wait across midnight marks the new day too."""
    now = timezone.now()
    if timezone.localdate(now) != timezone.localdate(before):
        mark_stale(site.pk, now)
    return now


def _fill_free_booths(site, method, booths: list[Booth], now) -> list[Promoted]:
    """Give free, clean booths to the queue in queue order. Booth rows must be locked."""
    return _promoted(site, _promote(site, method, booths, now), now)


def _promoted(site, promoted: list[Promoted], now) -> list[Promoted]:
    # Their waits changed: mark their days stale (today's is marked by the caller already,
    # so this writes only for someone who queued across midnight).
    today = timezone.localdate(now)
    mark_stale(site.pk, *[p.checked_in_at for p in promoted
                          if timezone.localdate(p.checked_in_at) != today])
    return promoted


def _record_refusal(staff, site, code: str, person, method_code: str) -> None:
    with transaction.atomic():
        RefusedCheckIn.objects.create(
            site=site, code=code, person_code=getattr(person, "code", ""),
            method=method_code or "", staff=staff,
        )
        # Keyed by the person's id like every event about them (the trail's filter by
        # person finds it); the code, as the refusal row keeps it, in the changes.
        record(staff, "visits.check_in_refused", person, site=site, summary=code,
               changes={"person": getattr(person, "code", "")})


def check_in(staff, person: Person, site, substances, method: str, *,
             assisted_by: Person | None = None, assistant_assessment: str = "") -> Visit:
    """Check a person in for one intake: a free booth for the method, or the queue.

    Refuses (422): `site_closed`, `underage`, `site_women_only`, `method_not_offered`,
    `substance_not_allowed`, `quarantined` (with `until`), `excluded_today` (with `until`),
    `no_first_aid_agreement`, `invalid_assistant`, `assisted_intake_unavailable`;
    (409) `already_checked_in`; (400) `invalid_input`, `unknown_substance`. Refusals by
    the rules are recorded as turned away. Emits `visits.checked_in` and a `board` event
    for the site.

    The visit gets the site's next arrival number, and a queued visit carries its exact
    `queue_position` (see `queue_position`), the number told at the door and by the API.
    """
    _require_site(staff, site)
    try:
        with transaction.atomic():
            return _check_in(staff, person, site, substances, method, assisted_by,
                             assistant_assessment)
    except DomainError as exc:
        if exc.code in RefusalCode.values:
            _record_refusal(staff, site, exc.code, person, method)
        raise


def _check_in(staff, person, site, substance_codes, method_code, assisted_by, assessment):
    assessment = clean_text(assessment, "assistant_assessment")
    now = timezone.now()
    today = timezone.localdate(now)
    # One round trip for what the rules read: the person's facts, and the stamp of the
    # rooms' opening hours, intake methods and substances that this process keeps; the
    # day's stale mark rides with them (before the site's lock, to keep it short; a
    # refusal rolls it back).
    stale = []
    mark_stale(site.pk, now, statements=stale)
    facts, stamp, *_ = run_together([rules.person_facts_statement(person, site, now),
                                     door_config.stamp_statement(), *stale])
    kept = door_config.current(stamp)
    substances = _substances(substance_codes, door_config.substances(kept))
    if person.merged_into_id:
        raise NotFound()
    door_config.give_site(kept, site)
    rules.check_site_open(site, now)
    rules.check_adult(person, today)
    rules.check_women_only(site, person)
    method = rules.check_method_offered(site, method_code)
    rules.check_substances_allowed({s.code for s in substances}, method.code)
    facts = rules.person_facts_from_row(facts[0])
    rules.check_not_quarantined(person, site, now, facts)
    rules.check_first_aid_agreement(facts)
    if assisted_by is not None:
        rules.check_assistant(site, person, assisted_by, assessment, now)

    visit = Visit(person=person, site=site, method=method, state=VisitState.QUEUED,
                  checked_in_at=now, checked_in_by=staff)
    if assisted_by is not None:
        visit.assisted_by, visit.assistant_assessment = assisted_by, assessment
        visit.assistance_recorded_by, visit.assistance_recorded_at = staff, now
    booth_of, promoted, queued, handover, last_link = _insert_and_fill(
        visit, site, method, substances, now)
    for each in _promoted(site, promoted, handover):
        if each.pk == visit.pk:
            visit.state, visit.booth_at = VisitState.IN_BOOTH, handover
            visit.booth = booth_of(each.booth_id)
    visit.queue_position = queue_position(visit, queued)
    # The board's event goes with the audit event, in its round trip.
    board_event = publish_with_next_statements(site.slug, "board", {"reason": "checked_in"})
    record(staff, "visits.checked_in", visit, site=site, summary=person.code,
           changes={"state": visit.state, "method": method.code,
                    "queue_position": visit.queue_position,
                    "substances": sorted(s.code for s in substances),
                    "assisted": assisted_by is not None},
           also=board_event, last_link=last_link)
    return visit


def _insert_and_fill(visit, site, method, substances, now):
    """The part of a check-in under the site's lock, held until the commit: the visit with
    the site's next arrival number and its substances, then the booth lock for its method
    (taken only after the visit is written: everyone checking in here waits for it in
    turn; the visit is not visible to the others before this transaction commits), and
    the free booths given to the queue at the handover time read once the booths are
    locked (`_handover_time`). On PostgreSQL in two round trips (stofrum/round_trip.py):
    up to the booth lock, then the queue as it is then with the audit chain's lock and
    last link (`chain_lock_statements`; no lock is taken after it). Returns the locked
    booth of an id (a function: of some twenty locked rows one becomes a Booth), the
    visits given a booth, the queue's visit ids (None when not read), the
    handover time and the chain's last link (None when not read)."""
    postgresql = connection.vendor == "postgresql"
    through = Visit.substances.through
    rows = ", ".join(["(%s, %s)"] * len(substances))
    visit_id = Visit._meta.pk.get_db_prep_save(visit.pk, connection)
    statements = [
        *([(_SITE_LOCK, [site.pk])] if postgresql else []),
        insert_statement(visit, returning=("queue_number",),
                         expressions={"queue_number": (_NEXT_QUEUE_NUMBER, [site.pk])}),
        (f"INSERT INTO {through._meta.db_table} (visit_id, substance_id) "  # noqa: S608
         f"VALUES {rows}", [v for s in substances for v in (visit_id, s.pk)]),
    ]
    if postgresql:
        booth_lock, queue_read = _compiled_at_the_door(connection.vendor, site.pk, method.pk)
        statements.append(booth_lock)
    try:
        # The partial unique index is the check: one open visit per person, at any site.
        # No savepoint is needed: the conflict ends this transaction anyway.
        results = run_together(statements)
    except IntegrityError as exc:
        raise Conflict("already_checked_in") from exc
    visit.queue_number = results[1 if postgresql else 0][0][0]
    visit._state.adding, visit._state.db = False, connection.alias
    if not postgresql:
        booths = _lock_booths(site, method)
        handover = _handover_time(site, now)
        by_pk = {booth.pk: booth for booth in booths}
        return by_pk.__getitem__, _promote(site, method, booths, handover), None, handover, None
    pk_at = _BOOTH_FIELDS.index(Booth._meta.pk.attname)
    locked = {row[pk_at]: row for row in results[3]}

    def booth_of(pk):
        return Booth.from_db(connection.alias, _BOOTH_FIELDS, locked[pk])

    handover = _handover_time(site, now)
    promoted, queued, *chain_locked = run_together([
        _promote_statement(site, method, handover),
        queue_read,
        *chain_lock_statements(),
    ])
    return (booth_of, [Promoted(*row) for row in promoted], [pk for (pk,) in queued],
            handover, chain_locked[-1])


@transaction.atomic
def add_assistance(staff, visit: Visit, assisted_by: Person, assessment: str) -> Visit:
    """Record that another user will assist an open visit — before the help is given
    (BEK 972). Refuses `visit_closed` (409), `invalid_assistant`,
    `assisted_intake_unavailable`. Emits `visits.assistance_added` and a `board` event."""
    _require_site(staff, visit.site)
    visit = (Visit.objects.select_for_update(of=("self",)).select_related("site", "person")
             .get(pk=visit.pk))
    if visit.state not in OPEN_STATES:
        raise Conflict("visit_closed")
    assessment = clean_text(assessment, "assistant_assessment")
    now = timezone.now()
    rules.check_assistant(visit.site, visit.person, assisted_by, assessment, now)
    visit.assisted_by, visit.assistant_assessment = assisted_by, assessment
    visit.assistance_recorded_by, visit.assistance_recorded_at = staff, now
    mark_stale(visit.site_id, visit.checked_in_at)
    visit.save(update_fields=["assisted_by", "assistant_assessment",
                              "assistance_recorded_by", "assistance_recorded_at"])
    record(staff, "visits.assistance_added", visit, site=visit.site,
           summary=f"{visit.person.code} by {assisted_by.code}")
    publish_after_commit(visit.site.slug, "board", {"reason": "assistance"})
    return visit


@functools.cache
def _visit_lock_sql() -> str:
    """A visit's row, locked (SELECT ... FOR UPDATE), as SQL taking the visit's id: built by
    the ORM once per process (PostgreSQL)."""
    sql, _ = Visit.objects.select_for_update().filter(pk=uuid.UUID(int=0)) \
        .query.sql_with_params()
    return sql


def _with_relations_of(locked: Visit, known: Visit) -> Visit:
    """`locked` (the visit read again under its lock) with the related rows `known` had
    already loaded, where they are still the same (the answer shows them)."""
    for name in ("site", "person", "method", "booth", "assisted_by"):
        field = Visit._meta.get_field(name)
        if field.is_cached(known) and getattr(known, field.attname) == getattr(
                locked, field.attname):
            field.set_cached_value(locked, field.get_cached_value(known))
    return locked


_END_VISIT = (f"UPDATE {Visit._meta.db_table} SET state = %s, ended_at = %s "  # noqa: S608
              "WHERE id = %s")
_BOOTH_CLEANING = f"UPDATE {Booth._meta.db_table} SET cleaning_since = %s WHERE id = %s"  # noqa: S608


@transaction.atomic
def check_out(staff, visit: Visit, *, cleaning: bool = False) -> Visit:
    """End a visit in a booth; the booth goes to the first in the queue for that method, or
    is marked as being cleaned first when `cleaning`. Refuses `not_in_booth` (409).
    Emits `visits.checked_out` and a `board` event.

    On PostgreSQL in four round trips after BEGIN (stofrum/round_trip.py): the day marked
    stale, the booth lock and the visit's row lock; the visit ended, the booth marked for
    cleaning, the free booths given to the queue and the audit chain's lock with its last
    link; the audit event with the board event's NOTIFY; COMMIT."""
    _require_site(staff, visit.site)
    site = visit.site
    now = timezone.now()
    postgresql = connection.vendor == "postgresql"
    stale = []
    mark_stale(site.pk, visit.checked_in_at, now, statements=stale)  # before the lock
    visit_id = Visit._meta.pk.get_db_prep_value(visit.pk, connection)
    if postgresql:
        booth_lock, _ = _compiled_at_the_door(connection.vendor, site.pk, visit.method_id)
        *_, booth_rows, visit_rows = run_together(
            [*stale, booth_lock, (_visit_lock_sql(), [visit_id])])
        booths = [Booth.from_db(connection.alias, _BOOTH_FIELDS, row) for row in booth_rows]
        locked = Visit.from_db(connection.alias, _VISIT_FIELDS, visit_rows[0])
    else:
        run_together(stale)
        booths = _lock_booths(site, visit.method)
        locked = Visit.objects.get(pk=visit.pk)
    visit = _with_relations_of(locked, visit)
    now = _handover_time(site, now)
    if visit.state != VisitState.IN_BOOTH:
        raise Conflict("not_in_booth")
    booth = next((b for b in booths if b.pk == visit.booth_id), None)
    visit.state, visit.ended_at = VisitState.DONE, now
    at = connection.ops.adapt_datetimefield_value(now)
    ended = [(_END_VISIT, [VisitState.DONE, at, visit_id])]
    if cleaning and booth is not None:
        booth.cleaning_since = now
        ended.append((_BOOTH_CLEANING, [at, booth.pk]))
    if postgresql:
        done = run_together([*ended, _promote_statement(site, visit.method, now),
                             *chain_lock_statements()])
        promoted, last_link = [Promoted(*row) for row in done[len(ended)]], done[-1]
    else:
        run_together(ended)
        promoted, last_link = _promote(site, visit.method, booths, now), None
    _promoted(site, promoted, now)
    if timezone.localdate(visit.booth_at) not in (timezone.localdate(now),
                                                  timezone.localdate(visit.checked_in_at)):
        mark_stale(site.pk, visit.booth_at)
    record(staff, "visits.checked_out", visit, site=site,
           changes={"state": [VisitState.IN_BOOTH, VisitState.DONE], "cleaning": cleaning},
           also=publish_with_next_statements(site.slug, "board", {"reason": "checked_out"}),
           last_link=last_link)
    return visit


@transaction.atomic
def fill_free_booths(site) -> int:
    """Give every free, clean booth of the site to the queue, method by method (after a
    bulk load of visits, e.g. demo data). Returns how many visits got a booth."""
    promoted = 0
    for method in site.intake_methods.all():
        promoted += len(_fill_free_booths(site, method, _lock_booths(site, method),
                                          timezone.now()))
    if promoted:
        publish_after_commit(site.slug, "board", {"reason": "queue_filled"})
    return promoted


@transaction.atomic
def booth_ready(staff, booth: Booth) -> Booth:
    """A booth is clean again: it takes the first in the queue. Emits `sites.booth.ready`."""
    _require_site(staff, booth.site)
    booths = _lock_booths(booth.site, booth.method)
    booth = next(b for b in booths if b.pk == booth.pk)
    if booth.cleaning_since is not None:
        booth.cleaning_since = None
        booth.save(update_fields=["cleaning_since"])
        _fill_free_booths(booth.site, booth.method, booths, timezone.now())
        record(staff, "sites.booth.ready", booth, site=booth.site, summary=booth.label)
        publish_after_commit(booth.site.slug, "board", {"reason": "booth_ready"})
    return booth


@transaction.atomic
def leave_queue(staff, visit: Visit) -> Visit:
    """The person gave up waiting (counted as abandoned). Refuses `not_queued` (409).
    Emits `visits.left_queue` and a `board` event.

    Under the booth lock of the visit's method, as every change to who waits for it: a
    check-out filling a booth meanwhile would otherwise have picked this person, found
    them gone, and left the booth free while the next one waited."""
    _require_site(staff, visit.site)
    _lock_booths(visit.site, visit.method)
    visit = Visit.objects.select_for_update(of=("self",)).select_related("site").get(pk=visit.pk)
    if visit.state != VisitState.QUEUED:
        raise Conflict("not_queued")
    visit.state, visit.ended_at = VisitState.LEFT_QUEUE, timezone.now()
    visit.save(update_fields=["state", "ended_at"])
    mark_stale(visit.site_id, visit.checked_in_at, visit.booth_at)
    record(staff, "visits.left_queue", visit, site=visit.site)
    publish_after_commit(visit.site.slug, "board", {"reason": "left_queue"})
    return visit


@transaction.atomic
def set_assisted_intake_available(staff, site, available: bool):
    """The board's capacity toggle for assisted intake. Emits `sites.site.assisted_toggle`."""
    _require_site(staff, site)
    if site.assisted_intake_available != available:
        site.assisted_intake_available = available
        site.save(update_fields=["assisted_intake_available"])
        record(staff, "sites.site.assisted_toggle", site, site=site,
               changes={"assisted_intake_available": [not available, available]})
        publish_after_commit(site.slug, "board", {"reason": "assisted_toggle"})
    return site


# --- corrections at the door (API.md "Corrections at the door") ------------------------

# A closed visit can still be corrected (substances, method) this long after it ended:
# mistakes are noticed during the shift, not weeks later (later: rebuild_statistics after
# a correction made outside the application).
CORRECTION_HOURS = 12


def recent_checkouts(site, now=None, limit: int = 5):
    """Visits checked out of a booth at `site` within STOFRUM_UNDO_MINUTES whose person has
    not checked in again since: the board offers to undo them."""
    from django.conf import settings
    from django.db.models import Exists, OuterRef

    now = now or timezone.now()
    since = now - timedelta(minutes=settings.STOFRUM_UNDO_MINUTES)
    open_again = Visit.objects.filter(person=OuterRef("person"), state__in=OPEN_STATES)
    return list(
        Visit.objects.filter(site=site, state=VisitState.DONE, booth__isnull=False,
                             ended_at__gte=since)
        .filter(~Exists(open_again))
        .select_related("person", "booth", "method").order_by("-ended_at")[:limit]
    )


def _lock_methods(site, *methods) -> dict:
    """Booth locks of several intake methods of a site, always in the same order (method
    id) so that two corrections never wait for each other in a circle."""
    locked = {}
    for method in sorted({m.pk: m for m in methods}.values(), key=lambda m: m.pk):
        locked[method.pk] = _lock_booths(site, method)
    return locked


def _booth_is_free(booth: Booth, visit=None) -> bool:
    """Free for `visit`: nobody in it, and not being cleaned (unless the cleaning started
    with this visit's own check-out, which the undo takes back)."""
    if Visit.objects.filter(booth=booth, state=VisitState.IN_BOOTH).exists():
        return False
    if booth.cleaning_since is None:
        return True
    return visit is not None and visit.ended_at is not None and \
        booth.cleaning_since == visit.ended_at


def _save_into_booth(visit, fields) -> None:
    """Save a visit that has just been given a booth. The partial unique index (one visit in
    a booth) is the last word: if it refuses, the booth was taken (`booth_taken`), or the
    person has another open visit (`already_checked_in`)."""
    try:
        with transaction.atomic():  # a savepoint, so the error is raised here, cleanly
            visit.save(update_fields=fields)
    except IntegrityError as exc:
        if "person" in str(exc).lower():  # visit_one_open_per_person / person_id
            raise Conflict("already_checked_in") from exc
        raise Conflict("booth_taken") from exc


@transaction.atomic
def undo_check_out(staff, visit: Visit) -> Visit:
    """Take back a check-out made within STOFRUM_UNDO_MINUTES: the visit goes back to its
    booth if that booth is still free (or is being cleaned since this very check-out), else
    to the queue for its method — first in it, because the queue is ordered by arrival
    number (`QUEUE_ORDER`) and this visit arrived before anyone still waiting for that
    method — and takes a free booth at once if there is one.

    Refuses (409): `not_checked_out` (not a visit checked out of a booth), `too_late`,
    `already_checked_in` (the person has checked in again since). Emits
    `visits.check_out_undone` and a `board` event."""
    from django.conf import settings

    _require_site(staff, visit.site)
    site = visit.site
    booths = _lock_booths(site, visit.method)
    now = timezone.now()  # the booth changes hands now, with the lock held
    visit = Visit.objects.select_for_update(of=("self",)).select_related("person", "booth").get(
        pk=visit.pk)
    if visit.state != VisitState.DONE or visit.booth_id is None or visit.ended_at is None:
        raise Conflict("not_checked_out")
    if now - visit.ended_at > timedelta(minutes=settings.STOFRUM_UNDO_MINUTES):
        raise Conflict("too_late")
    if Visit.objects.filter(person=visit.person_id, state__in=OPEN_STATES).exists():
        raise Conflict("already_checked_in")
    mark_stale(site.pk, visit.checked_in_at, visit.booth_at, now)
    ended_at, old_booth = visit.ended_at, visit.booth
    booth = next((b for b in booths if b.pk == visit.booth_id), None)
    if booth is not None and _booth_is_free(booth, visit):
        if booth.cleaning_since is not None:
            booth.cleaning_since = None
            booth.save(update_fields=["cleaning_since"])
        visit.state, visit.ended_at = VisitState.IN_BOOTH, None
        _save_into_booth(visit, ["state", "ended_at"])
    else:
        visit.state, visit.ended_at, visit.booth, visit.booth_at = (
            VisitState.QUEUED, None, None, None)
        _save_into_booth(visit, ["state", "ended_at", "booth", "booth_at"])
        for promoted in _fill_free_booths(site, visit.method, booths, now):
            if promoted.pk == visit.pk:
                visit.state, visit.booth_at = VisitState.IN_BOOTH, now
                visit.booth = next(b for b in booths if b.pk == promoted.booth_id)
    record(staff, "visits.check_out_undone", visit, site=site, summary=visit.person.code,
           changes={"state": [VisitState.DONE, visit.state],
                    "booth": [old_booth.label, visit.booth.label if visit.booth else None],
                    "ended_at": [ended_at, None]})
    publish_after_commit(site.slug, "board", {"reason": "check_out_undone"})
    return visit


def _booth_for(site, booth_ref) -> Booth:
    """A booth of `site` by id (int) or label (str); `invalid_booth` if there is none."""
    if isinstance(booth_ref, Booth):
        booth_ref = booth_ref.pk
    qs = Booth.objects.filter(site=site, is_active=True).select_related("method")
    if isinstance(booth_ref, int) and not isinstance(booth_ref, bool):
        booth = by_pk(qs, booth_ref)
    else:
        label = str(booth_ref or "").strip()
        booth = qs.filter(label__iexact=label).first() if label else None
    if booth is None:
        raise DomainError("invalid_booth")
    return booth


@transaction.atomic
def correct_visit(staff, visit: Visit, *, substances=None, method: str | None = None,
                  booth=None) -> Visit:
    """Correct the substances and intake method of an open visit, or of one that ended
    less than CORRECTION_HOURS ago, and/or move a visit in a booth to another free,
    active booth of its method (`booth`: id or label). The rules of check-in apply to the
    new method and substances (`method_not_offered`, `substance_not_allowed`).

    Changing the method of a visit in a booth moves it: to `booth` if given (a free booth
    of the new method), else to the first free booth of the new method, else to the queue
    for the new method, ordered by its arrival number (`QUEUE_ORDER`; the person does not
    lose their turn for a mistake at the door). Its old booth goes to the first in its queue.

    Refuses: (409) `too_late`, `not_in_booth` (a move of a visit that is not in a booth),
    `booth_taken` (occupied or being cleaned; also when the database's one-visit-per-booth
    index refuses a concurrent move); (422) `invalid_booth`, `method_not_offered`,
    `substance_not_allowed`; (400) `invalid_input`, `unknown_substance`. Emits
    `visits.corrected` with before and after, and a `board` event."""
    _require_site(staff, visit.site)
    site = visit.site
    new_substances = _substances(substances) if substances is not None else None
    new_method = rules.check_method_offered(site, method) if method else None
    target = _booth_for(site, booth) if booth not in (None, "") else None

    current = Visit.objects.select_related("method").get(pk=visit.pk)
    methods = [current.method] + ([new_method] if new_method else [])
    locked = _lock_methods(site, *methods)
    now = timezone.now()  # a booth changes hands now, with the lock held
    visit = (Visit.objects.select_for_update(of=("self",))
             .select_related("person", "booth", "method").get(pk=visit.pk))
    if visit.method_id != current.method_id:  # changed while we waited for the lock
        raise Conflict("visit_changed")
    if visit.state not in OPEN_STATES and (
            visit.ended_at is None or now - visit.ended_at > timedelta(hours=CORRECTION_HOURS)):
        raise Conflict("too_late")

    old_substances = sorted(s.code for s in visit.substances.all())
    method_after = new_method or visit.method
    codes_after = ({s.code for s in new_substances} if new_substances is not None
                   else set(old_substances))
    rules.check_substances_allowed(codes_after, method_after.code)
    if target is not None:
        if visit.state != VisitState.IN_BOOTH:
            raise Conflict("not_in_booth")
        if target.method_id != method_after.pk:
            raise DomainError("invalid_booth")
        target = next(b for b in locked[method_after.pk] if b.pk == target.pk)  # locked row
        if target.pk == visit.booth_id:
            target = None  # already there: nothing to move

    changes = {}
    if new_substances is not None and sorted(codes_after) != old_substances:
        visit.substances.set(new_substances)
        changes["substances"] = [old_substances, sorted(codes_after)]
    old_method, old_booth, old_state = visit.method, visit.booth, visit.state
    old_booth_at = visit.booth_at
    method_changed = new_method is not None and new_method.pk != visit.method_id
    if method_changed:
        visit.method = new_method
        changes["method"] = [old_method.code, new_method.code]
    moved = False
    if visit.state == VisitState.IN_BOOTH and (method_changed or target is not None):
        if target is None:  # the first free booth of the new method, else the queue
            target = next((b for b in locked[method_after.pk] if _booth_is_free(b)), None)
        elif not _booth_is_free(target):
            raise Conflict("booth_taken")
        if target is not None:
            visit.booth, visit.booth_at = target, visit.booth_at or now
        else:
            visit.state, visit.booth, visit.booth_at = VisitState.QUEUED, None, None
        _save_into_booth(visit, ["method", "state", "booth", "booth_at"])
        moved = True
    elif method_changed:
        visit.save(update_fields=["method"])
    if moved or method_changed:
        # The old booth (if freed) goes to its queue; a visit queued for the new method
        # takes a free booth of it if there is one.
        for m in {old_method.pk: old_method, method_after.pk: method_after}.values():
            for promoted in _fill_free_booths(site, m, locked[m.pk], now):
                if promoted.pk == visit.pk:
                    visit.state, visit.booth_at = VisitState.IN_BOOTH, now
                    visit.booth = next(b for b in locked[m.pk] if b.pk == promoted.booth_id)
    if visit.booth_id != (old_booth.pk if old_booth else None) or visit.state != old_state:
        changes["booth"] = [old_booth.label if old_booth else None,
                            visit.booth.label if visit.booth_id else None]
        changes["state"] = [old_state, visit.state]
    if not changes:
        return visit
    mark_stale(site.pk, visit.checked_in_at, old_booth_at, visit.booth_at, now)
    record(staff, "visits.corrected", visit, site=site, summary=visit.person.code,
           changes=changes)
    publish_after_commit(site.slug, "board", {"reason": "corrected"})
    return visit

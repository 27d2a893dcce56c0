"""The live board of a site: booths with their state and occupant, and the queue.
One query per part, used by the page, the API and the event stream alike."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from stofrum.sites.models import Booth
from stofrum.visits.choices import BoothState, VisitState
from stofrum.visits.models import Substance, Visit
from stofrum.visits.services import QUEUE_ORDER, queue_positions, recent_checkouts
from stofrum.visits.signals import board_answered, board_built

# A visit that got its booth this long after checking in came from the queue; the board
# says so for a few minutes.
QUEUED_AT_LEAST = timedelta(seconds=2)
MOVE_SHOWN_FOR = timedelta(minutes=3)


@dataclass
class BoothTile:
    booth: Booth
    state: str
    visit: Visit | None = None
    since: datetime | None = None
    minutes: int | None = None
    level: str = ""  # "", "amber" or "red" by minutes in the booth
    incident: object = None  # the open incident (alarm running) of the occupant's visit
    # Keys the apps above add to this booth in the board's JSON (watch: check_due_at, ...).
    extra: dict = field(default_factory=dict)


@dataclass
class Board:
    site: object
    tiles: list[BoothTile]
    queue: list[Visit]
    generated_at: datetime
    methods: list = field(default_factory=list)
    incidents: list = field(default_factory=list)  # health adds it: stofrum/health/board.py
    # Checked out within STOFRUM_UNDO_MINUTES: the board offers to undo them.
    recent_checkouts: list = field(default_factory=list)
    journals_pending: list = field(default_factory=list)  # the oldest few, see health
    journals_pending_count: int = 0

    @property
    def moves(self) -> list[BoothTile]:
        """Booths that someone from the queue got lately: every board says who goes where."""
        return [t for t in self.tiles if t.visit is not None and t.visit.booth_at is not None
                and t.visit.booth_at - t.visit.checked_in_at > QUEUED_AT_LEAST
                and self.generated_at - t.visit.booth_at <= MOVE_SHOWN_FOR]

    def tiles_for(self, method_code: str) -> list[BoothTile]:
        return [t for t in self.tiles if t.booth.method.code == method_code]


def _level(minutes: int) -> str:
    if minutes >= settings.STOFRUM_BOOTH_RED_MINUTES:
        return "red"
    if minutes >= settings.STOFRUM_BOOTH_AMBER_MINUTES:
        return "amber"
    return ""


def _open_visits(site, state):
    """Visits in booths, or the queue in queue order (visits.services.QUEUE_ORDER)."""
    return (
        Visit.objects.filter(site=site, state=state)
        .select_related("person", "method", "assisted_by", "booth")
        .prefetch_related(Prefetch("substances", queryset=Substance.objects.order_by("sort_order")))
        .order_by(*QUEUE_ORDER)
    )


def board_for(site, now: datetime | None = None) -> Board:
    now = now or timezone.now()
    booths = list(
        Booth.objects.filter(site=site, is_active=True).select_related("method")
        .order_by("method__sort_order", "sort_order", "label")
    )
    occupants = {v.booth_id: v for v in _open_visits(site, VisitState.IN_BOOTH)}
    tiles = []
    for booth in booths:
        visit = occupants.get(booth.pk)
        if visit is not None:
            since = visit.booth_at or visit.checked_in_at
            minutes = max(0, int((now - since).total_seconds() // 60))
            tiles.append(BoothTile(booth, BoothState.OCCUPIED, visit, since, minutes,
                                   _level(minutes)))
        elif booth.cleaning_since is not None:
            tiles.append(BoothTile(booth, BoothState.CLEANING, since=booth.cleaning_since))
        else:
            tiles.append(BoothTile(booth, BoothState.FREE))
    queue = list(_open_visits(site, VisitState.QUEUED))
    positions = queue_positions(queue)
    for visit in queue:
        visit.minutes_waited = minutes_waited(visit, now)
        visit.queue_position = positions[visit.pk]  # per intake method, as told
    board = Board(site=site, tiles=tiles, queue=queue, generated_at=now,
                  methods=list(site.intake_methods.all()),
                  recent_checkouts=recent_checkouts(site, now))
    board_built.send(sender=Board, board=board, now=now)
    return board


def minutes_waited(visit: Visit, now: datetime) -> int:
    """Whole minutes a queued visit has waited since check-in."""
    return max(0, int((now - visit.checked_in_at).total_seconds() // 60))


def board_as_json(board: Board) -> dict:
    """The board in API.md's shape."""

    def visit_json(v: Visit | None):
        if v is None:
            return None
        return {"id": str(v.pk), "person_code": v.person.code, "alias": v.person.alias,
                "substances": [s.code for s in v.substances.all()], "method": v.method.code,
                "assisted": v.is_assisted,
                "assisted_by": v.assisted_by.code if v.assisted_by_id else None,
                "checked_in_at": v.checked_in_at.isoformat()}

    answer = {
        "site": board.site.slug,
        "generated_at": board.generated_at.isoformat(),
        "assisted_intake_available": board.site.assisted_intake_available,
        "booths": [
            {"id": t.booth.pk, "label": t.booth.label, "method": t.booth.method.code,
             "state": t.state, "visit": visit_json(t.visit),
             "since": t.since.isoformat() if t.since else None, "minutes": t.minutes,
             "level": t.level, "incident": str(t.incident.pk) if t.incident else None,
             **t.extra}
            for t in board.tiles
        ],
        "queue": [
            {"visit": str(v.pk), "person_code": v.person.code, "alias": v.person.alias,
             "method": v.method.code, "since": v.checked_in_at.isoformat(),
             "position": v.queue_position,  # among those waiting for the same method
             "minutes_waited": minutes_waited(v, board.generated_at)}
            for v in board.queue
        ],
        "recently_checked_out": [
            {"visit": str(v.pk), "person_code": v.person.code, "alias": v.person.alias,
             "booth": v.booth.label, "method": v.method.code,
             "checked_out_at": v.ended_at.isoformat()}
            for v in board.recent_checkouts
        ],
    }
    for _receiver, part in board_answered.send(sender=Board, board=board):
        answer.update(part)
    return answer

"""What a site's board (stofrum/visits/board.py) shows from the booth watch: on each
occupied booth when a look-in is due, and whether it is overdue or escalated, worked out
from the database at the board's moment (stofrum/watch/services.py `watches`), so every
board of the site, in any process, shows the same. Visits sits below watch, so watch adds
this through visits' signals (connected in WatchConfig.ready)."""

from dataclasses import dataclass
from datetime import datetime

from stofrum.watch.services import Watch, watches


@dataclass(frozen=True)
class TileWatch:
    """A tile's watch as the board template shows it."""

    watch: Watch
    now: datetime

    @property
    def overdue(self) -> bool:
        return self.watch.overdue(self.now)

    @property
    def escalated(self) -> bool:
        return self.watch.escalated(self.now)

    @property
    def css(self) -> str:
        return "watch-escalated" if self.escalated else "watch-overdue" if self.overdue else ""

    @property
    def due_at(self) -> datetime:
        return self.watch.due_at

    @property
    def escalate_at(self) -> datetime:
        return self.watch.escalate_at

    @property
    def last_check_at(self) -> datetime | None:
        return self.watch.last_check_at

    @property
    def minutes(self) -> int:
        return self.watch.minutes(self.now)

    @property
    def interval_minutes(self) -> int:
        return int(self.watch.interval.total_seconds() // 60)

    def as_json(self) -> dict:
        return {"check_due_at": self.due_at.isoformat(),
                "check_escalates_at": self.escalate_at.isoformat(),
                "last_check_at": self.last_check_at.isoformat() if self.last_check_at else None,
                "check_interval_minutes": self.interval_minutes,
                "overdue": self.overdue, "escalated": self.escalated}


def add_to_board(sender, board, now, **kwargs) -> None:
    states = watches([t.visit for t in board.tiles], now)
    for tile in board.tiles:
        if tile.visit is not None and tile.visit.pk in states:
            tile.watch = TileWatch(states[tile.visit.pk], now)
            tile.extra.update(tile.watch.as_json())


def connect() -> None:
    from stofrum.visits.signals import board_built

    board_built.connect(add_to_board, dispatch_uid="watch.add_to_board")

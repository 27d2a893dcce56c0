"""What visits tells the apps above it. Visits imports nothing from them (the layers of
ARCHITECTURE.md, checked by `make lint`): they connect their receivers at start-up, in
their AppConfig.ready."""

from django.dispatch import Signal

# The Copenhagen days of these moments changed at this site: statistics rebuild their
# summaries of them (stofrum/stats/receivers.py). Sent inside the changing transaction, so
# what a receiver writes commits or rolls back with the change. Arguments: site_id, moments,
# statements (None, or a list the receiver adds its writes to instead of making them).
days_changed = Signal()


def mark_stale(site_id: int, *moments, statements: list | None = None) -> None:
    """The days of `moments` (None is skipped by the receivers) at `site_id` changed. With
    `statements` (a list), the receivers add their writes to it as (SQL, parameters) for
    the caller to send in this transaction with its own next statements
    (stofrum/round_trip.py; the door's check-in saves a round trip so) instead of making
    them."""
    days_changed.send(sender=None, site_id=site_id, moments=moments, statements=statements)

# A site's board was built (stofrum/visits/board.py): health adds the open incidents (on
# the occupant's booth tile too) and the journals still to write (stofrum/health/board.py).
# Arguments: board, now.
board_built = Signal()

# The board as JSON (API.md): each receiver returns the keys it adds to the answer
# (health: "open_incidents"). Argument: board.
board_answered = Signal()

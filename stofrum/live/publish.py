"""The one way use cases announce a change to every open screen of a site.

A screen never hears of a change that was rolled back, and always of one that committed:

- On PostgreSQL the event is a NOTIFY sent inside the use case's own transaction
  (`PostgresBus.publish_in_transaction`): the server delivers it at the commit, atomically
  with the change, and drops it on a rollback. A process that dies between its commit and
  whatever it would have run next has announced the alarm all the same.
- The in-process bus (SQLite, one server process) gets the event after the commit
  (`transaction.on_commit`); a crash there loses the screens along with the process.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def publish_after_commit(site_slug: str, event: str, data: dict | None = None) -> None:
    from stofrum.live.bus import get_bus

    bus = get_bus()
    connection = transaction.get_connection()
    if bus.joins_transaction(connection):
        bus.publish_in_transaction(connection, site_slug, event, data or {})
        return
    _after_commit(bus, site_slug, event, data)


def publish_with_next_statements(site_slug: str, event: str,
                                 data: dict | None = None) -> list[tuple]:
    """`publish_after_commit`, for a hot path that saves the NOTIFY's own round trip: where
    the event rides in the transaction, its statement is returned ([(SQL, parameters)])
    and the caller MUST send it in this transaction, with its next statements
    (stofrum/round_trip.py; the door's check-in gives it to `record`); otherwise the
    event is published after the commit as usual and nothing is returned."""
    from stofrum.live.bus import get_bus

    bus = get_bus()
    connection = transaction.get_connection()
    if bus.joins_transaction(connection):
        return [bus.statement_in_transaction(site_slug, event, data or {})]
    _after_commit(bus, site_slug, event, data)
    return []


def _after_commit(bus, site_slug: str, event: str, data: dict | None) -> None:
    def send():
        try:
            bus.publish(site_slug, event, data or {})
        except Exception:
            # The change is committed; a screen that misses it catches up on its next
            # refresh. Never turn a committed check-in into an error for the door.
            logger.exception("could not publish %s event for site %s", event, site_slug)

    transaction.on_commit(send)

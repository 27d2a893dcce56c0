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

    def send():
        try:
            bus.publish(site_slug, event, data or {})
        except Exception:
            # The change is committed; a screen that misses it catches up on its next
            # refresh. Never turn a committed check-in into an error for the door.
            logger.exception("could not publish %s event for site %s", event, site_slug)

    transaction.on_commit(send)

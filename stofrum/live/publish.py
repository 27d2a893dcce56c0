"""The one way use cases announce a change to every open screen of a site.

Events are sent only after the transaction commits, so a screen never shows a change that
was rolled back. The bus (stofrum/live/bus.py) delivers them in-process or through
PostgreSQL LISTEN/NOTIFY.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def publish_after_commit(site_slug: str, event: str, data: dict | None = None) -> None:
    def send():
        try:
            from stofrum.live.bus import get_bus

            get_bus().publish(site_slug, event, data or {})
        except Exception:
            # The change is committed; a screen that misses it catches up on its next
            # refresh. Never turn a committed check-in into an error for the door.
            logger.exception("could not publish %s event for site %s", event, site_slug)

    transaction.on_commit(send)

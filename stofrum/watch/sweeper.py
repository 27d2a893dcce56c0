"""The booth watch's sweep, run by every process that serves event streams, every
STOFRUM_WATCH_SWEEP_SECONDS while it has a stream open (stofrum/live/views.py enters
`watching()` for each stream). The sweep only paces: what is overdue is read from the
database and each announcement is claimed there (stofrum/watch/services.py), so any number
of processes may sweep at once, and a restarted one carries on where the others are. The
systemd timer (deploy/stofrum-watch.timer, `manage.py watch_booths`) sweeps as well, for
when no screen is open."""

import asyncio
import contextlib
import logging

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections

from stofrum.database_unavailable import is_unreachable

logger = logging.getLogger("stofrum.watch")

_streams = 0
_task: asyncio.Task | None = None


def sweep_once() -> dict | None:
    """One sweep; a failure is logged, never raised (the streams go on). Sync."""
    from stofrum.watch.services import sweep

    try:
        return sweep()
    except Exception as exc:
        if is_unreachable(exc):  # an outage: one line, no traceback naming hosts or users
            logger.warning("booth watch: the database is unavailable (%s); sweeping again "
                           "shortly", type(exc.__cause__ or exc).__name__)
        else:
            logger.exception("booth watch: the sweep failed; trying again shortly")
        return None
    finally:
        for conn in connections.all(initialized_only=True):
            if not conn.in_atomic_block:
                conn.close()


async def _run(seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        await sync_to_async(sweep_once, thread_sensitive=False)()


@contextlib.asynccontextmanager
async def watching():
    """Keep this process sweeping while the block (an event stream) lasts."""
    global _streams, _task
    seconds = settings.STOFRUM_WATCH_SWEEP_SECONDS
    _streams += 1
    if seconds and (_task is None or _task.done()):
        _task = asyncio.get_running_loop().create_task(_run(seconds))
    try:
        yield
    finally:
        _streams -= 1
        if _streams == 0 and _task is not None:
            _task.cancel()
            _task = None

"""While the database cannot be reached, every call answers 503 `database_unavailable` (a
page: a friendly "try again" page), with Retry-After, never 500 (API.md, "Reliability").

Only a connection that could not be made or that broke counts: a query the database refuses
(a bug, a lock, a missing table) is still a 500, logged as such. The API maps it in
stofrum/api.py, every other place (the middleware that loads a session or a login, a page,
the transaction around an idempotent write) in the 500 handler (stofrum/views.py); both
ask `is_unreachable`.

An outage is logged as one WARNING line without a traceback, at most once every
`REPORT_EVERY_SECONDS` with the number of requests answered 503 since the last line
(`report`), not as an ERROR with a traceback per request (a few seconds' outage answers
hundreds). Django's own "Service Unavailable" line is skipped for these answers.
"""

import logging
import sys
import threading
import time

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from stofrum.errors import MESSAGES

CODE = "database_unavailable"
# What a client is told to wait before trying again.
RETRY_AFTER_SECONDS = 15
# At most one log line per this many seconds while the database is away.
REPORT_EVERY_SECONDS = 10

logger = logging.getLogger("stofrum.database")


# SQLSTATEs of a PostgreSQL server going away or not there yet: admin_shutdown,
# crash_shutdown, cannot_connect_now (class 08, connection exceptions, counts too).
SERVER_GOING_AWAY = frozenset({"57P01", "57P02", "57P03"})


def is_unreachable(exc: BaseException | None) -> bool:
    """Whether `exc` is the database not answering: a connection error with a database
    connection that was never made, is closed or is broken, or whose driver error says so.

    The driver's error decides where this thread holds no connection: Django answers an
    exception that left an async view (an idempotent write's transaction that could not
    be opened or closed, tests/ops/test_faults.py) in another thread than the view's."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    for connection in connections.all(initialized_only=True):
        raw = connection.connection
        if raw is None or getattr(raw, "closed", False) or getattr(raw, "broken", False):
            return True
    return _connection_lost(exc.__cause__)


def _connection_lost(error: BaseException | None) -> bool:
    """Whether psycopg's `error` is a connection that failed rather than a statement the
    server refused: the client's own verdict (no SQLSTATE: refused, closed unexpectedly,
    the connection is closed), a connection exception, or the server shutting down or
    starting."""
    if error is None or not type(error).__module__.startswith("psycopg"):
        return False
    sqlstate = getattr(error, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in SERVER_GOING_AWAY


class _Reports:
    """How many 503s are not logged yet, and when the last line was written."""

    def __init__(self):
        self.lock = threading.Lock()
        self.last: float | None = None
        self.unreported = 0


_reports = _Reports()


def report(request, exc: BaseException | None = None) -> None:
    """Log that `request` was answered 503: a WARNING with the method, the path (no query
    string) and the driver error's class and SQLSTATE (never its message, which names
    hosts and users), the first time and then once every `REPORT_EVERY_SECONDS` with the
    count since the last line."""
    now = time.monotonic()
    with _reports.lock:
        _reports.unreported += 1
        if _reports.last is not None and now - _reports.last < REPORT_EVERY_SECONDS:
            return
        count, _reports.unreported, _reports.last = _reports.unreported, 0, now
    cause = exc.__cause__ if exc is not None and exc.__cause__ is not None else exc
    reason = type(cause).__name__ if cause is not None else "unknown"
    if sqlstate := getattr(cause, "sqlstate", None):
        reason += f" {sqlstate}"
    logger.warning("database unavailable (%s): answered 503 to %d request(s) since the "
                   "last report, the latest %s %s", reason, count, request.method,
                   request.path)


def unavailable_response(request, exc: BaseException | None = None) -> HttpResponse:
    """503 with Retry-After: JSON `{"code": "database_unavailable", ...}` under /api/, else
    the try-again page (rendered without the request: its context would ask the database
    who is logged in). `exc` is the error (else the one being handled); logged by
    `report`."""
    report(request, exc if exc is not None else sys.exc_info()[1])
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": CODE, "message": str(MESSAGES[CODE])}, status=503,
                                json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Django's request log would add an ERROR "Service Unavailable" with the traceback.
    response._has_been_logged = True
    return response

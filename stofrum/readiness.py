"""`GET /readyz`: whether this process can serve now, for load balancers and orchestrators
(API.md, "Reliability"). Liveness, which asks nothing else, is `GET /healthz`."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from stofrum.live.bus import get_bus


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


@never_cache
def readyz(request):
    """200 `{"status": "ok", "database": "ok", "event_bus": "ok"}` when the database and the
    event bus answer; else 503 with `"unavailable"` beside the one that does not."""
    checks = {"database": _database(), "event_bus": get_bus().ping()}
    ready = all(checks.values())
    response = JsonResponse(
        {"status": "ok" if ready else "unavailable",
         **{name: "ok" if ok else "unavailable" for name, ok in checks.items()}},
        status=200 if ready else 503)
    # Not ready is an answer, not an error: no ERROR "Service Unavailable" from Django's
    # request log at every probe of an outage (the access log has the 503).
    response._has_been_logged = True
    return response

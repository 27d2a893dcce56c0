import sys

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from stofrum.database_unavailable import is_unreachable, unavailable_response


@never_cache
def healthz(request):
    """Liveness: the process answers (it asks nothing else; readiness, the database and the
    event bus included, is `GET /readyz`)."""
    return JsonResponse({"status": "ok"})


def _json_or_page(request, status: int, code: str, template: str):
    if request.path.startswith("/api/"):
        from stofrum.errors import MESSAGES

        return JsonResponse({"code": code, "message": str(MESSAGES[code])}, status=status)
    return render(request, template, status=status)


def not_found(request, exception=None):
    return _json_or_page(request, 404, "not_found", "404.html")


def forbidden(request, exception=None):
    return _json_or_page(request, 403, "forbidden", "403.html")


def server_error(request):
    # Called while the uncaught exception is being handled: a database that does not
    # answer (raised by a view or by a middleware loading the session) is a 503.
    if is_unreachable(sys.exc_info()[1]):
        return unavailable_response(request)
    return _json_or_page(request, 500, "internal_error", "500.html")


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        # A body over DATA_UPLOAD_MAX_MEMORY_SIZE (Django files it as a bad request).
        return _json_or_page(request, 413, "too_large", "413.html")
    return _json_or_page(request, 400, "invalid_input", "400.html")

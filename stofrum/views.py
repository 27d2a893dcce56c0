from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Liveness and database reachability, for load balancers and `make run` checks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


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
    return _json_or_page(request, 500, "internal_error", "500.html")


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        # A body over DATA_UPLOAD_MAX_MEMORY_SIZE (Django files it as a bad request).
        return _json_or_page(request, 413, "too_large", "413.html")
    return _json_or_page(request, 400, "invalid_input", "400.html")

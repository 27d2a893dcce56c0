import json

from django.http import JsonResponse

from stofrum.errors import MESSAGES


class ApiMethodNotAllowedMiddleware:
    """django-ninja (and Django's require_GET) answer a wrong method with a plain-text 405;
    under /api/ every error is {"code", "message"}, so rewrite it, keeping `Allow`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code == 405 and request.path.startswith("/api/")
                and not _is_json(response)):
            body = JsonResponse({"code": "method_not_allowed",
                                 "message": str(MESSAGES["method_not_allowed"])}, status=405)
            if response.has_header("Allow"):
                body["Allow"] = response["Allow"]
            return body
        return response


def _is_json(response) -> bool:
    if not response.get("Content-Type", "").startswith("application/json"):
        return False
    try:
        json.loads(response.content)
    except (ValueError, AttributeError):
        return False
    return True

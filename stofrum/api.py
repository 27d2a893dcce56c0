"""The JSON API at /api/v1/: one NinjaAPI, the routers of each app, and the error format
{"code": ..., "message": ...} for every error, mapped once here."""

import logging

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from stofrum.api_errors import declare_shared_errors
from stofrum.database_unavailable import is_unreachable, unavailable_response
from stofrum.errors import MESSAGES, DomainError
from stofrum.text import has_nul

logger = logging.getLogger("stofrum.api")


class StofrumAPI(NinjaAPI):
    """The API whose OpenAPI document declares every answer, errors included."""

    def get_openapi_schema(self, **kwargs):
        return declare_shared_errors(super().get_openapi_schema(**kwargs))


class Utf8JSONRenderer(JSONRenderer):
    """æ, ø and å as themselves, not as escape sequences."""

    json_dumps_params = {"ensure_ascii": False}


class TextJSONParser(Parser):
    """JSON bodies as Ninja parses them, refusing a NUL character anywhere in them (400
    `invalid_input`): PostgreSQL refuses it in any text, and no honest input holds one."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if has_nul(data):
            raise ValueError("NUL character in the body")
        return data


api = StofrumAPI(
    renderer=Utf8JSONRenderer(),
    parser=TextJSONParser(),
    title="Stofrum API",
    version="1",
    description="Supervised drug consumption rooms: the same use cases as the pages.",
    urls_namespace="api",
)


def error_response(request, code: str, status: int, message=None, **extra):
    body = {"code": code, "message": str(message or MESSAGES.get(code, code)), **extra}
    return api.create_response(request, body, status=status)


def _validation_errors(errors) -> list[dict]:
    # Field locations and reasons only: never echo the submitted values back (or into logs).
    return [
        {"field": ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "payload")),
         "reason": err.get("msg", "")}
        for err in errors
    ]


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    # A text over its limit (stofrum/text.py) keeps the code the use cases give it.
    too_long = exc.errors and all(e.get("type") == "string_too_long" for e in exc.errors)
    return error_response(request, "text_too_long" if too_long else "invalid_input", 400,
                          errors=_validation_errors(exc.errors))


@api.exception_handler(MultiPartParserError)
@api.exception_handler(BadRequest)
@api.exception_handler(SuspiciousOperation)
def _bad_request(request, exc):
    # What Django itself answers 400 for (a body it cannot parse, too many fields, ...);
    # a more specific handler (a body over the size limit) wins over this one.
    logger.warning("bad request in %s %s: %s", request.method, request.path,
                   type(exc).__name__)
    return error_response(request, "invalid_input", 400)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error_response(request, "not_authenticated", 401)


@api.exception_handler(AuthorizationError)
def _unauthorised(request, exc):
    return error_response(request, "forbidden", 403)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error_response(request, "forbidden", 403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, "not_found", 404)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    codes = {400: "invalid_input", 401: "not_authenticated", 403: "forbidden",
             404: "not_found", 405: "method_not_allowed", 429: "too_many_requests"}
    code = codes.get(exc.status_code, "error")
    return error_response(request, code, exc.status_code,
                          message=MESSAGES.get(code) or str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_large(request, exc):
    # A body over DATA_UPLOAD_MAX_MEMORY_SIZE, found when the body is first read.
    return error_response(request, "too_large", 413)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_error(request, exc):
    if is_unreachable(exc):
        return unavailable_response(request, exc)
    return _unexpected(request, exc)


@api.exception_handler(Exception)
def _unexpected(request, exc):
    logger.exception("unhandled error in %s %s", request.method, request.path)
    return error_response(request, "internal_error", 500)


api.add_router("/auth", "stofrum.staff.api.router")
api.add_router("/sites", "stofrum.sites.api.router")
api.add_router("/audit", "stofrum.audit.api.router")
api.add_router("/persons", "stofrum.people.api.router")
api.add_router("/visits", "stofrum.visits.api.router")
api.add_router("/sites", "stofrum.visits.api.board_router")
api.add_router("/incidents", "stofrum.health.api.router")
api.add_router("/journal", "stofrum.health.api.journal_router")
api.add_router("/services", "stofrum.care.api.services_router")
api.add_router("/referrals", "stofrum.care.api.referrals_router")
api.add_router("/quarantines", "stofrum.conduct.api.router")
api.add_router("/violations", "stofrum.conduct.api.violations_router")
api.add_router("/persons", "stofrum.conduct.api.person_router")
api.add_router("/persons", "stofrum.desk.api.router")
api.add_router("/complaints", "stofrum.voice.api.complaints_router")
api.add_router("/suggestions", "stofrum.voice.api.suggestions_router")
api.add_router("/council-meetings", "stofrum.voice.api.council_router")
api.add_router("/stats", "stofrum.stats.api.router")
api.add_router("/alerts", "stofrum.alerts.api.router")
api.add_router("/neighbourhood/rounds", "stofrum.rounds.api.router")
api.add_router("/neighbourhood/zones", "stofrum.rounds.api.zones_router")

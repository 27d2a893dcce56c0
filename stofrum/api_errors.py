"""The error answer of the JSON API, {"code": ..., "message": ...}, as the OpenAPI document
declares it. Each route declares the errors its own use case answers (`errors(404, 422)`);
the answers every route shares because of its input and its authentication (400, 401,
403, 413), and because its database may not answer (503), are declared once, by
stofrum/api.py, from the document itself."""

from pydantic import BaseModel, ConfigDict


class ErrorOut(BaseModel):
    """A refused call: a stable machine code and a human message; some codes add fields
    (`errors` for invalid_input, `candidates` for possible_duplicate). A plain pydantic
    model: django-ninja's Schema would drop those extra fields."""

    model_config = ConfigDict(extra="allow")

    code: str
    message: str


def errors(*statuses: int) -> dict:
    """The `response=` entries of a route for the error statuses it may answer."""
    return dict.fromkeys(statuses, ErrorOut)


# What the shared answers mean, for the document.
SHARED_ERRORS = {
    400: "Malformed input (`invalid_input`, with `errors`: field and reason).",
    401: "Not logged in, or the token is unknown or expired (`not_authenticated`).",
    403: "The role may not do this (`forbidden`), or a page session sent no valid CSRF "
         "token (`csrf_failed`).",
    413: "The body is larger than the configured limit (`too_large`).",
    503: "The database cannot be reached (`database_unavailable`): nothing was done; try "
         "again after `Retry-After` seconds.",
}


def declare_shared_errors(document: dict) -> dict:
    """Add to every operation of an OpenAPI document the errors it answers because of its
    input and authentication: 400 when it takes parameters or a body, 413 when it takes a
    body, 401 and 403 when it needs a login (no empty `{}` security requirement: a role may
    lack the route's capability, API.md "Access answers"), 403 also for an unsafe method
    open to both (CSRF). A route's own declarations win."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorOut", ErrorOut.model_json_schema(
        ref_template="#/components/schemas/{model}"))
    answer = {"content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
    for path_item in document.get("paths", {}).values():
        for method, operation in path_item.items():
            security = operation.get("security") or []
            statuses = set()
            if operation.get("parameters") or operation.get("requestBody"):
                statuses.add(400)
            if operation.get("requestBody"):
                statuses.add(413)
            if security and {} not in security:
                statuses.update((401, 403))
            if security and method.lower() not in ("get", "head", "options"):
                statuses.add(403)
            statuses.add(503)
            # Statuses as the document's keys are: strings (django-ninja uses ints).
            responses = {str(status): answer
                         for status, answer in operation.get("responses", {}).items()}
            for status in sorted(statuses):
                responses.setdefault(str(status), {"description": SHARED_ERRORS[status],
                                                   **answer})
            operation["responses"] = responses
    return document

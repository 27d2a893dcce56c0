"""`Idempotency-Key` on a JSON API write: `@idempotent` under the route's decorator.

    @router.post("", response={201: VisitOut, **errors(404, 409, 422)})
    @idempotent
    def check_in(request, payload: VisitIn): ...

The route then declares the optional header in the OpenAPI document. With a key, the whole
operation (authentication, the use case, the serialised answer) runs in one transaction,
and the answer is stored in it: a use case's refusal (4xx) is an answer too, stored with
what the refusal wrote (a turned-away check-in). A 5xx rolls everything back, key included,
so a retry runs again. Without a key nothing changes.
"""

import functools
import json

from django.db import transaction
from ninja import Field, Header, Schema
from ninja.decorators import decorate_view
from ninja.utils import contribute_operation_args

from stofrum.idempotency import services
from stofrum.text import KEY_MAX

HEADER = "Idempotency-Key"


class IdempotencyHeader(Schema):
    key: str | None = Field(
        None, alias=HEADER, json_schema_extra={"maxLength": KEY_MAX},
        description="A client-made unique string: a repeat within 24 hours answers the "
                    "first answer again and writes nothing more (422 "
                    "`idempotency_key_reused` with another body).")


def _body(request):
    if not request.body:
        return None
    try:
        return json.loads(request.body)
    except ValueError:  # the operation answers 400 for it; hash the bytes meanwhile
        return request.body.decode("latin-1")


def _in_one_transaction(run):
    """Around the whole operation: one transaction, and the answer stored in it."""

    @functools.wraps(run)
    def run_once(request, **kwargs):
        if HEADER not in request.headers:
            return run(request, **kwargs)
        with transaction.atomic():
            response = run(request, **kwargs)
            first = getattr(request, "idempotency_claim", None)
            if response.status_code >= 500 or response.streaming:
                transaction.set_rollback(True)
            elif first is not None:
                services.remember(first, response)
        return response

    return run_once


def idempotent(view):
    """Answer a repeated request with its first answer (see the module's docstring)."""

    @functools.wraps(view)
    def once(request, *args, idempotency=None, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(request, *args, **kwargs)
        first = services.claim(request.auth, key, services.fingerprint(
            request.method, request.path, _body(request)))
        if not first.is_new:
            return first.replay()
        request.idempotency_claim = first
        return view(request, *args, **kwargs)

    contribute_operation_args(once, "idempotency", IdempotencyHeader, Header(...))
    decorate_view(_in_one_transaction)(once)
    return once

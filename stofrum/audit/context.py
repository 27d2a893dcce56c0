"""Where the current request came from, for audit events written deep inside use cases.

Context variables work under ASGI and in threads alike; outside a request (management
commands, tests) the values are empty.
"""

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    client_address: str | None = None


_EMPTY = RequestContext()  # frozen, so sharing it as the default is safe
_current = contextvars.ContextVar("stofrum_request_context", default=_EMPTY)  # noqa: B039


def current() -> RequestContext:
    return _current.get()


@contextmanager
def bound(ctx: RequestContext):
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def new_request_id() -> str:
    return uuid.uuid4().hex

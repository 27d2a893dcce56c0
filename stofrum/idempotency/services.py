"""Answering a repeated write once (API.md, "Reliability"): the same `Idempotency-Key` from
the same staff member within 24 hours answers the first answer again and writes nothing
more; the same key with another request answers 422 `idempotency_key_reused`.

How a caller uses it, inside one transaction with the use case (`api.py`, `pages.py`):

    with transaction.atomic():
        first = claim(staff, key, fingerprint)
        if not first.is_new:
            return first.replay()
        response = ...the view...
        remember(first, response)

Two identical requests at the same moment: the database's unique (staff, key) decides. On
PostgreSQL the second insert waits for the first transaction; when that commits, the
second answers its stored answer; when it rolls back (a 5xx), the second runs the use case
itself. On SQLite, transactions begin IMMEDIATE and run one after the other anyway.
"""

import hashlib
import json
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from stofrum.errors import Conflict, DomainError, InvalidInput
from stofrum.idempotency.models import IdempotentRequest
from stofrum.round_trip import insert_statement, run_together
from stofrum.text import KEY_MAX

# How long a key is remembered (API.md: "within 24 hours").
KEY_LIFETIME = timedelta(hours=24)


def clean_key(value) -> str:
    """The key as sent: 1 to KEY_MAX visible ASCII characters (spaces inside allowed), else
    400 `invalid_input` (an empty key, one too long, a NUL or another control character)."""
    key = str(value or "")
    if not key.strip() or len(key) > KEY_MAX or any(not " " <= c <= "~" for c in key):
        raise InvalidInput("invalid_input", field="Idempotency-Key")
    return key


def fingerprint(method: str, path: str, body) -> str:
    """A hash of what a request asks for: method, path and its body in a canonical form
    (keys sorted), so that the same body sent with other spacing is the same request."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                           default=str)
    return hashlib.sha256("\0".join((method, path, canonical)).encode()).hexdigest()


def claim(staff, key, request_fingerprint: str) -> IdempotentRequest:
    """Claim `key` for `staff`, in the caller's transaction: a new row (`is_new`) to
    `remember` the answer in, or the earlier request's row to `replay`. Refuses 400
    `invalid_input` (a malformed key), 422 `idempotency_key_reused` (the key was sent with
    another request), 409 `idempotency_in_progress` (never expected: a row is committed
    only with its answer)."""
    if not connection.in_atomic_block:
        raise RuntimeError("claim() belongs inside the transaction of the use case")
    key = clean_key(key)
    now = timezone.now()
    row = IdempotentRequest(staff=staff, key=key, created_at=now,
                            fingerprint=request_fingerprint)
    # A key older than KEY_LIFETIME is forgotten, then the key claimed: on PostgreSQL in one
    # round trip. Inserted, or not (the key is held: an identical request at the same
    # moment makes this wait until its transaction ends), without a savepoint.
    meta, quote = IdempotentRequest._meta, connection.ops.quote_name
    expired = meta.get_field("created_at").get_db_prep_value(now - KEY_LIFETIME, connection)
    inserted = run_together([
        (f"DELETE FROM {quote(meta.db_table)} WHERE staff_id = %s "  # noqa: S608
         f"AND {quote('key')} = %s AND created_at <= %s", [staff.pk, key, expired]),
        insert_statement(row, unless_conflict_on=("staff", "key")),
    ])[1]
    if inserted:
        row.pk = inserted[0][0]
        row._state.adding, row._state.db = False, connection.alias
        row.is_new = True
        return row
    row = IdempotentRequest.objects.filter(staff=staff, key=key).first()
    if row is None or row.status is None:
        raise Conflict("idempotency_in_progress")
    if row.fingerprint != request_fingerprint:
        raise DomainError("idempotency_key_reused")
    row.is_new = False
    return row


def remember(row: IdempotentRequest, response) -> None:
    """Keep `response` (status, content type, redirect and body) as the answer to `row`'s
    key, in the caller's transaction."""
    row.status = response.status_code
    row.content_type = response.get("Content-Type", "")
    row.location = response.get("Location", "")
    row.body = response.content.decode(response.charset or "utf-8")
    row.save(update_fields=["status", "content_type", "location", "body"])


@transaction.atomic
def delete_expired_idempotency_keys(now) -> int:
    """Forget the keys older than 24 hours at `now` (they no longer answer anything; their
    stored answers may hold person codes). Returns how many were deleted. For the retention
    command; nothing to audit (bookkeeping of the requests, not a record)."""
    deleted, _ = IdempotentRequest.objects.filter(created_at__lte=now - KEY_LIFETIME).delete()
    return deleted

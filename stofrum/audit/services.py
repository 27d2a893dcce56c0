"""Writing the audit trail. Every use case calls `record` inside its own transaction, so
the event and the change commit (or roll back) together."""

from django.db import connection, models, transaction
from django.utils import timezone

from stofrum.audit import chain
from stofrum.audit.context import current
from stofrum.audit.models import AuditEvent
from stofrum.round_trip import insert_statement, run_together

# Field names whose values never enter the audit trail; only the fact that they changed.
# A person's alias is one of them: apply_retention anonymises persons, and the append-only
# trail could never forget an alias it held.
SENSITIVE_FIELDS = frozenset(
    {"alias", "alias_folded", "alias_loose", "password", "cpr", "cpr_ciphertext", "cpr_hash",
     "signature", "token", "key", "key_hash", "secret", "otp", "key_hex"}
)
MASK = "***"
_MAX_VALUE = 200


def _plain(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    text = str(value)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _masked(field: str, value):
    return MASK if field in SENSITIVE_FIELDS else _plain(value)


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields that differ, sensitive values masked."""
    changes = {}
    for field in sorted(set(before) | set(after)):
        old, new = before.get(field), after.get(field)
        if old != new:
            changes[field] = [_masked(field, old), _masked(field, new)]
    return changes


def snapshot(obj: models.Model, fields=None) -> dict:
    """The field values of a model instance, for before/after diffs: the given `fields`, or
    every concrete field and every many-to-many field (as the sorted ids it links to, read
    from the database, so take the snapshot after the links are saved)."""
    if fields:
        return {name: getattr(obj, name) for name in fields}
    values = {f.attname: getattr(obj, f.attname)
              for f in obj._meta.concrete_fields if not f.primary_key}
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            ids = getattr(obj, field.name).order_by().values_list("pk", flat=True)
            values[field.name] = sorted(str(pk) for pk in ids)
    return values


def record(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    site=None,
    summary: str = "",
    changes: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    keep_address: bool = True,
    also: list | tuple = (),
    last_link: list | None = None,
) -> AuditEvent:
    """Append one audit event. `action` is a namespaced code such as `staff.login`.

    `changes` is either a ready diff ({field: [before, after]}) or a plain mapping of
    values; sensitive field values are masked in both. `keep_address=False` leaves the
    client address out (the public forms promise not to track who wrote). `also`: statements
    ((SQL, parameters), stofrum/round_trip.py) sent after the event's insert in the same
    round trip, e.g. the NOTIFY of `live.publish.publish_with_next_statements`.
    `last_link`: the rows of the last of `chain_lock_statements()`, which the caller sent
    in this transaction with statements of its own (a round trip fewer); nothing may
    have been recorded since.
    """
    ctx = current()
    if changes:
        changes = {
            field: (
                [_masked(field, v) for v in value]
                if isinstance(value, list) and len(value) == 2
                else _masked(field, value)
            )
            for field, value in changes.items()
        }
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_obj = actor if getattr(actor, "pk", None) else None
    event = AuditEvent(
        actor=actor_obj,
        actor_username=getattr(actor_obj, "username", "") or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        site=site,
        client_address=ctx.client_address if keep_address else None,
        request_id=ctx.request_id,
        summary=summary[:300],
        changes=changes or {},
    )
    # Joins the caller's transaction (every use case has one; no savepoint needed: an
    # error here ends it anyway), or makes one for a call outside any.
    with transaction.atomic(savepoint=False):
        _append_to_chain(event, also, last_link)
    return event


_TABLE = AuditEvent._meta.db_table
_LAST_LINK = (f"SELECT seq, chain_hash FROM {_TABLE} "  # noqa: S608 - the model's table
              "WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")


def chain_lock_statements() -> list[tuple]:
    """The statements that take the chain's lock and read its last link ((SQL, parameters),
    stofrum/round_trip.py), for a hot path that sends them with its own last statements
    and gives the rows of the last one to `record(..., last_link=...)`. The chain's lock
    must be the last lock the transaction takes (see `_append_to_chain`)."""
    # The chain's lock is the last one a transaction takes. Django's foreign keys are
    # checked at commit, and each check waits for a row another transaction holds FOR
    # UPDATE (a site's booths at the door): checked there, with the chain's lock held,
    # that other transaction waiting for the chain's lock deadlocked (an alarm raised while
    # check-ins ran at the site). So they are checked now, before it, and the event's own
    # when it is inserted; then deferred again, as before, for what follows.
    before = ([("SET CONSTRAINTS ALL IMMEDIATE", None),
               ("SELECT pg_advisory_xact_lock(%s)", [chain.CHAIN_LOCK])]
              if connection.vendor == "postgresql" else [])
    return [*before, (_LAST_LINK, None)]


def _append_to_chain(event: AuditEvent, also=(), last_link=None) -> None:
    """Seal `event` as the chain's next link and insert it. One writer at a time: on
    PostgreSQL a transaction-scoped advisory lock (held until commit, so the next writer
    reads this row as the last), on SQLite the IMMEDIATE transaction's write lock.

    Two round trips on PostgreSQL (stofrum/round_trip.py): the lock and the read of the
    last link (a statement of its own, so it sees what the lock's previous holder
    committed), then the insert; one when the caller sent the first with its own
    (`last_link`)."""
    postgresql = connection.vendor == "postgresql"
    last = last_link if last_link is not None else run_together(chain_lock_statements())[-1]
    seq, previous = (last[0][0] + 1, last[0][1]) if last else (1, "")
    event.at = timezone.now()
    content = {field: getattr(event, field) for field in chain.HASHED_FIELDS}
    event.seq = seq
    event.chain_hash = chain.row_hash(chain.key(), seq, previous, content)
    after = [("SET CONSTRAINTS ALL DEFERRED", None)] if postgresql else []
    inserted = run_together([insert_statement(event), *after, *also])[0]
    event.pk = inserted[0][0]
    event._state.adding, event._state.db = False, connection.alias


def verify_chain(anchor: tuple[int, str] | None = None) -> chain.Verdict:
    """Walk the whole audit trail in chain order (streamed, constant memory) and say whether
    it is whole: every row #1..N present, each hash matching its content and the row before
    it, no row outside the chain, and (given an `anchor` SEQ:HASH noted earlier outside the
    database) the trail still reaching it. Reads only, and takes no lock: on SQLite a
    transaction would hold the write lock for the whole walk, so none is opened; the walk
    is one query (one snapshot)."""
    secret = chain.key()
    rows = (AuditEvent.objects.filter(seq__isnull=False).order_by("seq")
            .values("id", "seq", "chain_hash", *chain.HASHED_FIELDS)
            .iterator(chunk_size=2000))
    verdict = chain.walk(rows, secret, anchor)
    if verdict.whole:
        outside = (AuditEvent.objects.filter(seq__isnull=True).order_by("id")
                   .values_list("id", flat=True).first())
        if outside is not None:
            verdict = chain.Verdict(verdict.rows, verdict.last_seq, verdict.last_hash,
                                    problem=f"event id {outside} is outside the chain "
                                            "(written past the application)")
    return verdict

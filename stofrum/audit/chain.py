"""The audit trail's hash chain: each event carries a sequence number and an HMAC-SHA256 of
its content and the previous event's hash, so a row changed, removed or slipped in by hand
(even by a database superuser, who does not hold the key) breaks the chain.

The key never lives in the database: `STOFRUM_AUDIT_KEY`, else the file
`STOFRUM_AUDIT_KEY_FILE` (made once, mode 0600, when missing). The client address is left
out of the hash on purpose: retention blanks old addresses, which must not break the chain.
"""

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# pg_advisory_xact_lock's key for "appending to the audit chain" ("STOFAUDT" in ASCII).
CHAIN_LOCK = 0x53544F4641554454
MIN_KEY_LENGTH = 32
# The content a row's hash covers, in this order (client_address is left out, see above).
HASHED_FIELDS = ("at", "actor_id", "actor_username", "action", "object_type", "object_id",
                 "site_id", "request_id", "summary", "changes")


def key() -> bytes:
    """The chain's HMAC key: the environment's, else the key file's (made when missing)."""
    text = settings.STOFRUM_AUDIT_KEY or _key_file_text(Path(settings.STOFRUM_AUDIT_KEY_FILE))
    if len(text) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"the audit chain key must be at least {MIN_KEY_LENGTH} characters")
    return text.encode()


def _key_file_text(path: Path) -> str:
    if not path.exists():
        # Written aside and linked into place: two processes starting at once agree on one key.
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def _plain_json(value):
    # PostgreSQL's jsonb gives back 1e20 as an integer: integral floats are hashed as ints.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _plain_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_json(v) for v in value]
    return value


def _at(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def row_hash(secret: bytes, seq: int, previous: str, content: dict) -> str:
    """HMAC-SHA256 (hex) of the row's sequence number, the previous row's hash and its
    content (HASHED_FIELDS), serialised canonically."""
    values = [seq, previous]
    for field in HASHED_FIELDS:
        value = content[field]
        if field == "at":
            value = _at(value)
        elif field == "changes":
            value = _plain_json(value)
        elif value is None:
            value = ""
        values.append(value)
    message = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Verdict:
    """The outcome of walking the chain: `problem` is None when it is whole."""

    rows: int
    last_seq: int
    last_hash: str
    problem: str | None = None

    @property
    def whole(self) -> bool:
        return self.problem is None

    @property
    def anchor(self) -> str:
        return f"{self.last_seq}:{self.last_hash}"


def walk(rows, secret: bytes, anchor: tuple[int, str] | None = None) -> Verdict:
    """Check `rows` (dicts with id, seq, chain_hash and HASHED_FIELDS, in seq order) link up
    from #1; the first gap or mismatch is the problem. `anchor` (seq, hash) is a point taken
    earlier outside the database: the trail must still reach it, with that hash."""
    count, expected, previous = 0, 1, ""
    for row in rows:
        seq = row["seq"]
        if seq != expected:
            return Verdict(count, expected - 1, previous, problem=(
                f"row #{expected} is missing (the next row is #{seq}, event id {row['id']})"
                if seq > expected else
                f"event id {row['id']} repeats row #{seq}"))
        if not hmac.compare_digest(row_hash(secret, seq, previous, row), row["chain_hash"]):
            return Verdict(count, expected - 1, previous, problem=(
                f"event id {row['id']} (row #{seq}) was changed or forged: its hash does not "
                "match its content and the row before it"
                + (" (or this is not the key the trail was written with)" if seq == 1 else "")))
        if anchor is not None and seq == anchor[0] and row["chain_hash"] != anchor[1]:
            return Verdict(count, seq - 1, previous, problem=(
                f"event id {row['id']} (row #{seq}) is not the row anchored there"))
        count, expected, previous = count + 1, seq + 1, row["chain_hash"]
    if anchor is not None and expected - 1 < anchor[0]:
        return Verdict(count, expected - 1, previous, problem=(
            f"row #{expected} is missing: the trail ends before the anchor #{anchor[0]}"))
    return Verdict(count, expected - 1, previous)


def parse_anchor(text: str) -> tuple[int, str]:
    """`SEQ:HASH` as printed by verify_audit, e.g. `1234:9f86d0...`."""
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError("an anchor is SEQ:HASH as verify_audit prints it")
    return int(seq), digest

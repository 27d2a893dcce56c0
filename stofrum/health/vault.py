"""The CPR vault: authenticated encryption of CPR numbers under a key kept outside the
database, and a keyed hash that finds a patient's earlier journals.

Key material comes from STOFRUM_CPR_KEY (base64 of 32 bytes: one key, no rotation) or from
a key ring file (settings.STOFRUM_CPR_KEY_FILE, mode 0600, made only by
`manage.py create_cpr_key`; the vault never makes one by itself):

    {"current": "k692d0f8b-3f9a2c", "keys": {"<id>": "<base64>", ...},
     "hash_key": "<base64>", "retired": {"<id>": "<ISO time>"}}

Key ids are unique (a time stamp and random bits), so a ciphertext names the one key that
sealed it: a ring restored from an older backup answers `KeyUnavailable` for newer rows
instead of trying a different key under the same name. Rotation adds a key and makes it
current; old keys stay so old ciphertexts remain readable until `rotate_cpr_key` has
re-encrypted them and `retire_cpr_key` removes them. The hash key never rotates: changing it
would break the links between a patient's journals.

Stored format: version (1 byte) | key id length (1) | key id | nonce (12) | AES-GCM output.
"""

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from stofrum.errors import DomainError

VERSION = 1
PURPOSE = b"stofrum-cpr-v1"
ENV_KEY_ID = "env"  # the id of environment keys sealed before ids named the key


class VaultError(DomainError):
    """The vault cannot encrypt or decrypt (missing key, tampered data). To users (page and
    API) it is the domain error `cpr_key_unavailable` (503: the server lacks the key, the
    request is fine); `str()` tells the operator the technical reason."""

    status = 503

    def __init__(self, reason: str):
        super().__init__("cpr_key_unavailable")
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


class KeyUnavailable(VaultError):
    """The key ring, or the key a ciphertext names, is missing, unreadable or malformed."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise KeyUnavailable("a CPR key is not valid base64") from exc
    if len(key) != 32:
        raise KeyUnavailable("CPR keys are 32 bytes")
    return key


def _key_file() -> Path:
    return Path(settings.STOFRUM_CPR_KEY_FILE)


def _env_key() -> str:
    return os.environ.get("STOFRUM_CPR_KEY") or getattr(settings, "STOFRUM_CPR_KEY", "")


KEY_ID_LENGTH = 16  # PatientIdentifier.key_id


def new_key_id() -> str:
    """A key id no other key has: the Unix time in hex and 24 random bits (16 characters,
    sorting by age)."""
    return f"k{int(time.time()):08x}-{secrets.token_hex(3)}"


def _write_ring(ring: dict, *, exclusive: bool = False) -> None:
    path = _key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    if exclusive:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(ring, handle)
        return
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(ring, handle)
    os.replace(tmp, path)


def _checked(ring) -> dict:
    if not isinstance(ring, dict) or not isinstance(ring.get("keys"), dict):
        raise KeyUnavailable("the CPR key ring has no keys")
    if ring.get("current") not in ring["keys"]:
        raise KeyUnavailable("the CPR key ring's current key is not in it")
    for key in (*ring["keys"].values(), ring.get("hash_key")):
        _unb64(key)
    return ring


def _ring() -> dict:
    """The key ring: from the environment, else the key file. Never made here."""
    env_key = _env_key()
    if env_key:
        key = _unb64(env_key)
        hash_key = HKDF(algorithm=SHA256(), length=32, salt=None,
                        info=b"stofrum-cpr-hash").derive(key)
        key_id = "env-" + hashlib.sha256(PURPOSE + key).hexdigest()[:12]
        return {"current": key_id, "keys": {key_id: _b64(key), ENV_KEY_ID: _b64(key)},
                "hash_key": _b64(hash_key)}
    path = _key_file()
    try:
        text = path.read_text()
    except FileNotFoundError as exc:
        raise KeyUnavailable("the CPR key file is missing") from exc
    except OSError as exc:
        raise KeyUnavailable("the CPR key file cannot be read") from exc
    try:
        return _checked(json.loads(text))
    except ValueError as exc:
        raise KeyUnavailable("the CPR key file is not a key ring") from exc


def key_problem() -> str | None:
    """Why the vault cannot work now (for the system checks), or None when it can."""
    try:
        _ring()
    except KeyUnavailable as exc:
        return str(exc)
    return None


def ring_exists() -> bool:
    return bool(_env_key()) or _key_file().exists()


def create_ring(key_id: str | None = None) -> str:
    """Make a new key ring file (never over an existing one); returns its key id."""
    if _env_key():
        raise VaultError("STOFRUM_CPR_KEY is set: the key comes from the environment")
    key_id = key_id or new_key_id()
    try:
        _write_ring({"current": key_id, "keys": {key_id: _b64(secrets.token_bytes(32))},
                     "hash_key": _b64(secrets.token_bytes(32)), "retired": {}},
                    exclusive=True)
    except FileExistsError as exc:
        raise VaultError(f"a CPR key ring already exists at {_key_file()}") from exc
    return key_id


def current_key_id() -> str:
    return _ring()["current"]


def encrypt_cpr(digits: str) -> bytes:
    """Encrypt ten CPR digits under the current key (a fresh nonce every time)."""
    ring = _ring()
    key_id = ring["current"].encode()
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_unb64(ring["keys"][ring["current"]])).encrypt(
        nonce, digits.encode(), PURPOSE + key_id)
    return bytes([VERSION, len(key_id)]) + key_id + nonce + sealed


def decrypt_cpr(blob: bytes) -> str:
    """The CPR digits from a stored value, with whichever key of the ring sealed it."""
    if len(blob) < 2 or blob[0] != VERSION:
        raise VaultError("unknown CPR ciphertext format")
    key_id = blob[2:2 + blob[1]]
    nonce, sealed = blob[2 + blob[1]:14 + blob[1]], blob[14 + blob[1]:]
    ring = _ring()
    key = ring["keys"].get(key_id.decode())
    if key is None:
        if key_id.decode() in ring.get("retired", {}):
            raise KeyUnavailable("the key of this CPR ciphertext has been retired")
        raise KeyUnavailable("the key of this CPR ciphertext is not in the key ring")
    try:
        return AESGCM(_unb64(key)).decrypt(nonce, sealed, PURPOSE + key_id).decode()
    except Exception as exc:  # InvalidTag: tampered or wrong key
        raise VaultError("CPR ciphertext failed authentication") from exc


def cpr_hash(digits: str) -> str:
    """A keyed hash of the CPR digits: equal numbers give equal hashes, and nobody without
    the key can test a guessed number against it."""
    return hmac.new(base64.b64decode(_ring()["hash_key"]), digits.encode(),
                    hashlib.sha256).hexdigest()


def rotate_key(new_id: str | None = None) -> str:
    """Add a new key to the ring file and make it current; returns its id."""
    if _env_key():
        raise VaultError("rotate a key given in STOFRUM_CPR_KEY by replacing it in the "
                         "environment; the key ring file supports rotation")
    ring = _ring()
    new_id = new_id or new_key_id()
    if new_id in ring["keys"] or new_id in ring.get("retired", {}):
        raise VaultError(f"the key id {new_id} is taken")
    ring["keys"][new_id] = _b64(secrets.token_bytes(32))
    ring["current"] = new_id
    _write_ring(ring)
    return new_id


def retire_key(key_id: str) -> None:
    """Remove a key's material from the ring file, keeping its id in `retired`. The caller
    makes sure that no stored ciphertext still needs it."""
    if _env_key():
        raise VaultError("a key given in STOFRUM_CPR_KEY is retired by replacing it")
    ring = _ring()
    if key_id == ring["current"]:
        raise VaultError("the current key cannot be retired; rotate first")
    if key_id not in ring["keys"]:
        raise VaultError(f"there is no key {key_id} in the ring")
    del ring["keys"][key_id]
    ring.setdefault("retired", {})[key_id] = datetime.now(UTC).isoformat(timespec="seconds")
    _write_ring(ring)


def key_ids() -> list[str]:
    return sorted(_ring()["keys"])


def reencrypt(blob: bytes) -> bytes:
    """The same CPR number sealed again under the current key."""
    return encrypt_cpr(decrypt_cpr(blob))

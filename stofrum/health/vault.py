"""The CPR vault: authenticated encryption of CPR numbers under a key kept outside the
database, and a keyed hash that finds a patient's earlier journals.

Key material comes from STOFRUM_CPR_KEY (base64 of 32 bytes: one key, no rotation) or from
a key ring file (settings.STOFRUM_CPR_KEY_FILE, created with mode 0600 on first use):

    {"current": "k2", "keys": {"k1": "<base64>", "k2": "<base64>"}, "hash_key": "<base64>"}

Rotation adds a key and makes it current; old keys stay so old ciphertexts remain readable
until `rotate_cpr_key` has re-encrypted them. The hash key never rotates: changing it would
break the links between a patient's journals.

Stored format: version (1 byte) | key id length (1) | key id | nonce (12) | AES-GCM output.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = 1
PURPOSE = b"stofrum-cpr-v1"
ENV_KEY_ID = "env"


class VaultError(Exception):
    """The vault cannot encrypt or decrypt (missing key, tampered data)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    key = base64.b64decode(text)
    if len(key) != 32:
        raise VaultError("CPR keys are 32 bytes")
    return key


def _key_file() -> Path:
    return Path(settings.STOFRUM_CPR_KEY_FILE)


def _write_ring(ring: dict) -> None:
    path = _key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(ring, handle)
    os.replace(tmp, path)


def _ring() -> dict:
    """The key ring: from the environment, else the key file (created if missing)."""
    env_key = os.environ.get("STOFRUM_CPR_KEY") or getattr(settings, "STOFRUM_CPR_KEY", "")
    if env_key:
        key = _unb64(env_key)
        hash_key = HKDF(algorithm=SHA256(), length=32, salt=None,
                        info=b"stofrum-cpr-hash").derive(key)
        return {"current": ENV_KEY_ID, "keys": {ENV_KEY_ID: _b64(key)},
                "hash_key": _b64(hash_key)}
    path = _key_file()
    if not path.exists():
        _write_ring({"current": "k1", "keys": {"k1": _b64(secrets.token_bytes(32))},
                     "hash_key": _b64(secrets.token_bytes(32))})
    return json.loads(path.read_text())


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
    key = _ring()["keys"].get(key_id.decode())
    if key is None:
        raise VaultError("the key of this CPR ciphertext is not in the key ring")
    try:
        return AESGCM(_unb64(key)).decrypt(nonce, sealed, PURPOSE + key_id).decode()
    except Exception as exc:  # InvalidTag: tampered or wrong key
        raise VaultError("CPR ciphertext failed authentication") from exc


def cpr_hash(digits: str) -> str:
    """A keyed hash of the CPR digits: equal numbers give equal hashes, and nobody without
    the key can test a guessed number against it."""
    return hmac.new(base64.b64decode(_ring()["hash_key"]), digits.encode(),
                    hashlib.sha256).hexdigest()


def rotate_key() -> str:
    """Add a new key to the ring file and make it current; returns its id."""
    if os.environ.get("STOFRUM_CPR_KEY") or getattr(settings, "STOFRUM_CPR_KEY", ""):
        raise VaultError("rotate a key given in STOFRUM_CPR_KEY by replacing it in the "
                         "environment; the key ring file supports rotation")
    ring = _ring()
    new_id = f"k{max(int(k[1:]) for k in ring['keys']) + 1}"
    ring["keys"][new_id] = _b64(secrets.token_bytes(32))
    ring["current"] = new_id
    _write_ring(ring)
    return new_id


def reencrypt(blob: bytes) -> bytes:
    """The same CPR number sealed again under the current key."""
    return encrypt_cpr(decrypt_cpr(blob))

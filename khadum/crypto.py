"""Field-level encryption: AES-256-GCM with key ids, and keyed blind indexes.

Keys live outside the database, in the function hosts' settings:
- `KHADUM_DATA_KEYS`: `kid:base64key[,kid:base64key…]`, 256-bit keys; the first
  encrypts, every listed key decrypts (rotation: put the new key first, run
  `khadum keys rotate`, then drop the old one).
- `KHADUM_BLIND_INDEX_KEY`: base64 256-bit key for equality lookups (a client's
  phone) over encrypted values.
Locally both are generated once per checkout (khadum/devstack/keys.py); production
refuses to start without them.

A stored value is text: `ev1.<kid>.<base64url(nonce ‖ ciphertext ‖ tag)>`. The
`context` (e.g. `chat_messages.body`) is authenticated data: a value copied into
another column does not decrypt there. A wrong or missing key raises
`DecryptionError`, naming the key id and the context, never the value.
"""

from __future__ import annotations

import base64
import hmac
import os
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from khadum.errors import KhadumError

if TYPE_CHECKING:
    from khadum.settings import Settings

PREFIX = "ev1"
NONCE_BYTES = 12
KEY_BYTES = 32
_KID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
# What a stored ciphertext looks like (SQL check constraints use the same shape:
# `public.is_ciphertext()`).
CIPHERTEXT = re.compile(r"^ev1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]+$")


class KeyConfigError(KhadumError):
    """The keys are missing or malformed (a configuration error)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="configuration")


class DecryptionError(KhadumError):
    """A value cannot be decrypted: unknown key id, wrong key or tampered value."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="decryption_failed")


def new_key() -> str:
    """A fresh 256-bit key, base64 (what `khadum keys new` prints)."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


def _b64decode_key(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except ValueError:
        raise KeyConfigError(f"{what}: not base64") from None
    if len(raw) != KEY_BYTES:
        raise KeyConfigError(f"{what}: must be {KEY_BYTES} bytes (256 bits), base64")
    return raw


def parse_data_keys(text: str) -> dict[str, bytes]:
    """`kid:base64,kid:base64` → ordered {kid: key}; the first is the active key."""
    keys: dict[str, bytes] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        kid, sep, material = item.partition(":")
        if not sep or not _KID.match(kid):
            raise KeyConfigError("KHADUM_DATA_KEYS: each entry is kid:base64key "
                            "(kid: letters, digits, - or _, at most 32)")
        if kid in keys:
            raise KeyConfigError(f"KHADUM_DATA_KEYS: key id {kid} is listed twice")
        keys[kid] = _b64decode_key(material, f"KHADUM_DATA_KEYS ({kid})")
    if not keys:
        raise KeyConfigError("KHADUM_DATA_KEYS: no key")
    return keys


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Keyring:
    """The data keys (first = active) and the blind-index key."""

    keys: dict[str, bytes]
    blind_key: bytes

    @property
    def active_kid(self) -> str:
        return next(iter(self.keys))

    @cached_property
    def _ciphers(self) -> dict[str, AESGCM]:
        """One AESGCM per key, made once (its key schedule is a sixth of a seal's cost;
        the webhook seals three values per message)."""
        return {kid: AESGCM(key) for kid, key in self.keys.items()}

    def encrypt(self, plaintext: str, context: str) -> str:
        kid = self.active_kid
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[kid].encrypt(nonce, plaintext.encode(), context.encode())
        return f"{PREFIX}.{kid}.{_b64url(nonce + sealed)}"

    def encrypt_bytes(self, data: bytes, context: str) -> bytes:
        """Binary form (attachments): kid length, kid, nonce, ciphertext ‖ tag."""
        kid = self.active_kid
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[kid].encrypt(nonce, data, context.encode())
        return bytes([len(kid)]) + kid.encode() + nonce + sealed

    def decrypt(self, stored: str, context: str) -> str:
        kid, blob = self._split(stored, context)
        return self._open(kid, blob, context).decode()

    def decrypt_bytes(self, stored: bytes, context: str) -> bytes:
        if not stored:
            raise DecryptionError(f"{context}: empty value")
        size = stored[0]
        kid = stored[1:1 + size].decode(errors="replace")
        return self._open(kid, stored[1 + size:], context)

    def maybe_decrypt(self, stored: str | None, context: str) -> str | None:
        return None if stored is None else self.decrypt(stored, context)

    def maybe_encrypt(self, plaintext: str | None, context: str) -> str | None:
        return None if plaintext is None else self.encrypt(plaintext, context)

    def kid_of(self, stored: str) -> str:
        return self._split(stored, "value")[0]

    def blind_index(self, value: str, context: str) -> str:
        """A keyed, deterministic digest for equality lookups (hex, 64 chars)."""
        message = context.encode() + b"\x00" + value.encode()
        return hmac.digest(self.blind_key, message, "sha256").hex()

    def _split(self, stored: str, context: str) -> tuple[str, bytes]:
        if not CIPHERTEXT.match(stored):
            raise DecryptionError(f"{context}: not an encrypted value")
        _, kid, blob = stored.split(".", 2)
        return kid, _unb64url(blob)

    def _open(self, kid: str, blob: bytes, context: str) -> bytes:
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise DecryptionError(f"{context}: encrypted with key id {kid}, which is not in "
                                  "KHADUM_DATA_KEYS")
        try:
            return cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode())
        except (InvalidTag, ValueError):
            raise DecryptionError(f"{context}: key {kid} does not open this value (wrong key "
                                  "or altered data)") from None


def keyring_from(data_keys: str, blind_index_key: str) -> Keyring:
    return Keyring(parse_data_keys(data_keys),
                   _b64decode_key(blind_index_key, "KHADUM_BLIND_INDEX_KEY"))


@lru_cache(maxsize=8)
def _cached(data_keys: str, blind_index_key: str) -> Keyring:
    return keyring_from(data_keys, blind_index_key)


def keyring(settings: Settings) -> Keyring:
    """The keyring the settings name; locally, the checkout's generated dev keys."""
    data_keys, blind = settings.khadum_data_keys, settings.khadum_blind_index_key
    if not (data_keys and blind) and not settings.is_production:
        from khadum.devstack.keys import LocalKeys

        local = LocalKeys(settings.khadum_local_auth_dir).data_keys
        data_keys = data_keys or str(local["data_keys"])
        blind = blind or str(local["blind_index_key"])
    if not (data_keys and blind):
        raise KeyConfigError("set KHADUM_DATA_KEYS and KHADUM_BLIND_INDEX_KEY "
                        "(`khadum keys new` makes them)")
    return _cached(data_keys, blind)

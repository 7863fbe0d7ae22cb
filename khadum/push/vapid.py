"""VAPID keys (RFC 8292) as the browser and `web-push` write them: base64url, the
private key its 32 raw bytes, the public key the 65-byte uncompressed P-256 point."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_key_of(private_key: str) -> str:
    """The public half of a raw private key (ValueError if it is not one)."""
    raw = unb64url(private_key.strip())
    if len(raw) != 32:
        raise ValueError("not a 32-byte P-256 private key")
    key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(point)


def is_key_pair(public_key: str, private_key: str) -> bool:
    try:
        return public_key_of(private_key) == public_key.strip().rstrip("=")
    except ValueError:
        return False


def new_key_pair() -> tuple[str, str]:
    """(public, private), base64url."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    return public_key_of(private), private

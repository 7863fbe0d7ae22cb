"""VAPID keys (RFC 8292) as the browser and `web-push` write them: base64url, the
private key its 32 raw bytes, the public key the 65-byte uncompressed P-256 point."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

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


# The browsers' push services (Chrome/Edge on Android and desktops: FCM; Firefox:
# Mozilla autopush; Safari and installed iOS web apps: Apple; legacy Edge: WNS).
# In production the worker posts only to these: an endpoint is whatever a signed-in
# browser sent, and must not turn the worker into a way to reach other hosts.
PUSH_SERVICE_SUFFIXES = (
    ".googleapis.com",  # fcm.googleapis.com (and the legacy android.googleapis.com)
    ".push.services.mozilla.com",
    ".push.apple.com",
    ".notify.windows.com",
)


def endpoint_allowed(endpoint: str, production: bool) -> bool:
    """Production: https to a known push service only. Locally: any http(s) URL
    (the push service stand-in lives on the dev server)."""
    parts = urlsplit(endpoint)
    if not production:
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    host = (parts.hostname or "").lower()
    return (parts.scheme == "https" and parts.port in (None, 443)
            and any(host.endswith(suffix) or host == suffix[1:]
                    for suffix in PUSH_SERVICE_SUFFIXES))

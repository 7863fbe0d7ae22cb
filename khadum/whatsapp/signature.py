"""X-Hub-Signature-256: HMAC-SHA256 of the raw body with the app secret, checked
before the body is parsed (constant-time comparison)."""

from __future__ import annotations

import hmac

from khadum.errors import Forbidden, Unauthorized

PREFIX = "sha256="


def sign(body: bytes, secret: str) -> str:
    return PREFIX + hmac.digest(secret.encode(), body, "sha256").hex()


def verify(body: bytes, header: str | None, secret: str) -> None:
    """Missing → 401; present but wrong → 403."""
    if not header:
        raise Unauthorized("missing X-Hub-Signature-256", code="missing_signature")
    if not hmac.compare_digest(header.strip().lower().encode(), sign(body, secret).encode()):
        raise Forbidden("X-Hub-Signature-256 does not match the body", code="bad_signature")

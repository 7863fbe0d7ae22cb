"""A browser's side of a push subscription (RFC 8291): its P-256 key pair and auth
secret, as PushSubscription.toJSON() gives them, and the decryption a browser does."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from khadum.push.vapid import b64url, unb64url


@dataclass
class BrowserKeys:
    private: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(self.private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))

    def subscription(self, endpoint: str) -> dict[str, Any]:
        return {"endpoint": endpoint, "expirationTime": None,
                "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth)}}

    def decrypt(self, body_b64url: str) -> dict[str, Any]:
        plain = http_ece.decrypt(unb64url(body_b64url), private_key=self.private,
                                 auth_secret=self.auth, version="aes128gcm")
        result: dict[str, Any] = json.loads(plain)
        return result


def keys_from_jwk(jwk: dict[str, Any], auth_b64url: str) -> BrowserKeys:
    """The keys a page made with WebCrypto (exported as a JWK) and its auth secret."""
    d = int.from_bytes(unb64url(jwk["d"]), "big")
    return BrowserKeys(private=ec.derive_private_key(d, ec.SECP256R1()),
                       auth=unb64url(auth_b64url))

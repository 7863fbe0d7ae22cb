"""Supabase-shaped access tokens (HS256 JWTs signed with SUPABASE_JWT_SECRET).

Locally the dev server mints them after checking `auth.users`; in production
Supabase Auth mints them and the functions only verify them.
"""

from __future__ import annotations

import hmac
import time
import uuid
from typing import Any

import jwt

from khadum.errors import Unauthorized
from khadum.settings import Settings

AUDIENCE = "authenticated"
FREELANCER_TOKEN_TTL = 3600
CHAT_SESSION_TTL = 12 * 3600


def mint_token(settings: Settings, claims: dict[str, Any], ttl_seconds: int) -> str:
    now = int(time.time())
    payload = {"aud": AUDIENCE, "role": "authenticated", "iat": now, "exp": now + ttl_seconds}
    payload.update(claims)
    return jwt.encode(payload, settings.supabase_jwt_secret, algorithm="HS256")


def mint_freelancer_token(
    settings: Settings,
    user_id: uuid.UUID | str,
    email: str,
    ttl_seconds: int = FREELANCER_TOKEN_TTL,
) -> str:
    return mint_token(settings, {"sub": str(user_id), "email": email}, ttl_seconds)


def mint_chat_session_token(
    settings: Settings,
    chat_id: uuid.UUID | str,
    client_sub: uuid.UUID | str,
    ttl_seconds: int = CHAT_SESSION_TTL,
) -> str:
    ttl = min(ttl_seconds, CHAT_SESSION_TTL)
    claims = {"sub": str(client_sub), "chat_id": str(chat_id), "chat_role": "client"}
    return mint_token(settings, claims, ttl)


def verify_token(settings: Settings, token: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            settings.supabase_jwt_secret,
            algorithms=["HS256"],
            audience=AUDIENCE,
            options={"require": ["exp", "sub", "role"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("the session has expired; sign in again", code="token_expired") from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("invalid access token", code="invalid_token") from exc
    return claims


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized("missing Authorization: Bearer <token>", code="missing_token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "the Authorization header must be 'Bearer <token>'", code="invalid_token"
        )
    return token.strip()


def require_service_role(settings: Settings, authorization: str | None) -> None:
    """Server-to-server calls: the service key itself, or a JWT whose role is service_role.

    Supabase's service key is such a JWT without `sub` or `aud`, so it is checked
    apart from user tokens.
    """
    token = bearer_token(authorization)
    if hmac.compare_digest(token.encode(), settings.supabase_service_role_key.encode()):
        return
    try:
        claims = jwt.decode(token, settings.supabase_jwt_secret, algorithms=["HS256"],
                            options={"require": ["exp", "role"], "verify_aud": False})
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("this endpoint needs the service key", code="invalid_token") from exc
    if claims.get("role") != "service_role":
        raise Unauthorized("this endpoint needs the service key", code="not_service_role")

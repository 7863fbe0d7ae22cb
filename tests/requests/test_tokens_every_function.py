"""Every function accepts an ES256 token signed by a key in the Auth stand-in's
JWKS and refuses one signed by another key, `alg: none`, an expired one, and
HS256 unless a legacy JWT secret is configured."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import jwt

from khadum.auth import SigningKey, local_auth_signing_key, mint_token
from khadum.devstack.app import create_app
from khadum.devstack.keys import new_es256_jwk
from khadum.seed.load import user_id
from khadum.settings import Settings, get_settings
from tests.factories import MOHAMMED

LEGACY = "legacy-jwt-secret-for-the-token-matrix-0123456789"
NOBODY = str(uuid.uuid4())

# (method, path, body, what a valid token gets): user functions and service routes.
USER_CALLS: list[tuple[str, str, Any, int]] = [
    ("GET", "/functions/v1/dashboard_api/me", None, 200),
    ("POST", "/functions/v1/respond_request", {"request_id": NOBODY, "action": "accept"}, 404),
    ("GET", f"/functions/v1/chat/{NOBODY}", None, 403),  # signed in, not a party
]
SERVICE_CALLS: list[tuple[str, str, Any, int]] = [
    ("POST", "/functions/v1/send_emails", None, 200),
    ("POST", "/functions/v1/whatsapp_webhook/sweep", None, 200),
]


def unsigned(payload: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


def claims_for(role: str) -> dict[str, Any]:
    if role == "service_role":
        return {"role": "service_role"}
    return {"sub": str(user_id(MOHAMMED)), "email": f"{MOHAMMED}@demo.khadum.app"}


def refused_tokens(settings: Settings, role: str) -> dict[str, str]:
    now = int(time.time())
    claims = claims_for(role)
    full = {"iss": f"{settings.supabase_url}/auth/v1", "aud": "authenticated",
            "role": "authenticated", "iat": now, "exp": now + 60, **claims}
    return {
        "another key": mint_token(settings, claims, 60, key=SigningKey.from_jwk(new_es256_jwk())),
        "alg none": unsigned(full),
        "expired": mint_token(settings, claims, -120, key=local_auth_signing_key(settings)),
        "HS256, no legacy secret": jwt.encode(full, LEGACY, algorithm="HS256"),
    }


@asynccontextmanager
async def client_for(database_url: str, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(database_url, settings=settings, run_expiry=False, run_workers=False)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://local") as client:
        yield client


async def call(client: httpx.AsyncClient, method: str, path: str, body: Any, token: str
               ) -> httpx.Response:
    return await client.request(method, path, json=body,
                                headers={"Authorization": f"Bearer {token}"})


async def test_every_function_accepts_es256_from_the_jwks_and_refuses_the_rest(
    clean_db: str,
) -> None:
    settings = get_settings()
    assert settings.supabase_jwt_secret is None
    async with client_for(clean_db, settings) as client:
        for role, calls in (("authenticated", USER_CALLS), ("service_role", SERVICE_CALLS)):
            good = mint_token(settings, claims_for(role), 60,
                              key=local_auth_signing_key(settings))
            for method, path, body, status in calls:
                res = await call(client, method, path, body, good)
                assert res.status_code == status, (path, res.text)
                for name, token in refused_tokens(settings, role).items():
                    res = await call(client, method, path, body, token)
                    assert res.status_code == 401, (path, name, res.text)
                    assert res.json()["error"]["code"], (path, name)


async def test_hs256_is_accepted_when_a_legacy_secret_is_configured(clean_db: str) -> None:
    settings = get_settings().model_copy(update={"supabase_jwt_secret": LEGACY})
    now = int(time.time())
    async with client_for(clean_db, settings) as client:
        for role, calls in (("authenticated", USER_CALLS), ("service_role", SERVICE_CALLS)):
            claims = {"aud": "authenticated", "role": "authenticated", "iat": now,
                      "exp": now + 60, **claims_for(role)}
            legacy = jwt.encode(claims, LEGACY, algorithm="HS256")
            for method, path, body, status in calls:
                res = await call(client, method, path, body, legacy)
                assert res.status_code == status, (path, res.text)

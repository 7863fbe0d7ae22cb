"""Access tokens as Supabase signs them today: verified against the project's JWKS
(fetched over HTTP, cached, refetched once on an unknown kid), HS256 only with a
legacy secret; API keys old and new."""

from __future__ import annotations

import base64
import json
import secrets
import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from khadum.auth import (
    Jwks,
    SigningKey,
    is_publishable_key,
    is_secret_key,
    jwks_for,
    local_auth_signing_key,
    mint_chat_session_token,
    mint_token,
    require_service_role,
    verify_token,
)
from khadum.crypto import new_key
from khadum.devstack.gotrue import jwks_app, jwks_document
from khadum.devstack.keys import LocalKeys, new_es256_jwk, public_jwk
from khadum.errors import Unauthorized
from khadum.push.vapid import new_key_pair
from khadum.settings import Settings
from tests.live import serve

LEGACY = "a-legacy-jwt-secret-long-enough-for-hs256-0123456789"


class Counting(httpx.AsyncBaseTransport):
    """The stand-in's JWKS endpoint in-process, counting the requests it gets."""

    def __init__(self, settings: Settings) -> None:
        self.inner = httpx.ASGITransport(app=jwks_app(settings))
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return await self.inner.handle_async_request(request)


def user_claims(**extra: Any) -> dict[str, Any]:
    return {"sub": str(uuid.uuid4()), **extra}


def unsigned(payload: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


async def test_an_unknown_kid_triggers_exactly_one_refetch() -> None:
    settings = Settings()
    transport = Counting(settings)
    jwks = Jwks("http://127.0.0.1:8000/auth/v1/.well-known/jwks.json", transport=transport)
    kid = local_auth_signing_key(settings).kid
    assert kid and await jwks.key(kid) is not None
    assert await jwks.key(kid) is not None
    assert transport.requests == 1  # cached
    assert await jwks.key("a-kid-nobody-published") is None
    assert transport.requests == 2  # one refetch for the unknown kid
    assert await jwks.key("another-unknown-kid") is None
    assert await jwks.key("a-kid-nobody-published") is None
    assert transport.requests == 2  # refetches are rate-limited
    jwks.min_refetch = 0
    assert await jwks.key("yet-another-kid") is None
    assert transport.requests == 3


async def test_a_rotated_in_key_is_found_by_refetching() -> None:
    document: dict[str, Any] = {"keys": []}
    new = new_es256_jwk()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=document)

    jwks = Jwks("https://project.example/auth/v1/.well-known/jwks.json",
                transport=httpx.MockTransport(handler), min_refetch=0)
    assert await jwks.key(new["kid"]) is None
    document["keys"].append(public_jwk(new))  # Supabase publishes a standby key
    found = await jwks.key(new["kid"])
    assert found is not None and found.algorithm_name == "ES256"


async def test_jwks_is_fetched_over_real_http_from_supabase_url() -> None:
    with serve(jwks_app(Settings())) as base:
        settings = Settings(supabase_url=base)
        token = mint_token(settings, user_claims(), 60, key=local_auth_signing_key(settings))
        claims = await verify_token(settings, token)
        assert claims["iss"] == f"{base}/auth/v1"
        assert jwks_for(settings).fetches == 1 and jwks_for(settings).static is None


async def test_es256_from_the_jwks_is_accepted_and_forgeries_are_not() -> None:
    settings = Settings()
    good = mint_token(settings, user_claims(), 60, key=local_auth_signing_key(settings))
    assert (await verify_token(settings, good))["role"] == "authenticated"

    stranger = SigningKey.from_jwk(new_es256_jwk())
    impostor = SigningKey(stranger.algorithm, stranger.key, local_auth_signing_key(settings).kid)
    expired = mint_token(settings, user_claims(), -60, key=local_auth_signing_key(settings))
    other_issuer = mint_token(settings, user_claims(iss="https://evil.example/auth/v1"), 60,
                              key=local_auth_signing_key(settings))
    wrong_audience = mint_token(settings, user_claims(aud="other"), 60,
                                key=local_auth_signing_key(settings))
    now = int(time.time())
    refused = {
        "another key": mint_token(settings, user_claims(), 60, key=stranger),
        "another key with a published kid": mint_token(settings, user_claims(), 60,
                                                       key=impostor),
        "alg none": unsigned({"sub": "x", "role": "authenticated", "aud": "authenticated",
                              "iss": f"{settings.supabase_url}/auth/v1", "exp": now + 60}),
        "HS256 without a legacy secret": jwt.encode(
            {"sub": "x", "role": "authenticated", "aud": "authenticated", "exp": now + 60},
            LEGACY, algorithm="HS256"),
        "another issuer": other_issuer,
        "another audience": wrong_audience,
        "garbage": "not.a.jwt",
    }
    for name, token in refused.items():
        with pytest.raises(Unauthorized):
            await verify_token(settings, token)
            pytest.fail(f"accepted: {name}")
    with pytest.raises(Unauthorized) as info:
        await verify_token(settings, expired)
    assert info.value.code == "token_expired"


async def test_hs256_only_with_a_legacy_secret() -> None:
    token = jwt.encode({"sub": "x", "role": "authenticated", "aud": "authenticated",
                        "exp": int(time.time()) + 60}, LEGACY, algorithm="HS256")
    with pytest.raises(Unauthorized):
        await verify_token(Settings(), token)
    claims = await verify_token(Settings(supabase_jwt_secret=LEGACY), token)
    assert claims["sub"] == "x"


async def test_rs256_keys_in_an_inline_jwks_verify() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = {**RSAAlgorithm.to_jwk(private, as_dict=True), "kid": "rsa-1", "alg": "RS256"}
    settings = Settings(supabase_jwks=json.dumps({"keys": [public_jwk(jwk)]}))
    token = mint_token(settings, user_claims(), 60, key=SigningKey.from_jwk(jwk))
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert (await verify_token(settings, token))["aud"] == "authenticated"


async def test_chat_sessions_use_the_configured_signing_key_published_in_the_jwks(
    tmp_path: Any,
) -> None:
    jwk = new_es256_jwk()
    settings = Settings(khadum_session_signing_key=json.dumps(jwk),
                        khadum_local_auth_dir=str(tmp_path))
    token = mint_chat_session_token(settings, uuid.uuid4(), uuid.uuid4())
    assert jwt.get_unverified_header(token)["kid"] == jwk["kid"]
    published = {k["kid"]: k for k in jwks_document(settings)["keys"]}
    assert jwk["kid"] in published and "d" not in published[jwk["kid"]]
    assert LocalKeys(tmp_path).auth_key["kid"] in published
    claims = await verify_token(Settings(supabase_jwks=json.dumps(jwks_document(settings))),
                                token)
    assert claims["chat_role"] == "client"


async def test_production_chat_sessions_fall_back_to_hs256_only_with_the_legacy_secret(
) -> None:
    base = {
        "khadum_env": "production", "database_url": "postgresql://db.example/khadum",
        "supabase_url": "https://abc.supabase.co", "whatsapp_phone_number_id": "123456",
        # Production refuses local addresses (issue 9), so real ones are given.
        "public_base_url": "https://app.khadum.sa",
        "whatsapp_graph_url": "https://graph.facebook.com",
        "resend_api_url": "https://api.resend.com",
        "khadum_data_keys": f"k1:{new_key()}", "khadum_blind_index_key": new_key(),
        "supabase_anon_key": secrets.token_urlsafe(32),
        "supabase_service_role_key": secrets.token_urlsafe(32),
        **dict(zip(("vapid_public_key", "vapid_private_key"), new_key_pair(), strict=True)),
        **{n: secrets.token_urlsafe(32) for n in ("whatsapp_access_token", "whatsapp_app_secret",
                                           "whatsapp_verify_token", "resend_api_key",
                                           "resend_webhook_secret")},
    }
    legacy = Settings(**base, supabase_jwt_secret=LEGACY)
    token = mint_chat_session_token(legacy, uuid.uuid4(), uuid.uuid4())
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    keyed = Settings(**base, khadum_session_signing_key=json.dumps(new_es256_jwk()))
    assert jwt.get_unverified_header(
        mint_chat_session_token(keyed, uuid.uuid4(), uuid.uuid4()))["alg"] == "ES256"


async def test_new_and_legacy_api_keys() -> None:
    settings = Settings(supabase_secret_key="sb_secret_abc123",
                        supabase_publishable_key="sb_publishable_xyz789")
    assert is_secret_key(settings, "sb_secret_abc123")
    assert is_secret_key(settings, settings.supabase_service_role_key or "")
    assert not is_secret_key(settings, "sb_publishable_xyz789")
    assert not is_secret_key(settings, "sb_secret_abc12")
    assert is_publishable_key(settings, "sb_publishable_xyz789")
    assert settings.browser_api_key == "sb_publishable_xyz789"
    await require_service_role(settings, "Bearer sb_secret_abc123")
    with pytest.raises(Unauthorized):
        await require_service_role(settings, "Bearer sb_publishable_xyz789")
    role = mint_token(settings, {"role": "service_role"}, 60,
                      key=local_auth_signing_key(settings))
    await require_service_role(settings, f"Bearer {role}")
    user = mint_token(settings, user_claims(), 60, key=local_auth_signing_key(settings))
    with pytest.raises(Unauthorized) as info:
        await require_service_role(settings, f"Bearer {user}")
    assert info.value.code == "not_service_role"

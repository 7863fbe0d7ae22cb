"""The local Supabase Auth stand-in: the GoTrue endpoints supabase-js calls."""

from __future__ import annotations

import uuid

import jwt

from khadum.auth import mint_chat_session_token, verify_token
from khadum.seed.load import DEMO_PASSWORD, user_id
from khadum.settings import get_settings
from tests.factories import MOHAMMED
from tests.http import local_client

EMAIL = "mohammed-alghamdi@demo.khadum.app"


async def test_password_refresh_user_and_logout(database_url: str) -> None:
    async with local_client(database_url) as client:
        bad = await client.post("/auth/v1/token?grant_type=password",
                                json={"email": EMAIL, "password": "wrong"})
        assert bad.status_code == 400 and bad.json()["code"] == "invalid_credentials"
        assert bad.headers["x-supabase-api-version"] == "2024-01-01"

        res = await client.post("/auth/v1/token?grant_type=password",
                                json={"email": EMAIL.upper(), "password": DEMO_PASSWORD})
        assert res.status_code == 200
        session = res.json()
        assert session["token_type"] == "bearer" and session["expires_in"] == 3600
        claims = await verify_token(get_settings(), session["access_token"])
        assert claims["sub"] == str(user_id(MOHAMMED)) and claims["role"] == "authenticated"
        assert claims["email"] == EMAIL and session["user"]["id"] == claims["sub"]

        auth = {"Authorization": f"Bearer {session['access_token']}"}
        user = await client.get("/auth/v1/user", headers=auth)
        assert user.json()["email"] == EMAIL

        refreshed = await client.post("/auth/v1/token?grant_type=refresh_token",
                                      json={"refresh_token": session["refresh_token"]})
        assert refreshed.status_code == 200
        new = refreshed.json()
        assert new["refresh_token"] != session["refresh_token"]
        # As GoTrue: the parent of the session's active token (a client that lost the
        # answer to its refresh, e.g. a tab reloaded mid-request) gets the active token
        # back, not a new one.
        lost = await client.post("/auth/v1/token?grant_type=refresh_token",
                                 json={"refresh_token": session["refresh_token"]})
        assert lost.status_code == 200
        assert lost.json()["refresh_token"] == new["refresh_token"]
        assert (await verify_token(get_settings(), lost.json()["access_token"]))["sub"] == \
            claims["sub"]
        newer = (await client.post("/auth/v1/token?grant_type=refresh_token",
                                   json={"refresh_token": new["refresh_token"]})).json()
        assert newer["refresh_token"] not in (new["refresh_token"], session["refresh_token"])
        for stale in (session["refresh_token"], "not-a-token", ""):  # refresh tokens rotate
            reused = await client.post("/auth/v1/token?grant_type=refresh_token",
                                       json={"refresh_token": stale})
            assert reused.status_code == 400, stale

        out = await client.post("/auth/v1/logout?scope=global",
                                headers={"Authorization": f"Bearer {newer['access_token']}"})
        assert out.status_code == 204
        for revoked in (new["refresh_token"], newer["refresh_token"]):
            after = await client.post("/auth/v1/token?grant_type=refresh_token",
                                      json={"refresh_token": revoked})
            assert after.status_code == 400 and after.json()["code"] == "refresh_token_not_found"
        nobody = await client.get("/auth/v1/user", headers={"Authorization": "Bearer x"})
        assert nobody.status_code == 401


async def test_the_stand_in_serves_its_jwks_with_the_session_keys(database_url: str) -> None:
    settings = get_settings()
    async with local_client(database_url) as client:
        res = await client.get("/auth/v1/.well-known/jwks.json")
        session = await client.post("/auth/v1/token?grant_type=password",
                                    json={"email": EMAIL, "password": DEMO_PASSWORD})
    assert res.status_code == 200
    keys = {k["kid"]: k for k in res.json()["keys"]}
    kid = jwt.get_unverified_header(session.json()["access_token"])["kid"]
    chat = jwt.get_unverified_header(mint_chat_session_token(settings, uuid.uuid4(),
                                                             uuid.uuid4()))["kid"]
    assert kid in keys and chat in keys and kid != chat
    assert all(k["kty"] == "EC" and k["alg"] == "ES256" and "d" not in k for k in keys.values())


async def test_runtime_config_and_the_dashboard_page(database_url: str) -> None:
    async with local_client(database_url) as client:
        config = await client.get("/config.js")
        page = await client.get("/")
    assert config.text.startswith("window.KHADUM_CONFIG = ")
    assert '"supabaseUrl": "http://local"' in config.text
    assert '"functionsUrl": "http://local/functions/v1"' in config.text
    assert page.status_code == 200 and './config.js' in page.text

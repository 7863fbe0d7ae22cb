"""Settings come from the environment with local defaults; tokens are Supabase-shaped."""

from __future__ import annotations

import secrets
import time
import uuid
from pathlib import Path

import jwt
import pytest

from khadum.auth import (
    bearer_token,
    mint_chat_session_token,
    mint_freelancer_token,
    verify_token,
)
from khadum.crypto import new_key
from khadum.errors import Unauthorized
from khadum.settings import LOCAL_ANON_KEY, Settings, load_env_file


def test_local_defaults_need_no_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KHADUM_ENV", "SUPABASE_JWT_SECRET", "PUBLIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.khadum_env == "local"
    assert settings.supabase_jwt_secret is None  # no legacy secret: HS256 is refused
    assert settings.public_base_url == "http://127.0.0.1:8000"


def test_production_names_every_missing_secret() -> None:
    with pytest.raises(ValueError) as info:
        Settings(khadum_env="production", whatsapp_app_secret="a-real-secret-value-7Hq2xZ9pW4")
    message = str(info.value)
    assert "KHADUM_SESSION_SIGNING_KEY (or SUPABASE_JWT_SECRET)" in message
    assert "SUPABASE_SECRET_KEY (or SUPABASE_SERVICE_ROLE_KEY)" in message
    assert "SUPABASE_PUBLISHABLE_KEY (or SUPABASE_ANON_KEY)" in message
    assert "WHATSAPP_APP_SECRET" not in message


def test_production_accepts_todays_keys_without_the_legacy_ones() -> None:
    from khadum.devstack.keys import new_es256_jwk

    settings = Settings(
        khadum_env="production", database_url="postgresql://db.example/khadum",
        supabase_url="https://abc.supabase.co", whatsapp_phone_number_id="123456",
        # Production refuses local addresses for these (issue 9), so real ones are given.
        public_base_url="https://app.khadum.sa", whatsapp_graph_url="https://graph.facebook.com",
        resend_api_url="https://api.resend.com",
        supabase_publishable_key="sb_publishable_Xq7Lm2Pz9Rt4Vw8Ns1Kb3Hc6Jd",
        supabase_anon_key=None,
        supabase_secret_key="sb_secret_Zr5Ty8Ui2Op4As7Df1Gh3Jk6Lq9Mw",
        supabase_service_role_key=None,
        khadum_session_signing_key=__import__("json").dumps(new_es256_jwk()),
        khadum_data_keys=f"k1:{new_key()}", khadum_blind_index_key=new_key(),
        **{name: secrets.token_urlsafe(32) for name in (
            "whatsapp_access_token", "whatsapp_app_secret", "whatsapp_verify_token",
            "resend_api_key", "resend_webhook_secret")},
    )
    assert settings.browser_api_key == "sb_publishable_Xq7Lm2Pz9Rt4Vw8Ns1Kb3Hc6Jd"
    assert settings.admin_api_key == "sb_secret_Zr5Ty8Ui2Op4As7Df1Gh3Jk6Lq9Mw"


def test_production_accepts_real_values() -> None:
    real = {
        name: f"prod-{name}-9f8e7d"
        for name in (
            "supabase_anon_key",
            "supabase_service_role_key",
            "supabase_jwt_secret",
            "whatsapp_access_token",
            "whatsapp_app_secret",
            "whatsapp_verify_token",
            "resend_api_key",
            "resend_webhook_secret",
        )
    }
    settings = Settings(
        khadum_env="production",
        database_url="postgresql://db.example/khadum",
        supabase_url="https://abc.supabase.co",
        whatsapp_phone_number_id="123456",
        # Production refuses local addresses for these (issue 9), so real ones are given.
        public_base_url="https://app.khadum.sa",
        whatsapp_graph_url="https://graph.facebook.com",
        resend_api_url="https://api.resend.com",
        khadum_data_keys=f"k1:{new_key()}", khadum_blind_index_key=new_key(),
        **real,
    )
    assert settings.is_production


def test_dotenv_fills_only_what_the_environment_leaves_unset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = tmp_path / ".env"
    env.write_text("OPENAI_MODEL=from-dotenv\nEMAIL_FROM=dotenv@example.com\n")
    monkeypatch.setenv("EMAIL_FROM", "environment@example.com")
    monkeypatch.delenv("OPENAI_MODEL", raising=False)
    load_env_file(env)
    settings = Settings()
    assert settings.openai_model == "from-dotenv"
    assert settings.email_from == "environment@example.com"
    monkeypatch.delenv("OPENAI_MODEL")


async def test_freelancer_token_is_supabase_shaped() -> None:
    settings = Settings()
    uid = uuid.uuid4()
    token = mint_freelancer_token(settings, uid, "m@example.com")
    assert jwt.get_unverified_header(token)["alg"] == "ES256"
    claims = await verify_token(settings, token)
    assert claims["sub"] == str(uid) and claims["role"] == "authenticated"
    assert claims["aud"] == "authenticated" and claims["email"] == "m@example.com"
    assert claims["iss"] == f"{settings.supabase_url}/auth/v1"
    assert claims["exp"] > time.time()


async def test_chat_session_lasts_at_most_12_hours() -> None:
    settings = Settings()
    chat_id = uuid.uuid4()
    token = mint_chat_session_token(settings, chat_id, uuid.uuid4(), ttl_seconds=48 * 3600)
    claims = await verify_token(settings, token)
    assert claims["chat_id"] == str(chat_id) and claims["chat_role"] == "client"
    assert claims["exp"] - claims["iat"] <= 12 * 3600


async def test_bad_tokens_are_refused() -> None:
    legacy = "a-legacy-jwt-secret-that-is-long-enough-for-hs256"
    settings = Settings(supabase_jwt_secret=legacy)
    forged = jwt.encode(
        {"sub": "x", "role": "authenticated", "aud": "authenticated", "exp": int(time.time()) + 60},
        "another-secret-that-is-long-enough-for-hs256",
        algorithm="HS256",
    )
    with pytest.raises(Unauthorized):
        await verify_token(settings, forged)
    expired = jwt.encode(
        {"sub": "x", "role": "authenticated", "aud": "authenticated", "exp": int(time.time()) - 10},
        legacy,
        algorithm="HS256",
    )
    with pytest.raises(Unauthorized) as info:
        await verify_token(settings, expired)
    assert info.value.code == "token_expired"
    with pytest.raises(Unauthorized):
        bearer_token("Basic abc")
    assert bearer_token("Bearer abc.def.ghi") == "abc.def.ghi"


def test_env_example_documents_every_setting() -> None:
    example = (Path(__file__).resolve().parents[1] / ".env.example").read_text()
    for name in Settings.model_fields:
        assert f"{name.upper()}=" in example, f"{name.upper()} is not in .env.example"


def test_empty_variables_fall_back_to_local_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPABASE_ANON_KEY", "")
    monkeypatch.setenv("SUPABASE_JWT_SECRET", "")
    assert Settings().supabase_anon_key == LOCAL_ANON_KEY
    assert Settings().supabase_jwt_secret is None


def test_khadum_dev_points_local_urls_at_its_own_port() -> None:
    from khadum.devstack.app import served_from

    moved = served_from(Settings(resend_api_url="https://api.resend.com"), "http://127.0.0.1:9123")
    assert moved.whatsapp_graph_url == "http://127.0.0.1:9123/dev/graph"
    assert moved.public_base_url == "http://127.0.0.1:9123"
    assert moved.resend_api_url == "https://api.resend.com"  # set by the user: kept

"""L2–L6: production refuses weak secrets and `khadum dev`; the /dev routes live
only in the local server; every answer carries the security headers; the verify
token compare is constant-time; local files are typed from their bytes; the
bot refuses an over-long description with a clear reply."""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from khadum.crypto import new_key
from khadum.devstack.app import create_app as local_app
from khadum.devstack.files import LocalFileStore
from khadum.push.vapid import new_key_pair
from khadum.settings import STRONG_SECRETS, Settings, SettingsError
from tests.chat.conftest import ChatWorld, chat_settings, chat_world  # noqa: F401  (fixtures)
from tests.chat.test_chat_api import PNG
from tests.http import function_factory, local_client
from tests.security.conftest import function_client, settings_for
from tests.whatsapp.meta import WhatsAppUser, bot_settings, text_of, webhook_client

dashboard_app = function_factory("dashboard_api")
respond_app = function_factory("respond_request")
send_emails_app = function_factory("send_emails")
webhook_app = function_factory("whatsapp_webhook")

ROOT = Path(__file__).resolve().parents[2]


def production(**overrides: str) -> dict[str, Any]:
    values: dict[str, Any] = {name: secrets.token_hex(24) for name in STRONG_SECRETS}
    values.update(khadum_env="production", database_url="postgresql://db.example/khadum",
                  supabase_url="https://abc.supabase.co", whatsapp_phone_number_id="123456",
                  # Production refuses local addresses too (issue 9): real ones here.
                  public_base_url="https://app.khadum.sa",
                  whatsapp_graph_url="https://graph.facebook.com",
                  resend_api_url="https://api.resend.com",
                  khadum_data_keys=f"k1:{new_key()}", khadum_blind_index_key=new_key())
    values.update(zip(("vapid_public_key", "vapid_private_key"), new_key_pair(), strict=True))
    values.update(overrides)
    return values


def test_production_accepts_long_random_secrets() -> None:
    assert Settings(**production()).is_production


@pytest.mark.parametrize("weak", [
    "secret", "password123", "a" * 64, "secretsecretsecretsecretsecret",
    "khadum-verify", "0123456789", "abcabcabcabcabcabcabcabcabcabc",
])
@pytest.mark.parametrize("name", ["supabase_jwt_secret", "whatsapp_app_secret",
                                  "whatsapp_verify_token", "resend_webhook_secret"])
def test_production_refuses_weak_secrets(name: str, weak: str) -> None:
    with pytest.raises(ValueError) as info:
        Settings(**production(**{name: weak}))
    assert name.upper() in str(info.value)


def test_khadum_dev_refuses_production(tmp_path: Path) -> None:
    env = {key.upper(): str(value) for key, value in production().items()}
    env["PATH"] = "/usr/bin:/bin"
    out = subprocess.run(
        [sys.executable, "-m", "khadum.cli", "dev", "--data-dir", str(tmp_path / "d")],
        capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )
    assert out.returncode == 2, out.stderr
    assert "khadum dev is for local runs only" in out.stderr
    assert not (tmp_path / "d").exists()  # refused before any database was started
    with pytest.raises(SettingsError):
        local_app("postgresql://unused", settings=Settings(**production()))


@pytest.mark.parametrize("create", [webhook_app, respond_app, send_emails_app, dashboard_app])
async def test_deployed_functions_have_no_dev_routes(clean_db: str, create: Any) -> None:
    async with function_client(clean_db, create) as http:
        for path in ("/dev/whatsapp/send", "/dev/graph/messages", "/dev/resend/emails", "/dev"):
            res = await http.request("POST" if path.endswith("send") else "GET", path)
            assert res.status_code == 404, path


def assert_guarded(res: httpx.Response, csp: str) -> None:
    assert res.headers["x-content-type-options"] == "nosniff"
    assert res.headers["referrer-policy"] == "no-referrer"
    assert csp in res.headers["content-security-policy"]


async def test_security_headers_on_pages_and_functions(clean_db: str) -> None:
    async with local_client(clean_db) as http:
        for page in ("/", "/chat/abcdefghijklmnopqrstu", f"/chats/{'0' * 32}"):
            res = await http.get(page)
            assert_guarded(res, "frame-ancestors 'none'")
            policy = res.headers["content-security-policy"]
            assert "default-src 'self'" in policy and "script-src 'self';" in policy
            assert "unsafe-inline" not in policy and "ws://" in policy
            assert res.headers["x-frame-options"] == "DENY"
        assert_guarded(await http.get("/functions/v1/dashboard_api/me"), "default-src 'none'")
        assert_guarded(await http.get("/dev"), "frame-ancestors 'self'")
    async with function_client(clean_db, webhook_app) as http:
        for res in (await http.post("/functions/v1/whatsapp_webhook", content=b"{}"),
                    await http.post("/functions/v1/whatsapp_webhook",
                                    headers={"content-length": "999999999"}, content=b"")):
            assert_guarded(res, "frame-ancestors 'none'")


async def test_the_verify_token_handshake(clean_db: str) -> None:
    settings = settings_for(clean_db)
    async with function_client(clean_db, webhook_app, settings) as http:
        def ask(token: str) -> Any:
            return http.get("/functions/v1/whatsapp_webhook", params={
                "hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "42"})
        assert (await ask(settings.whatsapp_verify_token)).text == "42"
        near = settings.whatsapp_verify_token[:-1] + "x"
        assert (await ask(near)).status_code == 403
        assert (await ask("تحقق")).status_code == 403  # non-ASCII: refused, not a 500
    source = (ROOT / "khadum" / "whatsapp" / "router.py").read_text()
    assert "== settings.whatsapp_verify_token" not in source  # compared with hmac.compare_digest


async def test_local_files_are_typed_from_their_bytes(chat_world: ChatWorld,  # noqa: F811
                                                      chat_settings: Settings) -> None:  # noqa: F811
    store = LocalFileStore(Path(chat_settings.chat_storage_dir), "http://chat.test",
                           chat_settings.supabase_jwt_secret)
    await store.put("x/evil.png", b"<html><script>alert(1)</script></html>", "image/png")
    await store.put("x/photo.html", PNG, "image/png")
    evil = await chat_world.client.get(await store.signed_url("x/evil.png"))
    assert evil.headers["content-type"] == "application/octet-stream"
    assert evil.headers["x-content-type-options"] == "nosniff"
    photo = await chat_world.client.get(await store.signed_url("x/photo.html"))
    assert photo.headers["content-type"] == "image/png" and photo.content == PNG


async def test_an_over_long_description_gets_a_clear_reply(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, "+966551119999", "سارة")
        replies = await user.say("أبي تصميم شعار " * 300)  # ~4,500 characters
        assert any("الوصف طويل جداً" in text_of(m) for m in replies)
        again = await user.say("أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة")
        assert again and not any("طويل" in text_of(m) for m in again)  # it goes on

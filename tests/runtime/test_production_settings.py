"""Production settings: each deployable requires only what it uses; local and
placeholder addresses are refused; errors name the settings, never a value."""

from __future__ import annotations

import base64
import os
import subprocess
from collections.abc import Iterator

import pytest

from khadum.push.vapid import new_key_pair
from khadum.settings import (
    FUNCTION_NEEDS,
    Settings,
    SettingsError,
    get_settings,
    reset_settings_cache,
)
from tests.runtime.support import BIN, ROOT

SECRET = "sk-live-7Qz9-DO-NOT-ECHO-4f1e"
_VAPID = new_key_pair()
REAL = {
    "KHADUM_ENV": "production",
    "DATABASE_URL": "postgresql://khadum:pw-DO-NOT-ECHO@db.internal.khadum.sa:5432/postgres",
    "SUPABASE_URL": "https://abcd.supabase.co",
    "SUPABASE_ANON_KEY": SECRET + "-anon",
    "SUPABASE_SERVICE_ROLE_KEY": SECRET + "-service",
    "SUPABASE_JWT_SECRET": SECRET + "-jwt",
    "PUBLIC_BASE_URL": "https://app.khadum.sa",
    "WHATSAPP_GRAPH_URL": "https://graph.facebook.com",
    "WHATSAPP_ACCESS_TOKEN": SECRET + "-wa",
    "WHATSAPP_PHONE_NUMBER_ID": "109876543210",
    "WHATSAPP_APP_SECRET": SECRET + "-app",
    "WHATSAPP_VERIFY_TOKEN": SECRET + "-verify",
    "RESEND_API_KEY": "re_" + SECRET,
    "RESEND_API_URL": "https://api.resend.com",
    "RESEND_WEBHOOK_SECRET": "whsec_" + SECRET,
    "VAPID_PUBLIC_KEY": _VAPID[0],
    "VAPID_PRIVATE_KEY": _VAPID[1],
    # Field-encryption keys (fixed test values: 32 bytes each, base64).
    "KHADUM_DATA_KEYS": "k1:" + base64.b64encode(b"DO-NOT-ECHO-data-key-0123456789a").decode(),
    "KHADUM_BLIND_INDEX_KEY": base64.b64encode(b"DO-NOT-ECHO-blind-key-0123456789").decode(),
}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    for name in list(os.environ):
        if name.startswith(("KHADUM_", "SUPABASE_", "WHATSAPP_", "RESEND_", "PUBLIC_", "SMTP_",
                                 "VAPID_")):
            monkeypatch.delenv(name)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(ROOT / "tests")  # no .env from the project root
    reset_settings_cache()
    yield dict(REAL)
    reset_settings_cache()


def test_each_function_requires_only_what_it_uses(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # (the field-encryption keys: it opens the client's sealed details, issue 16)
    minimal = {"respond_request": ("DATABASE_URL", "SUPABASE_URL", "SUPABASE_JWT_SECRET",
                                   "PUBLIC_BASE_URL", "KHADUM_DATA_KEYS",
                                   "KHADUM_BLIND_INDEX_KEY")}
    monkeypatch.setenv("KHADUM_ENV", "production")
    for name in minimal["respond_request"]:
        monkeypatch.setenv(name, env[name])
    assert get_settings("respond_request").is_production  # no WhatsApp or Resend secrets
    with pytest.raises(SettingsError) as refused:
        get_settings("worker")
    message = str(refused.value)
    assert "WHATSAPP_ACCESS_TOKEN" in message and "RESEND_API_KEY" in message
    assert "SUPABASE_JWT_SECRET" not in message  # the worker signs no one in
    with pytest.raises(SettingsError) as whole:
        get_settings()  # the whole stack needs everything
    assert "WHATSAPP_APP_SECRET" in str(whole.value)
    for function, needs in FUNCTION_NEEDS.items():
        values = {k.lower(): v for k, v in env.items() if k.lower() in needs or k == "KHADUM_ENV"}
        assert Settings(khadum_function=function, **values).khadum_function == function


@pytest.mark.parametrize("url", ["http://localhost:5173", "http://127.0.0.1:8000",
                                 "https://your-project.example.com"])
def test_production_refuses_local_and_placeholder_addresses_without_echoing(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    for name, value in {**env, "PUBLIC_BASE_URL": url}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        get_settings("respond_request")
    message = str(refused.value)
    assert "PUBLIC_BASE_URL" in message and url not in message and SECRET not in message
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


def test_a_bad_value_is_named_not_echoed(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_PORT", SECRET)
    with pytest.raises(SettingsError) as refused:
        get_settings()
    assert "SMTP_PORT" in str(refused.value) and SECRET not in str(refused.value)


@pytest.mark.parametrize("command", [
    [str(BIN / "khadum"), "worker"],
    [str(BIN / "uvicorn"), "functions.respond_request.main:app", "--port", "0"],
])
def test_a_deployed_process_stops_naming_the_settings_and_echoes_no_value(
    env: dict[str, str], command: list[str]
) -> None:
    bad = {**env, "PUBLIC_BASE_URL": "http://localhost:5173",
           "WHATSAPP_GRAPH_URL": "http://127.0.0.1:8000/dev/graph",
           "PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    run = subprocess.run(command, cwd=ROOT / "tests", env=bad, capture_output=True, text=True,
                         timeout=60)
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert "PUBLIC_BASE_URL" in output
    for value in (*REAL.values(), "localhost:5173", "127.0.0.1:8000"):
        if value not in ("production",) and not value.startswith("https://"):
            assert value not in output, f"echoed {value[:6]}…"

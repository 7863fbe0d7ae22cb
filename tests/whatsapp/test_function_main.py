"""`functions/whatsapp_webhook/main.py` deploys alone: its own pool, the same routes."""

from __future__ import annotations

import importlib

import httpx
import pytest

from khadum.settings import reset_settings_cache


async def test_the_function_deploys_alone(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("WHATSAPP_VERIFY_TOKEN", "deploy-check")
    reset_settings_cache()
    try:
        main = importlib.reload(importlib.import_module("functions.whatsapp_webhook.main"))
        app = main.app
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://f") as client:
                answer = await client.get(
                    "/functions/v1/whatsapp_webhook",
                    params={
                        "hub.mode": "subscribe",
                        "hub.verify_token": "deploy-check",
                        "hub.challenge": "42",
                    },
                )
                assert answer.text == "42"
                unsigned = await client.post("/functions/v1/whatsapp_webhook", content=b"{}")
                assert unsigned.status_code == 401
                assert unsigned.json()["error"]["code"] == "missing_signature"
    finally:
        reset_settings_cache()

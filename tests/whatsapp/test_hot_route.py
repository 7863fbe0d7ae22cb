"""The webhook's POST, deployed, is answered by `khadum.http.HotRoutes` ahead of CORS
and FastAPI's routing (issue 9: the ack path). It must answer exactly as the full
stack does: the same status, JSON error and security headers for every refusal, the
same stored rows."""

from __future__ import annotations

from typing import Any

import httpx
import psycopg
import pytest
from fastapi import FastAPI

from khadum.apps import create_app
from khadum.db import Database
from khadum.http import HotRoutes
from khadum.limits import JSON_LIMIT
from khadum.whatsapp.router import PATH, WebhookEndpoint
from tests.whatsapp.meta import bot_settings, inbound, signed

PHONE = "+966501234567"
GUARD_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options",
                 "referrer-policy", "content-type")


def _refusals() -> list[tuple[str, bytes, dict[str, str]]]:
    raw, headers = signed(inbound("text", PHONE, text={"body": "مرحبا"}))
    wrong = dict(headers, **{"x-hub-signature-256": "sha256=" + "0" * 64})
    garbage, garbage_headers = signed(b"{not json")
    no_entry, no_entry_headers = signed({"object": "whatsapp_business_account"})
    huge, huge_headers = signed(b"{" + b" " * (JSON_LIMIT + 10) + b"}")
    hostile, hostile_headers = signed(b'{"entry": [[[[' * 2000 + b"]]]]}" * 2000)
    return [
        ("missing signature", raw, {"content-type": "application/json"}),
        ("wrong signature", raw, wrong),
        ("malformed JSON", garbage, garbage_headers),
        ("no entry", no_entry, no_entry_headers),
        ("too large", huge, huge_headers),
        ("deeply nested", hostile, hostile_headers),
        ("bad content-length", raw, dict(headers, **{"content-length": "12x"})),
    ]


def _served_by_hot_routes(app: FastAPI) -> HotRoutes:
    stack = app.middleware_stack
    while stack is not None and not isinstance(stack, HotRoutes):
        stack = getattr(stack, "app", None)
    assert isinstance(stack, HotRoutes), "HotRoutes is not in the deployed app's stack"
    return stack


def _answer(response: httpx.Response) -> tuple[int, Any, dict[str, str | None]]:
    return (response.status_code, response.json(),
            {name: response.headers.get(name) for name in GUARD_HEADERS})


async def test_the_hot_route_answers_as_the_full_stack_does(
    clean_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = bot_settings(clean_db)
    db = Database(clean_db, max_size=4)
    await db.open()
    try:
        hot = create_app("whatsapp_webhook", db=db, settings=settings)
        full = create_app("whatsapp_webhook", db=db, settings=settings)
        answers: dict[str, list[tuple[int, Any, dict[str, str | None]]]] = {}
        dead_letters: list[int] = []
        for app, marked in ((hot, True), (full, False)):
            # The second app reads its routes unmarked: its POST goes through the full stack.
            monkeypatch.setattr(WebhookEndpoint, "hot", marked)
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                         base_url="http://f") as http:
                for name, body, headers in _refusals():
                    answers.setdefault(name, []).append(
                        _answer(await http.post(PATH, content=body, headers=headers)))
                raw, headers = signed(inbound("text", PHONE, text={"body": "مرحبا"}))
                answers.setdefault("stored", []).append(
                    _answer(await http.post(PATH, content=raw, headers=headers)))
            with psycopg.connect(clean_db) as conn:
                row = conn.execute("select count(*) from webhook_dead_letters "
                                   "where source = 'whatsapp'").fetchone()
                dead_letters.append(row[0] if row else -1)

        assert set(_served_by_hot_routes(hot).routes or {}) == {("POST", PATH)}
        assert _served_by_hot_routes(full).routes == {}
        for name, (through_hot, through_full) in answers.items():
            if name == "stored":
                continue
            assert through_hot == through_full, name
            assert 400 <= through_hot[0] < 500, name
            assert through_hot[2]["content-security-policy"], name
        statuses = {name: pair[0][0] for name, pair in answers.items()}
        assert statuses == {"missing signature": 401, "wrong signature": 403,
                            "malformed JSON": 400, "no entry": 400, "too large": 413,
                            "deeply nested": 400, "bad content-length": 400, "stored": 200}
        # A signed message (a new wamid each) is stored and acked alike through either path;
        # none of the refusals stored anything.
        assert answers["stored"][0] == answers["stored"][1]
        assert answers["stored"][0][1] == {"received": 1, "statuses": 0, "new": 1,
                                           "dead_letters": 0}
        with psycopg.connect(clean_db) as conn:
            assert conn.execute("select count(*) from whatsapp_inbound").fetchone() == (2,)
        # What cannot be parsed is kept as a dead letter, the same through either path.
        assert dead_letters[0] > 0 and dead_letters[1] == 2 * dead_letters[0]
    finally:
        await db.close()


async def test_other_routes_and_preflights_still_go_through_the_app(clean_db: str) -> None:
    settings = bot_settings(clean_db)
    db = Database(clean_db, max_size=2)
    await db.open()
    try:
        app = create_app("whatsapp_webhook", db=db, settings=settings)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://f") as http:
            handshake = await http.get(PATH, params={"hub.mode": "subscribe",
                                                     "hub.verify_token": "verify-me",
                                                     "hub.challenge": "7"})
            assert handshake.status_code == 200 and handshake.text == "7"
            preflight = await http.options(PATH, headers={
                "origin": settings.public_base_url.rstrip("/"),
                "access-control-request-method": "POST"})
            assert preflight.status_code == 200
            assert preflight.headers["access-control-allow-origin"] == (
                settings.public_base_url.rstrip("/"))
            health = await http.get(PATH + "/health")
            assert health.status_code == 200 and health.json()["database"] == "ok"
            slash = await http.post(PATH + "/", content=b"{}")
            assert slash.status_code in (307, 401, 404, 405)
    finally:
        await db.close()

"""Talking to the webhook as Meta does, and playing Meta's Graph API (respx).

Inbound calls are built from the recorded payloads in tests/fixtures/whatsapp/,
with the sender, wamid and content swapped in, and signed like Meta signs them.
"""

from __future__ import annotations

import copy
import itertools
import json
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import respx

from khadum.devstack.inline import inline_webhook_app
from khadum.settings import Settings
from khadum.whatsapp.router import PATH
from khadum.whatsapp.signature import sign

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "whatsapp"
GRAPH = "https://graph.facebook.com"
APP_SECRET = "test-app-secret-2f1c"
_clock = itertools.count(int(time.time()) - 3600)


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def bot_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "whatsapp_graph_url": GRAPH,
        "whatsapp_access_token": "EAAG-test-token",
        "whatsapp_app_secret": APP_SECRET,
        "whatsapp_verify_token": "verify-me",
        "openai_api_key": None,
    }
    values.update(overrides)
    return Settings(**values)


def inbound(name: str, phone: str, profile: str = "أحمد", **fields: Any) -> dict[str, Any]:
    """A recorded webhook payload from `phone`; `fields` replace parts of the message."""
    payload = copy.deepcopy(fixture(name))
    value = payload["entry"][0]["changes"][0]["value"]
    wa_id = phone.lstrip("+")
    for contact in value.get("contacts", []):
        contact["wa_id"] = wa_id
        contact["profile"]["name"] = profile
    message = value["messages"][0]
    message["from"] = wa_id
    message["id"] = "wamid.HBgM" + secrets.token_hex(24).upper()
    message["timestamp"] = str(next(_clock))
    for key, part in fields.items():
        message[key] = part
    return payload


def signed(
    payload: dict[str, Any] | bytes, secret: str = APP_SECRET
) -> tuple[bytes, dict[str, str]]:
    raw = (
        payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    )
    return raw, {"content-type": "application/json", "x-hub-signature-256": sign(raw, secret)}


class FakeMeta:
    """Graph API messages endpoint: records what Meta receives, answers like Meta."""

    def __init__(self, router: respx.MockRouter, settings: Settings) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.failures: list[tuple[int, dict[str, Any]]] = []
        url = (
            f"{GRAPH}/{settings.whatsapp_api_version}/{settings.whatsapp_phone_number_id}/messages"
        )
        self.route = router.post(url).mock(side_effect=self._answer)

    def fail_next(self, status: int, fixture_name: str) -> None:
        self.failures.append((status, fixture(fixture_name)))

    def _answer(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == "Bearer EAAG-test-token"
        if self.failures:
            status, body = self.failures.pop(0)
            return httpx.Response(status, json=body)
        body = json.loads(request.content)
        self.bodies.append(body)
        answer = fixture("graph_send_ok")
        answer["contacts"][0].update(input=body["to"], wa_id=body["to"])
        answer["messages"][0]["id"] = "wamid.HBgM" + secrets.token_hex(20).upper()
        return httpx.Response(200, json=answer)

    def to(self, phone: str) -> list[dict[str, Any]]:
        return [b for b in self.bodies if b["to"] == phone.lstrip("+")]


class WhatsAppUser:
    """A client on WhatsApp: each action is one signed webhook call; it returns
    the bot's messages that Meta received since the previous action."""

    def __init__(self, http: httpx.AsyncClient, meta: FakeMeta, phone: str, name: str) -> None:
        self.http, self.meta, self.phone, self.name = http, meta, phone, name
        self.seen = 0

    async def post(self, payload: dict[str, Any]) -> httpx.Response:
        raw, headers = signed(payload)
        response = await self.http.post(PATH, content=raw, headers=headers)
        assert response.status_code == 200, response.text
        return response

    async def _new(self) -> list[dict[str, Any]]:
        mine = self.meta.to(self.phone)
        fresh, self.seen = mine[self.seen :], len(mine)
        return fresh

    async def say(self, text: str) -> list[dict[str, Any]]:
        await self.post(inbound("text", self.phone, self.name, text={"body": text}))
        return await self._new()

    async def tap(
        self, reply_id: str, title: str = "", kind: str = "button_reply"
    ) -> list[dict[str, Any]]:
        fixture_name = "list_reply" if kind == "list_reply" else "button_reply"
        reply = {"id": reply_id, "title": title}
        await self.post(
            inbound(fixture_name, self.phone, self.name, interactive={"type": kind, kind: reply})
        )
        return await self._new()

    async def send(self, fixture_name: str) -> list[dict[str, Any]]:
        await self.post(inbound(fixture_name, self.phone, self.name))
        return await self._new()


@asynccontextmanager
async def webhook_client(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, FakeMeta]]:
    """The webhook function's own ASGI app (its own pool), with Meta mocked; the
    worker's processing runs inline after each ack, so a reply is there on return."""
    app = inline_webhook_app(settings=settings)
    with respx.mock(assert_all_called=False) as router:
        meta = FakeMeta(router, settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://functions") as http:
                yield http, meta


def text_of(message: dict[str, Any]) -> str:
    """What the client reads in a bot message, whatever its type."""
    kind = message["type"]
    if kind == "text":
        return str(message["text"]["body"])
    if kind == "interactive":
        return str(message["interactive"]["body"]["text"])
    return json.dumps(message["template"], ensure_ascii=False)


def rows_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        row for section in message["interactive"]["action"]["sections"] for row in section["rows"]
    ]


def buttons_of(message: dict[str, Any]) -> list[str]:
    return [b["reply"]["id"] for b in message["interactive"]["action"]["buttons"]]

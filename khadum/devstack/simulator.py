"""The WhatsApp simulator (local only): a page where a person plays the client.

The page posts what the person types or taps to `/dev/whatsapp/send`, which
builds the webhook call Meta would make (same envelope, a fresh wamid, signed
with the app secret) and POSTs it to the webhook over real HTTP. What the person
sent is recorded beside the bot's messages in the Graph API stand-in, and the page
polls that history, so a reload shows the whole conversation."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from khadum.db import Database
from khadum.devstack.graph_standin import GraphRecorder
from khadum.devstack.messages import SIMULATOR, simulator_text
from khadum.paths import PACKAGE_DIR
from khadum.settings import Settings
from khadum.whatsapp.router import PATH as WEBHOOK_PATH
from khadum.whatsapp.signature import sign

templates = Jinja2Templates(directory=str(PACKAGE_DIR / "devstack" / "templates"))


class SimulatedMessage(BaseModel):
    phone: str = Field(pattern=r"^\+?[0-9]{8,15}$")
    name: str = Field(default="", max_length=60)
    kind: str = Field(
        pattern=r"^(text|list_reply|button_reply|button|image|audio|sticker|location)$"
    )
    text: str = Field(default="", max_length=4096)
    id: str = Field(default="", max_length=256)
    title: str = Field(default="", max_length=100)
    description: str = Field(default="", max_length=100)


def message_object(msg: SimulatedMessage) -> dict[str, Any]:
    """The `messages[0]` object Meta sends for what the person did."""
    wa_id = msg.phone.lstrip("+")
    base: dict[str, Any] = {
        "from": wa_id,
        "id": "wamid.HBgM" + secrets.token_hex(20).upper(),
        "timestamp": str(int(time.time())),
        "type": msg.kind,
    }
    media_id = str(secrets.randbelow(10**15) + 10**15)
    if msg.kind == "text":
        base["text"] = {"body": msg.text}
    elif msg.kind in {"list_reply", "button_reply"}:
        reply: dict[str, Any] = {"id": msg.id, "title": msg.title}
        if msg.kind == "list_reply":
            reply["description"] = msg.description
        base["type"] = "interactive"
        base["interactive"] = {"type": msg.kind, msg.kind: reply}
    elif msg.kind == "button":
        base["button"] = {"payload": msg.id, "text": msg.title}
    elif msg.kind == "image":
        base["image"] = {"mime_type": "image/jpeg", "sha256": secrets.token_hex(32), "id": media_id}
    elif msg.kind == "audio":
        base["audio"] = {
            "mime_type": "audio/ogg; codecs=opus",
            "sha256": secrets.token_hex(32),
            "id": media_id,
            "voice": True,
        }
    elif msg.kind == "sticker":
        base["sticker"] = {
            "mime_type": "image/webp",
            "sha256": secrets.token_hex(32),
            "id": media_id,
            "animated": False,
        }
    else:
        base["location"] = {"latitude": 24.7136, "longitude": 46.6753, "name": "الرياض"}
    return base


def webhook_envelope(settings: Settings, msg: SimulatedMessage) -> dict[str, Any]:
    wa_id = msg.phone.lstrip("+")
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "966112345678",
                                "phone_number_id": settings.whatsapp_phone_number_id,
                            },
                            "contacts": [{"profile": {"name": msg.name or wa_id}, "wa_id": wa_id}],
                            "messages": [message_object(msg)],
                        },
                    }
                ],
            }
        ],
    }


def router(db: Database, settings: Settings, recorder: GraphRecorder | None = None) -> APIRouter:
    api = APIRouter()

    @api.get("/dev/whatsapp", response_class=HTMLResponse)
    async def page(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(
            request,
            "whatsapp.html",
            {"t": simulator_text, "strings": json.dumps(SIMULATOR, ensure_ascii=False)},
        )

    @api.post("/dev/whatsapp/send")
    async def send(msg: SimulatedMessage, request: Request) -> dict[str, Any]:
        if recorder is not None:  # before the webhook runs, so it precedes the bot's reply
            recorder.add_inbound(msg.phone, msg.model_dump(include={"kind", "text", "id", "title"}))
        raw = json.dumps(webhook_envelope(settings, msg), ensure_ascii=False).encode()
        base = str(request.base_url).rstrip("/")
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                base + WEBHOOK_PATH,
                content=raw,
                headers={
                    "content-type": "application/json",
                    "x-hub-signature-256": sign(raw, settings.whatsapp_app_secret),
                },
            )
        is_json = response.headers.get("content-type", "").startswith("application/json")
        return {"status": response.status_code,
                "webhook": response.json() if is_json else response.text[:500]}

    return api

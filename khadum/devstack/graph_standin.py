"""Local stand-in for Meta's Graph API messages endpoint.

Records every message exactly as Meta would receive it and answers as Meta
does (`messaging_product`, `contacts`, `messages[0].id`), with Meta-shaped
errors for a bad token, phone number id or body. `GET /dev/graph/messages?to=`
lists the recorded bodies, oldest first. The WhatsApp simulator also records what
the person sent (`add_inbound`), so `GET /dev/graph/history?to=` is the whole
conversation in order, both ways, and the simulator page survives a reload."""

from __future__ import annotations

import secrets
import threading
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from khadum.db import Database
from khadum.settings import Settings


class GraphRecorder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.records: list[dict[str, Any]] = []

    def add(self, body: dict[str, Any]) -> str:
        wamid = "wamid.HBgM" + secrets.token_hex(16).upper()
        with self._lock:
            self.records.append(
                {"id": wamid, "to": _digits(str(body.get("to", ""))), "body": body,
                 "direction": "out"}
            )
        return wamid

    def add_inbound(self, phone: str, message: dict[str, Any]) -> None:
        """What the person typed or tapped in the simulator (never sent to Meta)."""
        with self._lock:
            self.records.append(
                {"id": None, "to": _digits(phone), "message": message, "direction": "in"}
            )

    def bodies(self, to: str | None) -> list[dict[str, Any]]:
        want = _digits(to or "")
        with self._lock:
            return [
                r["body"]
                for r in self.records
                if r["direction"] == "out" and (not want or r["to"] == want)
            ]

    def history(self, to: str) -> list[dict[str, Any]]:
        want = _digits(to)
        with self._lock:
            return [
                {"direction": "out", "body": r["body"]}
                if r["direction"] == "out"
                else {"direction": "in", "message": r["message"]}
                for r in self.records
                if want and r["to"] == want
            ]


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def _meta_error(status: int, code: int, message: str, kind: str = "OAuthException") -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content={
            "error": {
                "message": message,
                "type": kind,
                "code": code,
                "fbtrace_id": "A" + secrets.token_hex(11),
            }
        },
    )


def router(db: Database, settings: Settings, recorder: GraphRecorder | None = None) -> APIRouter:
    store = recorder or GraphRecorder()
    api = APIRouter()

    @api.post("/dev/graph/{version}/{phone_id}/messages")
    async def send(version: str, phone_id: str, request: Request) -> JSONResponse:
        if request.headers.get("authorization") != f"Bearer {settings.whatsapp_access_token}":
            return _meta_error(401, 190, "Invalid OAuth access token - Cannot parse access token")
        if phone_id != settings.whatsapp_phone_number_id:
            return _meta_error(
                400,
                100,
                f"Unsupported post request. Object with ID '{phone_id}' does not exist",
                "GraphMethodException",
            )
        try:
            body = await request.json()
        except ValueError:
            return _meta_error(400, 100, "Invalid parameter", "OAuthException")
        kind = body.get("type") if isinstance(body, dict) else None
        if (
            not isinstance(body, dict)
            or body.get("messaging_product") != "whatsapp"
            or not body.get("to")
            or not kind
            or kind not in body
        ):
            return _meta_error(400, 100, "(#100) Invalid parameter")
        wamid = store.add(body)
        message: dict[str, Any] = {"id": wamid}
        if kind == "template":
            message["message_status"] = "accepted"
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": _digits(body["to"])}],
                "messages": [message],
            }
        )

    @api.get("/dev/graph/messages")
    async def recorded(to: str | None = None) -> list[dict[str, Any]]:
        return store.bodies(to)

    @api.get("/dev/graph/history")
    async def history(to: str = "") -> list[dict[str, Any]]:
        return store.history(to)

    return api

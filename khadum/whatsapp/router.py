"""The WhatsApp webhook function: Meta's handshake, and the webhook itself.

Signature on the raw bytes first (401 missing, 403 wrong), then parsing (400
malformed), then every message and status stored and deduplicated, then 200.
That is all the request does: the insert NOTIFYs the workers (`khadum worker`,
other processes) at commit and they process and reply, so acks never wait for
the bot. `after_ack` lets the local server and tests run the same processing in
this process after the ack instead (`khadum.devstack.inline`).

Transport only: what processes a client's inbox (the bot) is handed in as an
`Inbox` by the module that composes the deployed function (`khadum.bot.router`)."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from starlette.routing import Route

from khadum.crypto import keyring
from khadum.db import Database
from khadum.deadletters import MalformedBody, store_dead_letters
from khadum.errors import Forbidden
from khadum.http import ServiceCaller
from khadum.settings import Settings
from khadum.whatsapp import signature
from khadum.whatsapp.batcher import InboundBatcher
from khadum.whatsapp.payloads import parse_body, read_batch
from khadum.whatsapp.sender import drain_whatsapp
from khadum.whatsapp.store import store_batch

log = logging.getLogger("khadum.whatsapp.webhook")
PATH = "/functions/v1/whatsapp_webhook"


class Inbox(Protocol):
    """What processes the stored messages of a client phone (the bot's inbox)."""

    async def process_phone(self, phone: str) -> int: ...

    async def sweep(self, *, older_than_seconds: float = ..., wait: bool = ...) -> int: ...


AfterAck = Callable[[list[str]], Awaitable[None]]
"""Given the phones with new messages, once the ack is sent (local runs only)."""


def router(
    db: Database,
    settings: Settings,
    *,
    processor: Inbox,
    after_ack: AfterAck | None = None,
) -> APIRouter:
    worker = processor
    api = APIRouter()

    @api.get(PATH, response_class=PlainTextResponse)
    async def handshake(request: Request) -> PlainTextResponse:
        q = request.query_params
        if (
            q.get("hub.mode") == "subscribe"
            and hmac.compare_digest(
                (q.get("hub.verify_token") or "").encode(),
                settings.whatsapp_verify_token.encode(),
            )
            and q.get("hub.challenge") is not None
        ):
            return PlainTextResponse(q["hub.challenge"])
        raise Forbidden("verification failed: wrong mode or verify token", code="bad_verify_token")

    # The hot route is a plain ASGI endpoint (a Starlette route inside the same
    # app, behind the same guards and error handlers): no request model, no
    # dependency resolution, no response model — only verify, parse, store, answer.
    api.routes.append(Route(PATH, WebhookEndpoint(db, settings, after_ack), methods=["POST"]))

    @api.post(PATH + "/sweep")
    async def sweep(_: ServiceCaller) -> dict[str, Any]:
        """For a scheduler (pg_cron + pg_net, Cloud Scheduler…): service key required."""
        processed = await worker.sweep(older_than_seconds=0, wait=False)
        report = await drain_whatsapp(db, settings)
        return {"processed": processed, "outbox": report.as_json()}

    return api


Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
_JSON_HEADERS = [(b"content-type", b"application/json")]


class WebhookEndpoint:
    """POST: signature on the raw bytes (401 missing, 403 wrong), parsing (400
    malformed: kept as a dead letter), everything stored, 200 with the counts.
    A delivery of messages alone is stored with the others arriving meanwhile, in
    one statement (`khadum.whatsapp.batcher`); statuses or dead letters alongside
    take one transaction of their own.
    A refusal raises a `KhadumError` (a database failure its psycopg error), which
    the app's handlers answer as JSON, as on every other route."""

    hot = True  # deployed alone, answered ahead of CORS and routing (khadum.http.HotRoutes)

    def __init__(self, db: Database, settings: Settings, after_ack: AfterAck | None) -> None:
        self.db = db
        self.secret = settings.whatsapp_app_secret
        self.keys = keyring(settings)  # production: refuses to start without real keys
        self.after_ack = after_ack
        # Messages alone (the usual delivery) are stored by group commit.
        self.batcher = InboundBatcher(db, self.keys)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = await _read_body(receive)
        given = None
        for key, value in scope["headers"]:
            if key == b"x-hub-signature-256":
                given = value.decode("latin-1")
                break
        signature.verify(raw, given, self.secret)
        try:
            data = parse_body(raw)
        except MalformedBody as exc:
            await store_dead_letters(self.db, "whatsapp", [exc.dead_letter])
            raise
        batch = read_batch(data)
        if batch.statuses or batch.dead_letters:
            phones = await store_batch(self.db, batch, self.keys)  # one transaction
        else:
            phones = await self.batcher.store(batch.messages)
        answer = (
            b'{"received":%d,"statuses":%d,"new":%d,"dead_letters":%d}'
            % (len(batch.messages), len(batch.statuses), len(phones), len(batch.dead_letters))
        )
        await send({"type": "http.response.start", "status": 200, "headers": [
            *_JSON_HEADERS, (b"content-length", b"%d" % len(answer))]})
        await send({"type": "http.response.body", "body": answer})
        if phones and self.after_ack is not None:
            await self.after_ack(phones)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)

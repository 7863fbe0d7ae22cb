"""The WhatsApp webhook function: Meta's handshake, and the webhook itself.

Signature on the raw bytes first (401 missing, 403 wrong), then parsing (400
malformed), then every message and status stored and deduplicated, then 200.
That is all the request does: the insert NOTIFYs the workers (`khadum worker`,
other processes) at commit and they process and reply, so acks never wait for
the bot. `after_ack` lets the local server and tests run the same processing in
this process after the ack instead (`khadum.devstack.inline`)."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import PlainTextResponse

from khadum.db import Database
from khadum.deadletters import MalformedBody, store_dead_letters
from khadum.errors import Forbidden
from khadum.http import ServiceCaller
from khadum.settings import Settings
from khadum.whatsapp import signature
from khadum.whatsapp.payloads import parse_body, read_batch
from khadum.whatsapp.processor import InboundProcessor
from khadum.whatsapp.sender import drain_whatsapp
from khadum.whatsapp.store import store_batch

log = logging.getLogger("khadum.whatsapp.webhook")
PATH = "/functions/v1/whatsapp_webhook"
AfterAck = Callable[[list[str]], Awaitable[None]]
"""Given the phones with new messages, once the ack is sent (local runs only)."""


def router(
    db: Database,
    settings: Settings,
    *,
    processor: InboundProcessor | None = None,
    after_ack: AfterAck | None = None,
) -> APIRouter:
    worker = processor or InboundProcessor(db, settings)
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

    @api.post(PATH)
    async def webhook(request: Request, background: BackgroundTasks) -> dict[str, Any]:
        raw = await request.body()
        signature.verify(
            raw, request.headers.get("x-hub-signature-256"), settings.whatsapp_app_secret
        )
        try:
            data = parse_body(raw)
        except MalformedBody as exc:
            await store_dead_letters(db, "whatsapp", [exc.dead_letter])
            raise
        batch = read_batch(data)
        phones = await store_batch(db, batch)
        if phones and after_ack is not None:
            background.add_task(after_ack, phones)
        return {
            "received": len(batch.messages),
            "statuses": len(batch.statuses),
            "new": len(phones),
            "dead_letters": len(batch.dead_letters),
        }

    @api.post(PATH + "/sweep")
    async def sweep(_: ServiceCaller) -> dict[str, Any]:
        """For a scheduler (pg_cron + pg_net, Cloud Scheduler…): service key required."""
        processed = await worker.sweep(older_than_seconds=0, wait=False)
        report = await drain_whatsapp(db, settings)
        return {"processed": processed, "outbox": report.as_dict()}

    return api

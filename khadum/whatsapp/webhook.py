"""The WhatsApp webhook function: Meta's handshake, and the webhook itself.

Signature on the raw bytes first (401 missing, 403 wrong), then parsing (400
malformed), then every message and status stored and deduplicated, then 200.
That is all the request does: the insert NOTIFYs the workers (`khadum worker`,
other processes) at commit and they process and reply, so acks never wait for
the bot. `WebhookOptions(process_after_ack=True)` runs the same processing in
this process after the ack instead (tests and single-process demos only).

Transport only: what processes a client's inbox (the bot) is handed in as an
`Inbox` by the module that composes the deployed function."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import PlainTextResponse

from khadum.auth import require_service_role
from khadum.db import Database
from khadum.deadletters import MalformedBody, store_dead_letters
from khadum.errors import Forbidden
from khadum.settings import Settings
from khadum.whatsapp import signature
from khadum.whatsapp.payloads import parse_body, read_batch
from khadum.whatsapp.sender import drain_whatsapp
from khadum.whatsapp.store import store_batch

log = logging.getLogger("khadum.whatsapp.webhook")
PATH = "/functions/v1/whatsapp_webhook"


class Inbox(Protocol):
    """What processes the stored messages of a client phone (the bot's inbox)."""

    async def process_phone(self, phone: str) -> int: ...

    async def sweep(self, *, older_than_seconds: float = ..., wait: bool = ...) -> int: ...


@dataclass
class WebhookOptions:
    process_after_ack: bool = False  # True: process here, after the ack (tests, demos)
    send_after_processing: bool = True  # drain the outbox once the replies are queued


class CoalescedDrain:
    """One outbox drain at a time per process: a burst of webhooks asks for many
    drains; those asked while one runs are served by a single follow-up drain."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings
        self.running = False
        self.again = False

    async def run(self) -> None:
        if self.running:
            self.again = True
            return
        self.running = True
        try:
            self.again = True
            while self.again:
                self.again = False
                await drain_whatsapp(self.db, self.settings)
        finally:
            self.running = False


def router(
    db: Database,
    settings: Settings,
    options: WebhookOptions | None,
    processor: Inbox,
) -> APIRouter:
    opts = options or WebhookOptions()
    worker = processor
    sender = CoalescedDrain(db, settings)
    api = APIRouter()

    async def after_ack(phones: list[str]) -> None:
        for phone in phones:
            await worker.process_phone(phone)
        if opts.send_after_processing:
            await sender.run()

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
        if phones and opts.process_after_ack:
            background.add_task(after_ack, phones)
        return {
            "received": len(batch.messages),
            "statuses": len(batch.statuses),
            "new": len(phones),
            "dead_letters": len(batch.dead_letters),
        }

    @api.post(PATH + "/sweep")
    async def sweep(request: Request) -> dict[str, Any]:
        """For a scheduler (pg_cron + pg_net, Cloud Scheduler…): service key required."""
        await require_service_role(settings, request.headers.get("authorization"))
        processed = await worker.sweep(older_than_seconds=0, wait=False)
        report = await drain_whatsapp(db, settings)
        return {"processed": processed, "outbox": report.as_json()}

    return api

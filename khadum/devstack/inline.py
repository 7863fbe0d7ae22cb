"""Local only: the WhatsApp webhook's processing run in the same process, right
after the ack (tests and single-process demos). Deployed, the webhook only
stores and acks; `khadum worker` processes and sends."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from khadum.db import Database
from khadum.http import function_app
from khadum.settings import Settings
from khadum.whatsapp.processor import InboundProcessor
from khadum.whatsapp.router import router as webhook_router
from khadum.whatsapp.sender import drain_whatsapp


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


class InlineProcessing:
    """The webhook router's `after_ack`: process each phone's new messages here,
    then (`send`) drain the outbox, so a reply is sent when the request returns."""

    def __init__(self, db: Database, settings: Settings, *,
                 processor: InboundProcessor | None = None, send: bool = True) -> None:
        self.processor = processor or InboundProcessor(db, settings)
        self.drain = CoalescedDrain(db, settings) if send else None

    async def __call__(self, phones: list[str]) -> None:
        for phone in phones:
            await self.processor.process_phone(phone)
        if self.drain is not None:
            await self.drain.run()


def inline_webhook_router(db: Database, settings: Settings, *,
                          processor: InboundProcessor | None = None,
                          send: bool = True) -> APIRouter:
    """The webhook's routes, processing (and with `send`, sending) after each ack;
    one processor serves both that and the sweep."""
    processor = processor or InboundProcessor(db, settings)
    return webhook_router(db, settings, processor=processor,
                          after_ack=InlineProcessing(db, settings, processor=processor, send=send))


def inline_webhook_app(db: Database | None = None, settings: Settings | None = None, *,
                       processor: InboundProcessor | None = None, send: bool = True) -> FastAPI:
    """The whatsapp_webhook function with its processing inline (tests, demos)."""
    return function_app(
        "whatsapp_webhook", db=db, settings=settings,
        router=lambda d, s: inline_webhook_router(d, s, processor=processor, send=send),
    )

"""The `whatsapp_webhook` function as deployed: WhatsApp's transport routes
(khadum/whatsapp/router.py) with the bot's inbox behind them. Composed here so
that nothing in khadum/whatsapp/ depends on the bot."""

from __future__ import annotations

from fastapi import APIRouter

from khadum.bot.inbox import InboundProcessor
from khadum.db import Database
from khadum.settings import Settings
from khadum.whatsapp import router as transport


def router(db: Database, settings: Settings) -> APIRouter:
    """The webhook's routes with the bot's inbox (`khadum.apps` registers it)."""
    return transport.router(db, settings, processor=InboundProcessor(db, settings))

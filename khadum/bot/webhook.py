"""The `whatsapp_webhook` function as deployed: WhatsApp's transport routes
(khadum/whatsapp/webhook.py) with the bot's inbox behind them. Composed here so
that nothing in khadum/whatsapp/ depends on the bot."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from khadum.bot.inbox import InboundProcessor
from khadum.db import Database
from khadum.http import function_app
from khadum.settings import Settings
from khadum.whatsapp import webhook
from khadum.whatsapp.webhook import PATH, WebhookOptions

__all__ = ["PATH", "WebhookOptions", "create_app", "router"]


def router(
    db: Database,
    settings: Settings,
    options: WebhookOptions | None = None,
    processor: webhook.Inbox | None = None,
) -> APIRouter:
    return webhook.router(db, settings, options, processor or InboundProcessor(db, settings))


def create_app(
    db: Database | None = None, settings: Settings | None = None,
    options: WebhookOptions | None = None,
) -> FastAPI:
    def routes(database: Database, conf: Settings) -> APIRouter:
        return router(database, conf, options)

    return function_app("whatsapp_webhook", db=db, settings=settings, router=routes)

"""`/functions/v1/send_emails`: drain the email outbox (service key) and take
Resend's Svix-signed delivery events at `/webhook`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from khadum.db import Database
from khadum.deadletters import MalformedBody, store_dead_letters
from khadum.email import webhook
from khadum.email.providers import EmailProvider, provider_from_settings
from khadum.email.sender import Sender
from khadum.http import ServiceCaller
from khadum.settings import Settings

PATH = "/functions/v1/send_emails"


def router(db: Database, settings: Settings, provider: EmailProvider | None = None
           ) -> APIRouter:
    routes = APIRouter()
    sender = Sender.from_settings(db, settings, provider or provider_from_settings(settings))

    @routes.post(PATH)
    async def send_emails(_: ServiceCaller) -> dict[str, Any]:
        from khadum.push.alerts import send_alerts

        # Hosts without a worker (pg_cron + pg_net call this): due request alerts
        # become emails first, so this drain sends them too.
        await send_alerts(db, settings)
        report = await sender.drain()
        return report.as_json()

    @routes.post(PATH + "/webhook")
    async def resend_webhook(request: Request) -> dict[str, Any]:
        body = await request.body()
        headers = dict(request.headers)
        webhook.verify(settings.resend_webhook_secret, body, headers)
        try:
            event = webhook.parse(body, headers["svix-id"])
        except MalformedBody as exc:
            await store_dead_letters(db, "resend", [exc.dead_letter])
            raise
        except webhook.DeadEvent as exc:
            await store_dead_letters(db, "resend", [exc.dead_letter])
            return {"status": "dead_letter", "reason": exc.dead_letter.reason}
        outcome = await webhook.record(db, event)
        return {"status": outcome, "type": event.type}

    return routes

"""Resend's delivery events: Svix-signed webhooks into the outbox row's state.

The signature is checked on the raw bytes before anything is parsed. Each event is
stored once (unique on svix-id), so Svix's redeliveries are harmless.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg.types.json import Jsonb
from svix.webhooks import Webhook, WebhookVerificationError

from khadum.errors import BadRequest, Forbidden, KhadumError, Unauthorized
from khadum.http import Database

SIGNATURE_HEADERS = ("svix-id", "svix-timestamp", "svix-signature")

# The events that move an outbox row; others are stored and acknowledged.
DELIVERY_EVENTS = frozenset({
    "email.sent", "email.delivered", "email.delivery_delayed", "email.bounced",
    "email.complained", "email.opened", "email.clicked", "email.failed", "email.suppressed",
})


@dataclass(frozen=True)
class ResendEvent:
    event_id: str
    type: str
    provider_id: str | None
    occurred_at: datetime | None
    payload: dict[str, Any]


def verify(secret: str, body: bytes, headers: dict[str, str]) -> None:
    """Raise Unauthorized when unsigned, Forbidden when the signature is wrong or stale."""
    lowered = {k.lower(): v for k, v in headers.items()}
    missing = [name for name in SIGNATURE_HEADERS if not lowered.get(name)]
    if missing:
        raise Unauthorized("missing Svix signature headers: " + ", ".join(missing),
                           code="missing_signature")
    try:
        webhook = Webhook(secret)
    except RuntimeError as exc:
        raise KhadumError("RESEND_WEBHOOK_SECRET is not a valid whsec_ secret",
                          code="configuration") from exc
    try:
        webhook.verify(body, {name: lowered[name] for name in SIGNATURE_HEADERS})
    except WebhookVerificationError as exc:
        raise Forbidden(f"invalid webhook signature: {exc}", code="invalid_signature") from exc


def parse(body: bytes, event_id: str) -> ResendEvent:
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRequest("the webhook body is not JSON", code="malformed") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        raise BadRequest("the webhook body has no event type", code="malformed")
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    provider_id = data.get("email_id") if isinstance(data, dict) else None
    return ResendEvent(
        event_id=event_id, type=payload["type"],
        provider_id=str(provider_id) if provider_id else None,
        occurred_at=_timestamp(payload.get("created_at")), payload=payload,
    )


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


async def record(db: Database, event: ResendEvent) -> str:
    """Store and apply the event: 'applied', 'duplicate', 'unmatched' or 'ignored'."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "select public.record_email_event(%s, %s, %s, %s, %s)",
            (event.event_id, event.type[:40], event.provider_id, Jsonb(event.payload),
             event.occurred_at),
        )
        row = await cur.fetchone()
    outcome = str(row[0]) if row else "unmatched"
    if event.type not in DELIVERY_EVENTS and outcome != "duplicate":
        return "ignored"
    return outcome

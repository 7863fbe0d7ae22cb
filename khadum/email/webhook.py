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

from khadum.db import Database
from khadum.deadletters import (
    BadItem,
    DeadLetter,
    MalformedBody,
    check_clean,
    dump_for_dead_letter,
    raw_for_dead_letter,
    reject_constant,
)
from khadum.errors import Forbidden, KhadumError, Unauthorized
from khadum.redact import redact

MAX_EVENT_CHARS = 64 * 1024

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


class DeadEvent(Exception):
    """A signed event that cannot be used: stored as a dead letter, acknowledged."""

    def __init__(self, dead_letter: DeadLetter) -> None:
        super().__init__(dead_letter.reason)
        self.dead_letter = dead_letter


def parse(body: bytes, event_id: str) -> ResendEvent:
    """The event, or MalformedBody (not a JSON object with a type: 400) or
    DeadEvent (a signed event whose content cannot be stored: acknowledged)."""
    try:
        payload = json.loads(body, parse_constant=reject_constant)
    except RecursionError as exc:
        raise MalformedBody("the webhook body nests too deeply", DeadLetter(
            "body", "nesting_too_deep", raw_for_dead_letter(body), event_id[:255])) from exc
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        raise MalformedBody("the webhook body is not JSON", DeadLetter(
            "body", "not_json", raw_for_dead_letter(body), event_id[:255])) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        raise MalformedBody("the webhook body has no event type", DeadLetter(
            "body", "no_event_type", raw_for_dead_letter(body), event_id[:255]))
    try:
        if len(event_id) > 255:
            raise BadItem("svix_id_too_long")
        if check_clean(payload) > MAX_EVENT_CHARS:
            raise BadItem("event_too_long")
        if not 0 < len(payload["type"]) <= 40:
            raise BadItem("bad_event_type")
        data = payload.get("data")
        provider_id = data.get("email_id") if isinstance(data, dict) else None
        if provider_id is not None and (
            not isinstance(provider_id, str | int) or len(str(provider_id)) > 255
        ):
            raise BadItem("bad_email_id")
    except BadItem as exc:
        raise DeadEvent(DeadLetter("event", str(exc), dump_for_dead_letter(payload),
                                   dump_for_dead_letter(event_id)[:255])) from exc
    return ResendEvent(
        event_id=event_id, type=payload["type"],
        provider_id=str(provider_id) if provider_id else None,
        occurred_at=_timestamp(payload.get("created_at")), payload=stored_payload(payload),
    )


# What a delivery event keeps (issue 16): Resend's `data` also names the recipient,
# the sender and the subject, which the outbox holds sealed; they are not stored.
_KEPT_DATA = ("email_id", "created_at", "bounce", "failed", "suppressed", "click")


def stored_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """The event as stored: its type and time, the data fields the delivery state
    uses, every text in them passed through the log redaction (a bounce message
    may quote the address)."""
    data = payload.get("data")
    kept = {k: v for k, v in data.items() if k in _KEPT_DATA} if isinstance(data, dict) else {}
    return {"type": payload.get("type"), "created_at": payload.get("created_at"),
            "data": _redacted(kept)}


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
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

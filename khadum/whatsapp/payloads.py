"""Meta webhook payloads → the inbound messages and status updates they carry."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from khadum.errors import BadRequest


@dataclass(frozen=True)
class InboundMessage:
    wamid: str
    phone: str  # E.164 with the plus: "+966501234567"
    message_type: str
    payload: dict[str, Any]
    profile_name: str | None
    sent_at: datetime | None


@dataclass(frozen=True)
class StatusUpdate:
    wamid: str
    status: str
    occurred_at: datetime
    payload: dict[str, Any]
    error_code: str | None = None
    error: str | None = None


@dataclass
class WebhookBatch:
    messages: list[InboundMessage] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)


def e164(wa_id: str) -> str:
    digits = "".join(ch for ch in str(wa_id) if ch.isdigit())
    return "+" + digits


def _timestamp(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def parse_body(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest("the body is not valid JSON", code="malformed") from exc
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object", code="malformed")
    return data


def _values(data: dict[str, Any]) -> list[dict[str, Any]]:
    entries = data.get("entry")
    if not isinstance(entries, list):
        raise BadRequest("no entry list in the webhook body", code="malformed")
    values = []
    for entry in entries:
        for change in (entry or {}).get("changes") or []:
            value = (change or {}).get("value")
            if isinstance(value, dict) and (change.get("field") in (None, "messages")):
                values.append(value)
    return values


def read_batch(data: dict[str, Any]) -> WebhookBatch:
    batch = WebhookBatch()
    for value in _values(data):
        names = {
            str(c.get("wa_id")): (c.get("profile") or {}).get("name")
            for c in value.get("contacts") or []
            if isinstance(c, dict)
        }
        for msg in value.get("messages") or []:
            if not isinstance(msg, dict) or not msg.get("id") or not msg.get("from"):
                continue
            batch.messages.append(
                InboundMessage(
                    wamid=str(msg["id"]),
                    phone=e164(msg["from"]),
                    message_type=str(msg.get("type") or "unknown"),
                    payload=msg,
                    profile_name=names.get(str(msg["from"])),
                    sent_at=_timestamp(msg.get("timestamp")),
                )
            )
        for st in value.get("statuses") or []:
            if not isinstance(st, dict) or not st.get("id") or not st.get("status"):
                continue
            errors = st.get("errors") or [{}]
            first = errors[0] if isinstance(errors[0], dict) else {}
            batch.statuses.append(
                StatusUpdate(
                    wamid=str(st["id"]),
                    status=str(st["status"]),
                    occurred_at=_timestamp(st.get("timestamp")) or datetime.now(UTC),
                    payload=st,
                    error_code=str(first["code"]) if first.get("code") is not None else None,
                    error=first.get("message") or first.get("title"),
                )
            )
    return batch

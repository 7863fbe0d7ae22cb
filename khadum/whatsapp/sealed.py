"""The WhatsApp outbox, sealed and opened in one place (migration 20251204000100).

Every reply is queued through `outbox_row` (the bot's `queue_bodies`; a resend as
template copies the sealed values as they are): the recipient's number and the
Graph API bodies (which name the number in `to` and carry the reply's text) are
stored as ciphertext, beside the number's blind index (each phone's order, the
24-hour window, the KPIs), its display form (logs, operators) and the message's
plain kind (the KPIs). Only the WhatsApp sender opens a body (`open_body`), right
before the Graph API call.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from psycopg.types.json import Jsonb

from khadum.crypto import Keyring
from khadum.requests import sealed

TO = sealed.PHONE  # the same context as every other sealed copy of the client's number
BODY = "whatsapp_outbox.body"  # body and template_body: the sender opens whichever goes


def body_kind(body: Mapping[str, Any]) -> str:
    """text, interactive.list, interactive.button, template…: what the KPIs count."""
    kind = str(body.get("type") or "unknown")
    inner = body.get(kind)
    sub = inner.get("type") if isinstance(inner, Mapping) else None
    return f"{kind}.{sub}" if isinstance(sub, str) and sub else kind


def seal_body(keys: Keyring, body: Mapping[str, Any]) -> Jsonb:
    """A Graph API body as the outbox stores it (a JSON string of ciphertext)."""
    return Jsonb(keys.encrypt(json.dumps(dict(body), ensure_ascii=False), BODY))


def open_body(keys: Keyring, stored: Any) -> dict[str, Any]:
    """A stored body, opened (psycopg loads a jsonb string as str)."""
    if not isinstance(stored, str):
        raise TypeError("whatsapp_outbox body is not sealed")
    opened = json.loads(keys.decrypt(stored, BODY))
    if not isinstance(opened, dict):
        raise TypeError("whatsapp_outbox body is not a JSON object")
    return opened


def outbox_row(keys: Keyring, phone: str, body: Mapping[str, Any], *,
               template: Mapping[str, Any] | None = None,
               phone_index: str | None = None) -> dict[str, Any]:
    """The sealed columns of one reply to `phone` (what the check constraints accept)."""
    return {
        "to_phone": keys.encrypt(phone.strip(), TO),
        "to_phone_index": phone_index or sealed.phone_index(keys, phone),
        "to_phone_display": sealed.phone_display(phone),
        "body": seal_body(keys, body),
        "body_kind": body_kind(body),
        "template_body": seal_body(keys, template) if template is not None else None,
    }

"""Storing a webhook's messages and statuses before answering Meta: durable and
deduplicated on the wamid (Meta redelivers for days).

The one write path of `whatsapp_inbound`: the sender's number, the raw message
and the profile name are sealed here (khadum/crypto.py); the number's blind index
and display form sit beside them (migration 20251203000100). The bot opens them
in its turn (`open_message`, khadum/bot/inbox.py)."""

from __future__ import annotations

import json
from typing import Any

from psycopg.types.json import Jsonb

from khadum.crypto import Keyring
from khadum.db import Database
from khadum.deadletters import insert_dead_letters
from khadum.requests import sealed
from khadum.whatsapp.payloads import WebhookBatch

KNOWN_STATUSES = {"sent", "delivered", "read", "failed"}


PAYLOAD = "whatsapp_inbound.payload"
PROFILE_NAME = "whatsapp_inbound.profile_name"

_INSERT = """
insert into public.whatsapp_inbound (wamid, client_phone, client_phone_index,
  client_phone_display, message_type, payload, sent_at, profile_name)
values {}
on conflict (wamid) do nothing
returning wamid
"""
_ROW = "(%s, %s, %s, %s, %s, %s, %s, %s)"


def sealed_row(keys: Keyring, wamid: str, phone: str, message_type: str,
               payload: dict[str, Any], sent_at: Any, profile_name: str | None) -> list[Any]:
    """The stored values of one message, in _ROW's order (what the check
    constraints accept: no plain number, text or name)."""
    name = (profile_name or "")[:255] or None
    return [wamid, keys.encrypt(phone, sealed.PHONE), sealed.phone_index(keys, phone),
            sealed.phone_display(phone), message_type,
            Jsonb(keys.encrypt(json.dumps(payload, ensure_ascii=False), PAYLOAD)), sent_at,
            keys.maybe_encrypt(name, PROFILE_NAME)]


def open_message(keys: Keyring, payload: Any, profile_name: str | None
                 ) -> tuple[dict[str, Any], str | None]:
    """A stored message's payload and profile name, opened (the bot's turn)."""
    if not isinstance(payload, str):  # psycopg loads a jsonb string as str
        raise TypeError("whatsapp_inbound.payload is not sealed")
    opened = json.loads(keys.decrypt(payload, PAYLOAD))
    return (opened if isinstance(opened, dict) else {},
            keys.maybe_decrypt(profile_name, PROFILE_NAME))


def insert_rows(rows: list[list[Any]]) -> tuple[str, list[Any]]:
    """One INSERT of sealed rows (`sealed_row`), in order, returning the wamids
    stored now (scalar parameters: psycopg dumps them far faster than arrays)."""
    params: list[Any] = []
    for row in rows:
        params += row
    return _INSERT.format(", ".join([_ROW] * len(rows))), params


def _insert_messages(keys: Keyring, batch: WebhookBatch) -> tuple[str, list[Any]]:
    """One INSERT of the batch's messages, in order, sealed."""
    return insert_rows([sealed_row(keys, m.wamid, m.phone, m.message_type, m.payload,
                                   m.sent_at, m.profile_name) for m in batch.messages])


def _new_phones(batch: WebhookBatch, rows: list[tuple[Any, ...]]) -> list[str]:
    """The phones of the messages stored now (a redelivered wamid is not)."""
    stored = {str(r[0]) for r in rows}
    return list(dict.fromkeys(m.phone for m in batch.messages if m.wamid in stored))


async def store_batch(db: Database, batch: WebhookBatch, keys: Keyring) -> list[str]:
    """Stores everything atomically; returns the phones with new messages.

    The usual webhook (messages only) is one statement in autocommit: one round
    trip, committed (and its NOTIFY sent) when it returns. Statuses or dead
    letters alongside take one transaction."""
    if not (batch.messages or batch.statuses or batch.dead_letters):
        return []
    async with db.connection() as conn:
        if not batch.statuses and not batch.dead_letters:
            await conn.set_autocommit(True)
            try:
                cur = await conn.execute(*_insert_messages(keys, batch))
                return _new_phones(batch, await cur.fetchall())
            finally:
                await conn.set_autocommit(False)
        async with conn.transaction():
            phones: list[str] = []
            if batch.messages:
                cur = await conn.execute(*_insert_messages(keys, batch))
                phones = _new_phones(batch, await cur.fetchall())
            for s in batch.statuses:
                if s.status not in KNOWN_STATUSES:
                    continue
                await conn.execute(
                    "select public.record_whatsapp_status(%s, %s, %s, %s, %s, %s)",
                    (s.wamid, s.status, s.occurred_at, Jsonb(s.payload), s.error_code, s.error),
                )
            await insert_dead_letters(conn, "whatsapp", batch.dead_letters)
        return phones

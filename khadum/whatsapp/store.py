"""Storing a webhook's messages and statuses before answering Meta: durable and
deduplicated on the wamid (Meta redelivers for days)."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from khadum.db import Database
from khadum.deadletters import insert_dead_letters
from khadum.whatsapp.payloads import WebhookBatch

KNOWN_STATUSES = {"sent", "delivered", "read", "failed"}


_INSERT = """
insert into public.whatsapp_inbound
  (wamid, client_phone, message_type, payload, sent_at, profile_name)
values {}
on conflict (wamid) do nothing
returning client_phone
"""
_ROW = "(%s, %s, %s, %s, %s, %s)"


def _insert_messages(batch: WebhookBatch) -> tuple[str, list[Any]]:
    """One INSERT of the batch's messages, in order (scalar parameters: psycopg
    dumps them far faster than arrays). The one place a message's payload is
    written (to be encrypted here, if ever)."""
    params: list[Any] = []
    for m in batch.messages:
        params += (m.wamid, m.phone, m.message_type, Jsonb(m.payload), m.sent_at,
                   (m.profile_name or "")[:255] or None)
    return _INSERT.format(", ".join([_ROW] * len(batch.messages))), params


def _new_phones(rows: list[tuple[Any, ...]]) -> list[str]:
    return list(dict.fromkeys(str(r[0]) for r in rows))


async def store_batch(db: Database, batch: WebhookBatch) -> list[str]:
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
                cur = await conn.execute(*_insert_messages(batch))
                return _new_phones(await cur.fetchall())
            finally:
                await conn.set_autocommit(False)
        async with conn.transaction():
            phones: list[str] = []
            if batch.messages:
                cur = await conn.execute(*_insert_messages(batch))
                phones = _new_phones(await cur.fetchall())
            for s in batch.statuses:
                if s.status not in KNOWN_STATUSES:
                    continue
                await conn.execute(
                    "select public.record_whatsapp_status(%s, %s, %s, %s, %s, %s)",
                    (s.wamid, s.status, s.occurred_at, Jsonb(s.payload), s.error_code, s.error),
                )
            await insert_dead_letters(conn, "whatsapp", batch.dead_letters)
        return phones

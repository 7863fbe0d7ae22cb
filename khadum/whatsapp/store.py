"""Storing a webhook's messages and statuses before answering Meta: durable and
deduplicated on the wamid (Meta redelivers for days)."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from khadum.db import Database
from khadum.deadletters import insert_dead_letters
from khadum.whatsapp.payloads import WebhookBatch

KNOWN_STATUSES = {"sent", "delivered", "read", "failed"}


async def store_batch(db: Database, batch: WebhookBatch) -> list[str]:
    """Stores everything in one transaction; returns the phones with new messages."""
    phones: list[str] = []
    async with db.connection() as conn, conn.transaction():
        for m in batch.messages:
            cur = await conn.execute(
                """
                insert into public.whatsapp_inbound
                  (wamid, client_phone, message_type, payload, sent_at, profile_name)
                values (%s, %s, %s, %s, %s, %s)
                on conflict (wamid) do nothing
                returning client_phone
                """,
                (
                    m.wamid,
                    m.phone,
                    m.message_type,
                    Jsonb(m.payload),
                    m.sent_at,
                    (m.profile_name or "")[:255] or None,
                ),
            )
            if await cur.fetchone() is not None and m.phone not in phones:
                phones.append(m.phone)
        for s in batch.statuses:
            if s.status not in KNOWN_STATUSES:
                continue
            await conn.execute(
                "select public.record_whatsapp_status(%s, %s, %s, %s, %s, %s)",
                (s.wamid, s.status, s.occurred_at, Jsonb(s.payload), s.error_code, s.error),
            )
        await insert_dead_letters(conn, "whatsapp", batch.dead_letters)
    return phones


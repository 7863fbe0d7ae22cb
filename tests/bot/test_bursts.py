"""Issue 10 item 2 (and issue 15's M8): a burst is queued and answered in order
once the window has room, the client is told exactly when, and messages that
arrived after the one being processed are not counted against it."""

from __future__ import annotations

import json
import secrets
from typing import Any

import psycopg

from khadum.bot.inbox import InboundProcessor
from khadum.db import Database
from tests.factories import bot_conversation, insert_inbound, outbox_bodies, phone_index
from tests.whatsapp.meta import WhatsAppUser, bot_settings, text_of, webhook_client

PHONE = "+966508887766"


def age_messages(url: str, seconds: int) -> None:
    """As if the burst had arrived `seconds` ago."""
    with psycopg.connect(url) as conn:
        conn.execute(
            "update whatsapp_inbound set received_at = received_at - make_interval(secs => %s), "
            "sent_at = sent_at - make_interval(secs => %s) where client_phone_index = %s",
            (seconds, seconds, phone_index(PHONE)),
        )


def opened_state(conn: psycopg.Connection) -> dict[str, Any]:
    conversation = bot_conversation(conn, PHONE)
    assert conversation is not None
    return dict(conversation["data"])


async def test_a_burst_is_queued_then_answered_in_order(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "سارة")
        for i in range(20):
            await user.say(f"هلا {i}")
        told = await user.say("حالة")  # the 21st in a minute: kept, and the client is told when
        assert len(told) == 1 and "انتظر دقيقة" in text_of(told[0])
        assert "بالترتيب من الساعة" in text_of(told[0]) and "بتوقيت الرياض" in text_of(told[0])
        assert await user.say("مساعدة") == []  # kept quietly
        age_messages(clean_db, 61)
        replies = await user.say("شكراً")
        texts = [text_of(r) for r in replies]
        status = next(i for i, t in enumerate(texts) if "ما عندك طلبات" in t)
        helping = next(i for i, t in enumerate(texts) if "طلب جديد" in t and "مساعدة" in t)
        thanks = next(i for i, t in enumerate(texts) if t.startswith("العفو"))
        assert status < helping < thanks  # the kept ones first, in the order they were sent
    with psycopg.connect(clean_db) as conn:
        data = opened_state(conn)
    assert "deferred" not in data and "throttled" not in data


async def test_later_messages_do_not_count_against_earlier_ones(clean_db: str) -> None:
    """22 messages stored before any is processed (a worker catching up): the first
    20 are answered as usual, only the 21st and 22nd wait."""
    with psycopg.connect(clean_db) as conn:
        for i in range(22):
            body = "السلام عليكم" if i == 0 else f"رسالة {i}"
            at = conn.execute("select now() + make_interval(secs => %s)",
                              (i * 0.01,)).fetchone()
            assert at is not None
            insert_inbound(conn, "wamid.burst" + secrets.token_hex(8), PHONE, "text",
                           {"type": "text", "text": {"body": body}}, sent_at=at[0],
                           received_at=at[0], profile_name="سارة")
    database = Database(clean_db, max_size=2)
    await database.open()
    try:
        processor = InboundProcessor(database, bot_settings(clean_db))
        assert await processor.process_phone(PHONE) == 22
    finally:
        await database.close()
    with psycopg.connect(clean_db) as conn:
        bodies = [json.dumps(b, ensure_ascii=False) for b in outbox_bodies(conn, PHONE)]
        data = opened_state(conn)
    assert any("وعليكم السلام" in b for b in bodies)  # the first was answered, not throttled
    assert sum("انتظر دقيقة" in b for b in bodies) == 1
    assert len(data["deferred"]) == 2
    assert [d["text"] for d in data["deferred"]] == ["رسالة 20", "رسالة 21"]

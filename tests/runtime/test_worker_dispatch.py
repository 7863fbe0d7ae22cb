"""Issue 9: acks first. While webhooks store new messages faster than
`burst_per_second` (counted from the NOTIFYs the worker hears), a worker
starts one phone at most every `burst_hold_seconds` — never none, so a sustained
burst still progresses — and goes back to `concurrency` once the last second was
calmer."""

from __future__ import annotations

import time

import psycopg

from khadum.bot.inbox import InboundProcessor
from khadum.db import Database
from khadum.worker import Worker, WorkerOptions
from tests.factories import insert_inbound
from tests.whatsapp.meta import bot_settings


def test_a_burst_of_acks_holds_the_worker_to_one_phone(clean_db: str) -> None:
    options = WorkerOptions(concurrency=8, burst_per_second=150)
    worker = Worker(clean_db, bot_settings(clean_db), options=options)
    now = time.monotonic()
    assert worker._room() == 8  # nothing stored lately

    worker.stored.extend(now - 0.5 + i / 1000 for i in range(149))
    assert worker._room() == 8  # 149 in the last second: below the burst rate

    worker.stored.append(now)
    assert worker._room() == 1  # 150: a burst, and no phone started lately
    assert worker.stats.deferred == 1
    worker.started_phone_at = time.monotonic()
    assert worker._room() == 0  # one just started: the next waits for the hold
    worker.started_phone_at = time.monotonic() - options.burst_hold_seconds
    assert worker._room() == 1  # the hold is over: one more may start

    worker.stored.clear()
    worker.stored.extend(now - 1.5 + i / 1000 for i in range(400))  # over a second ago
    assert worker._room() == 8
    assert not worker.stored  # the old ones are forgotten


async def test_during_a_burst_a_phone_gets_one_item_per_hold_in_order(clean_db: str) -> None:
    """`limit`: the worker's one start per hold turns one item; the phone's next
    items stay waiting, in order, for the next start."""
    phone = "+966508881234"
    with psycopg.connect(clean_db, autocommit=True) as conn:
        for i in range(3):
            insert_inbound(conn, f"wamid.limit.{i}", phone, "text",
                           {"type": "text", "text": {"body": "السلام عليكم" if i == 0 else
                                                     f"رسالة {i}"}})
    db = Database(clean_db, max_size=2)
    await db.open()
    try:
        processor = InboundProcessor(db, bot_settings(clean_db))
        assert await processor.process_phone(phone, wait=False, limit=1) == 1
        with psycopg.connect(clean_db) as conn:
            done = [w for (w,) in conn.execute(
                "select wamid from whatsapp_inbound where processed_at is not null")]
        assert done == ["wamid.limit.0"]  # the oldest, and only it
        assert await processor.process_phone(phone, wait=False, limit=1) == 1
        assert await processor.process_phone(phone, wait=False) == 1  # no limit: the rest
        assert await processor.process_phone(phone, wait=False) == 0
    finally:
        await db.close()

"""Where pg_cron is absent, `khadum worker` runs the personal-data purge itself."""

from __future__ import annotations

import asyncio

import psycopg
from psycopg.types.json import Jsonb

from khadum.worker import Worker, WorkerOptions
from tests.whatsapp.meta import bot_settings


async def test_the_worker_purges_old_payloads_where_pg_cron_is_absent(clean_db: str) -> None:
    with psycopg.connect(clean_db, autocommit=True) as conn:
        conn.execute(
            "insert into public.whatsapp_inbound (wamid, client_phone, message_type, payload, "
            "received_at, processed_at) values ('wamid.retention.worker', '+966500000990', "
            "'text', %s, now() - interval '91 days', now() - interval '91 days')",
            (Jsonb({"text": {"body": "old"}}),))
    worker = Worker(clean_db, bot_settings(clean_db),
                    options=WorkerOptions(minute_jobs=True, retention_seconds=0.2))
    task = asyncio.create_task(worker.run())
    try:
        for _ in range(100):
            with psycopg.connect(clean_db) as conn:
                if not conn.execute("select 1 from public.whatsapp_inbound "
                                    "where wamid = 'wamid.retention.worker'").fetchone():
                    break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the worker did not purge the 91-day-old payload")
    finally:
        worker.request_stop()
        await asyncio.wait_for(task, 10)

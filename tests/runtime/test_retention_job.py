"""Where pg_cron is absent, `khadum worker` runs the personal-data purge itself."""

from __future__ import annotations

import asyncio

import psycopg

from khadum.worker import Worker, WorkerOptions
from tests.factories import insert_inbound
from tests.whatsapp.meta import bot_settings


async def test_the_worker_purges_old_payloads_where_pg_cron_is_absent(clean_db: str) -> None:
    with psycopg.connect(clean_db, autocommit=True) as conn:
        at = conn.execute("select now() - interval '91 days'").fetchone()
        assert at is not None
        insert_inbound(conn, "wamid.retention.worker", "+966500000990", "text",
                       {"text": {"body": "old"}}, received_at=at[0], processed_at=at[0])
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

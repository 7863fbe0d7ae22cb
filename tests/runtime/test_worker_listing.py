"""Issue 9: a woken worker lists only what arrived in the last seconds, read from
the end of the queue's index, and the whole queue at most every
`full_listing_seconds` (at start, on the poll, and after a recent window was
listed), which finds what the window misses. Before, every NOTIFY listed the
whole queue: at 50 messages/s a third of the workers' CPU, a sequential scan of
the table whenever its statistics had been taken while a backlog waited."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import psycopg

from khadum.bot.inbox import InboundProcessor
from khadum.db import Database
from khadum.worker import Worker, WorkerOptions
from tests.factories import insert_inbound
from tests.runtime.support import Processes
from tests.runtime.test_worker_burst import GREETING, store, wait_until
from tests.whatsapp.meta import bot_settings

OLD, LATE, NEW = "+966507770001", "+966507770002", "+966507770003"


def message(phone: str, wamid: str) -> dict[str, object]:
    return {"from": phone.lstrip("+"), "id": wamid, **GREETING}


async def test_a_recent_window_is_read_from_the_index_whatever_the_statistics_say(
    clean_db: str,
) -> None:
    with psycopg.connect(clean_db, autocommit=True) as conn:
        # 3,001 messages analysed while they waited, then processed: the statistics
        # now say nearly the whole table waits (as after a burst's backlog).
        insert_inbound(conn, "wamid.old.0", OLD, "text", message(OLD, "wamid.old.0"),
                       received_at=_ago(conn, timedelta(hours=1)))
        conn.execute(
            "insert into whatsapp_inbound (wamid, client_phone, client_phone_index,"
            " client_phone_display, message_type, payload, received_at)"
            " select 'wamid.old.' || g, client_phone, client_phone_index, client_phone_display,"
            " message_type, payload, received_at + g * interval '1 ms'"
            " from whatsapp_inbound, generate_series(1, 3000) g where wamid = 'wamid.old.0'")
        conn.execute("analyze whatsapp_inbound")
        conn.execute("update whatsapp_inbound set processed_at = now()")
        # Waiting: one that arrived 30 s ago (say its webhook committed late), one now.
        insert_inbound(conn, "wamid.late", LATE, "text", message(LATE, "wamid.late"),
                       received_at=_ago(conn, timedelta(seconds=30)))
        insert_inbound(conn, "wamid.new", NEW, "text", message(NEW, "wamid.new"))

    db = Database(clean_db, max_size=2)
    await db.open()
    try:
        processor = InboundProcessor(db, bot_settings(clean_db))
        assert await processor.pending_phones(which="fresh", within_seconds=5) == [NEW]
        assert await processor.pending_phones(which="fresh", within_seconds=60) == [LATE, NEW]
        assert await processor.pending_phones(which="fresh") == [LATE, NEW]
        assert await processor.pending_phones(which="retries") == []
    finally:
        await db.close()

    with psycopg.connect(clean_db) as conn:  # one transaction: its own scan counts
        rows = conn.execute("select count(*) from public.client_inbox_phones("
                            "false, interval '0', 500, interval '5 s')").fetchone()
        scans = conn.execute("select seq_scan, idx_scan from pg_stat_xact_user_tables"
                             " where relname = 'whatsapp_inbound'").fetchone()
    assert rows == (1,)
    assert scans is not None and scans[0] == 0 and scans[1] >= 1, scans


def _ago(conn: psycopg.Connection, interval: timedelta) -> object:
    row = conn.execute("select now() - %s", (interval,)).fetchone()
    assert row is not None
    return row[0]


async def test_what_the_recent_window_misses_the_whole_listing_it_owes_finds(
    clean_db: str, procs: Processes
) -> None:
    graph = procs.start_recorder()
    # A poll far away: only the owed whole listing can find the late message.
    options = WorkerOptions(poll_seconds=60.0, full_listing_seconds=2.0, recent_seconds=2.0)
    worker = Worker(clean_db, bot_settings(clean_db, whatsapp_graph_url=graph),
                    options=options)
    task = asyncio.create_task(worker.run())

    def replied(phone: str) -> bool:
        return any(r["to"] == phone.lstrip("+") for r in procs.records("graph"))

    try:
        await wait_until(worker.listening.is_set, 20, "the worker to LISTEN")
        await wait_until(lambda: worker.stats.full_listings == 1, 5, "the first listing")
        # A steady stream: each message wakes the worker, which lists the recent window.
        began = time.monotonic()
        phones = [f"+9665077{i:05d}" for i in range(20)]
        await asyncio.to_thread(store, clean_db, phones, 20, "stream")
        await wait_until(lambda: all(replied(p) for p in phones), 10, "the stream's replies")
        seconds = time.monotonic() - began
        assert worker.stats.listings >= 10
        assert worker.stats.full_listings <= 2 + seconds / options.full_listing_seconds, (
            worker.stats.summary())

        # Stored with a receipt 30 s old: its NOTIFY wakes the worker, whose recent
        # window misses it; the whole listing owed since then answers it.
        with psycopg.connect(clean_db, autocommit=True) as conn:
            listings = worker.stats.listings
            insert_inbound(conn, "wamid.late", LATE, "text", message(LATE, "wamid.late"),
                           received_at=_ago(conn, timedelta(seconds=30)))
        await wait_until(lambda: replied(LATE), 2 * options.full_listing_seconds + 3,
                         "the late message's reply")
        assert worker.stats.listings > listings
    finally:
        worker.request_stop()
        await asyncio.wait_for(task, 10)

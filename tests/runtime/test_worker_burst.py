"""Issue 9: acks first. During a burst of stored messages a worker stops
LISTENing (each NOTIFY would signal its backend and wake its Python) and reads
the queue's growth instead; it still starts one phone per hold, so messages
stored meanwhile are answered during the burst, and it LISTENs again once the
burst is over, so a message at light load is answered at once (not at the next
poll). The worker runs in this process; Meta is the out-of-process recorder."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import psycopg

from khadum.worker import Worker, WorkerOptions
from tests.factories import insert_inbound
from tests.runtime.support import Processes, all_done
from tests.whatsapp.meta import bot_settings

GREETING = {"type": "text", "text": {"body": "السلام عليكم"}}


def store(database_url: str, phones: list[str], per_second: float, tag: str) -> None:
    """One message per phone, each its own commit (as the webhook's acks), paced."""
    began = time.monotonic()
    with psycopg.connect(database_url, autocommit=True) as conn:
        for i, phone in enumerate(phones):
            insert_inbound(conn, f"wamid.{tag}.{i}", phone, "text",
                           {"from": phone.lstrip("+"), "id": f"wamid.{tag}.{i}", **GREETING})
            time.sleep(max(0.0, began + (i + 1) / per_second - time.monotonic()))


def db_now(database_url: str) -> object:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("select now()").fetchone()
    assert row is not None
    return row[0]


def processed_since(database_url: str, since: object) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("select count(*) from whatsapp_inbound where processed_at is not null"
                           " and received_at > %s", (since,)).fetchone()
    assert row is not None
    return int(row[0])


async def wait_until(check: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.02)


async def test_a_worker_stops_listening_during_a_burst_and_still_answers_it(
    clean_db: str, procs: Processes
) -> None:
    graph = procs.start_recorder()
    # A long poll: whatever is answered while the worker does not LISTEN was
    # found by watching the queue's growth, not by the once-a-second poll.
    options = WorkerOptions(concurrency=8, burst_per_second=20, burst_hold_seconds=0.1,
                            poll_seconds=10.0)
    worker = Worker(clean_db, bot_settings(clean_db, whatsapp_graph_url=graph),
                    options=options)
    task = asyncio.create_task(worker.run())
    try:
        await wait_until(worker.listening.is_set, 20, "the worker to LISTEN")
        phones = [f"+9665044{i:05d}" for i in range(200)]
        burst = asyncio.create_task(asyncio.to_thread(store, clean_db, phones, 50, "burst"))
        await wait_until(lambda: worker.stats.unlistens == 1, 10, "the worker to UNLISTEN")
        quiet_since = await asyncio.to_thread(db_now, clean_db)
        wakeups = worker.stats.wakeups
        # Stored after it stopped listening, answered before it listens again.
        answered_quietly = 0
        while not worker.listening.is_set():
            answered_quietly = await asyncio.to_thread(processed_since, clean_db, quiet_since)
            if answered_quietly:
                break
            await asyncio.sleep(0.1)
        assert not worker.listening.is_set(), "the burst ended before anything was tested"
        assert answered_quietly > 0
        assert worker.stats.deferred > 0  # held to one phone at a time meanwhile
        # Not listening: the NOTIFYs of the acks stored meanwhile reach no one.
        assert worker.stats.wakeups - wakeups <= 2  # at most a packet read before UNLISTEN
        await burst
        # Calm again: it listens, and catches up with everything.
        await wait_until(worker.listening.is_set, 5, "the worker to LISTEN again")
        assert worker.stats.unlistens == 1
        await wait_until(lambda: all_done(clean_db), 60, "the backlog to be answered")
        per_phone = Counter(r["to"] for r in procs.records("graph"))
        assert per_phone == {p.lstrip("+"): 2 for p in phones}  # greeting + question, once
    finally:
        worker.request_stop()
        await asyncio.wait_for(task, 10)


async def test_after_a_burst_a_message_at_light_load_is_answered_at_once(
    clean_db: str, procs: Processes
) -> None:
    graph = procs.start_recorder()
    options = WorkerOptions(concurrency=8, burst_per_second=20, poll_seconds=10.0)
    worker = Worker(clean_db, bot_settings(clean_db, whatsapp_graph_url=graph),
                    options=options)
    task = asyncio.create_task(worker.run())
    try:
        await wait_until(worker.listening.is_set, 20, "the worker to LISTEN")
        await asyncio.to_thread(store, clean_db, [f"+9665055{i:05d}" for i in range(60)], 60,
                                "burst")
        assert worker.stats.unlistens == 1
        await wait_until(lambda: all_done(clean_db), 60, "the burst to be answered")
        await wait_until(worker.listening.is_set, 5, "the worker to LISTEN again")
        latencies = []
        for i in range(5):
            phone = f"+96650660000{i}"
            stored_at = time.time()
            await asyncio.to_thread(store, clean_db, [phone], 100, f"light{i}")

            def replied(to: str = phone.lstrip("+")) -> bool:
                return any(r["to"] == to for r in procs.records("graph"))
            # Well under the 10 s poll: woken by the NOTIFY it hears again.
            await wait_until(replied, 5, "the reply")
            first = min(r["t"] for r in procs.records("graph") if r["to"] == phone.lstrip("+"))
            latencies.append(first - stored_at)
            await asyncio.sleep(0.3)
        assert max(latencies) < 1.0, latencies  # reply p95 target: 0.3 s at 50 messages/s
        assert worker.stats.unlistens == 1  # light load: it kept listening
    finally:
        worker.request_stop()
        await asyncio.wait_for(task, 10)


def store_at_once(database_url: str, phones: list[str], tag: str) -> None:
    """One message per phone, all in one commit (one NOTIFY): a burst the NOTIFYs
    alone do not show, as a statement of the webhook's group commit."""
    with psycopg.connect(database_url) as conn:
        for i, phone in enumerate(phones):
            insert_inbound(conn, f"wamid.{tag}.{i}", phone, "text",
                           {"from": phone.lstrip("+"), "id": f"wamid.{tag}.{i}", **GREETING})


async def test_a_steady_stream_under_the_burst_rate_never_holds_the_worker(
    clean_db: str, procs: Processes
) -> None:
    """120 messages, one commit each, at most 40 a second: fewer in all than the
    burst rate (150), so however the looks fall (a look late by seconds counts
    what waited since the last), neither the NOTIFYs nor the messages counted
    may make a burst: each message is counted once. Then 400 in one commit (one
    NOTIFY): the count tells the burst, and the hold begins."""
    graph = procs.start_recorder()
    worker = Worker(clean_db, bot_settings(clean_db, whatsapp_graph_url=graph),
                    options=WorkerOptions(concurrency=8, burst_per_second=150))
    task = asyncio.create_task(worker.run())
    try:
        await wait_until(worker.listening.is_set, 20, "the worker to LISTEN")
        await asyncio.to_thread(store, clean_db, [f"+9665077{i:05d}" for i in range(120)], 40,
                                "steady")
        await wait_until(lambda: all_done(clean_db), 60, "the stream to be answered")
        assert worker.stats.processed == 120
        assert worker.stats.counts > 0  # it did look
        assert worker.stats.counted <= 120  # each message counted at most once
        assert worker.stats.bursts == 0
        assert worker.stats.deferred == 0 and worker.stats.held_starts == 0
        assert worker.stats.unlistens == 0

        await asyncio.to_thread(store_at_once, clean_db,
                                [f"+9665088{i:05d}" for i in range(400)], "burst")
        await wait_until(lambda: worker.stats.bursts > 0, 10, "the burst to be told")
        assert worker.stats.bursts_by_count == 1  # by the count: one NOTIFY only
        await wait_until(lambda: worker.stats.deferred > 0, 10, "the hold")
    finally:
        worker.request_stop()
        await asyncio.wait_for(task, 10)

"""`khadum worker` as a real process: it answers what was stored while no worker
ran, stops on SIGTERM within five seconds losing and repeating nothing, and a
worker killed mid-batch leaves nothing processed twice. Meta and Resend are an
out-of-process recorder (bench/recorder.py)."""

from __future__ import annotations

import signal
import time
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import psycopg
import pytest

from khadum.apps import create_app
from khadum.whatsapp.router import PATH
from tests.factories import insert_inbound
from tests.runtime.support import Processes, all_done, counts, free_port, greeting, wait_for
from tests.whatsapp.meta import bot_settings


@pytest.fixture
async def store_only(clean_db: str) -> AsyncIterator[httpx.AsyncClient]:
    """The webhook function as deployed: it stores and answers, nothing more."""
    app = create_app("whatsapp_webhook", settings=bot_settings(clean_db))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://fn") as http,
    ):
        yield http


def assert_sent_once(procs: Processes, database_url: str) -> None:
    """Every outbox row reached the recorder exactly once (none lost, none twice)."""
    graph = procs.records("graph")
    per_row = Counter(r["opaque"] for r in graph)
    assert [k for k, n in per_row.items() if n > 1] == []
    with psycopg.connect(database_url) as conn:
        ids = {f"khadum:outbox:{r[0]}" for r in conn.execute("select id from whatsapp_outbox")}
    assert set(per_row) == ids


async def test_a_message_stored_while_no_worker_runs_is_answered_when_one_starts(
    clean_db: str, procs: Processes, store_only: httpx.AsyncClient
) -> None:
    procs.start_recorder()
    raw, headers = greeting("+966501110001")
    answer = await store_only.post(PATH, content=raw, headers=headers)
    assert answer.status_code == 200 and answer.json()["new"] == 1
    time.sleep(0.5)
    assert counts(clean_db)["processed"] == 0  # the function itself processes nothing
    assert procs.records() == []
    procs.start_worker()
    wait_for(lambda: len(procs.records("graph")) == 2, 20, "the greeting's two replies")
    wait_for(lambda: all_done(clean_db), 5, "the sends to be recorded")
    assert {r["to"] for r in procs.records("graph")} == {"966501110001"}


async def test_sigterm_during_a_burst_loses_and_repeats_nothing(
    clean_db: str, procs: Processes, store_only: httpx.AsyncClient
) -> None:
    procs.start_recorder(delay_ms=25)
    # Enough that the burst is still under way when SIGTERM comes (a worker
    # turns ~170 greetings a second on this machine).
    phones = [f"+9665022{i:05d}" for i in range(120)]
    for phone in phones:
        raw, headers = greeting(phone)
        assert (await store_only.post(PATH, content=raw, headers=headers)).status_code == 200
    first = procs.start_worker("first")
    wait_for(lambda: len(procs.records("graph")) >= 10, 30, "the burst to be under way")
    asked = time.monotonic()
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=10) == 0
    stopped_in = time.monotonic() - asked
    assert stopped_in < 5.0, f"SIGTERM took {stopped_in:.1f}s"
    partial = counts(clean_db)
    assert partial["processed"] < len(phones) or partial["outbox_sent"] < partial["outbox"], (
        "the burst ended before SIGTERM: nothing was tested")
    procs.start_worker("second")
    final = wait_for(lambda: all_done(clean_db), 40, "the next worker to finish the rest")
    assert final["processed"] == len(phones) and final["outbox"] == 2 * len(phones)
    assert_sent_once(procs, clean_db)


async def test_a_worker_killed_mid_batch_leaves_nothing_processed_twice(
    clean_db: str, procs: Processes, store_only: httpx.AsyncClient
) -> None:
    # The webhook runs as its own process so the recorder's status callbacks
    # (Meta's "sent", naming the outbox row) reach the database after the kill.
    port = free_port()
    procs.start_recorder(webhook=f"http://127.0.0.1:{port}{PATH}", delay_ms=25)
    procs.start_webhook(port)
    phones = [f"+9665033{i:05d}" for i in range(40)]
    for phone in phones:
        raw, headers = greeting(phone)
        assert (await store_only.post(PATH, content=raw, headers=headers)).status_code == 200
    doomed = procs.start_worker("doomed")
    wait_for(lambda: len(procs.records("graph")) >= 12, 30, "the batch to be under way")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    killed_at = time.monotonic()
    procs.start_worker("next")
    final = wait_for(lambda: all_done(clean_db), 40, "the next worker to finish the batch")
    assert time.monotonic() - killed_at < 30
    assert final["processed"] == len(phones) and final["outbox"] == 2 * len(phones)
    with psycopg.connect(clean_db) as conn:
        # Each message's turn ran once: one greeting + one question per phone, in order.
        per_phone = conn.execute(
            "select to_phone_index, count(*) from whatsapp_outbox "
            "group by to_phone_index").fetchall()
        assert {n for _, n in per_phone} == {2} and len(per_phone) == len(phones)
        assert conn.execute("select max(attempts) from whatsapp_inbound").fetchone() == (1,)
    assert_sent_once(procs, clean_db)


def _listen(database_url: str) -> psycopg.Connection:
    conn = psycopg.connect(database_url, autocommit=True)
    conn.execute("listen khadum_work")
    return conn


def _inbound(conn: psycopg.Connection, wamid: str, phone: str) -> None:
    insert_inbound(conn, wamid, phone, "text", {"from": phone.lstrip("+"), "id": wamid,
                                                "type": "text",
                                                "text": {"body": "السلام عليكم"}})


def test_overlapping_writers_share_one_wake_up_and_lose_nothing(
    clean_db: str, procs: Processes
) -> None:
    """Writers that overlap send one `inbound` NOTIFY between them (a NOTIFY each
    would make their commits wait on one another); one after the other, each
    sends its own. A worker running meanwhile answers all of them (its replies
    wake the `whatsapp` queue besides: not counted here)."""
    procs.start_recorder()
    procs.start_worker()
    listener = _listen(clean_db)
    try:
        with psycopg.connect(clean_db) as first, psycopg.connect(clean_db) as second:
            _inbound(first, "wamid.overlap.1", "+966501110011")  # open: holds the wake-up
            _inbound(second, "wamid.overlap.2", "+966501110012")
            second.commit()  # overlapped the first: no NOTIFY of its own
            first.commit()
        overlapping = [n.payload for n in listener.notifies(timeout=0.5) if n.payload == "inbound"]
        with psycopg.connect(clean_db, autocommit=True) as alone:
            _inbound(alone, "wamid.alone.3", "+966501110013")
            _inbound(alone, "wamid.alone.4", "+966501110014")
        sequential = [n.payload for n in listener.notifies(timeout=0.5) if n.payload == "inbound"]
    finally:
        listener.close()
    assert overlapping == ["inbound"]
    assert sequential == ["inbound", "inbound"]
    wait_for(lambda: len({r["to"] for r in procs.records("graph")}) == 4, 20,
             "replies to all four phones")
    wait_for(lambda: all_done(clean_db), 5, "the sends to be recorded")

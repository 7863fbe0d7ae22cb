"""Crash recovery in seconds (issue 15, item 7): the server — the webhook
function and the worker, real processes — is SIGKILLed mid-burst while Meta
and Resend are a recorder in a process of its own. After the restart: nothing
lost, nothing delivered twice, every reply sent within 30 s."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import psycopg

from khadum.settings import Settings
from tests.factories import MOHAMMED, make_request
from tests.http import bearer, function_factory
from tests.runtime.support import WEBHOOK_PATH, Processes, all_done, free_port, greeting
from tests.runtime.test_worker import assert_sent_once

respond_app = function_factory("respond_request")

PHONES = [f"+9665055{i:05d}" for i in range(80)]
ACCEPTS = 6


async def until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.05)
    return value


async def post_like_meta(http: httpx.AsyncClient, url: str, phone: str) -> int:
    """Meta retries a webhook until it gets a 200 (here: for up to a minute)."""
    raw, headers = greeting(phone)
    for tries in range(1, 300):
        try:
            if (await http.post(url, content=raw, headers=headers, timeout=2)).status_code == 200:
                return tries
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError(f"the webhook never took {phone}'s message")


async def test_a_sigkilled_server_loses_nothing_and_sends_nothing_twice(
    clean_db: str, procs: Processes
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
    procs.start_recorder(webhook=url, delay_ms=20)
    webhook, worker = procs.start_webhook(port), procs.start_worker()
    with psycopg.connect(clean_db) as conn:
        requests = [make_request(conn, phone=f"+9665066{i:05d}") for i in range(ACCEPTS)]
    respond = respond_app(settings=Settings(database_url=clean_db,
                                            public_base_url="https://app.khadum.test"))

    async def accept_all(http: httpx.AsyncClient) -> None:
        for request_id in requests:
            answer = await http.post("/functions/v1/respond_request", headers=bearer(MOHAMMED),
                                     json={"request_id": str(request_id), "action": "accept"})
            assert answer.status_code == 200
            await asyncio.sleep(0.1)

    async def burst(http: httpx.AsyncClient) -> list[int]:
        tasks: list[Awaitable[int]] = []
        for phone in PHONES:
            tasks.append(asyncio.ensure_future(post_like_meta(http, url, phone)))
            await asyncio.sleep(1 / 20)  # 20 messages/s offered, for 4 s
        return list(await asyncio.gather(*tasks))

    async with (
        respond.router.lifespan_context(respond),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=respond), base_url="http://fn") as fn,
        httpx.AsyncClient() as meta,
    ):
        load = asyncio.ensure_future(asyncio.gather(burst(meta), accept_all(fn)))
        # Mid-burst: a quarter of the messages stored, some replies already out.
        await until(lambda: counts_now(clean_db)["inbound"] >= len(PHONES) // 4
                    and procs.records("graph"), 30, "the burst to be under way")
        for proc in (webhook, worker):
            proc.send_signal(signal.SIGKILL)
        for proc in (webhook, worker):
            proc.wait(timeout=10)
        killed = counts_now(clean_db)
        await asyncio.to_thread(procs.start_webhook, port, "webhook-again")
        await asyncio.to_thread(procs.start_worker, "worker-again")
        restarted = time.time()
        tries, _ = await asyncio.wait_for(load, 60)
        final = await until(lambda: all_done(clean_db), 45, "everything to be sent")

    assert killed["processed"] < len(PHONES), "the burst had ended before the kill"
    assert max(tries) > 1, "no webhook call met the dead server: the kill tested nothing"
    assert final["inbound"] == final["processed"] == len(PHONES)  # 0 lost
    assert final["emails"] == final["emails_sent"] == 2 * ACCEPTS
    assert_sent_once(procs, clean_db)  # every reply once: 0 lost, 0 twice
    emails = Counter(r["key"] for r in procs.records("email"))
    assert len(emails) == 2 * ACCEPTS and set(emails.values()) == {1}
    late = [r for r in procs.records() if r["t"] > restarted + 30]
    assert late == [], f"{len(late)} sent more than 30 s after the restart"


def counts_now(database_url: str) -> dict[str, int]:
    from tests.runtime.support import counts

    return counts(database_url)

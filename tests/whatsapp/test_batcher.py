"""Group commit of the webhook's acks (`khadum.whatsapp.batcher`): deliveries that
arrive while a write is in flight are stored in one statement, and each is still
answered only once its own row is committed, deduplicated exactly, with a bad
row failing alone. Real HTTP through the deployed app, real PostgreSQL.

To make a batch happen for sure, a test holds a lock on `whatsapp_inbound` so the
first statement waits while the others queue behind it (with one writer: with
more, the next few deliveries would each take a writer of their own)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import psycopg
import pytest

from khadum.apps import create_app
from khadum.crypto import keyring
from khadum.db import Database
from khadum.http import hot_routes
from khadum.whatsapp.batcher import WRITERS, InboundBatcher
from khadum.whatsapp.payloads import InboundMessage
from khadum.whatsapp.router import PATH, WebhookEndpoint
from tests.whatsapp.meta import bot_settings, inbound, signed


def _phone() -> str:
    return "+9665" + "".join(secrets.choice("0123456789") for _ in range(8))


def _delivery(phone: str | None = None, wamid: str | None = None
              ) -> tuple[bytes, dict[str, str]]:
    payload = inbound("text", phone or _phone(), text={"body": "السلام عليكم"})
    if wamid is not None:
        payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = wamid
    return signed(payload)


def _wamid(raw: bytes) -> str:
    import json

    return str(json.loads(raw)["entry"][0]["changes"][0]["value"]["messages"][0]["id"])


@asynccontextmanager
async def _deployed(url: str, *, max_size: int = 6, timeout: float = 30.0, writers: int = 1
                    ) -> AsyncIterator[tuple[httpx.AsyncClient, InboundBatcher, Database]]:
    """The webhook as deployed (no processing in the process), on a pool of its own."""
    db = Database(url, max_size=max_size, timeout=timeout)
    await db.open()
    try:
        app = create_app("whatsapp_webhook", db=db, settings=bot_settings(url))
        endpoint = hot_routes(app.router.routes)[("POST", PATH)]
        assert isinstance(endpoint, WebhookEndpoint)
        endpoint.batcher.writers = writers
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://f", timeout=60) as http:
            yield http, endpoint.batcher, db
    finally:
        await db.close()


async def _until(check: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting"
        await asyncio.sleep(0.01)


async def _batched(url: str, batcher: InboundBatcher,
                   calls: list[Callable[[], Awaitable[Any]]]) -> list[Any]:
    """Runs `calls` while the table is locked: the first statement waits on the
    lock, every other call queues behind it; then the lock goes."""
    async with await psycopg.AsyncConnection.connect(url) as lock:
        await lock.execute("lock table public.whatsapp_inbound in exclusive mode")
        first = asyncio.ensure_future(calls[0]())
        await _until(lambda: batcher.writing and batcher.queued == 0)
        await asyncio.sleep(0.1)  # the first statement is waiting on the lock
        rest = [asyncio.ensure_future(c()) for c in calls[1:]]
        await _until(lambda: batcher.queued == len(rest))
        await lock.rollback()
    return [await first, *(await asyncio.gather(*rest))]


def _stored(url: str, wamids: list[str]) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute("select count(*), count(distinct wamid) from whatsapp_inbound "
                           "where wamid = any(%s)", (wamids,)).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


async def test_concurrent_deliveries_land_once_each_with_the_deployed_writers(
    clean_db: str,
) -> None:
    async with _deployed(clean_db, writers=WRITERS) as (http, batcher, _):
        unique = [_delivery() for _ in range(60)]
        calls = [*unique, *unique[::4], *unique[::7]]  # redeliveries at the same moment
        answers = await asyncio.gather(*(http.post(PATH, content=raw, headers=h)
                                         for raw, h in calls))
        assert [a.status_code for a in answers] == [200] * len(calls)
        assert sum(a.json()["new"] for a in answers) == len(unique)
        assert batcher.stats.largest > 1 and batcher.stats.statements < len(calls)
        assert _stored(clean_db, [_wamid(r) for r, _ in unique]) == (len(unique), len(unique))


async def test_concurrent_deliveries_are_stored_once_each_in_few_statements(
    clean_db: str,
) -> None:
    async with _deployed(clean_db) as (http, batcher, _):
        unique = [_delivery() for _ in range(40)]
        # Meta redelivers some of them at the same moment (a slow ack, retried).
        calls = [*unique, *unique[::5]]
        answers = await _batched(clean_db, batcher, [
            lambda raw=raw, h=h: http.post(PATH, content=raw, headers=h) for raw, h in calls])
        assert [a.status_code for a in answers] == [200] * len(calls)
        # Each message is new for exactly one of its deliveries.
        assert sum(a.json()["new"] for a in answers) == len(unique)
        assert batcher.stats.largest >= len(calls) - 1  # all but the first in one statement
        assert batcher.stats.statements < len(calls)
        wamids = [_wamid(raw) for raw, _ in unique]
        assert _stored(clean_db, wamids) == (len(unique), len(unique))
        # Days later, one more redelivery of each: nothing new, nothing added.
        again = await asyncio.gather(*(http.post(PATH, content=raw, headers=h)
                                       for raw, h in unique[:10]))
        assert [a.json()["new"] for a in again] == [0] * 10
        assert _stored(clean_db, wamids) == (len(unique), len(unique))


async def test_duplicate_wamids_in_one_statement_are_stored_and_counted_once(
    clean_db: str,
) -> None:
    async with _deployed(clean_db) as (http, batcher, _):
        warm = _delivery()
        a, b = _delivery(), _delivery()
        calls = [warm, a, a, b, a, b, a]
        answers = await _batched(clean_db, batcher, [
            lambda raw=raw, h=h: http.post(PATH, content=raw, headers=h) for raw, h in calls])
        assert [x.status_code for x in answers] == [200] * len(calls)
        news = [x.json()["new"] for x in answers]
        assert news == [1, 1, 0, 1, 0, 0, 0]  # the first carrier of each wamid owns it
        assert batcher.stats.largest == len(calls) - 1
        assert _stored(clean_db, [_wamid(r) for r, _ in (warm, a, b)]) == (3, 3)


async def test_a_row_the_database_refuses_fails_alone_and_the_others_are_stored(
    clean_db: str, admin_database_url: str,
) -> None:
    # A hostile value PostgreSQL refuses as data, whatever the parser let through.
    marker = "wamid.HOSTILE" + secrets.token_hex(6)
    trigger = "test_refuse_" + secrets.token_hex(4)
    with psycopg.connect(admin_database_url, autocommit=True) as admin:
        admin.execute(f"""
            create function public.{trigger}() returns trigger language plpgsql as $$
            begin
              if new.wamid like '{marker}%' then
                raise exception 'refused' using errcode = '22023';
              end if;
              return new;
            end $$""")
        admin.execute(f"create trigger {trigger} before insert on public.whatsapp_inbound "
                      f"for each row execute function public.{trigger}()")
    try:
        async with _deployed(clean_db) as (http, batcher, _):
            alone_raw, alone_h = _delivery(wamid=marker + "-alone")
            alone = await http.post(PATH, content=alone_raw, headers=alone_h)
            assert alone.status_code == 422  # what it gets without batching
            warm = _delivery()
            good = [_delivery() for _ in range(8)]
            bad = _delivery(wamid=marker + "-batched")
            calls = [warm, *good[:4], bad, *good[4:], good[0]]
            answers = await _batched(clean_db, batcher, [
                lambda raw=raw, h=h: http.post(PATH, content=raw, headers=h)
                for raw, h in calls])
            statuses = [x.status_code for x in answers]
            assert statuses == [200] * 5 + [422] + [200] * 5
            assert answers[5].json() == alone.json()
            assert [x.json()["new"] for x in answers if x.status_code == 200] == \
                [1] * 9 + [0]
            assert batcher.stats.fallbacks == 1
            wamids = [_wamid(r) for r, _ in (warm, *good)]
            assert _stored(clean_db, wamids) == (9, 9)
            assert _stored(clean_db, [marker + "-alone", marker + "-batched"]) == (0, 0)
    finally:
        with psycopg.connect(admin_database_url, autocommit=True) as admin:
            admin.execute(f"drop trigger {trigger} on public.whatsapp_inbound")
            admin.execute(f"drop function public.{trigger}()")


async def test_nothing_is_lost_while_the_pool_is_briefly_exhausted(clean_db: str) -> None:
    async with _deployed(clean_db, max_size=2, timeout=20, writers=WRITERS
                         ) as (http, batcher, db):
        deliveries = [_delivery() for _ in range(30)]
        held = [db.connection() for _ in range(2)]
        for cm in held:
            await cm.__aenter__()
        posts = [asyncio.ensure_future(http.post(PATH, content=raw, headers=h))
                 for raw, h in deliveries]
        # Every delivery is sealed and queued: the writers wait for a connection.
        await _until(lambda: batcher.queued == len(deliveries))
        await asyncio.sleep(0.5)
        for cm in held:
            await cm.__aexit__(None, None, None)
        answers = await asyncio.gather(*posts)
        assert [a.status_code for a in answers] == [200] * len(deliveries)
        assert sum(a.json()["new"] for a in answers) == len(deliveries)
        wamids = [_wamid(r) for r, _ in deliveries]
        assert _stored(clean_db, wamids) == (len(wamids), len(wamids))


def _message(phone: str, wamid: str) -> InboundMessage:
    return InboundMessage(wamid=wamid, phone=phone, message_type="text",
                          payload={"type": "text", "text": {"body": "مرحبا"}},
                          profile_name=None, sent_at=None)


async def test_a_cancelled_waiter_does_not_take_a_row_another_waits_on(clean_db: str) -> None:
    db = Database(clean_db, max_size=2)
    await db.open()
    try:
        batcher = InboundBatcher(db, keyring(bot_settings(clean_db)), writers=1)
        phone, wamid = _phone(), "wamid.CANCEL" + secrets.token_hex(8)
        calls: list[Callable[[], Awaitable[Any]]] = [
            lambda: batcher.store([_message(_phone(), "wamid.W" + secrets.token_hex(8))]),
            lambda: batcher.store([_message(phone, wamid)]),  # its client goes away
            lambda: batcher.store([_message(phone, wamid)]),  # Meta's retry, waiting
        ]
        async with await psycopg.AsyncConnection.connect(clean_db) as lock:
            await lock.execute("lock table public.whatsapp_inbound in exclusive mode")
            first = asyncio.ensure_future(calls[0]())
            await _until(lambda: batcher.writing and batcher.queued == 0)
            await asyncio.sleep(0.1)
            gone, retry = asyncio.ensure_future(calls[1]()), asyncio.ensure_future(calls[2]())
            await _until(lambda: batcher.queued == 2)
            gone.cancel()
            await lock.rollback()
        assert await first
        with pytest.raises(asyncio.CancelledError):
            await gone
        # The row the cancelled one carried is committed before the retry's answer.
        assert await retry == []
        assert _stored(clean_db, [wamid]) == (1, 1)
    finally:
        await db.close()


async def test_one_statement_notifies_the_workers_once(clean_db: str) -> None:
    async with _deployed(clean_db) as (http, batcher, _), \
            await psycopg.AsyncConnection.connect(clean_db, autocommit=True) as listener:
        await listener.execute("listen khadum_work")
        deliveries = [_delivery() for _ in range(12)]
        await _batched(clean_db, batcher, [
            lambda raw=raw, h=h: http.post(PATH, content=raw, headers=h)
            for raw, h in deliveries])
        # Redelivered, all of them, in one statement: nothing new, no wake-up.
        await _batched(clean_db, batcher, [
            lambda raw=raw, h=h: http.post(PATH, content=raw, headers=h)
            for raw, h in deliveries])
        notes: list[str] = []
        gen = listener.notifies(timeout=1.0)
        async for note in gen:
            notes.append(note.payload)
        # Two statements stored rows (the first delivery alone, the other 11
        # together): a wake-up each; the redeliveries' two statements none.
        assert batcher.stats.statements == 4
        assert notes == ["inbound", "inbound"]

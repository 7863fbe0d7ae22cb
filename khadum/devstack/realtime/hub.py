"""The shared side of the stand-in: who is subscribed to which topic, the
authorisation checks (RLS on realtime.messages, via khadum.devstack.realtime_authz,
run in threads on a small synchronous pool), and delivery of the rows
realtime.send() writes, announced by NOTIFY khadum_realtime with the row id.
Like Supabase Realtime, it keeps realtime.messages' daily partitions ahead
(at start, then every hour)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from typing import Any, Protocol

import psycopg
from psycopg_pool import ConnectionPool

from khadum.devstack.platform import ensure_message_partitions
from khadum.devstack.realtime.presence import PresenceTracker
from khadum.devstack.realtime_authz import (
    Policies,
    can_send_event,
    read_policies,
    write_policies,
)

log = logging.getLogger("khadum.realtime")
CHANNEL = "khadum_realtime"
PARTITION_CHECK_SECONDS = 3600


class Subscriber(Protocol):
    private: bool

    def deliver(self, event: str, payload: Any) -> None: ...


class RealtimeHub:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.topics: dict[str, set[Subscriber]] = defaultdict(set)
        self.presence = PresenceTracker()
        self._pool: ConnectionPool | None = None
        self._listener: asyncio.Task[None] | None = None
        self._janitor: asyncio.Task[None] | None = None
        self._ready: asyncio.Event | None = None
        self._lock = asyncio.Lock()

    # -- lifecycle ---------------------------------------------------------------
    async def start(self) -> None:
        async with self._lock:
            if self._listener is not None:
                return
            self._pool = ConnectionPool(self.database_url, min_size=1, max_size=4, open=False)
            await asyncio.to_thread(self._pool.open, True)
            await asyncio.to_thread(self._ensure_partitions)
            self._ready = asyncio.Event()
            self._listener = asyncio.create_task(self._listen())
            self._janitor = asyncio.create_task(self._keep_partitions())
        await asyncio.wait_for(self._ready.wait(), timeout=10)

    def _started(self) -> ConnectionPool:
        if self._pool is None:
            raise RuntimeError("the hub is not started")
        return self._pool

    def _ensure_partitions(self) -> None:
        with self._started().connection() as conn:
            made = ensure_message_partitions(conn)
            conn.commit()
        if made:
            log.info("created %d realtime.messages partition(s)", made)

    async def _keep_partitions(self) -> None:
        while True:
            await asyncio.sleep(PARTITION_CHECK_SECONDS)
            try:
                await asyncio.to_thread(self._ensure_partitions)
            except psycopg.Error:
                log.exception("could not create realtime.messages partitions")

    async def close(self) -> None:
        if self._janitor is not None:
            self._janitor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._janitor
            self._janitor = None
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        if self._pool is not None:
            await asyncio.to_thread(self._pool.close)
            self._pool = None

    # -- subscriptions -------------------------------------------------------------
    def subscribe(self, sub_topic: str, subscriber: Subscriber) -> None:
        self.topics[sub_topic].add(subscriber)

    def unsubscribe(self, sub_topic: str, subscriber: Subscriber) -> None:
        subscribers = self.topics.get(sub_topic)
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del self.topics[sub_topic]

    def fan_out(self, sub_topic: str, event: str, payload: Any, *, private: bool,
                sender: Subscriber | None = None, include_sender: bool = False) -> int:
        delivered = 0
        for subscriber in list(self.topics.get(sub_topic, ())):
            if subscriber.private != private:
                continue
            if subscriber is sender and not include_sender:
                continue
            subscriber.deliver(event, payload)
            delivered += 1
        return delivered

    # -- authorisation (Supabase's rule: RLS on realtime.messages as the caller) ----
    async def may_read(self, claims: dict[str, Any], sub_topic: str,
                       headers: dict[str, str] | None = None) -> bool:
        policies = await asyncio.to_thread(self._check, read_policies, claims, sub_topic, headers)
        return bool(policies.broadcast_read)

    async def may_write(self, claims: dict[str, Any], sub_topic: str,
                        headers: dict[str, str] | None = None) -> bool:
        policies = await asyncio.to_thread(self._check, write_policies, claims, sub_topic, headers)
        return bool(policies.broadcast_write)

    async def presence_rights(self, claims: dict[str, Any], sub_topic: str,
                              headers: dict[str, str] | None = None) -> tuple[bool, bool]:
        """(may see presence, may track) on a topic: the `presence` extension's
        SELECT and INSERT policies on realtime.messages, as Supabase checks them."""
        read = await asyncio.to_thread(self._check, read_policies, claims, sub_topic, headers)
        write = await asyncio.to_thread(self._check, write_policies, claims, sub_topic, headers)
        return bool(read.presence_read), bool(write.presence_write)

    async def may_send_event(self, claims: dict[str, Any], sub_topic: str, event: str) -> bool:
        def check() -> bool:
            with self._started().connection() as conn:
                return can_send_event(conn, claims, sub_topic, event)

        return await asyncio.to_thread(check)

    def _check(self, check: Any, claims: dict[str, Any], sub_topic: str,
               headers: dict[str, str] | None) -> Policies:
        with self._started().connection() as conn:
            result: Policies = check(conn, claims, sub_topic, headers)
            return result

    # -- delivery of realtime.send() rows ---------------------------------------------
    async def _listen(self) -> None:
        backoff = 0.5
        while True:
            try:
                # One connection listens, another reads the announced rows (a
                # connection iterating notifies() is not free for queries).
                async with await psycopg.AsyncConnection.connect(
                    self.database_url, autocommit=True
                ) as conn, await psycopg.AsyncConnection.connect(
                    self.database_url, autocommit=True
                ) as reader:
                    await conn.execute(f"listen {CHANNEL}")
                    if self._ready is not None:
                        self._ready.set()
                    backoff = 0.5
                    async for notice in conn.notifies():
                        await self._deliver_row(reader, notice.payload)
            except asyncio.CancelledError:
                raise
            except psycopg.Error:
                log.exception("realtime listener lost its connection; reconnecting")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10)

    async def _deliver_row(self, conn: psycopg.AsyncConnection[Any], message_id: str) -> None:
        # The notification carries the row id only (NOTIFY payloads stop at 8,000 bytes).
        cur = await conn.execute(
            "select topic, event, payload, coalesce(private, false) from realtime.messages "
            "where id = %s::uuid",
            (message_id,),
        )
        row = await cur.fetchone()
        if row is None:
            return
        topic, event, payload, private = row
        self.fan_out(topic, event, payload, private=private)

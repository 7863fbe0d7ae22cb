"""Group commit of the webhook's acks (issue 9): the deliveries that arrive while
a write is in flight are stored together, in ONE autocommit INSERT.

Natural batching, no timer: a delivery is written at once when fewer than
`writers` statements are in flight; otherwise it waits in the queue and goes in
the next statement a writer sends (at most `max_rows` rows; a delivery is never
split). Each writer holds one pooled connection while the queue is not empty.
More than one writer, because one statement at a time makes every ack wait on
the database's and the server's turns on the CPU one after the other: on the
loaded 2-core machine a single writer acked at half the floor's rate with the
server process a quarter busy.

What a delivery keeps from the one-statement-per-delivery path
(`khadum.whatsapp.store.store_batch`):
- it is answered only once ITS rows are committed (the statement is in
  autocommit: committed, and its NOTIFY sent, when it returns);
- dedupe by wamid is exact: within a statement each wamid is sent once, owned by
  the first delivery that carried it (the one a serial order would have stored);
  a later delivery with the same wamid, in the same statement or a later one, is
  not new; `on conflict (wamid) do nothing` covers other processes;
- a failed statement (one delivery's value that PostgreSQL refuses, a deadlock…)
  is retried delivery by delivery, so the others are stored and the bad one gets
  its own error, as it would alone. Only a connection that is gone, or no
  connection at all (the pool exhausted past its timeout), fails the whole
  statement's deliveries (their 503);
- the rows are sealed by the delivery's own request before it queues;
- one statement fires the coalesced NOTIFY trigger once (statement-level, on
  the inserted rows: none when every row was a redelivery);
- a waiter that goes away (the client disconnected) does not take its rows out:
  another delivery of the same wamid may be waiting on them, and the write runs
  in the batcher's own task, so no request's cancellation cancels it.
Rows go in wamid order, so two processes writing overlapping redeliveries take
their index locks in the same order."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

from khadum.crypto import Keyring
from khadum.db import Database
from khadum.whatsapp.payloads import InboundMessage
from khadum.whatsapp.store import insert_rows, sealed_row

MAX_ROWS = 64
WRITERS = 8


@dataclass(eq=False)
class _Delivery:
    """One webhook call's messages, sealed, and the future its request awaits."""

    messages: Sequence[InboundMessage]
    rows: list[list[Any]]
    done: asyncio.Future[list[str]]


@dataclass
class BatchStats:
    """What the batcher did (tests, benchmarks)."""

    statements: int = 0  # batched INSERTs sent (the fallback's not counted)
    deliveries: int = 0
    rows: int = 0
    largest: int = 0  # most deliveries in one statement
    fallbacks: int = 0  # statements that failed and were retried delivery by delivery
    sizes: list[int] = field(default_factory=list)  # deliveries per statement, last 1,000


class InboundBatcher:
    """Stores webhook deliveries of messages (no statuses, no dead letters) by
    group commit. One per process (per `WebhookEndpoint`)."""

    def __init__(self, db: Database, keys: Keyring, *, max_rows: int = MAX_ROWS,
                 writers: int = WRITERS) -> None:
        self.db = db
        self.keys = keys
        self.max_rows = max_rows
        self.writers = writers
        self.stats = BatchStats()
        self._pending: deque[_Delivery] = deque()
        self._writers: set[asyncio.Task[None]] = set()

    @property
    def queued(self) -> int:
        """Deliveries waiting for the next statement."""
        return len(self._pending)

    @property
    def writing(self) -> int:
        """Statements being written (or writers waiting for a connection)."""
        return len(self._writers)

    async def store(self, messages: Sequence[InboundMessage]) -> list[str]:
        """Stores the messages (deduplicated on the wamid) once committed; returns
        the phones with new messages, as `store_batch` does."""
        if not messages:
            return []
        rows = [sealed_row(self.keys, m.wamid, m.phone, m.message_type, m.payload, m.sent_at,
                           m.profile_name) for m in messages]
        loop = asyncio.get_running_loop()
        delivery = _Delivery(messages, rows, loop.create_future())
        self._pending.append(delivery)
        self._writers = {w for w in self._writers if not w.done() and w.get_loop() is loop}
        if len(self._writers) < self.writers:
            writer = loop.create_task(self._write_all(), name="khadum-inbound-batcher")
            self._writers.add(writer)
            writer.add_done_callback(self._writers.discard)
        return await delivery.done

    # -- the writer (its own task) ---------------------------------------------------

    async def _write_all(self) -> None:
        taken: list[_Delivery] = []
        try:
            while self._pending:
                try:
                    async with self.db.connection() as conn:
                        await conn.set_autocommit(True)
                        try:
                            while self._pending:
                                taken = self._take()
                                await self._write(conn, taken)
                                taken = []
                        finally:
                            if not conn.broken:
                                with contextlib.suppress(psycopg.Error):
                                    await conn.set_autocommit(False)
                except Exception as exc:  # no connection (pool timeout), or it broke
                    # No connection within the pool's timeout: what is queued then
                    # gets the error (its 503; Meta retries), as a lone write would.
                    failed = taken or list(self._pending)
                    if not taken:
                        self._pending.clear()
                    for d in failed:
                        _fail(d, exc)
                    taken = []
        except BaseException:
            # The writer itself is cancelled (the loop is closing): nobody waits
            # forever — what it took, and the queue unless another writer is alive.
            for d in taken:
                d.done.cancel()
            me = asyncio.current_task()
            if not any(w is not me and not w.done() for w in self._writers):
                for d in self._pending:
                    d.done.cancel()
                self._pending.clear()
            raise

    def _take(self) -> list[_Delivery]:
        """The next statement's deliveries, in arrival order: at least one, then
        as many as fit in `max_rows` rows."""
        batch = [self._pending.popleft()]
        rows = len(batch[0].rows)
        while self._pending and rows + len(self._pending[0].rows) <= self.max_rows:
            rows += len(self._pending[0].rows)
            batch.append(self._pending.popleft())
        return batch

    async def _write(self, conn: psycopg.AsyncConnection[Any], batch: list[_Delivery]) -> None:
        owners: dict[str, _Delivery] = {}
        rows: list[list[Any]] = []
        for d in batch:
            for m, row in zip(d.messages, d.rows, strict=True):
                if m.wamid not in owners:
                    owners[m.wamid] = d
                    rows.append(row)
        rows.sort(key=lambda row: str(row[0]))
        try:
            cur = await conn.execute(*insert_rows(rows))
            stored = {str(r[0]) for r in await cur.fetchall()}
        except Exception as exc:
            if conn.broken or len(batch) == 1:
                for d in batch:
                    _fail(d, exc)
                if conn.broken:
                    raise
                return
            self.stats.fallbacks += 1
            await self._one_by_one(conn, batch)
            return
        self._count(batch, len(rows))
        for d in batch:
            _resolve(d, _new_phones(d, stored, owners))

    async def _one_by_one(self, conn: psycopg.AsyncConnection[Any],
                          batch: list[_Delivery]) -> None:
        """After a failed statement: each delivery alone, in arrival order (so the
        first carrier of a wamid still owns it), each with its own outcome."""
        for d in batch:
            if conn.broken:
                _fail(d, psycopg.OperationalError("the database connection was lost"))
                continue
            rows = list({str(row[0]): row for row in reversed(d.rows)}.values())
            try:
                cur = await conn.execute(*insert_rows(sorted(rows, key=lambda r: str(r[0]))))
                stored = {str(r[0]) for r in await cur.fetchall()}
            except Exception as exc:
                _fail(d, exc)
                continue
            _resolve(d, _new_phones(d, stored, None))

    def _count(self, batch: list[_Delivery], rows: int) -> None:
        s = self.stats
        s.statements += 1
        s.deliveries += len(batch)
        s.rows += rows
        s.largest = max(s.largest, len(batch))
        s.sizes.append(len(batch))
        if len(s.sizes) > 1000:
            del s.sizes[:500]


def _new_phones(d: _Delivery, stored: set[str], owners: dict[str, _Delivery] | None
                ) -> list[str]:
    """The phones of `d`'s messages stored now (by `d`, when `owners` says
    which delivery carried each wamid into the statement)."""
    return list(dict.fromkeys(m.phone for m in d.messages if m.wamid in stored
                              and (owners is None or owners[m.wamid] is d)))


def _resolve(d: _Delivery, phones: list[str]) -> None:
    if not d.done.done():  # its request may have gone (cancelled): the rows stay stored
        d.done.set_result(phones)


def _fail(d: _Delivery, exc: BaseException) -> None:
    if d.done.done():
        return
    if isinstance(exc, asyncio.CancelledError):
        d.done.cancel()
    else:
        d.done.set_exception(exc)

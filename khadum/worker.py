"""`khadum worker`: the long-running process that does what the functions queue.

The functions only store and answer; a worker runs the bot over each client
phone's inbox — inbound WhatsApp messages and the domain events that concern
the client (accepted, rejected, questions, expiry, chat nudges) — per phone, in
order, claimed with a try-lock so several workers share the load; it drains the
WhatsApp and email outboxes, sweeps failed items and runs the minute jobs where
pg_cron is absent. Every claim lives in PostgreSQL,
so more workers (processes, machines) means more throughput.

It wakes on `LISTEN khadum_work` (the database NOTIFYs at commit whenever a
message is stored, an event for a client appended, or a reply or email
queued), so a reply leaves within milliseconds at light load, and polls every
second besides (retries whose backoff ran out, a lost connection). During a
burst of acks it holds back (one phone per `burst_hold_seconds`) and stops
LISTENing — each NOTIFY would signal its backend and wake it — watching the
inbound queue's growth instead until the burst is over. On SIGTERM
it stops taking work, lets the item in hand finish, gives back what it claimed
but did not start, and exits within five seconds; the rest is left to the next worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import Any, cast

import httpx
import psycopg

from khadum.db import Database
from khadum.settings import Settings

log = logging.getLogger("khadum.worker")
CHANNEL = "khadum_work"
QUEUES = ("inbound", "whatsapp", "email", "push", "alerts")
SEND_CONNECTIONS = 16  # HTTP connections a worker keeps to the Graph API and Resend


@dataclass
class WorkerOptions:
    concurrency: int = 8  # phones processed at once in this process
    send_batches: int = 4  # claimed WhatsApp batches being sent at once
    requery_seconds: float = 0.02  # the inbound queue is listed at most this often
    # A wake-up lists only what arrived in the last `recent_seconds` (read from the
    # end of the queue's index: cheap however long the table); the whole queue is
    # listed at start, on the poll, and at most every `full_listing_seconds` besides
    # (what the recent window misses: retries due again, a late commit, a backlog).
    recent_seconds: float = 2.0
    full_listing_seconds: float = 0.5
    # Acks first: while webhooks store more than this many new messages a second
    # (a burst; counted from the NOTIFYs), the worker starts one phone at most
    # every `burst_hold_seconds` (never none: a sustained burst still moves),
    # leaving the CPU and the database to the acks, and catches up after.
    burst_per_second: float = 150.0
    burst_hold_seconds: float = 0.25
    # During a burst the worker also stops LISTENing (every NOTIFY signals each
    # listening backend and wakes its worker) and reads the queue's growth
    # instead, this often; it LISTENs again once the last second was calmer.
    burst_watch_seconds: float = 0.1
    # While LISTENing, a burst is told by the inbound NOTIFYs (one per statement
    # at most) or by the messages left waiting, whichever is more: one statement
    # of the webhook's group commit stores up to 64 messages and NOTIFYs once,
    # so at most this often, and only after an inbound NOTIFY, the worker also
    # counts the messages stored and still unprocessed since its last look.
    burst_probe_seconds: float = 0.1
    poll_seconds: float = 1.0  # fallback when no NOTIFY arrives
    sweep_seconds: float = 15.0  # retry messages that failed
    minute_jobs: bool | None = None  # None: only where pg_cron is absent
    minute_seconds: float = 60.0
    retention_seconds: float = 3600.0  # the personal-data purge, where pg_cron is absent
    grace_seconds: float = 3.5  # SIGTERM → work in hand may finish this long


@dataclass
class WorkerStats:
    processed: int = 0
    whatsapp_sent: int = 0
    emails_sent: int = 0
    pushes_sent: int = 0
    wakeups: int = 0
    deferred: int = 0  # dispatches held to one phone at a time by a burst of acks
    unlistens: int = 0  # bursts during which the worker stopped LISTENing
    bursts: int = 0  # times a burst of acks began (the hold switched on)
    bursts_by_count: int = 0  # … of which the messages counted told it, not the NOTIFYs
    burst_seconds: float = 0.0  # time spent holding back for bursts that are over
    held_starts: int = 0  # phones started one item at a time, under a burst's hold
    inbound_notifies: int = 0  # inbound NOTIFYs heard
    listings: int = 0  # listings of the phones with waiting items (the inbound loop's)
    full_listings: int = 0  # … of which listed the whole queue (the others: the recent window)
    counts: int = 0  # looks at the messages stored since the last one
    counted: int = 0  # messages those looks found waiting
    started_at: float = field(default_factory=time.monotonic)

    def summary(self) -> dict[str, Any]:
        """The counters (logged when the worker stops; benchmarks read them)."""
        return {**{k: v for k, v in asdict(self).items() if k != "started_at"},
                "burst_seconds": round(self.burst_seconds, 3),
                "run_seconds": round(time.monotonic() - self.started_at, 3)}


class Worker:
    def __init__(
        self, database_url: str, settings: Settings, *, db: Database | None = None,
        options: WorkerOptions | None = None,
    ) -> None:
        from khadum.bot.inbox import InboundProcessor

        self.url = database_url
        self.settings = settings
        self.options = options or WorkerOptions()
        self.owns_db = db is None
        self.db = db or Database(database_url, max_size=self.options.concurrency + 4)
        self.processor = InboundProcessor(self.db, settings)
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.stop = asyncio.Event()
        self.wake = {queue: asyncio.Event() for queue in QUEUES}
        self.stats = WorkerStats()
        self.listening = asyncio.Event()  # LISTENing: NOTIFYs wake the loops
        self.sends: set[asyncio.Task[Any]] = set()  # WhatsApp sends handed off
        self.notified: deque[float] = deque(maxlen=10_000)  # recent inbound NOTIFYs (when)
        self.stored: deque[float] = deque(maxlen=10_000)  # recent messages counted (when)
        self.heard_inbound = asyncio.Event()  # an inbound NOTIFY since the last count
        self.counted_since: Any = None  # received_at of the last message counted
        self.started_phone_at = 0.0  # when the inbound loop last started a phone
        self.burst_since: float | None = None  # when the burst in progress began
        # One HTTP client for every drain (building one costs a TLS context each time).
        self.http: httpx.AsyncClient | None = None

    # -- running -------------------------------------------------------------------
    async def run(self) -> None:
        """Runs until `request_stop()`; returns within the grace period after it."""
        if self.owns_db:
            await self.db.open()
        # Sends share a few kept-alive connections: httpx checks every pooled
        # connection on each request, and a connection made per send (past the
        # default 20 kept alive) costs a TCP (TLS, in production) handshake.
        self.http = httpx.AsyncClient(
            timeout=httpx.Timeout(15.0, connect=5.0, pool=None),
            limits=httpx.Limits(max_connections=SEND_CONNECTIONS,
                                max_keepalive_connections=SEND_CONNECTIONS))
        for event in self.wake.values():
            event.set()  # whatever was queued before we started
        loops = [
            asyncio.create_task(self._listen(), name="listen"),
            asyncio.create_task(self._count_stored(), name="count-stored"),
            asyncio.create_task(self._inbound_loop(), name="inbound"),
            asyncio.create_task(self._loop("whatsapp", self._drain_whatsapp), name="whatsapp"),
            asyncio.create_task(self._loop("email", self._drain_email), name="email"),
            asyncio.create_task(self._every(self.options.sweep_seconds, self._sweep), name="sweep"),
            asyncio.create_task(self._loop("alerts", self._send_alerts), name="alerts"),
        ]
        if self.settings.vapid_private_key and self.settings.vapid_public_key:
            loops.append(asyncio.create_task(self._loop("push", self._drain_push), name="push"))
        else:
            log.warning("VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY unset: no Web Push is sent")
        if await self._wants_minute_jobs():
            loops.append(asyncio.create_task(
                self._every(self.options.minute_seconds, self._minute_jobs), name="minute"))
            loops.append(asyncio.create_task(
                self._every(self.options.retention_seconds, self._retention), name="retention"))
        log.info("worker %s started", self.id)
        try:
            await self.stop.wait()
        finally:
            self.stop.set()
            for event in self.wake.values():
                event.set()
            loops[0].cancel()  # the LISTEN loop holds no work: no need to wait for it
            loops[1].cancel()  # nor does the count of stored messages
            grace_ends = time.monotonic() + self.options.grace_seconds
            _, pending = await asyncio.wait(loops, timeout=self.options.grace_seconds)
            # Sends handed off by the WhatsApp loop finish their row in hand too.
            sends = list(self.sends)
            if sends:
                _, late = await asyncio.wait(
                    sends, timeout=max(0.05, grace_ends - time.monotonic()))
                pending |= late
            for task in pending:
                task.cancel()
            await asyncio.gather(*loops, *sends, return_exceptions=True)
            await self._give_back()
            await self.http.aclose()
            if self.owns_db:
                await self.db.close()
            log.info("worker %s stopped: %s", self.id, json.dumps(self.stats.summary()))

    def request_stop(self) -> None:
        self.stop.set()

    async def _give_back(self) -> None:
        from khadum.email.providers import provider_from_settings
        from khadum.email.sender import Sender
        from khadum.whatsapp.sender import release_unsent

        try:
            await release_unsent(self.db, self.id)
            sender = Sender.from_settings(self.db, self.settings,
                                          provider_from_settings(self.settings))
            await sender.release_unsent(self.id)
        except Exception:  # their leases run out in seconds anyway
            log.exception("giving back unsent rows failed; their leases will expire")

    # -- wake-ups ------------------------------------------------------------------
    async def _listen(self) -> None:
        while not self.stop.is_set():
            try:
                async with await psycopg.AsyncConnection.connect(
                    self.url, autocommit=True
                ) as conn:
                    while not self.stop.is_set():
                        await conn.execute(f"listen {CHANNEL}")
                        self.listening.set()
                        for event in self.wake.values():
                            event.set()  # anything queued while we were not listening
                        # Closed on leaving: the generator holds the connection's lock.
                        async with contextlib.aclosing(conn.notifies()) as notes:
                            async for note in notes:
                                self.stats.wakeups += 1
                                if note.payload == "inbound":
                                    self.stats.inbound_notifies += 1
                                    self.notified.append(time.monotonic())
                                    self.heard_inbound.set()
                                woken = self.wake.get(note.payload)
                                if woken is not None:
                                    woken.set()
                                if self._bursting():
                                    break
                        if self.stop.is_set():
                            return
                        await conn.execute(f"unlisten {CHANNEL}")
                        self.listening.clear()
                        self.stats.unlistens += 1
                        for event in self.wake.values():
                            event.set()  # wake-ups left unread in the last packet
                        await self._watch_burst(conn)
            except (psycopg.OperationalError, OSError):
                self.listening.clear()
                if not self.stop.is_set():
                    log.warning("worker lost its LISTEN connection; reconnecting")
                    await asyncio.sleep(1.0)

    async def _count_stored(self) -> None:
        """While LISTENing: after an inbound NOTIFY, at most every
        `burst_probe_seconds`, adds the messages stored since the last look and
        still unprocessed (a range of the pending-messages index) to `stored`,
        beside the NOTIFYs heard. NOTIFYs alone miss a burst: one stands for a
        whole statement of the webhook's group commit, and overlapping writers
        send one between them; what piles up unprocessed shows it."""
        while not self.stop.is_set():
            await self.heard_inbound.wait()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), self.options.burst_probe_seconds)
            self.heard_inbound.clear()
            if self.stop.is_set():
                return
            if not self.listening.is_set():
                continue  # the burst's watch counts meanwhile
            try:
                await self._count_new()
            except asyncio.CancelledError:
                raise
            except Exception:  # the next NOTIFY tries again
                log.warning("worker: counting the stored messages failed", exc_info=True)

    async def _count_new(self, conn: psycopg.AsyncConnection[Any] | None = None) -> None:
        """Adds the messages stored since the last count to `stored`."""
        sql = ("select count(*), max(received_at) from public.whatsapp_inbound"
               " where processed_at is null and received_at > coalesce("
               "%s::timestamptz, now() - make_interval(secs => %s))")
        args = (self.counted_since, self.options.burst_probe_seconds)
        if conn is None:
            async with self.db.connection() as own:
                cur = await own.execute(sql, args)
                row = await cur.fetchone()
                await own.commit()
        else:
            cur = await conn.execute(sql, args)
            row = await cur.fetchone()
        self.stats.counts += 1
        if row and row[0]:
            self.stats.counted += int(row[0])
            self.counted_since = row[1]
            self.stored.extend([time.monotonic()] * int(row[0]))

    def _bursting(self) -> bool:
        """More than `burst_per_second` messages stored in the last second (by the
        NOTIFYs heard or the messages counted, whichever says more)."""
        now = time.monotonic()
        for recent in (self.stored, self.notified):
            while recent and recent[0] < now - 1.0:
                recent.popleft()
        by_notifies = len(self.notified) >= self.options.burst_per_second
        bursting = by_notifies or len(self.stored) >= self.options.burst_per_second
        if bursting and self.burst_since is None:
            self.burst_since = now
            self.stats.bursts += 1
            self.stats.bursts_by_count += not by_notifies
        elif not bursting and self.burst_since is not None:
            self.stats.burst_seconds += now - self.burst_since
            self.burst_since = None
        return bursting

    async def _watch_burst(self, conn: psycopg.AsyncConnection[Any]) -> None:
        """While not LISTENing: counts the messages stored since the last look
        (a range of the pending-messages index), every `burst_watch_seconds`,
        until the last second falls below the burst rate. New messages wake the
        inbound loop (which still starts one phone per hold); the other queues
        poll meanwhile, and this worker's own replies wake its WhatsApp drain."""
        while not self.stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), self.options.burst_watch_seconds)
            before = len(self.stored)
            await self._count_new(conn)
            if len(self.stored) != before:
                self.wake["inbound"].set()
            if not self._bursting():
                return

    async def _loop(self, queue: str, work: Callable[[], Awaitable[int]]) -> None:
        event = self.wake[queue]
        while not self.stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), self.options.poll_seconds)
            event.clear()
            if self.stop.is_set():
                return
            try:
                while await work() and not self.stop.is_set():
                    pass  # more may have arrived while we worked
            except asyncio.CancelledError:
                raise
            except Exception:  # keep the worker alive; the error is logged
                log.exception("worker: the %s queue failed; trying again shortly", queue)
                await asyncio.sleep(self.options.poll_seconds)

    async def _every(self, seconds: float, job: Callable[[], Awaitable[int]]) -> None:
        while not self.stop.is_set():
            try:
                await job()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("worker: a scheduled job failed; trying again later")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), seconds)

    # -- the work ------------------------------------------------------------------
    async def _inbound_loop(self) -> None:
        """Phones are processed as they come, up to `concurrency` at once: a phone
        whose message arrives while others are in hand starts as soon as a slot
        is free (it does not wait for the batch it missed). The list of waiting
        phones is read on a wake-up (NOTIFY or poll) and when the list in hand
        runs out, at most every `requery_seconds`; a phone in hand when its
        new message was listed is looked at again when it finishes. A wake-up
        reads only the recent window (`recent_seconds`) and adds its phones after
        those in hand; a whole listing (at start, on the poll, at most every
        `full_listing_seconds`) replaces the list."""
        from khadum.bot.inbox import PhoneBusy

        event = self.wake["inbound"]
        queue: deque[str] = deque()
        inflight: dict[asyncio.Task[int], str] = {}
        again: set[str] = set()  # listed while in hand: look again when done
        listed_at = 0.0
        full_listed_at = -float("inf")  # the first listing is a whole one
        owed = False  # a recent window was listed since the last whole listing
        stop_wait = asyncio.ensure_future(self.stop.wait())

        async def one(phone: str, limit: int | None) -> int:
            try:
                return await self.processor.process_phone(phone, wait=False, stop=self.stop,
                                                          limit=limit)
            except PhoneBusy:
                # Another worker holds it: it may finish before seeing our
                # message, so look again shortly rather than wait for a NOTIFY.
                asyncio.get_running_loop().call_later(0.05, event.set)
                return 0

        try:
            while not self.stop.is_set():
                now = time.monotonic()
                room = self._room()
                # No listing while nothing may start (a burst's hold): the acks
                # first; and none during a burst while phones listed before wait
                # (a listing reads every waiting message: the index the acks grow).
                if (event.is_set() and now - listed_at >= self.options.requery_seconds
                        and len(inflight) < room
                        and not (queue and room < self.options.concurrency)):
                    event.clear()
                    listed_at = now
                    whole = now - full_listed_at >= self.options.full_listing_seconds
                    owed = not whole
                    if whole:
                        full_listed_at = now
                    self.stats.listings += 1
                    self.stats.full_listings += whole
                    try:
                        phones = await self.processor.pending_phones(
                            which="fresh",
                            within_seconds=None if whole else self.options.recent_seconds)
                    except asyncio.CancelledError:
                        raise
                    except Exception:
                        log.exception("worker: listing the inbound queue failed")
                        phones = []
                    busy = set(inflight.values())
                    again |= busy.intersection(phones)
                    if whole:
                        queue = deque(p for p in phones if p not in busy)
                    else:  # the newest: after the phones a whole listing put in hand
                        held = busy.union(queue)
                        queue.extend(p for p in phones if p not in held)
                while queue and len(inflight) < self._room():
                    phone = queue.popleft()
                    if phone not in inflight.values():
                        # During a burst one item per hold (the phone's next items
                        # wait for a later listing); otherwise all it has.
                        limit = 1 if self._bursting() else None
                        self.stats.held_starts += limit is not None
                        inflight[asyncio.create_task(one(phone, limit))] = phone
                        self.started_phone_at = time.monotonic()
                waiters: set[asyncio.Future[Any]] = {stop_wait, *inflight}
                if not event.is_set():
                    waiters.add(asyncio.ensure_future(event.wait()))
                timeout = (self.options.requery_seconds if event.is_set()
                           else self.options.poll_seconds)
                if owed and not event.is_set():  # the whole listing follows within its period
                    timeout = min(timeout, max(0.0, full_listed_at
                                               + self.options.full_listing_seconds
                                               - time.monotonic()))
                if event.is_set() and self._bursting():  # nothing starts before the hold ends
                    timeout = max(timeout, self.options.burst_hold_seconds
                                  - (time.monotonic() - self.started_phone_at))
                finished, _ = await asyncio.wait(
                    waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
                for waiter in waiters - set(inflight) - {stop_wait}:
                    waiter.cancel()
                if not finished:
                    # The poll (retries whose backoff ran out, lost NOTIFYs), or the whole
                    # listing owed since a recent window was listed.
                    event.set()
                for done in finished & set(inflight):
                    task = cast("asyncio.Task[int]", done)
                    phone = inflight.pop(task)
                    if not task.cancelled() and task.exception() is None:
                        self.stats.processed += task.result()
                        if task.result() and not self.listening.is_set():
                            self.wake["whatsapp"].set()  # its replies: no NOTIFY heard
                    elif not task.cancelled():
                        log.error("worker: processing %s failed", phone,
                                  exc_info=task.exception())
                    if phone in again:
                        again.discard(phone)
                        queue.appendleft(phone)
                    elif not queue:
                        event.set()  # the list in hand ran out: more may wait
        finally:
            stop_wait.cancel()
            if inflight:  # the item in hand finishes (process_phone checks `stop`)
                try:
                    await asyncio.wait(set(inflight))
                finally:  # cancelled: the grace period is over
                    for task in inflight:
                        task.cancel()

    def _room(self) -> int:
        """Phones to process at once: `concurrency`; during a burst of acks one (and
        one item of it), and none until `burst_hold_seconds` have passed since the
        last one started."""
        if self._bursting():
            self.stats.deferred += 1
            held = time.monotonic() - self.started_phone_at
            return 1 if held >= self.options.burst_hold_seconds else 0
        return self.options.concurrency

    async def _process_inbound(self, *, which: str = "fresh") -> int:
        from khadum.bot.inbox import PhoneBusy

        older = 10.0 if which == "retries" else 0.0
        phones = await self.processor.pending_phones(which=which, older_than_seconds=older)
        if not phones:
            return 0
        gate = asyncio.Semaphore(self.options.concurrency)

        async def one(phone: str) -> int:
            async with gate:
                if self.stop.is_set():
                    return 0
                try:
                    return await self.processor.process_phone(phone, wait=False, stop=self.stop)
                except PhoneBusy:
                    return 0

        done = sum(await asyncio.gather(*(one(p) for p in phones)))
        self.stats.processed += done
        return done

    async def _sweep(self) -> int:
        return await self._process_inbound(which="retries")

    async def _drain_whatsapp(self) -> int:
        """Claims what is due and hands it to a send task without waiting for it:
        a reply queued meanwhile is claimed at once, not after the batch in
        flight (each phone's order is claim_due_whatsapp's: a phone's next row
        is not due while an earlier one is being sent). A finished send wakes
        the loop for the phone's next rows."""
        from khadum.whatsapp.sender import claim_whatsapp, send_claimed

        while len(self.sends) >= self.options.send_batches:
            await asyncio.wait(self.sends, return_when=asyncio.FIRST_COMPLETED)
        rows = await claim_whatsapp(self.db, owner=self.id)
        if not rows:
            return 0
        task = asyncio.create_task(
            send_claimed(self.db, self.settings, rows, owner=self.id, client=self.http))
        self.sends.add(task)
        task.add_done_callback(self._sent)
        return len(rows)

    def _sent(self, task: asyncio.Task[Any]) -> None:
        self.sends.discard(task)
        self.wake["whatsapp"].set()
        if task.cancelled():
            return
        if task.exception() is not None:
            log.error("worker: a WhatsApp send batch failed", exc_info=task.exception())
            return
        self.stats.whatsapp_sent += task.result().sent

    async def _drain_email(self) -> int:
        from khadum.email.providers import provider_from_settings
        from khadum.email.sender import Sender

        sender = Sender.from_settings(self.db, self.settings,
                                      provider_from_settings(self.settings), owner=self.id)
        report = await sender.drain_once()
        self.stats.emails_sent += report.sent
        return report.sent + report.failed

    async def _drain_push(self) -> int:
        from khadum.push.sender import drain_push

        report = await drain_push(self.db, self.settings, owner=self.id, client=self.http)
        self.stats.pushes_sent += report.sent
        return report.handled

    async def _send_alerts(self) -> int:
        from khadum.push.alerts import send_alerts

        return await send_alerts(self.db, self.settings)

    async def _wants_minute_jobs(self) -> bool:
        if self.options.minute_jobs is not None:
            return self.options.minute_jobs
        async with self.db.connection() as conn:
            cur = await conn.execute("select 1 from pg_extension where extname = 'pg_cron'")
            return await cur.fetchone() is None

    async def _minute_jobs(self) -> int:
        async with self.db.connection() as conn:
            cur = await conn.execute(
                "select public.expire_requests(), public.chat_housekeeping()")
            row = await cur.fetchone()
        expired, nudges = (int(row[0]), int(row[1])) if row else (0, 0)
        from khadum.push.alerts import queue_alerts

        alerts = await queue_alerts(self.db, self.settings)
        if expired or nudges or alerts:
            log.info("expired %d request(s); queued %d chat nudge(s), %d request alert(s)",
                     expired, nudges, alerts)
        return expired + nudges + alerts

    async def _retention(self) -> int:
        async with self.db.connection() as conn:
            cur = await conn.execute("select public.purge_personal_data()")
            row = await cur.fetchone()
        report: dict[str, int] = row[0] if row else {}
        if any(report.values()):
            log.info("retention: %s", report)
        return sum(report.values())


def run_worker(database_url: str, settings: Settings, options: WorkerOptions | None = None
               ) -> None:
    """The `khadum worker` process: runs until SIGTERM or Ctrl-C."""
    import signal

    # One line per Graph API / Resend call is the httpx client's INFO log: at
    # hundreds of sends a second that is CPU taken from the work (failures are
    # logged by the senders themselves).
    logging.getLogger("httpx").setLevel(logging.WARNING)

    async def main() -> None:
        worker = Worker(database_url, settings, options=options)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, worker.request_stop)
        await worker.run()

    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(main())


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where it is installed (it comes with uvicorn[standard], as in the
    functions): its C event loop spends far less CPU per socket call than
    asyncio's, and a worker's time is mostly socket calls."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - e.g. Windows
        return None
    return uvloop.new_event_loop

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
second besides (retries whose backoff ran out, a lost connection). On SIGTERM
it stops taking work, lets the item in hand finish, gives back what it claimed
but did not start, and exits within five seconds; the rest is left to the next worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
import psycopg

from khadum.db import Database
from khadum.settings import Settings

log = logging.getLogger("khadum.worker")
CHANNEL = "khadum_work"
QUEUES = ("inbound", "whatsapp", "email")


@dataclass
class WorkerOptions:
    concurrency: int = 8  # phones processed at once in this process
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
    wakeups: int = 0
    started_at: float = field(default_factory=time.monotonic)


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
        self.listening = asyncio.Event()
        # One HTTP client for every drain (building one costs a TLS context each time).
        self.http: httpx.AsyncClient | None = None

    # -- running -------------------------------------------------------------------
    async def run(self) -> None:
        """Runs until `request_stop()`; returns within the grace period after it."""
        if self.owns_db:
            await self.db.open()
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(15.0, connect=5.0))
        for event in self.wake.values():
            event.set()  # whatever was queued before we started
        loops = [
            asyncio.create_task(self._listen(), name="listen"),
            asyncio.create_task(self._loop("inbound", self._process_inbound), name="inbound"),
            asyncio.create_task(self._loop("whatsapp", self._drain_whatsapp), name="whatsapp"),
            asyncio.create_task(self._loop("email", self._drain_email), name="email"),
            asyncio.create_task(self._every(self.options.sweep_seconds, self._sweep), name="sweep"),
        ]
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
            _, pending = await asyncio.wait(loops, timeout=self.options.grace_seconds)
            for task in pending:
                task.cancel()
            await asyncio.gather(*loops, return_exceptions=True)
            await self._give_back()
            await self.http.aclose()
            if self.owns_db:
                await self.db.close()
            log.info("worker %s stopped", self.id)

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
                    await conn.execute(f"listen {CHANNEL}")
                    self.listening.set()
                    for event in self.wake.values():
                        event.set()  # anything queued while we were not listening
                    async for note in conn.notifies():
                        self.stats.wakeups += 1
                        woken = self.wake.get(note.payload)
                        if woken is not None:
                            woken.set()
            except (psycopg.OperationalError, OSError):
                self.listening.clear()
                if not self.stop.is_set():
                    log.warning("worker lost its LISTEN connection; reconnecting")
                    await asyncio.sleep(1.0)

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
    async def _process_inbound(self, *, which: str = "fresh") -> int:
        from khadum.bot.inbox import PhoneBusy

        older = 10.0 if which == "retries" else 0.0
        phones = await self.processor.pending_phones(which=which, older_than_seconds=older)
        if not phones:
            return 0
        gate = asyncio.Semaphore(self.options.concurrency)
        busy = False

        async def one(phone: str) -> int:
            nonlocal busy
            async with gate:
                if self.stop.is_set():
                    return 0
                try:
                    return await self.processor.process_phone(phone, wait=False, stop=self.stop)
                except PhoneBusy:
                    busy = True
                    return 0

        done = sum(await asyncio.gather(*(one(p) for p in phones)))
        self.stats.processed += done
        if busy and which == "fresh":
            # Another worker holds a phone: it may finish before seeing our message,
            # so look again shortly rather than wait for the next NOTIFY.
            asyncio.get_running_loop().call_later(0.05, self.wake["inbound"].set)
        return done

    async def _sweep(self) -> int:
        return await self._process_inbound(which="retries")

    async def _drain_whatsapp(self) -> int:
        from khadum.whatsapp.sender import drain_whatsapp

        report = await drain_whatsapp(self.db, self.settings, owner=self.id, client=self.http)
        self.stats.whatsapp_sent += report.sent
        return report.handled

    async def _drain_email(self) -> int:
        from khadum.email.providers import provider_from_settings
        from khadum.email.sender import Sender

        sender = Sender.from_settings(self.db, self.settings,
                                      provider_from_settings(self.settings), owner=self.id)
        report = await sender.drain_once()
        self.stats.emails_sent += report.sent
        return report.sent + report.failed

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
        if expired or nudges:
            log.info("expired %d request(s); queued %d chat nudge(s)", expired, nudges)
        return expired + nudges

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

    async def main() -> None:
        worker = Worker(database_url, settings, options=options)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, worker.request_stop)
        await worker.run()

    asyncio.run(main())

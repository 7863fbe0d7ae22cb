"""Processing stored inbound messages: per client phone, oldest first, under a
transaction-scoped advisory lock, and marked processed in the same transaction
as the conversation's state and queued replies (so a crash loses nothing and
nothing happens twice). The sweeper finishes whatever a crash left behind."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from psycopg.rows import dict_row

from khadum.analysis import Analyser, get_analyser
from khadum.bot import engine
from khadum.bot.conversation import load_turn, save_turn
from khadum.db import Database
from khadum.settings import Settings

log = logging.getLogger("khadum.whatsapp")
MAX_ATTEMPTS = 5
LOCK_NAMESPACE = 7_311  # advisory-lock key space of "a client phone's conversation"
NOTHING, LAST, MORE = 0, 1, 2  # what _process_next did: nothing to do, the last one, more wait


async def lock_phone(conn: Any, phone: str) -> None:
    await conn.execute("select pg_advisory_xact_lock(%s, hashtext(%s))", (LOCK_NAMESPACE, phone))


async def try_lock_phone(conn: Any, phone: str) -> bool:
    cur = await conn.execute(
        "select pg_try_advisory_xact_lock(%s, hashtext(%s))", (LOCK_NAMESPACE, phone)
    )
    row = await cur.fetchone()
    return bool(row and row[0])


class PhoneBusy(Exception):
    """Another worker is processing this phone's messages right now."""


@dataclass
class InboundProcessor:
    db: Database
    settings: Settings
    analyser: Analyser | None = None
    rate_limit: int = engine.RATE_LIMIT_PER_MINUTE

    def __post_init__(self) -> None:
        if self.analyser is None:
            self.analyser = get_analyser(self.settings)

    async def process_phone(
        self, phone: str, *, wait: bool = True, stop: asyncio.Event | None = None
    ) -> int:
        """Processes the phone's unprocessed messages in order; returns how many.

        `wait=False` (workers): a phone another worker holds is skipped at once
        (`PhoneBusy`); `stop` set: returns after the message in hand."""
        done = 0
        while stop is None or not stop.is_set():
            async with self.db.connection() as conn:
                try:
                    async with conn.transaction():
                        outcome = await self._process_next(conn, phone, wait=wait)
                    if outcome == NOTHING:
                        return done
                    done += 1
                    if outcome == LAST:
                        # Saves a transaction per message; one stored meanwhile gets
                        # its own wake-up (NOTIFY, or the inline call after its ack).
                        return done
                except PhoneBusy:
                    if done == 0:
                        raise
                    return done
                except Exception as exc:  # recorded on the row; the sweeper retries it
                    log.exception("processing a WhatsApp message from %s failed", phone)
                    await self._record_failure(conn, phone, exc)
                    return done
        return done

    async def _process_next(self, conn: Any, phone: str, *, wait: bool = True) -> int:
        if wait:
            await lock_phone(conn, phone)
        elif not await try_lock_phone(conn, phone):
            raise PhoneBusy(phone)
        async with conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                """
                select id, message_type, payload, profile_name from public.whatsapp_inbound
                where client_phone = %s and processed_at is null and attempts < %s
                order by coalesce(sent_at, received_at), received_at, id limit 2
                """,
                (phone, MAX_ATTEMPTS),
            )
            rows = await cur.fetchall()
        if not rows:
            return NOTHING
        row = rows[0]
        if self.analyser is None:
            raise RuntimeError("the processor has no analyser")
        turn = await load_turn(conn, phone, self.analyser, self.settings)
        incoming = engine.incoming_from(row["message_type"], row["payload"], row["profile_name"])
        await engine.handle(turn, incoming, rate_limit=self.rate_limit)
        await save_turn(turn)
        await conn.execute(
            "update public.whatsapp_inbound set processed_at = now(), attempts = attempts + 1, "
            "last_error = null where id = %s",
            (row["id"],),
        )
        return MORE if len(rows) > 1 else LAST

    async def _record_failure(self, conn: Any, phone: str, exc: Exception) -> None:
        # The oldest unprocessed row is the one that failed (order is kept per phone).
        # After MAX_ATTEMPTS it is left unprocessed with its error (a dead letter for
        # review: processed_at stays null, since its side effects never happened) and
        # the phone's later messages go on.
        async with conn.transaction():
            await conn.execute(
                """
                update public.whatsapp_inbound set attempts = attempts + 1, last_error = %s
                where id = (select id from public.whatsapp_inbound
                            where client_phone = %s and processed_at is null and attempts < %s
                            order by coalesce(sent_at, received_at), received_at, id limit 1)
                """,
                (f"{type(exc).__name__}: {exc}"[:1000], phone, MAX_ATTEMPTS),
            )

    async def pending_phones(
        self, *, older_than_seconds: float = 0.0, which: str = "all", limit: int = 500
    ) -> list[str]:
        """Phones with unprocessed messages, the longest-waiting first: `all`,
        `fresh` (none of them failed yet: the workers' hot path) or `retries`
        (one failed before: the sweeper's)."""
        having = {"all": "true", "fresh": "min(attempts) = 0", "retries": "min(attempts) > 0"}
        async with self.db.connection() as conn:
            cur = await conn.execute(
                "select client_phone from public.whatsapp_inbound "
                "where processed_at is null and attempts < %s "
                "and received_at < now() - make_interval(secs => %s) "
                f"group by client_phone having {having[which]} "
                "order by min(received_at) limit %s",
                (MAX_ATTEMPTS, older_than_seconds, limit),
            )
            return [r[0] for r in await cur.fetchall()]

    async def sweep(self, *, older_than_seconds: float = 10.0, wait: bool = True) -> int:
        """Finishes messages a crash (or a failure) left unprocessed; with
        `wait=False` phones another worker is processing are left to it."""
        total = 0
        for phone in await self.pending_phones(older_than_seconds=older_than_seconds):
            try:
                total += await self.process_phone(phone, wait=wait)
            except PhoneBusy:
                continue
        return total

"""The bot's two inboxes for a client phone: the messages the client sent and
the domain events that concern the client (a freelancer answered, a request
expired, a chat waits). Per phone, oldest first, under a transaction-scoped
advisory lock; each item is marked done in the same transaction as the
conversation's state and the replies it queued, so a crash loses nothing and
nothing happens twice. The sweeper finishes whatever a crash left behind.

The order and the marks are SQL's (`client_inbox`, `client_inbox_phones`,
`settle_client_inbox_item`); this module turns an item into the conversation's
next state and finished outbox rows.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from psycopg.rows import dict_row

from khadum.analysis import Analyser, get_analyser
from khadum.bot import engine, followups
from khadum.bot.conversation import load_turn, queue_bodies, save_state, save_turn
from khadum.crypto import Keyring
from khadum.db import Database
from khadum.requests import sealed
from khadum.settings import Settings

log = logging.getLogger("khadum.bot.inbox")
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
    """Another worker is processing this phone's inbox right now."""


@dataclass
class InboundProcessor:
    db: Database
    settings: Settings
    analyser: Analyser | None = None
    rate_limit: int = engine.RATE_LIMIT_PER_MINUTE

    def __post_init__(self) -> None:
        if self.analyser is None:
            self.analyser = get_analyser(self.settings)

    @property
    def keys(self) -> Keyring:
        return sealed.keys(self.settings)

    async def process_phone(
        self, phone: str, *, wait: bool = True, stop: asyncio.Event | None = None
    ) -> int:
        """Processes the phone's waiting messages and events in order; returns how many.

        `wait=False` (workers): a phone another worker holds is skipped at once
        (`PhoneBusy`); `stop` set: returns after the item in hand."""
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
                        # Saves a transaction per item; one stored meanwhile gets
                        # its own wake-up (NOTIFY, or the inline call after its ack).
                        return done
                except PhoneBusy:
                    if done == 0:
                        raise
                    return done
                except Exception as exc:  # recorded on the item; the sweeper retries it
                    log.exception("processing the inbox of %s failed", phone)
                    await self._record_failure(conn, phone, exc)
                    return done
        return done

    async def _process_next(self, conn: Any, phone: str, *, wait: bool = True) -> int:
        if wait:
            await lock_phone(conn, phone)
        elif not await try_lock_phone(conn, phone):
            raise PhoneBusy(phone)
        async with conn.cursor(row_factory=dict_row) as cur:
            await cur.execute("select * from public.client_inbox(%s, 2, %s)",
                              (phone, sealed.phone_index(self.keys, phone)))
            items = await cur.fetchall()
            if not items:
                return NOTHING
            item = items[0]
            if item["source"] == "message":
                await cur.execute(
                    "select message_type, payload, profile_name from public.whatsapp_inbound "
                    "where id = %s",
                    (item["item_id"],),
                )
                message = await cur.fetchone()
        if item["source"] == "message" and message is not None:
            await self._reply(conn, phone, message)
        elif item["source"] != "message":
            await self._notify(conn, phone, item)
        await conn.execute(
            "select public.settle_client_inbox_item(%s, %s)", (item["source"], item["item_id"])
        )
        return MORE if len(items) > 1 else LAST

    async def _reply(self, conn: Any, phone: str, row: dict[str, Any]) -> None:
        if self.analyser is None:  # set in __post_init__
            raise RuntimeError("no analyser")
        turn = await load_turn(conn, phone, self.analyser, self.settings)
        incoming = engine.incoming_from(row["message_type"], row["payload"], row["profile_name"])
        await engine.handle(turn, incoming, rate_limit=self.rate_limit)
        await save_turn(turn)

    async def _notify(self, conn: Any, phone: str, item: dict[str, Any]) -> None:
        if self.analyser is None:  # set in __post_init__
            raise RuntimeError("no analyser")
        turn = await load_turn(conn, phone, self.analyser, self.settings)
        if turn.is_new:
            turn.language = await _request_language(conn, item["request_id"]) or turn.language
        notice = followups.Notice(
            kind=item["kind"],
            request_id=str(item["request_id"]) if item["request_id"] else None,
            chat_id=str(item["chat_id"]) if item["chat_id"] else None,
            message=item["message"],
        )
        template = await followups.render(turn, notice)
        await queue_bodies(
            conn, phone, turn.out, locale=turn.language, request_id=notice.request_id,
            template=template,
        )
        await save_state(turn, inbound=False)

    async def _record_failure(self, conn: Any, phone: str, exc: Exception) -> None:
        # The oldest waiting item is the one that failed (order is kept per phone).
        # After retry_attempt_limit() failures it is left for review (a dead
        # letter: not marked done, since its side effects never happened) and the
        # phone's later items go on.
        async with conn.transaction():
            await conn.execute(
                "select public.settle_client_inbox_item(i.source, i.item_id, %s) "
                "from public.client_inbox(%s, 1, %s) i",
                (f"{type(exc).__name__}: {exc}"[:1000], phone,
                 sealed.phone_index(self.keys, phone)),
            )

    async def pending_phones(
        self, *, older_than_seconds: float = 0.0, which: str = "all", limit: int = 500
    ) -> list[str]:
        """Phones with waiting items, the longest-waiting first: `all`, `fresh`
        (none of them failed yet: the workers' hot path) or `retries` (one failed
        before: the sweeper's)."""
        retries = {"all": None, "fresh": False, "retries": True}[which]
        async with self.db.connection() as conn:
            cur = await conn.execute(
                "select p from public.client_inbox_phones(%s, make_interval(secs => %s), %s) p",
                (retries, older_than_seconds, limit),
            )
            # Events name their client by a sealed copy of the number.
            return list(dict.fromkeys(
                sealed.open_phone(self.keys, p) if sealed.is_sealed(p) else p
                for (p,) in await cur.fetchall()))

    async def sweep(self, *, older_than_seconds: float = 10.0, wait: bool = True) -> int:
        """Finishes items a crash (or a failure) left waiting; with `wait=False`
        phones another worker is processing are left to it."""
        total = 0
        for phone in await self.pending_phones(older_than_seconds=older_than_seconds):
            try:
                total += await self.process_phone(phone, wait=wait)
            except PhoneBusy:
                continue
        return total


async def _request_language(conn: Any, request_id: Any) -> str | None:
    if request_id is None:
        return None
    cur = await conn.execute(
        "select client_language from public.client_requests where id = %s", (request_id,)
    )
    row = await cur.fetchone()
    return str(row[0]) if row and row[0] else None

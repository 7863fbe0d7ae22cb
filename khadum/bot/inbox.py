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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any

from psycopg.rows import dict_row

from khadum.analysis import Analyser, get_analyser
from khadum.bot import engine, followups
from khadum.bot.conversation import Turn, queue_bodies, save_state, save_turn, turn_from
from khadum.crypto import Keyring
from khadum.db import Database
from khadum.requests import sealed
from khadum.settings import Settings
from khadum.whatsapp.store import open_message

log = logging.getLogger("khadum.bot.inbox")
NOTHING, LAST, MORE = 0, 1, 2  # what _process_next did: nothing to do, the last one, more wait


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

    @cached_property
    def keys(self) -> Keyring:
        """Read once: locally the keys come from files (khadum/devstack/keys.py)."""
        return sealed.keys(self.settings)

    async def process_phone(
        self, phone: str, *, wait: bool = True, stop: asyncio.Event | None = None,
        limit: int | None = None,
    ) -> int:
        """Processes the phone's waiting messages and events in order; returns how many.

        `wait=False` (workers): a phone another worker holds is skipped at once
        (`PhoneBusy`); `stop` set: returns after the item in hand; `limit`: at
        most that many items (the rest stay waiting, in order)."""
        done = 0
        while (stop is None or not stop.is_set()) and (limit is None or done < limit):
            async with self.db.connection() as conn:
                try:
                    outcome = await self._process_next(conn, phone, wait=wait)
                    if outcome == NOTHING:
                        return done
                    done += 1
                    if outcome == LAST:
                        # Saves a transaction per item; one stored meanwhile gets
                        # its own wake-up (NOTIFY, or the inline call after its ack).
                        return done
                except PhoneBusy:
                    await conn.rollback()
                    if done == 0:
                        raise
                    return done
                except Exception as exc:  # recorded on the item; the sweeper retries it
                    await conn.rollback()
                    log.exception("processing the inbox of %s failed", phone)
                    await self._record_failure(conn, phone, exc)
                    return done
        return done

    async def _process_next(self, conn: Any, phone: str, *, wait: bool = True) -> int:
        """One item in one transaction of two round trips: `bot_turn_open` (the
        lock, the item, its message, the conversation, the rate window; sent with
        BEGIN), then the turn's writes sent with COMMIT. Committed on return;
        the caller rolls back when it raises."""
        index = sealed.phone_index(self.keys, phone)
        async with conn.pipeline(), conn.cursor(row_factory=dict_row) as cur:
            await cur.execute("select * from public.bot_turn_open(%s, %s, %s)",
                              (phone, wait, index))
            opened = await cur.fetchone()
        if opened is None or not opened["locked"]:
            raise PhoneBusy(phone)
        if opened["item_source"] is None:
            await conn.rollback()  # nothing waits: only the lock to let go
            return NOTHING
        turn = turn_from(conn, phone, opened, self.analyser_or_fail(), self.settings,
                         phone_index=index, keys=self.keys)
        finish: Callable[[], Awaitable[None]] | None = None
        if opened["item_source"] != "message":
            finish = await self._notify(turn, opened)
        elif opened["msg_type"] is not None:
            # The one read path of a stored message: opened here, in the turn.
            payload, profile_name = open_message(
                self.keys, opened["msg_payload"], opened["msg_profile_name"])
            incoming = engine.incoming_from(opened["msg_type"], payload, profile_name)
            await engine.handle(turn, incoming, rate_limit=self.rate_limit)
            finish = partial(save_turn, turn)
        async with conn.pipeline():
            if finish is not None:
                await finish()
            await conn.execute(
                "select public.settle_client_inbox_item(%s, %s)",
                (opened["item_source"], opened["item_id"]),
            )
            await conn.commit()
        return MORE if opened["more_waiting"] else LAST

    def analyser_or_fail(self) -> Analyser:
        if self.analyser is None:  # set in __post_init__
            raise RuntimeError("no analyser")
        return self.analyser

    async def _notify(self, turn: Turn, opened: dict[str, Any]) -> Callable[[], Awaitable[None]]:
        """Renders the notice; returns the writes that queue it (sent with the COMMIT)."""
        if turn.is_new:
            turn.language = (
                await _request_language(turn.conn, opened["item_request_id"]) or turn.language)
        notice = followups.Notice(
            kind=opened["item_kind"],
            request_id=str(opened["item_request_id"]) if opened["item_request_id"] else None,
            chat_id=str(opened["item_chat_id"]) if opened["item_chat_id"] else None,
            message=opened["item_message"],
        )
        template = await followups.render(turn, notice)

        async def write() -> None:
            await queue_bodies(
                turn.conn, turn.phone, turn.out, keys=turn.keys, locale=turn.language,
                request_id=notice.request_id, template=template, phone_index=turn.phone_index,
            )
            await save_state(turn, inbound=False)

        return write

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
        self, *, older_than_seconds: float = 0.0, which: str = "all", limit: int = 500,
        within_seconds: float | None = None,
    ) -> list[str]:
        """Phones with waiting items, the longest-waiting first: `all`, `fresh`
        (none of them failed yet: the workers' hot path) or `retries` (one failed
        before: the sweeper's); `within_seconds`: only items that arrived that
        recently (a woken worker's quick look, read from the queue index's end)."""
        retries = {"all": None, "fresh": False, "retries": True}[which]
        async with self.db.connection() as conn:
            cur = await conn.execute(
                "select p from public.client_inbox_phones("
                "%s, make_interval(secs => %s), %s, make_interval(secs => %s)) p",
                (retries, older_than_seconds, limit, within_seconds),
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

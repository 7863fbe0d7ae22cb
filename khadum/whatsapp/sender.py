"""Draining the WhatsApp outbox to the Graph API.

Catalogue rows (message_key) are first rendered under the client's conversation
lock (follow-ups move the conversation on); then due rows are claimed (skip
locked, a lease in next_attempt_at) and sent per phone in order. Transient
errors back off and retry; permanent ones fail; 131047 turns a catalogue
message into its approved template.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import httpx
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from khadum.analysis.local import LocalAnalyser
from khadum.bot import followups
from khadum.bot.conversation import load_turn, queue_bodies, save_state
from khadum.db import Database
from khadum.settings import Settings
from khadum.whatsapp.errors import GraphError, GraphOutcomeUnknown, ReengagementRequired
from khadum.whatsapp.graph import GraphClient
from khadum.whatsapp.processor import lock_phone

log = logging.getLogger("khadum.whatsapp.sender")
MAX_ATTEMPTS = 6
# A claim is a short lease, renewed while the sender works: a sender that dies
# holds its rows for seconds, not minutes.
LEASE_SECONDS = 15.0
# A row whose lease ran out after its Graph API call began has an unknown
# outcome: Meta has no idempotency key, so it waits this long (from the call)
# for a status callback naming it (biz_opaque_callback_data) before being sent again.
RECONCILE_SECONDS = 10.0
OPAQUE_PREFIX = "khadum:outbox:"


@dataclass
class DrainReport:
    rendered: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def backoff_seconds(attempt: int) -> int:
    return int(min(300, 2**attempt))


async def render_pending(db: Database, settings: Settings, report: DrainReport) -> None:
    async with db.connection() as conn:
        cur = await conn.execute(
            "select id from public.whatsapp_outbox where status = 'queued' and body is null "
            "and message_key is not null and next_attempt_at <= now() order by seq limit 100"
        )
        ids = [r[0] for r in await cur.fetchall()]
    for row_id in ids:
        async with db.connection() as conn:
            try:
                async with conn.transaction():
                    await _render_one(conn, row_id, settings)
                report.rendered += 1
            except Exception as exc:  # a row that cannot be rendered must not block the rest
                log.exception("rendering outbox row %s failed", row_id)
                await conn.execute(
                    "update public.whatsapp_outbox set status = 'failed', failed_at = now(), "
                    "last_error = %s where id = %s",
                    (f"render: {exc}"[:1000], row_id),
                )
                report.failed += 1


async def _render_one(conn: Any, row_id: Any, settings: Settings) -> None:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute("select to_phone from public.whatsapp_outbox where id = %s", (row_id,))
        head = await cur.fetchone()
        if head is None:
            return
        await lock_phone(conn, head["to_phone"])
        await cur.execute(
            "select * from public.whatsapp_outbox where id = %s and body is null "
            "and status = 'queued' for update skip locked",
            (row_id,),
        )
        row = await cur.fetchone()
        if row is None:
            return
        await cur.execute("select public.whatsapp_window_open(%s) as open", (row["to_phone"],))
        window = await cur.fetchone()
    params = dict(row["params"] or {})
    window_open = bool(window and window["open"]) and not params.get("_template")
    turn = await load_turn(conn, row["to_phone"], LocalAnalyser(), settings)
    if turn.is_new:
        turn.language = row["locale"]
    await followups.render(turn, row["message_key"], params, window_open=window_open)
    await conn.execute(
        "update public.whatsapp_outbox set body = %s where id = %s", (Jsonb(turn.out[0]), row_id)
    )
    await queue_bodies(
        conn, row["to_phone"], turn.out[1:], locale=turn.language, request_id=row["request_id"]
    )
    await save_state(turn, inbound=False)


async def _claim(db: Database, limit: int, owner: str) -> list[dict[str, Any]]:
    async with (
        db.connection() as conn,
        conn.transaction(),
        conn.cursor(row_factory=dict_row) as cur,
    ):
        # Leases that ran out (a sender died) go back to the queue, except a row
        # whose call had begun: it waits for a status callback to settle it first.
        await cur.execute(
            "update public.whatsapp_outbox set status = 'queued', claimed_by = null, "
            "send_attempted_at = null "
            "where status = 'sending' and next_attempt_at < now() and (send_attempted_at is null "
            "or send_attempted_at < now() - make_interval(secs => %s))",
            (RECONCILE_SECONDS,),
        )
        await cur.execute(
            """
            with due as (
              select o.id from public.whatsapp_outbox o
              where o.status = 'queued' and o.body is not null and o.next_attempt_at <= now()
                and not exists (
                  select 1 from public.whatsapp_outbox e
                  where e.to_phone = o.to_phone and e.seq < o.seq
                    and (e.status = 'sending' or (e.status = 'queued'
                         and (e.next_attempt_at > now() or e.body is null))))
              order by o.seq limit %s for update skip locked)
            update public.whatsapp_outbox o
               set status = 'sending', claimed_by = %s,
                   next_attempt_at = now() + make_interval(secs => %s)
              from due where o.id = due.id
            returning o.id, o.to_phone, o.body, o.message_key, o.params, o.attempts, o.seq
            """,
            (limit, owner, LEASE_SECONDS),
        )
        return sorted(await cur.fetchall(), key=lambda r: r["seq"])


async def renew_leases(db: Database, owner: str) -> int:
    """Extends the leases of every row this sender holds (called while it works)."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "update public.whatsapp_outbox set next_attempt_at = now() + make_interval(secs => %s) "
            "where claimed_by = %s and status = 'sending'",
            (LEASE_SECONDS, owner),
        )
        return cur.rowcount


async def release_unsent(db: Database, owner: str) -> int:
    """Gives back rows claimed but not yet handed to the Graph API (a stopping
    sender): the next sender takes them at once."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "update public.whatsapp_outbox set status = 'queued', claimed_by = null, "
            "next_attempt_at = now() "
            "where claimed_by = %s and status = 'sending' and send_attempted_at is null",
            (owner,),
        )
        return cur.rowcount


async def _keep_leases(db: Database, owner: str) -> None:
    while True:
        await asyncio.sleep(LEASE_SECONDS / 3)
        try:
            await renew_leases(db, owner)
        except Exception:  # the next renewal tries again; the lease is still valid
            log.exception("renewing the WhatsApp outbox leases failed")


async def _send_phone(
    db: Database, graph: GraphClient, rows: list[dict[str, Any]], report: DrainReport
) -> None:
    for index, row in enumerate(rows):
        # The attempt is committed before the call: if this process dies during
        # it, the row's outcome is known to be unknown (see RECONCILE_SECONDS).
        async with db.connection() as conn:
            await conn.execute(
                "update public.whatsapp_outbox set send_attempted_at = now() where id = %s",
                (row["id"],),
            )
        body = {**row["body"], "biz_opaque_callback_data": f"{OPAQUE_PREFIX}{row['id']}"}
        try:
            wamid = await graph.send(body)
        except GraphOutcomeUnknown as exc:
            # Not re-sent blindly: the row stays `sending` with its attempt; a status
            # callback naming it settles it, else it is sent again RECONCILE_SECONDS
            # after the attempt. The phone's later rows wait behind it (order).
            log.warning("WhatsApp send to %s: %s; waiting to reconcile", row["to_phone"],
                        exc.message)
            async with db.connection() as conn:
                await conn.execute(
                    "update public.whatsapp_outbox set next_attempt_at = now(), claimed_by = null, "
                    "error_code = 'unknown', last_error = %s where id = %s and status = 'sending'",
                    (exc.message[:1000], row["id"]))
            await _release(db, rows[index + 1 :])
            report.retrying += 1
            return
        except GraphError as exc:
            await _record_error(db, row, exc, report)
            await _release(db, rows[index + 1 :])  # keep the phone's order: stop here
            return
        async with db.connection() as conn:
            await conn.execute("select public.mark_whatsapp_sent(%s, %s)", (row["id"], wamid))
        report.sent += 1


async def _release(db: Database, rows: list[dict[str, Any]]) -> None:
    if rows:
        async with db.connection() as conn:
            await conn.execute(
                "update public.whatsapp_outbox set status = 'queued', next_attempt_at = now(), "
                "claimed_by = null, send_attempted_at = null "
                "where id = any(%s) and status = 'sending'",
                ([r["id"] for r in rows],),
            )


async def _record_error(
    db: Database, row: dict[str, Any], exc: GraphError, report: DrainReport
) -> None:
    attempt = int(row["attempts"]) + 1
    code = str(exc.graph_code or exc.http_status or "")
    async with db.connection() as conn:
        if (
            isinstance(exc, ReengagementRequired)
            and row["message_key"]
            and not (row["params"] or {}).get("_template")
        ):
            # Render again as the approved template (the window is closed).
            await conn.execute(
                "update public.whatsapp_outbox set status = 'queued', body = null, "
                "claimed_by = null, send_attempted_at = null, "
                "params = params || '{\"_template\": true}', attempts = %s, error_code = %s, "
                "last_error = %s, next_attempt_at = now() where id = %s",
                (attempt, code, exc.message[:1000], row["id"]),
            )
            report.retrying += 1
        elif exc.transient and attempt < MAX_ATTEMPTS:
            await conn.execute(
                "update public.whatsapp_outbox set status = 'queued', attempts = %s, "
                "claimed_by = null, send_attempted_at = null, error_code = %s, last_error = %s, "
                "next_attempt_at = now() + make_interval(secs => %s) where id = %s",
                (attempt, code, exc.message[:1000], backoff_seconds(attempt), row["id"]),
            )
            report.retrying += 1
        else:
            await conn.execute(
                "update public.whatsapp_outbox set status = 'failed', attempts = %s, "
                "claimed_by = null, send_attempted_at = null, error_code = %s, last_error = %s, "
                "failed_at = now() where id = %s",
                (attempt, code, exc.message[:1000], row["id"]),
            )
            report.failed += 1
    log.warning("WhatsApp send to %s failed (%s): %s", row["to_phone"], code, exc.message)


async def drain_whatsapp(
    db: Database, settings: Settings, *, client: httpx.AsyncClient | None = None,
    limit: int = 200, owner: str | None = None,
) -> DrainReport:
    """Renders and sends what is due, once. Safe to run concurrently; `owner`
    names the sender holding the leases (a worker's id; else one per call)."""
    report = DrainReport()
    await render_pending(db, settings, report)
    owner = owner or f"drain:{uuid.uuid4()}"
    rows = await _claim(db, limit, owner)
    if not rows:
        return report
    by_phone: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_phone[row["to_phone"]].append(row)
    owned = client is None
    http = client or httpx.AsyncClient(timeout=httpx.Timeout(15.0, connect=5.0))
    keeper = asyncio.create_task(_keep_leases(db, owner))
    try:
        graph = GraphClient(settings, http)
        await asyncio.gather(
            *(_send_phone(db, graph, group, report) for group in by_phone.values())
        )
    finally:
        keeper.cancel()
        if owned:
            await http.aclose()
    return report

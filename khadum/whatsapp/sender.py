"""Draining the WhatsApp outbox to the Graph API: claim, send, record.

The rows are finished messages (the bot wrote them). Every state change is an
SQL function (`claim_due_whatsapp`, `record_whatsapp_sent/retry/failed/unknown`,
mirroring the email outbox), which also decides which body goes (the template
alternative when the 24-hour window is closed, or after a 131047) and when a
retry is due (`retry_delay`, `retry_attempt_limit`). Rows are sent per phone in
order (grouped by the number's blind index), under a short lease renewed while
the sender works. Bodies are sealed (khadum/whatsapp/sealed.py): each is opened
just before its Graph API call; logs name the number by its display form only.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import psycopg
from psycopg.rows import dict_row

from khadum.crypto import Keyring
from khadum.db import Database
from khadum.outbox import DrainReport
from khadum.requests.sealed import keys as keyring_of
from khadum.settings import Settings
from khadum.whatsapp.errors import GraphError, GraphOutcomeUnknown
from khadum.whatsapp.graph import GraphClient
from khadum.whatsapp.sealed import open_body

log = logging.getLogger("khadum.whatsapp.sender")
# A claim is a short lease, renewed while the sender works: a sender that dies
# holds its rows for seconds, not minutes.
LEASE_SECONDS = 15.0
# A row whose lease ran out after its Graph API call began has an unknown
# outcome: Meta has no idempotency key, so it waits this long (from the call)
# for a status callback naming it (biz_opaque_callback_data) before being sent again.
RECONCILE_SECONDS = 10.0
OPAQUE_PREFIX = "khadum:outbox:"


@asynccontextmanager
async def _autocommit(db: Database) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
    """A pooled connection where each statement commits itself: one round trip
    for a single-statement change (no BEGIN, no COMMIT)."""
    async with db.connection() as conn:
        await conn.set_autocommit(True)
        try:
            yield conn
        finally:
            await conn.set_autocommit(False)


async def _claim(db: Database, limit: int, owner: str) -> list[dict[str, Any]]:
    async with _autocommit(db) as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "select * from public.claim_due_whatsapp(%s, %s, make_interval(secs => %s), "
            "make_interval(secs => %s))",
            (limit, owner, LEASE_SECONDS, RECONCILE_SECONDS),
        )
        return sorted(await cur.fetchall(), key=lambda r: r["seq"])


async def renew_leases(db: Database, owner: str) -> int:
    """Extends the leases of every row this sender holds (called while it works)."""
    async with _autocommit(db) as conn:
        cur = await conn.execute(
            "select public.renew_whatsapp_leases(%s, make_interval(secs => %s))",
            (owner, LEASE_SECONDS),
        )
        row = await cur.fetchone()
        return int(row[0]) if row else 0


async def release_unsent(db: Database, owner: str, ids: list[Any] | None = None) -> int:
    """Gives back rows claimed but not yet handed to the Graph API (a stopping
    sender, or a phone's later rows after an error): taken again at once."""
    async with _autocommit(db) as conn:
        cur = await conn.execute(
            "select public.release_whatsapp_claims(%s, %s)", (owner, ids)
        )
        row = await cur.fetchone()
        return int(row[0]) if row else 0


async def _keep_leases(db: Database, owner: str) -> None:
    while True:
        await asyncio.sleep(LEASE_SECONDS / 3)
        try:
            await renew_leases(db, owner)
        except Exception:  # the next renewal tries again; the lease is still valid
            log.exception("renewing the WhatsApp outbox leases failed")


async def _send_phone(
    db: Database, graph: GraphClient, keys: Keyring, owner: str, rows: list[dict[str, Any]],
    report: DrainReport,
) -> None:
    # The attempt is committed before each call: if this process dies during
    # it, the row's outcome is known to be unknown (see RECONCILE_SECONDS). A
    # sent row's record and the next row's attempt are one statement.
    async with _autocommit(db) as conn:
        await conn.execute("select public.begin_whatsapp_send(%s)", (rows[0]["id"],))
    for index, row in enumerate(rows):
        # Opened here, just before the call (a wrong key raises: loudly, nothing sent).
        body = {**_opened(keys, row["body"]),
                "biz_opaque_callback_data": f"{OPAQUE_PREFIX}{row['id']}"}
        try:
            wamid = await graph.send(body)
        except GraphOutcomeUnknown as exc:
            # Not re-sent blindly: the row stays in flight; a status callback naming
            # it settles it, else it is sent again RECONCILE_SECONDS after the
            # attempt. The phone's later rows wait behind it (order).
            log.warning("WhatsApp send to %s: %s; waiting to reconcile", _who(row),
                        exc.message)
            async with _autocommit(db) as conn:
                await conn.execute(
                    "select public.record_whatsapp_unknown(%s, %s)", (row["id"], exc.message))
            await _release(db, owner, rows[index + 1 :])
            report.retried += 1
            return
        except GraphError as exc:
            await _record_error(db, row, exc, report)
            await _release(db, owner, rows[index + 1 :])  # keep the phone's order: stop here
            return
        async with _autocommit(db) as conn:
            if index + 1 < len(rows):
                await conn.execute(
                    "select public.record_whatsapp_sent(%s, %s), "
                    "public.begin_whatsapp_send(%s)", (row["id"], wamid, rows[index + 1]["id"]))
            else:
                await conn.execute(
                    "select public.record_whatsapp_sent(%s, %s)", (row["id"], wamid))
        report.sent += 1


def _opened(keys: Keyring, stored: Any) -> dict[str, Any]:
    # A JSON object is a row queued before the outbox was sealed (the check
    # constraints refuse one since); `khadum keys rotate` seals those.
    return stored if isinstance(stored, dict) else open_body(keys, stored)


def _who(row: dict[str, Any]) -> str:
    """The recipient as logs name it (its display form, never the number)."""
    return str(row.get("to_phone_display") or "a client")


async def _release(db: Database, owner: str, rows: list[dict[str, Any]]) -> None:
    if rows:
        await release_unsent(db, owner, [r["id"] for r in rows])


async def _record_error(
    db: Database, row: dict[str, Any], exc: GraphError, report: DrainReport
) -> None:
    code = str(exc.graph_code or exc.http_status or "")
    record = "record_whatsapp_retry" if exc.transient else "record_whatsapp_failed"
    async with _autocommit(db) as conn:
        cur = await conn.execute(
            f"select public.{record}(%s, %s, %s)", (row["id"], code, exc.message)
        )
        outcome = await cur.fetchone()
    if outcome and outcome[0] == "queued":
        report.retried += 1
    else:
        report.failed += 1
    log.warning("WhatsApp send to %s failed (%s): %s", _who(row), code, exc.message)


async def claim_whatsapp(db: Database, *, owner: str, limit: int = 200
                         ) -> list[dict[str, Any]]:
    """Claims what is due for the sender `owner` (leased rows, each phone's in order)."""
    return await _claim(db, limit, owner)


async def send_claimed(
    db: Database, settings: Settings, rows: list[dict[str, Any]], *, owner: str,
    client: httpx.AsyncClient | None = None,
) -> DrainReport:
    """Sends claimed rows: phones at once, each phone's rows in order, the
    leases renewed meanwhile."""
    report = DrainReport()
    if not rows:
        return report
    by_phone: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        # a row queued before the outbox was sealed, not yet rotated, has no index:
        # it is its own group (claim_due_whatsapp orders it alone too)
        by_phone[row["to_phone_index"] or f"row:{row['id']}"].append(row)
    keys = keyring_of(settings)
    owned = client is None
    http = client or httpx.AsyncClient(timeout=httpx.Timeout(15.0, connect=5.0))
    keeper = asyncio.create_task(_keep_leases(db, owner))
    try:
        graph = GraphClient(settings, http)
        await asyncio.gather(
            *(_send_phone(db, graph, keys, owner, group, report)
              for group in by_phone.values())
        )
    finally:
        keeper.cancel()
        if owned:
            await http.aclose()
    return report


async def drain_whatsapp(
    db: Database, settings: Settings, *, client: httpx.AsyncClient | None = None,
    limit: int = 200, owner: str | None = None,
) -> DrainReport:
    """Sends what is due, once. Safe to run concurrently; `owner` names the
    sender holding the leases (a worker's id; else one per call)."""
    owner = owner or f"drain:{uuid.uuid4()}"
    rows = await _claim(db, limit, owner)
    return await send_claimed(db, settings, rows, owner=owner, client=client)

"""Draining the push outbox to the browsers' push services: claim, send, record.

The rows are finished pushes (a trigger on `notifications` wrote them, one per
browser the freelancer subscribed). Each is encrypted for its browser (RFC 8291,
aes128gcm, pywebpush) and signed for its push service (VAPID, RFC 8292, py-vapid),
then POSTed to the subscription's endpoint. What happens next is SQL's to say:
`record_push_sent`, `record_push_error` (the shared retry rule) and
`record_push_gone` (404/410: the browser unsubscribed, the row goes).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import httpx
from psycopg.rows import dict_row
from py_vapid import Vapid02  # type: ignore[import-untyped]  # ships no type hints
from pywebpush import WebPusher, WebPushException  # type: ignore[import-untyped]

from khadum.crypto import keyring
from khadum.db import Database
from khadum.outbox import DrainReport
from khadum.push.vapid import endpoint_allowed
from khadum.requests.sealed import open_push_body
from khadum.settings import Settings

log = logging.getLogger("khadum.push.sender")
LEASE_SECONDS = 30.0
GONE = frozenset({404, 410})
TRANSIENT = frozenset({408, 425, 429})
# A push for a request: shown at once (`Urgency: high` lets a phone wake for it).
URGENCY = "high"


class PushNotConfigured(RuntimeError):
    """VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY are not set."""


@lru_cache(maxsize=4)
def _vapid(private_key: str) -> Vapid02:
    return Vapid02.from_string(private_key)


def origin(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def push_request(row: dict[str, Any], settings: Settings) -> tuple[bytes, dict[str, str]]:
    """The encrypted body and the headers of one push (pure but for randomness)."""
    if not settings.vapid_private_key:
        raise PushNotConfigured("VAPID_PRIVATE_KEY is not set")
    subscription = {"endpoint": row["endpoint"],
                    "keys": {"p256dh": row["p256dh"], "auth": row["auth"]}}
    # An answer notification's body is stored sealed; it is opened only here.
    payload = open_push_body(keyring(settings), row["payload"])
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    body = WebPusher(subscription).encode(data, "aes128gcm")["body"]
    claims = {"aud": origin(row["endpoint"]), "sub": settings.vapid_subject,
              "exp": int(time.time()) + 12 * 3600}
    headers = {
        **_vapid(settings.vapid_private_key).sign(claims),
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        "TTL": str(settings.push_ttl_seconds),
        "Urgency": URGENCY,
    }
    return bytes(body), headers


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


async def _record(db: Database, sql: str, params: tuple[Any, ...]) -> Any:
    async with db.connection() as conn:
        cur = await conn.execute(sql, params)
        row = await cur.fetchone()
    return row[0] if row else None


async def _send_one(db: Database, settings: Settings, http: httpx.AsyncClient,
                    row: dict[str, Any], report: DrainReport, delay_scale: float) -> None:
    push_id = str(row["id"])
    error: str
    transient: bool
    retry_after: float | None = None
    try:
        if not endpoint_allowed(row["endpoint"], settings.is_production):
            raise ValueError("the endpoint is not a known push service")
        body, headers = push_request(row, settings)
        response = await http.post(row["endpoint"], content=body, headers=headers)
    except (WebPushException, ValueError) as exc:  # what the browser gave us is unusable
        error, transient = f"cannot send to this subscription: {exc}", False
    except httpx.HTTPError as exc:
        error, transient = f"push service unreachable: {exc!r}", True
    else:
        if response.status_code in (200, 201, 202):
            await _record(db, "select public.record_push_sent(%s)", (push_id,))
            report.sent += 1
            return
        if response.status_code in GONE:
            await _record(db, "select public.record_push_gone(%s, %s)",
                          (push_id, response.status_code))
            report.failed += 1
            return
        error = f"push service answered {response.status_code}: {response.text[:200]}"
        transient = response.status_code in TRANSIENT or response.status_code >= 500
        retry_after = _retry_after(response)
    status = await _record(
        db, "select public.record_push_error(%s, %s, %s, %s, %s)",
        (push_id, error, transient, retry_after, delay_scale))
    if status == "queued":
        report.retried += 1
    else:
        log.warning("push %s failed: %s", push_id, error)
        report.failed += 1


async def drain_push(
    db: Database, settings: Settings, *, client: httpx.AsyncClient | None = None,
    limit: int = 100, owner: str | None = None, delay_scale: float = 1.0,
) -> DrainReport:
    """Sends what is due, once. Safe to run concurrently (`skip locked` claims)."""
    report = DrainReport()
    if not (settings.vapid_private_key and settings.vapid_public_key):
        raise PushNotConfigured("set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY to send pushes")
    owner = owner or f"drain:{uuid.uuid4()}"
    async with db.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "select * from public.claim_due_push(%s, make_interval(secs => %s), %s)",
            (limit, LEASE_SECONDS, owner))
        rows = await cur.fetchall()
    if not rows:
        return report
    owned = client is None
    http = client or httpx.AsyncClient(timeout=httpx.Timeout(15.0, connect=5.0))
    try:
        gate = asyncio.Semaphore(8)

        async def one(row: dict[str, Any]) -> None:
            async with gate:
                await _send_one(db, settings, http, row, report, delay_scale)

        await asyncio.gather(*(one(row) for row in rows))
    finally:
        if owned:
            await http.aclose()
    return report

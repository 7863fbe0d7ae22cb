"""The connection pool (`Database`), and running SQL as a request's user (through RLS,
as PostgREST does)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

API_ROLES = ("anon", "authenticated", "service_role")

TRANSACTION_POOLER_PORT = 6543


def pooler_kwargs(url: str) -> dict[str, Any]:
    """Connection options for the pooler in front of the database. Supabase's
    transaction pooler (Supavisor, port 6543) hands each transaction to any server
    connection, so prepared statements (psycopg prepares a query after 5 runs) must
    be off there; the session pooler (5432) and direct connections keep them."""
    port = psycopg.conninfo.conninfo_to_dict(url).get("port")
    if str(port) == str(TRANSACTION_POOLER_PORT):
        return {"prepare_threshold": None}
    return {}


class Database:
    """An async connection pool that opens once, on first need or at start-up."""

    def __init__(self, url: str, *, max_size: int = 10, timeout: float = 30.0) -> None:
        """`timeout`: how long a request waits for a connection before it is
        answered 503 (the database is down or every connection is busy)."""
        self.url = url
        self.pool = AsyncConnectionPool(
            url, min_size=1, max_size=max_size, open=False, timeout=timeout,
            kwargs=pooler_kwargs(url),
        )
        self._opened = False
        self._lock = asyncio.Lock()

    async def open(self) -> None:
        async with self._lock:
            if not self._opened:
                await self.pool.open(wait=True)
                self._opened = True

    async def close(self) -> None:
        if self._opened:
            await self.pool.close()
            self._opened = False

    def connection(self) -> AbstractAsyncContextManager[psycopg.AsyncConnection[Any]]:
        """A pooled connection, returned to the pool when the block ends."""
        return self.pool.connection()


def connect(url: str, **kwargs: Any) -> psycopg.Connection[Any]:
    return psycopg.connect(url, **kwargs)


def caller_statements(claims: dict[str, Any] | None) -> list[tuple[str, tuple[str, ...]]]:
    """What makes the current transaction the caller's: their role and JWT claims.

    `set local role` and `set_config(..., true)` end with the transaction, so a
    pooled connection never keeps someone else's identity."""
    role = (claims or {}).get("role", "anon")
    if role not in API_ROLES:
        raise ValueError(f"unknown database role in token: {role!r}")
    return [
        (f"set local role {role}", ()),
        ("select set_config('request.jwt.claims', %s, true)", (json.dumps(claims or {}),)),
    ]


def act_as(conn: psycopg.Connection[Any], claims: dict[str, Any] | None) -> None:
    """Inside the current transaction, become the caller (scripts, seeds, tests)."""
    for sql, params in caller_statements(claims):
        conn.execute(sql, params)  # role: one of API_ROLES


@asynccontextmanager
async def atransaction_as(
    conn: psycopg.AsyncConnection[Any], claims: dict[str, Any] | None
) -> AsyncIterator[psycopg.AsyncCursor[dict[str, Any]]]:
    """A transaction run as the caller, with dict rows: the one way the functions
    run SQL as a request's user (`khadum.http.caller_transaction`, `CallerCursor`)."""
    async with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
        for sql, params in caller_statements(claims):
            await cur.execute(sql, params)
        yield cur

"""Connections, and running SQL as a request's user (through RLS, as PostgREST does)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row

API_ROLES = ("anon", "authenticated", "service_role")


def connect(url: str, **kwargs: Any) -> psycopg.Connection[Any]:
    return psycopg.connect(url, **kwargs)


def act_as(conn: psycopg.Connection[Any], claims: dict[str, Any] | None) -> None:
    """Inside the current transaction, become the caller: their role and JWT claims.

    `set local` and `set_config(..., true)` end with the transaction, so a pooled
    connection never keeps someone else's identity.
    """
    role = (claims or {}).get("role", "anon")
    if role not in API_ROLES:
        raise ValueError(f"unknown database role in token: {role!r}")
    conn.execute(f"set local role {role}")
    conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(claims or {}),))


@contextmanager
def transaction_as(
    conn: psycopg.Connection[Any], claims: dict[str, Any] | None
) -> Iterator[psycopg.Cursor[dict[str, Any]]]:
    """A transaction run as the caller, with dict rows."""
    with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
        act_as(conn, claims)
        yield cur


async def act_as_async(conn: psycopg.AsyncConnection[Any], claims: dict[str, Any] | None) -> None:
    """act_as() for async connections."""
    role = (claims or {}).get("role", "anon")
    if role not in API_ROLES:
        raise ValueError(f"unknown database role in token: {role!r}")
    await conn.execute(f"set local role {role}")
    await conn.execute(
        "select set_config('request.jwt.claims', %s, true)", (json.dumps(claims or {}),)
    )


@asynccontextmanager
async def atransaction_as(
    conn: psycopg.AsyncConnection[Any], claims: dict[str, Any] | None
) -> AsyncIterator[psycopg.AsyncCursor[dict[str, Any]]]:
    """The async twin of transaction_as: a transaction run as the caller, with dict rows."""
    async with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
        await act_as_async(conn, claims)
        yield cur

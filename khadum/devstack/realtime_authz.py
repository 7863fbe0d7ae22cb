"""Realtime channel authorisation, decided the way Supabase Realtime decides it
(supabase/realtime lib/realtime/tenants/authorization.ex): by the caller's RLS
policies on `realtime.messages`.

Both checks run in a transaction that is always rolled back, and set, as
upstream's `set_conn_config`: `role`, `realtime.topic`, `request.jwt.claims`,
`request.jwt.claim.sub`, `request.jwt.claim.role` and `request.headers`.

Read: one probe row per extension (broadcast, presence) is inserted for the
topic with the connection's own rights (event and payload NULL), then — as the
caller — the ids the caller can SELECT say which extensions they may read.
Write: as the caller, one INSERT per extension in a savepoint; refused by RLS
(insufficient_privilege) means no write; any other error is raised.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import psycopg

from khadum.db import API_ROLES

EXTENSIONS = ("broadcast", "presence")


@dataclass
class Policies:
    """What the caller may do on a topic, per extension (None: not checked)."""

    broadcast_read: bool | None = None
    broadcast_write: bool | None = None
    presence_read: bool | None = None
    presence_write: bool | None = None


class _Rollback(Exception):
    pass


def set_conn_config(
    conn: psycopg.Connection[Any],
    claims: Mapping[str, Any] | None,
    topic: str,
    headers: Mapping[str, str] | None = None,
) -> None:
    claims = dict(claims or {})
    role = claims.get("role", "anon")
    if role not in API_ROLES:
        raise ValueError(f"unknown database role in token: {role!r}")
    sub = claims.get("sub")
    conn.execute(
        """
        select set_config('role', %s, true),
               set_config('realtime.topic', %s, true),
               set_config('request.jwt.claims', %s, true),
               set_config('request.jwt.claim.sub', %s, true),
               set_config('request.jwt.claim.role', %s, true),
               set_config('request.headers', %s, true)
        """,
        (
            role,
            topic,
            json.dumps(claims),
            None if sub is None else str(sub),
            role,
            json.dumps(dict(headers or {})),
        ),
    )


def read_policies(
    conn: psycopg.Connection[Any],
    claims: Mapping[str, Any] | None,
    topic: str,
    headers: Mapping[str, str] | None = None,
) -> Policies:
    policies = Policies()
    try:
        with conn.transaction():
            ids = {extension: uuid.uuid4() for extension in EXTENSIONS}
            with conn.cursor() as cur:
                cur.executemany(
                    "insert into realtime.messages (id, topic, extension, inserted_at, updated_at) "
                    "values (%s, %s, %s, now(), now())",
                    [(ids[ext], topic, ext) for ext in EXTENSIONS],
                )
            set_conn_config(conn, claims, topic, headers)
            seen = {
                row[0]
                for row in conn.execute(
                    "select id from realtime.messages where id = any(%s)", (list(ids.values()),)
                )
            }
            policies.broadcast_read = ids["broadcast"] in seen
            policies.presence_read = ids["presence"] in seen
            raise _Rollback
    except _Rollback:
        pass
    return policies


def write_policies(
    conn: psycopg.Connection[Any],
    claims: Mapping[str, Any] | None,
    topic: str,
    headers: Mapping[str, str] | None = None,
) -> Policies:
    policies = Policies()
    try:
        with conn.transaction():
            set_conn_config(conn, claims, topic, headers)
            for extension in EXTENSIONS:
                try:
                    with conn.transaction():
                        conn.execute(
                            "insert into realtime.messages "
                            "(topic, extension, inserted_at, updated_at) "
                            "values (%s, %s, now(), now())",
                            (topic, extension),
                        )
                    allowed = True
                except psycopg.errors.InsufficientPrivilege:
                    allowed = False
                setattr(policies, f"{extension}_write", allowed)
            raise _Rollback
    except _Rollback:
        pass
    return policies


def can_read(conn: psycopg.Connection[Any], claims: Mapping[str, Any] | None, topic: str) -> bool:
    """May the caller receive broadcasts on `topic` (join a private channel)?"""
    return bool(read_policies(conn, claims, topic).broadcast_read)


def can_write(
    conn: psycopg.Connection[Any], claims: Mapping[str, Any] | None, topic: str,
    event: str | None = None,
) -> bool:
    """May the caller send broadcasts on `topic` (and, given one, this event)?"""
    if not write_policies(conn, claims, topic).broadcast_write:
        return False
    return event is None or can_send_event(conn, claims, topic, event)


def can_send_event(
    conn: psycopg.Connection[Any], claims: Mapping[str, Any] | None, topic: str, event: str
) -> bool:
    """May the caller send this particular event on `topic`? Upstream Realtime probes
    writes once per join with the event NULL (write_policies); the stand-in also asks
    per event, so a policy on `realtime.messages.event` (browsers send `typing` only)
    is enforced locally. In production the pages' own rule (any other event only
    makes them refetch) is what protects them."""
    allowed = False
    try:
        with conn.transaction():
            set_conn_config(conn, claims, topic, None)
            try:
                with conn.transaction():
                    conn.execute(
                        "insert into realtime.messages "
                        "(topic, extension, event, inserted_at, updated_at) "
                        "values (%s, 'broadcast', %s, now(), now())",
                        (topic, event[:255]),
                    )
                allowed = True
            except psycopg.errors.InsufficientPrivilege:
                allowed = False
            raise _Rollback
    except _Rollback:
        pass
    return allowed

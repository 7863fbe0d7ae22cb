"""Realtime channel authorisation, decided the way Supabase Realtime decides it:
by the caller's RLS policies on `realtime.messages`, with `realtime.topic()` set.

Read (join): a probe row for the topic is written with the server's rights, then
the caller — under their role and claims — must be able to see it. Write (send a
broadcast): the caller must be able to insert a row for the topic and event themselves.
Both run in a transaction that is always rolled back.
"""

from __future__ import annotations

from typing import Any

import psycopg

from khadum.db import act_as


class _Rollback(Exception):
    pass


def can_read(conn: psycopg.Connection[Any], claims: dict[str, Any] | None, topic: str) -> bool:
    result = False
    try:
        with conn.transaction():
            row = conn.execute(
                "insert into realtime.messages (topic, extension, payload, event, private) "
                "values (%s, 'broadcast', '{}'::jsonb, 'khadum.authorization', true) returning id",
                (topic,),
            ).fetchone()
            assert row is not None
            _enter(conn, claims, topic)
            seen = conn.execute(
                "select exists (select 1 from realtime.messages where id = %s)", (row[0],)
            ).fetchone()
            result = bool(seen and seen[0])
            raise _Rollback
    except _Rollback:
        pass
    return result


def can_write(
    conn: psycopg.Connection[Any], claims: dict[str, Any] | None, topic: str,
    event: str = "khadum.authorization",
) -> bool:
    result = False
    try:
        with conn.transaction():
            _enter(conn, claims, topic)
            try:
                with conn.transaction():
                    conn.execute(
                        "insert into realtime.messages (topic, extension, payload, event, private) "
                        "values (%s, 'broadcast', '{}'::jsonb, %s, true)",
                        (topic, event[:255]),
                    )
                result = True
            except psycopg.errors.InsufficientPrivilege:
                result = False
            raise _Rollback
    except _Rollback:
        pass
    return result


def _enter(conn: psycopg.Connection[Any], claims: dict[str, Any] | None, topic: str) -> None:
    act_as(conn, claims)
    conn.execute("select set_config('realtime.topic', %s, true)", (topic,))

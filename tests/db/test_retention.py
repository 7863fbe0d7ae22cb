"""Retention (issue 16, item 5): personal data past its period is purged or
anonymised by one SQL function; what is still needed stays."""

from __future__ import annotations

import uuid
from datetime import timedelta

import psycopg
import pytest
from psycopg.types.json import Jsonb

from tests.factories import bot_conversation, insert_conversation, insert_inbound

PHONE = "+966500000777"


def _inbound(conn: psycopg.Connection, *, processed: bool, age_days: int) -> str:
    wamid = f"wamid.retention.{uuid.uuid4().hex}"
    received = conn.execute("select now() - make_interval(days => %s)",
                            (age_days,)).fetchone()
    assert received is not None
    insert_inbound(conn, wamid, PHONE, "text",
                   {"from": PHONE.lstrip("+"), "text": {"body": "رقمي"}},
                   received_at=received[0], processed_at=received[0] if processed else None)
    return wamid


def _purge(conn: psycopg.Connection) -> dict[str, int]:
    row = conn.execute("select public.purge_personal_data()").fetchone()
    assert row is not None
    return dict(row[0])


def test_old_personal_data_goes_and_recent_or_unfinished_data_stays(
        conn: psycopg.Connection) -> None:
    old_done = _inbound(conn, processed=True, age_days=91)
    old_waiting = _inbound(conn, processed=False, age_days=91)
    recent_done = _inbound(conn, processed=True, age_days=5)
    conn.execute(
        "insert into public.whatsapp_status_events (wamid, status, occurred_at, payload, "
        "received_at) values ('wamid.retention.s1', 'delivered', now(), %s, "
        "now() - interval '100 days')", (Jsonb({"recipient_id": PHONE.lstrip("+")}),))
    conn.execute(
        "insert into public.webhook_dead_letters (source, kind, reason, raw, received_at) "
        "values ('whatsapp', 'bad_json', 'test', %s, now() - interval '95 days')",
        (f'{{"from": "{PHONE}"}}',))
    long_ago = conn.execute("select now() - interval '120 days', now()").fetchone()
    assert long_ago is not None
    insert_conversation(conn, "+966500000778", "awaiting_email", {"client_name": "سارة"},
                        updated_at=long_ago[0], last_inbound_at=long_ago[0])
    insert_conversation(conn, "+966500000779", "awaiting_email", {},
                        updated_at=long_ago[0], last_inbound_at=long_ago[1])
    old_log = conn.execute(
        "insert into public.activity_log (actor_type, actor_id, action, details, created_at) "
        "values ('client', %s, 'request.created', %s, now() - interval '91 days') "
        "returning id", (PHONE, Jsonb({"category": "design", "client_email": "s@x.sa"}))
    ).fetchone()
    new_log = conn.execute(
        "insert into public.activity_log (actor_type, actor_id, action, details) "
        "values ('client', %s, 'request.created', '{}') returning id", (PHONE,)).fetchone()
    assert old_log and new_log

    report = _purge(conn)

    kept = {w for (w,) in conn.execute(
        "select wamid from public.whatsapp_inbound where wamid like 'wamid.retention.%'")}
    assert kept == {old_waiting, recent_done} and old_done not in kept
    assert conn.execute("select payload from public.whatsapp_status_events "
                        "where wamid = 'wamid.retention.s1'").fetchone() == ({},)
    assert not conn.execute("select 1 from public.webhook_dead_letters "
                            "where raw like %s", (f"%{PHONE}%",)).fetchall()
    assert bot_conversation(conn, "+966500000778") is None
    assert bot_conversation(conn, "+966500000779") is not None  # spoke recently: kept
    anonymised = conn.execute("select actor_id, details from public.activity_log where id = %s",
                              old_log).fetchone()
    assert anonymised == (None, {"category": "design"})
    assert conn.execute("select actor_id from public.activity_log where id = %s",
                        new_log).fetchone() == (PHONE,)
    assert report["whatsapp_inbound_deleted"] >= 1 and report["bot_conversations_deleted"] >= 1
    assert conn.execute(
        "select 1 from public.activity_log where action = 'retention.purged'").fetchone()
    # Idempotent: a second run finds nothing of ours left to do.
    again = _purge(conn)
    assert again["whatsapp_inbound_deleted"] == 0 and again["activity_rows_anonymised"] == 0


def test_the_period_is_configurable_but_never_below_a_week(conn: psycopg.Connection) -> None:
    conn.execute("update public.retention_periods set keep = interval '120 days' "
                 "where name = 'whatsapp_payloads'")
    old_done = _inbound(conn, processed=True, age_days=91)
    _purge(conn)
    assert conn.execute("select 1 from public.whatsapp_inbound where wamid = %s",
                        (old_done,)).fetchone()
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("update public.retention_periods set keep = interval '1 day' "
                     "where name = 'bot_conversations'")


def test_only_the_server_may_purge(conn: psycopg.Connection) -> None:
    for role in ("anon", "authenticated"):
        allowed = conn.execute(
            "select has_function_privilege(%s, 'public.purge_personal_data(timestamptz)', "
            "'execute'), has_table_privilege(%s, 'public.retention_periods', 'select')",
            (role, role)).fetchone()
        assert allowed == (False, False)


def _dead_letter(conn: psycopg.Connection, *, age_days: int, attempts: int | None = None) -> str:
    """An unprocessed message the bot failed on `attempts` times (the limit: a dead
    letter, as the operators' console lists it)."""
    wamid = _inbound(conn, processed=False, age_days=age_days)
    conn.execute("update public.whatsapp_inbound set attempts = coalesce(%s, "
                 "public.retry_attempt_limit()), last_error = 'RuntimeError: test' "
                 "where wamid = %s", (attempts, wamid))
    return wamid


def _waiting(conn: psycopg.Connection) -> set[str]:
    return {w for (w,) in conn.execute(
        "select wamid from public.whatsapp_inbound where wamid like 'wamid.retention.%%' "
        "and processed_at is null")}


def test_dead_letters_go_after_their_own_period(conn: psycopg.Connection) -> None:
    limit = conn.execute("select public.retry_attempt_limit()").fetchone()
    assert limit is not None
    old_dead = _dead_letter(conn, age_days=91)
    recent_dead = _dead_letter(conn, age_days=30)
    old_retrying = _dead_letter(conn, age_days=91, attempts=int(limit[0]) - 1)
    # The period is configurable on its own: kept while it is longer.
    conn.execute("update public.retention_periods set keep = interval '120 days' "
                 "where name = 'dead_letters'")
    assert _purge(conn)["inbound_dead_letters_deleted"] == 0
    assert _waiting(conn) == {old_dead, recent_dead, old_retrying}
    # The default (90 days): the old dead letter goes; a recent one (still under
    # review) and a message still being retried stay, whatever its age.
    conn.execute("update public.retention_periods set keep = interval '90 days' "
                 "where name = 'dead_letters'")
    report = _purge(conn)
    assert report["inbound_dead_letters_deleted"] >= 1  # ours (and any older one)
    assert _waiting(conn) == {recent_dead, old_retrying}
    logged = conn.execute(
        "select (details ->> 'inbound_dead_letters_deleted')::int from public.activity_log "
        "where action = 'retention.purged' order by id desc limit 1").fetchone()
    assert logged == (report["inbound_dead_letters_deleted"],)
    assert _purge(conn)["inbound_dead_letters_deleted"] == 0  # idempotent
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("update public.retention_periods set keep = interval '3 days' "
                     "where name = 'dead_letters'")


def test_the_default_dead_letter_period_is_ninety_days(conn: psycopg.Connection) -> None:
    assert conn.execute("select public.retention_period('dead_letters')").fetchone() == (
        timedelta(days=90),)

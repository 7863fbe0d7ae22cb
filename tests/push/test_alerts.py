"""The freelancer's alerts about a request they have not opened: one when it stays
unopened, one shortly before it expires — each once, logged, worded as an email
in the outbox, and never once the freelancer opened the request. Time is moved
by the `p_at` instant the SQL rule takes (as the expiry sweeper's is)."""

from __future__ import annotations

from datetime import datetime, timedelta

import psycopg
import pytest

from khadum.db import Database
from khadum.push.alerts import queue_alerts, send_alerts
from khadum.settings import get_settings
from tests.factories import MOHAMMED, NOURA, make_request, opened_email
from tests.http import bearer, local_client

API = "/functions/v1/dashboard_api"


@pytest.fixture
def settings():
    return get_settings().model_copy(update={
        "request_unopened_alert_minutes": 30, "request_expiry_reminder_minutes": 180})


def _created(conn: psycopg.Connection, request_id) -> datetime:
    return conn.execute("select created_at from client_requests where id = %s",
                        (request_id,)).fetchone()[0]


def _alerts(conn: psycopg.Connection, request_id) -> list[tuple[str, str]]:
    return conn.execute("select kind, status from request_alerts where request_id = %s "
                        "order by created_at, kind", (request_id,)).fetchall()


async def _run(url: str, settings, at: datetime) -> tuple[int, int]:
    db = Database(url)
    await db.open()
    try:
        return await queue_alerts(db, settings, at), await send_alerts(db, settings, at)
    finally:
        await db.close()


async def test_each_alert_fires_once_and_is_emailed(clean_db: str, settings) -> None:
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn)
        make_request(conn, NOURA, phone="+966500000003", status="accepted")  # answered: never
        start = _created(conn, request_id)
    # Moments along the request's 24 hours: fresh, unopened for 31 minutes (twice),
    # 2 h 59 min before expiry (twice), after expiry.
    assert await _run(clean_db, settings, start + timedelta(minutes=5)) == (0, 0)
    assert await _run(clean_db, settings, start + timedelta(minutes=31)) == (1, 1)
    assert await _run(clean_db, settings, start + timedelta(minutes=45)) == (0, 0)
    with psycopg.connect(clean_db) as conn:
        assert _alerts(conn, request_id) == [("unopened", "sent")]
    reminder_at = start + timedelta(hours=24) - timedelta(hours=2, minutes=59)
    assert await _run(clean_db, settings, reminder_at - timedelta(minutes=2)) == (0, 0)
    assert await _run(clean_db, settings, reminder_at) == (1, 1)
    assert await _run(clean_db, settings, reminder_at + timedelta(hours=1)) == (0, 0)
    assert await _run(clean_db, settings, start + timedelta(hours=25)) == (0, 0)
    with psycopg.connect(clean_db) as conn:
        assert _alerts(conn, request_id) == [("unopened", "sent"), ("expiry_reminder", "sent")]
        ids = conn.execute("select a.email_id from request_alerts a "
                           "order by a.created_at").fetchall()
        # Queued sealed (khadum.email.sealed), opened as the drain opens them.
        emails = [(e["to_email"], e["subject"], e["text_body"], e["html_body"])
                  for e in (opened_email(conn, i) for (i,) in ids)]
        assert conn.execute("select count(*) from email_outbox where not "
                            "public.is_ciphertext(to_email)").fetchone() == (0,)
        assert [e[0] for e in emails] == [f"{MOHAMMED}@demo.khadum.app"] * 2
        assert emails[0][1] == "طلب جديد من أحمد محمد بانتظارك ⏰ - منصة خدوم"
        assert emails[1][1] == "طلب أحمد محمد ينتهي قريباً ⏳ - منصة خدوم"
        assert "ولم تفتحه بعد" in emails[0][2]
        assert f"/#/requests/{request_id}" in emails[0][2]
        assert 'dir="rtl"' in emails[1][3] and f"/#/requests/{request_id}" in emails[1][3]
        logged = conn.execute(
            "select action, details->>'kind' from activity_log where subject_id = %s "
            "and action like 'request.alert%%' order by id", (str(request_id),)).fetchall()
        assert logged == [("request.alert_due", "unopened"), ("request.alert_sent", "unopened"),
                          ("request.alert_due", "expiry_reminder"),
                          ("request.alert_sent", "expiry_reminder")]
        # Once, whatever runs: the constraint holds even against a direct second insert.
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("insert into request_alerts (request_id, freelancer_id, kind) "
                         "select id, freelancer_id, 'unopened' from client_requests "
                         "where id = %s", (request_id,))


async def test_opening_the_request_stops_the_alerts(clean_db: str, settings) -> None:
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn)
        start = _created(conn, request_id)
    async with local_client(clean_db, workers=False) as client:
        # Another freelancer looking does not count (and sees nothing).
        assert (await client.get(f"{API}/requests/{request_id}",
                                 headers=bearer(NOURA))).status_code == 404
        with psycopg.connect(clean_db) as conn:
            assert conn.execute("select count(*) from request_opens").fetchone() == (0,)
        opened = await client.get(f"{API}/requests/{request_id}", headers=bearer(MOHAMMED))
        assert opened.status_code == 200
        await client.get(f"{API}/requests/{request_id}", headers=bearer(MOHAMMED))
    with psycopg.connect(clean_db) as conn:
        assert conn.execute("select count(*) from activity_log "
                            "where action = 'request.opened'").fetchone() == (1,)
    for moment in (timedelta(minutes=31), timedelta(hours=22)):
        assert await _run(clean_db, settings, start + moment) == (0, 0)
    with psycopg.connect(clean_db) as conn:
        assert _alerts(conn, request_id) == []


async def test_an_alert_due_but_opened_before_it_is_sent_is_cancelled(
        clean_db: str, settings) -> None:
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn)
        start = _created(conn, request_id)
    db = Database(clean_db)
    await db.open()
    try:
        assert await queue_alerts(db, settings, start + timedelta(minutes=40)) == 1
        with psycopg.connect(clean_db) as conn:  # the freelancer reads its notification
            conn.execute("update notifications set is_read = true, read_at = now() "
                         "where request_id = %s", (request_id,))
        assert await send_alerts(db, settings, start + timedelta(minutes=41)) == 0
    finally:
        await db.close()
    with psycopg.connect(clean_db) as conn:
        assert _alerts(conn, request_id) == [("unopened", "cancelled")]
        assert conn.execute("select count(*) from email_outbox").fetchone() == (0,)
        assert conn.execute("select count(*) from activity_log "
                            "where action = 'request.alert_cancelled'").fetchone() == (1,)


async def test_the_delays_are_settings(clean_db: str) -> None:
    quick = get_settings().model_copy(update={
        "request_unopened_alert_minutes": 5, "request_expiry_reminder_minutes": 60})
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn)
        start = _created(conn, request_id)
    assert await _run(clean_db, quick, start + timedelta(minutes=6)) == (1, 1)
    assert await _run(clean_db, quick, start + timedelta(hours=22)) == (0, 0)
    assert await _run(clean_db, quick, start + timedelta(hours=23, minutes=1)) == (1, 1)
    with psycopg.connect(clean_db) as conn:
        assert _alerts(conn, request_id) == [("unopened", "sent"), ("expiry_reminder", "sent")]

"""expire_requests(): only overdue pending requests expire, each exactly once,
with its event, the client's WhatsApp notice and the freelancer's notification,
even when two schedulers run it at the same moment."""

from __future__ import annotations

import threading
from datetime import timedelta

import psycopg

from khadum.requests.sealed import open_phone
from tests.factories import MOHAMMED, NOURA, keys, make_request


def _setup(url: str) -> dict[str, list]:
    with psycopg.connect(url) as conn:
        overdue = [
            make_request(
                conn, MOHAMMED, phone=f"+96650000010{i}", expires_in=timedelta(seconds=-1 - i)
            )
            for i in range(5)
        ]
        future = [make_request(conn, NOURA, expires_in=timedelta(minutes=5)) for _ in range(2)]
        answered = [make_request(conn, MOHAMMED, status="accepted", expires_in=timedelta(hours=-1))]
        rejected = [make_request(conn, NOURA, status="rejected", expires_in=timedelta(hours=-1))]
    return {"overdue": overdue, "future": future, "answered": answered, "rejected": rejected}


def _status(url: str, ids: list) -> set[str]:
    with psycopg.connect(url) as conn:
        return {
            r[0]
            for r in conn.execute("select status from client_requests where id = any(%s)", (ids,))
        }


def test_only_overdue_pending_requests_expire(clean_db: str) -> None:
    made = _setup(clean_db)
    with psycopg.connect(clean_db) as conn:
        assert conn.execute("select public.expire_requests()").fetchone() == (5,)
    assert _status(clean_db, made["overdue"]) == {"expired"}
    assert _status(clean_db, made["future"]) == {"pending"}
    assert _status(clean_db, made["answered"]) == {"accepted"}
    assert _status(clean_db, made["rejected"]) == {"rejected"}


def test_notices_are_queued_to_both_sides(clean_db: str) -> None:
    made = _setup(clean_db)
    with psycopg.connect(clean_db) as conn:
        conn.execute("select public.expire_requests()")
        # The client's notice: an event waiting in the client's inbox for the bot.
        outbox = conn.execute(
            "select r.client_phone_sealed, i.kind, r.client_language from client_requests r "
            "cross join lateral client_inbox(r.client_whatsapp_phone, 10, r.client_phone_index) i "
            "where r.id = any(%s) and i.request_id = r.id",
            (made["overdue"],),
        ).fetchall()
        notices = conn.execute(
            "select title from notifications where type = 'request_expired' "
            "and request_id = any(%s)",
            (made["overdue"],),
        ).fetchall()
        logged = conn.execute(
            "select count(*) from activity_log where action = 'request.expired'"
        ).fetchone()
        responded = conn.execute(
            "select count(*) from client_requests where id = any(%s) and responded_at is null",
            (made["overdue"],),
        ).fetchone()
    ring = keys()
    assert sorted((open_phone(ring, p), k, lang) for p, k, lang in outbox) == [
        (f"+96650000010{i}", "request_expired", "ar") for i in range(5)]
    assert notices == [("⏰ انتهت صلاحية طلب",)] * 5
    assert logged == (5,)
    assert responded == (5,), "nobody responded to an expired request"


def test_running_twice_at_once_expires_each_request_once(clean_db: str) -> None:
    made = _setup(clean_db)
    barrier = threading.Barrier(4)
    results: list[int] = []

    def run() -> None:
        with psycopg.connect(clean_db) as conn:
            barrier.wait()
            row = conn.execute("select public.expire_requests()").fetchone()
            results.append(int(row[0]))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sum(results) == 5 and len(results) == 4
    with psycopg.connect(clean_db) as conn:
        events = conn.execute(
            "select request_id, count(*) from request_events where event_type = 'expired' "
            "group by request_id"
        ).fetchall()
        outbox = conn.execute(
            "select count(*) from request_events "
            "where client_notice_kind('request', event_type) is not null").fetchone()
    assert sorted(r[0] for r in events) == sorted(made["overdue"])
    assert {r[1] for r in events} == {1}
    assert outbox == (5,)


def test_a_second_run_finds_nothing(clean_db: str) -> None:
    _setup(clean_db)
    with psycopg.connect(clean_db) as conn:
        conn.execute("select public.expire_requests()")
        conn.commit()
        assert conn.execute("select public.expire_requests()").fetchone() == (0,)

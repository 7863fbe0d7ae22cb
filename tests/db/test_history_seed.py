"""`khadum seed --history`: months of activity through the product's own SQL
functions, deterministic, idempotent, in the past, never sent."""

from __future__ import annotations

from datetime import date, timedelta

import psycopg

from khadum.seed.history import seed_history


def test_history_is_realistic_past_and_quiet(clean_db: str) -> None:
    report = seed_history(clean_db, days=40)
    assert report.requests >= 80
    assert report.accepted > report.rejected > 0 and report.expired > 0
    assert 0 < report.rated <= report.completed <= report.accepted
    with psycopg.connect(clean_db) as conn:
        row = conn.execute(
            "select min(created_at)::date, max(created_at)::date, count(*) "
            "from client_requests"
        ).fetchone()
        assert row is not None
        first, last, count = row
        assert count == report.requests
        assert first >= date.today() - timedelta(days=41) and last < date.today()
        # Everything the functions queued is history: nothing waits to be sent.
        waiting = conn.execute(
            "select (select count(*) from whatsapp_outbox where status in ('queued', 'sending'))"
            " + (select count(*) from email_outbox where status in ('queued', 'sending'))"
        ).fetchone()
        assert waiting == (0,)
        # The KPIs see it: acceptance within reason, responses after the requests.
        kpi = conn.execute(
            "select public.kpi_summary(current_date - 45, current_date)"
        ).fetchone()
        assert kpi is not None
        summary = kpi[0]
        assert summary["counts"]["requests"] == report.requests
        assert 0.6 < summary["acceptance_rate"] < 0.9
        assert summary["response_time_median"] > 0
        assert summary["counts"]["completed"] == report.completed
        assert summary["counts"]["ratings"] == report.rated
        events = conn.execute(
            "select count(*) from request_events e join client_requests r on r.id = e.request_id "
            "where e.created_at < r.created_at"
        ).fetchone()
        assert events == (0,)
    again = seed_history(clean_db, days=40)
    assert again.skipped


def test_history_is_deterministic(clean_db: str) -> None:
    first = seed_history(clean_db, days=10, seed=7)
    with psycopg.connect(clean_db, autocommit=True) as conn:
        conn.execute(
            "truncate client_requests, request_events, notifications, private_chats, "
            "chat_messages, chat_ratings, whatsapp_outbox, email_outbox, activity_log cascade"
        )
    second = seed_history(clean_db, days=10, seed=7)
    assert (first.requests, first.accepted, first.rejected, first.expired, first.rated) == (
        second.requests, second.accepted, second.rejected, second.expired, second.rated)


def test_history_leaves_the_demo_profiles_as_seeded(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        before = conn.execute(
            "select id, rating, rating_count, completed_projects from freelancers order by id"
        ).fetchall()
    report = seed_history(clean_db, days=15)
    assert report.rated > 0
    with psycopg.connect(clean_db) as conn:
        after = conn.execute(
            "select id, rating, rating_count, completed_projects from freelancers order by id"
        ).fetchall()
    assert after == before

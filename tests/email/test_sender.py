"""The outbox sender against a Resend stand-in that fails on purpose, on a real port.

Every email reaches the provider exactly once: counted at the HTTP level (what the
stand-in recorded), not from our own bookkeeping.
"""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import psycopg
import pytest

from khadum.crypto import CIPHERTEXT, keyring_from, new_key
from khadum.db import Database
from khadum.devstack.resend_standin import Fault
from khadum.email.providers import EmailSendError, OutgoingEmail
from khadum.email.resend_provider import ResendProvider
from khadum.email.sealed import seal
from khadum.email.sender import Sender
from tests.email.support import outbox_row, outgoing, queue_email, standin_server

SENDER = "خدوم <noreply@khadum.app>"


@pytest.fixture
async def db(clean_db: str) -> AsyncIterator[Database]:
    database = Database(clean_db, max_size=6)
    await database.open()
    yield database
    await database.close()


def sender_for(db: Database, api_url: str, **kwargs: object) -> Sender:
    provider = ResendProvider("re_test_key", api_url, timeout_seconds=0.3)
    # The shared retry rule, its delays scaled to zero so the test need not wait.
    return Sender(db, provider, SENDER,
                  **{"retry_delay_scale": 0.0, **kwargs})  # type: ignore[arg-type]


async def test_each_email_is_sent_exactly_once_through_429_500_and_timeouts(
    db: Database, clean_db: str
) -> None:
    with psycopg.connect(clean_db) as conn, standin_server() as (standin, api_url):
        ids = [queue_email(conn) for _ in range(3)]
        standin.fail_next(Fault(429, retry_after=2), Fault(500), Fault(timeout=0.8), Fault(503))
        sender = sender_for(db, api_url)

        first = await sender.drain()
        assert first.sent == 2 and first.retried == 4
        waiting = [outbox_row(conn, i) for i in ids if outbox_row(conn, i)["status"] == "queued"]
        assert len(waiting) == 1 and "429" in waiting[0]["last_error"]
        # retry-after: 2 was respected, not the zero backoff
        wait = (waiting[0]["next_attempt_at"] - datetime.now(UTC)).total_seconds()
        assert 0.5 < wait <= 2.0
        assert (await sender.drain()).handled == 0  # not due yet

        conn.execute("update email_outbox set next_attempt_at = now() where status = 'queued'")
        conn.commit()
        second = await sender.drain()
        assert second.sent == 1

        recorded = standin.recorded()
        rows = [outbox_row(conn, i) for i in ids]
        assert len(recorded) == 3
        assert sorted(e["idempotency_key"] for e in recorded) == sorted(
            r["idempotency_key"] for r in rows)
        assert {r["provider_id"] for r in rows} == {e["id"] for e in recorded}
        assert all(r["status"] == "sent" and r["provider"] == "resend" for r in rows)
        assert len(standin.attempts) == 3 + 4  # every failure was retried
        assert sum(r["attempts"] for r in rows) == 7
        # the timed-out attempt had been recorded: the retry got the same id back
        assert all(e["subject"] and e["html"] and e["text"] for e in recorded)
        logged = conn.execute(
            "select count(*) from activity_log where action = 'email.sent'").fetchone()
        assert logged == (3,)


async def test_a_permanent_error_fails_at_once_and_is_logged(db: Database, clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn, standin_server() as (standin, api_url):
        email_id = queue_email(conn)
        standin.fail_next(Fault(422, message="Invalid `to` field."))
        report = await sender_for(db, api_url).drain()
        row = outbox_row(conn, email_id)
        assert report.failed == 1 and report.retried == 0
        assert row["status"] == "failed" and row["attempts"] == 1 and row["failed_at"]
        assert "422" in row["last_error"] and "Invalid `to` field" in row["last_error"]
        assert standin.recorded() == [] and len(standin.attempts) == 1
        log = conn.execute(
            "select details->>'error' from activity_log where action = 'email.failed'"
            " and subject_id = %s", (str(email_id),)).fetchone()
        assert log is not None and "422" in log[0]


async def test_transient_errors_give_up_after_the_last_attempt(
    db: Database, clean_db: str
) -> None:
    with psycopg.connect(clean_db) as conn, standin_server() as (standin, api_url):
        email_id = queue_email(conn)
        limit = conn.execute("select retry_attempt_limit()").fetchone()[0]  # type: ignore[index]
        standin.fail_next(*[Fault(500)] * (limit + 1))
        report = await sender_for(db, api_url).drain()
        row = outbox_row(conn, email_id)
        assert report.retried == limit - 1 and report.failed == 1
        assert row["status"] == "failed" and row["attempts"] == limit
        assert row["last_error"].startswith(f"gave up after {limit} attempts: resend 500")
        assert len(standin.attempts) == limit and standin.recorded() == []


async def test_two_drainers_at_once_send_each_email_once(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn, standin_server() as (standin, api_url):
        ids = [queue_email(conn) for _ in range(30)]
        first, second = Database(clean_db, max_size=4), Database(clean_db, max_size=4)
        await first.open()
        await second.open()
        try:
            reports = await asyncio.gather(
                sender_for(first, api_url, batch_size=4).drain(),
                sender_for(second, api_url, batch_size=4).drain(),
            )
        finally:
            await first.close()
            await second.close()
        assert sum(r.sent for r in reports) == 30
        assert all(r.sent > 0 for r in reports)  # both really took part
        assert len(standin.attempts) == 30 and len(standin.recorded()) == 30
        assert len({e["idempotency_key"] for e in standin.recorded()}) == 30
        assert {outbox_row(conn, i)["status"] for i in ids} == {"sent"}


async def test_an_email_left_sending_by_a_dead_sender_is_sent_once(
    db: Database, clean_db: str
) -> None:
    with psycopg.connect(clean_db) as conn, standin_server() as (standin, api_url):
        email_id = queue_email(conn)
        row = outbox_row(conn, email_id)
        # The dead sender reached Resend, then died before recording anything.
        provider = ResendProvider("re_test_key", api_url, timeout_seconds=2)
        provider_id = await provider.send(outgoing(row))
        conn.execute("update email_outbox set status = 'sending', attempts = 1,"
                     " claimed_at = now() - interval '10 minutes' where id = %s", (email_id,))
        conn.commit()
        report = await sender_for(db, api_url).drain()
        row = outbox_row(conn, email_id)
        assert report.sent == 1 and row["provider_id"] == provider_id and row["attempts"] == 2
        assert len(standin.recorded()) == 1 and len(standin.attempts) == 2


async def test_an_unrendered_row_fails_without_reaching_the_provider(
    db: Database, clean_db: str
) -> None:
    with psycopg.connect(clean_db) as conn, standin_server() as (standin, api_url):
        email_id = queue_email(conn, html=None, key=f"{uuid.uuid4()}:freelancer_new_client")
        report = await sender_for(db, api_url).drain()
        row = outbox_row(conn, email_id)
        assert report.failed == 1 and row["status"] == "failed"
        assert row["last_error"] == "not rendered: html_body empty"
        assert standin.attempts == []


async def test_the_drain_opens_sealed_rows_and_a_wrong_key_keeps_the_email(
    db: Database, clean_db: str
) -> None:
    """Issue 16: the outbox holds ciphertext; the drain opens it right before the
    handover. A row it cannot open (sealed under a key it lacks) is retried, named
    by context and key id, never sent or lost."""
    ring = keyring_from(f"gone:{new_key()}", base64.b64encode(b"k" * 32).decode())
    with psycopg.connect(clean_db) as conn, standin_server() as (standin, api_url):
        good = queue_email(conn, to="sealed.reader@example.com")
        raw = conn.execute("select to_email, subject from email_outbox where id = %s",
                           (good,)).fetchone()
        assert raw is not None and all(CIPHERTEXT.match(v) for v in raw)
        stranger = conn.execute(
            "insert into email_outbox (idempotency_key, to_email, to_display, template, subject,"
            " html_body, text_body, params) values (%(key)s, %(to_email)s, %(to_display)s,"
            " %(template)s, %(subject)s, %(html_body)s, %(text_body)s,"
            " to_jsonb(%(params)s::text)) returning id",
            {"key": f"{uuid.uuid4()}:x", **seal(ring, {
                "template": "client_request_accepted", "to_email": "lost.key@example.com",
                "subject": "s", "html_body": "<p>h</p>", "text_body": "t"})}).fetchone()
        conn.commit()
        assert stranger is not None
        # One batch (the retry delays are scaled to 0: `drain` would spend every try;
        # after the shared limit the row is `failed`, and staff may resend it).
        report = await sender_for(db, api_url).drain_once()
        assert (report.sent, report.retried) == (1, 1)
        (delivered,) = standin.recorded()
        assert delivered["to"] == ["sealed.reader@example.com"]
        kept = conn.execute("select status, last_error from email_outbox where id = %s",
                            (stranger[0],)).fetchone()
    assert kept is not None and kept[0] == "queued"
    assert "email_outbox.to_email" in kept[1] and "gone" in kept[1]
    assert "lost.key" not in kept[1]


class _Refusing:
    """A provider whose refusal quotes the address (as SMTP servers do)."""

    name = "smtp"

    async def send(self, email: OutgoingEmail) -> str:
        raise EmailSendError(f"550 5.1.1 <{email.to}>: recipient rejected", transient=False)


async def test_a_refusal_quoting_the_address_is_stored_redacted(
    db: Database, clean_db: str
) -> None:
    with psycopg.connect(clean_db) as conn:
        email_id = queue_email(conn, to="refused.person@example.com")
        report = await Sender(db, _Refusing(), SENDER).drain()  # type: ignore[arg-type]
        row = outbox_row(conn, email_id)
    assert report.failed == 1 and row["status"] == "failed"
    assert row["last_error"] == "550 5.1.1 <[email]>: recipient rejected"

"""Resend's Svix-signed webhook through the send_emails function (real HTTP, ASGI):
signatures, duplicates, and the outbox row's delivery state."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
import pytest
from svix.webhooks import Webhook

from khadum.db import Database
from khadum.settings import LOCAL_RESEND_WEBHOOK_SECRET, Settings
from tests.email.support import fixture, outbox_row, queue_email
from tests.http import function_factory

create_app = function_factory("send_emails")

URL = "/functions/v1/send_emails/webhook"


@pytest.fixture
async def client(clean_db: str) -> AsyncIterator[httpx.AsyncClient]:
    db = Database(clean_db, max_size=4)
    await db.open()
    app = create_app(db, Settings(database_url=clean_db))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://functions") as http:
        yield http
    await db.close()


def signed(body: dict[str, Any] | bytes, *, secret: str = LOCAL_RESEND_WEBHOOK_SECRET,
           msg_id: str | None = None, at: datetime | None = None) -> tuple[bytes, dict[str, str]]:
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    at = at or datetime.now(UTC)
    signature = Webhook(secret).sign(msg_id, at, raw.decode())
    return raw, {"svix-id": msg_id, "svix-timestamp": str(int(at.timestamp())),
                 "svix-signature": signature, "content-type": "application/json"}


async def post(client: httpx.AsyncClient, body: dict[str, Any], **kwargs: Any) -> httpx.Response:
    raw, headers = signed(body, **kwargs)
    return await client.post(URL, content=raw, headers=headers)


def sent_email(conn: psycopg.Connection) -> tuple[uuid.UUID, str]:
    """A queued row that the sender has sent through Resend (provider id recorded)."""
    email_id = queue_email(conn)
    provider_id = str(uuid.uuid4())
    conn.execute("update email_outbox set status = 'sending' where id = %s", (email_id,))
    conn.execute("select record_email_sent(%s, 'resend', %s)", (email_id, provider_id))
    conn.commit()
    return email_id, provider_id


async def test_a_good_signature_is_accepted(client: httpx.AsyncClient, clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        email_id, provider_id = sent_email(conn)
        answer = await post(client, fixture("email.delivered", provider_id))
        assert answer.status_code == 200
        assert answer.json() == {"status": "applied", "type": "email.delivered"}
        assert outbox_row(conn, email_id)["status"] == "delivered"


async def test_bad_signatures_are_refused_and_change_nothing(
    client: httpx.AsyncClient, clean_db: str
) -> None:
    with psycopg.connect(clean_db) as conn:
        email_id, provider_id = sent_email(conn)
        body = fixture("email.bounced", provider_id)

        wrong = await post(client, body, secret="whsec_" + "d3Jvbmctc2VjcmV0LWZvci10ZXN0cw==")
        assert wrong.status_code == 403
        assert wrong.json()["error"]["code"] == "invalid_signature"

        stale = await post(client, body, at=datetime.now(UTC) - timedelta(minutes=10))
        assert stale.status_code == 403 and "too old" in stale.json()["error"]["message"]

        raw, headers = signed(body)
        tampered = raw.replace(b"email.bounced", b"email.delivered")
        answer = await client.post(URL, content=tampered, headers=headers)
        assert answer.status_code == 403

        unsigned = await client.post(URL, content=raw, headers={"content-type": "application/json"})
        assert unsigned.status_code == 401
        assert unsigned.json()["error"]["code"] == "missing_signature"

        assert outbox_row(conn, email_id)["status"] == "sent"
        assert conn.execute("select count(*) from email_events").fetchone() == (0,)


async def test_a_duplicate_delivery_is_harmless(client: httpx.AsyncClient, clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        email_id, provider_id = sent_email(conn)
        body = fixture("email.complained", provider_id)
        first = await post(client, body, msg_id="msg_2fKQ7zJ0duplicate")
        again = await post(client, body, msg_id="msg_2fKQ7zJ0duplicate")
        assert first.json()["status"] == "applied" and again.json()["status"] == "duplicate"
        assert again.status_code == 200
        assert conn.execute("select count(*) from email_events").fetchone() == (1,)
        logged = conn.execute("select count(*) from activity_log where action ="
                              " 'email.complained'").fetchone()
        assert logged == (1,)
        assert outbox_row(conn, email_id)["status"] == "complained"


async def test_states_move_forward_only_whatever_the_order(
    client: httpx.AsyncClient, clean_db: str
) -> None:
    with psycopg.connect(clean_db) as conn:
        email_id, provider_id = sent_email(conn)
        for event in ("email.delivered", "email.sent", "email.delivery_delayed",
                      "email.opened", "email.clicked"):
            assert (await post(client, fixture(event, provider_id))).status_code == 200
        row = outbox_row(conn, email_id)
        assert row["status"] == "delivered"  # never back to sent or delayed
        assert row["delivered_at"] == datetime(2025, 11, 23, 9, 14, 7, 304000, tzinfo=UTC)
        assert row["opened_at"] and row["clicked_at"] and row["last_event"] == "email.clicked"


async def test_delayed_then_bounced(client: httpx.AsyncClient, clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        email_id, provider_id = sent_email(conn)
        await post(client, fixture("email.delivery_delayed", provider_id))
        assert outbox_row(conn, email_id)["status"] == "delayed"
        await post(client, fixture("email.bounced", provider_id))
        row = outbox_row(conn, email_id)
        assert row["status"] == "bounced" and row["bounced_at"]
        assert "suppression list" in row["last_error"]
        details = conn.execute("select details from activity_log where action = 'email.bounced'"
                               " and subject_id = %s", (str(email_id),)).fetchone()
        assert details is not None and details[0]["provider_id"] == provider_id


async def test_failed_records_the_reason(client: httpx.AsyncClient, clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        email_id, provider_id = sent_email(conn)
        await post(client, fixture("email.failed", provider_id))
        row = outbox_row(conn, email_id)
        assert row["status"] == "failed" and row["last_error"] == "reached_daily_quota"


async def test_an_event_before_the_send_is_recorded_is_applied_later(
    client: httpx.AsyncClient, clean_db: str
) -> None:
    with psycopg.connect(clean_db) as conn:
        email_id = queue_email(conn)
        provider_id = str(uuid.uuid4())
        early = await post(client, fixture("email.delivered", provider_id))
        assert early.json()["status"] == "unmatched"
        conn.execute("update email_outbox set status = 'sending' where id = %s", (email_id,))
        conn.execute("select record_email_sent(%s, 'resend', %s)", (email_id, provider_id))
        conn.commit()
        assert outbox_row(conn, email_id)["status"] == "delivered"
        linked = conn.execute("select email_id from email_events").fetchone()
        assert linked == (email_id,)


async def test_other_events_are_acknowledged_and_malformed_bodies_refused(
    client: httpx.AsyncClient,
) -> None:
    contact = {"type": "contact.created", "created_at": "2025-11-23T09:00:00.000Z",
               "data": {"id": str(uuid.uuid4()), "email": "ahmed@example.com"}}
    answer = await post(client, contact)
    assert answer.status_code == 200 and answer.json()["status"] == "ignored"
    raw, headers = signed(b"not json")
    malformed = await client.post(URL, content=raw, headers=headers)
    assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "malformed"


async def test_stored_events_hold_no_address_or_subject(
    client: httpx.AsyncClient, clean_db: str
) -> None:
    """Issue 16: Resend's events name the recipient, the sender and the subject (the
    outbox holds them sealed); the stored event keeps only what the delivery state
    uses, its texts redacted (a bounce may quote the address)."""
    with psycopg.connect(clean_db) as conn:
        email_id, provider_id = sent_email(conn)
        body = fixture("email.bounced", provider_id)
        body["data"]["bounce"]["message"] = "550 <ahmed@example.com>: mailbox unavailable"
        assert (await post(client, body)).status_code == 200
        stored = conn.execute("select payload from email_events where email_id = %s",
                              (email_id,)).fetchone()
        row = outbox_row(conn, email_id)
    assert stored is not None
    payload = stored[0]
    assert "ahmed@example.com" not in json.dumps(payload, ensure_ascii=False)
    assert "محمد الغامدي" not in json.dumps(payload, ensure_ascii=False)
    assert set(payload["data"]) == {"created_at", "email_id", "bounce"}
    assert payload["data"]["bounce"]["type"] == "Permanent"
    assert row["status"] == "bounced" and row["last_error"] == "550 <[email]>: mailbox unavailable"

"""SMTP gets Resend's exactly-once: the sent-marker is committed before DATA, so
a sender that dies during DATA is never followed by a second copy, and one that
dies before it hands the email over again (nothing was handed over)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller

from khadum.db import Database
from khadum.email.sender import Sender
from khadum.email.smtp_provider import SmtpProvider, message_id
from tests.email.support import outbox_row, outgoing, queue_email
from tests.live import free_port


class MarkerCheckingInbox:
    """Records each message and whether its row's sent-marker was committed by
    the time DATA began (read from another connection)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.messages: list[bytes] = []
        self.marked_before_data: list[bool] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with psycopg.connect(self.database_url) as conn:
            row = conn.execute(
                "select count(*) from email_outbox where smtp_data_at is not null "
                "and status = 'sending'").fetchone()
        self.marked_before_data.append(bool(row and row[0] == 1))
        self.messages.append(envelope.original_content)
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox(clean_db: str) -> Iterator[tuple[MarkerCheckingInbox, int]]:
    handler = MarkerCheckingInbox(clean_db)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
async def db(clean_db: str) -> AsyncIterator[Database]:
    database = Database(clean_db, max_size=4)
    await database.open()
    yield database
    await database.close()


def sender(db: Database, port: int) -> Sender:
    return Sender(db, SmtpProvider("127.0.0.1", port, timeout_seconds=5),
                  "خدوم <noreply@khadum.app>", stale_after_seconds=5)


def died_mid_send(conn: psycopg.Connection, email_id: uuid.UUID, *, after_marker: bool) -> None:
    """The row as a sender that was SIGKILLed leaves it: claimed, lease run out."""
    conn.execute(
        "update email_outbox set status = 'sending', attempts = 1, claimed_by = 'dead:1', "
        "claimed_at = now() - interval '1 minute', "
        "smtp_data_at = case when %s then now() - interval '1 minute' end where id = %s",
        (after_marker, email_id))
    conn.commit()


async def test_the_sent_marker_is_committed_before_data(
    db: Database, clean_db: str, inbox: tuple[MarkerCheckingInbox, int]
) -> None:
    handler, port = inbox
    with psycopg.connect(clean_db) as conn:
        email_id = queue_email(conn)
        report = await sender(db, port).drain()
        row = outbox_row(conn, email_id)
    assert report.sent == 1 and handler.marked_before_data == [True]
    assert row["status"] == "sent" and row["smtp_data_at"] is not None


async def test_a_sender_that_died_during_data_is_not_followed_by_a_second_copy(
    db: Database, clean_db: str, inbox: tuple[MarkerCheckingInbox, int]
) -> None:
    handler, port = inbox
    with psycopg.connect(clean_db) as conn:
        email_id = queue_email(conn)
        died_mid_send(conn, email_id, after_marker=True)
        report = await sender(db, port).drain()
        row = outbox_row(conn, email_id)
    assert handler.messages == []  # at most once: never handed over again
    assert report.sent == 1 and row["status"] == "sent"
    assert row["provider_id"] == message_id(outgoing(row))


async def test_a_sender_that_died_before_data_hands_it_over_once(
    db: Database, clean_db: str, inbox: tuple[MarkerCheckingInbox, int]
) -> None:
    handler, port = inbox
    with psycopg.connect(clean_db) as conn:
        email_id = queue_email(conn)
        died_mid_send(conn, email_id, after_marker=False)
        first = await sender(db, port).drain()
        second = await sender(db, port).drain()
        row = outbox_row(conn, email_id)
    assert len(handler.messages) == 1 and first.sent == 1 and second.sent == 0
    assert row["status"] == "sent"

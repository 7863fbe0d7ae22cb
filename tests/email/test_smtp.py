"""SMTP through a real local SMTP server (aiosmtpd) on a free port."""

from __future__ import annotations

import email
import email.policy
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller

from khadum.db import Database
from khadum.email.sender import Sender
from khadum.email.smtp_provider import SmtpProvider
from tests.email.support import HTML, SUBJECT, TEXT, outbox_row, queue_email
from tests.live import free_port

REFUSED = "nobody@example.com"
BUSY = "busy@example.com"


@dataclass
class Inbox:
    messages: list[tuple[Any, bytes]] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address == REFUSED:
            return "550 5.1.1 <nobody@example.com>: Recipient address rejected"
        if address == BUSY:
            return "451 4.3.2 Please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope, envelope.original_content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
async def db(clean_db: str) -> AsyncIterator[Database]:
    database = Database(clean_db, max_size=4)
    await database.open()
    yield database
    await database.close()


def smtp_sender(db: Database, port: int) -> Sender:
    provider = SmtpProvider("127.0.0.1", port, timeout_seconds=5)
    return Sender(db, provider, "خدوم <noreply@khadum.app>")


async def test_an_arabic_email_arrives_with_text_and_html_parts(
    db: Database, clean_db: str, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    with psycopg.connect(clean_db) as conn:
        email_id = queue_email(conn)
        report = await smtp_sender(db, port).drain()
        row = outbox_row(conn, email_id)
    assert report.sent == 1 and row["status"] == "sent" and row["provider"] == "smtp"
    assert len(inbox.messages) == 1
    envelope, raw = inbox.messages[0]
    assert envelope.mail_from == "noreply@khadum.app"
    assert envelope.rcpt_tos == ["ahmed@example.com"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == SUBJECT
    assert "=?utf-8?" in raw.decode("ascii").split("Subject:", 1)[1].splitlines()[0]
    assert message["From"].addresses[0].display_name == "خدوم"
    assert message["Message-ID"] == row["provider_id"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert text.get_content().strip() == TEXT
    assert html.get_content().strip() == HTML


async def test_smtp_refusals_fail_or_retry_by_their_code(
    db: Database, clean_db: str, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    with psycopg.connect(clean_db) as conn:
        refused = queue_email(conn, to=REFUSED)
        busy = queue_email(conn, to=BUSY)
        report = await smtp_sender(db, port).drain()
        refused_row, busy_row = outbox_row(conn, refused), outbox_row(conn, busy)
    assert report.failed == 1 and report.retried == 1 and inbox.messages == []
    assert refused_row["status"] == "failed" and "550" in refused_row["last_error"]
    assert busy_row["status"] == "queued" and "451" in busy_row["last_error"]


async def test_an_unreachable_server_is_retried(db: Database, clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        email_id = queue_email(conn)
        report = await smtp_sender(db, free_port()).drain()
        row = outbox_row(conn, email_id)
    assert report.retried == 1
    assert row["status"] == "queued" and row["last_error"].startswith("smtp unreachable")

"""Shared pieces of the email tests: queued rows, a Resend stand-in on a real port."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from fastapi import FastAPI

from khadum.devstack.resend_standin import ResendStandin
from khadum.email.providers import OutgoingEmail
from khadum.email.sealed import open_row
from tests.factories import insert_email, keys
from tests.live import serve

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "resend"
SUBJECT = "تم قبول طلبك — محمد الغامدي بانتظارك"
HTML = (
    '<html lang="ar" dir="rtl"><body><h1>مرحبًا أحمد</h1>'
    '<p>وافق محمد الغامدي على طلبك. ابدأ المحادثة من هنا:</p>'
    '<p><a href="http://127.0.0.1:8000/chat/k3J9xQ2mV7pL">افتح المحادثة</a></p>'
    '<p lang="en" dir="ltr">Mohammed accepted your request.</p></body></html>'
)
TEXT = "مرحبًا أحمد\nوافق محمد الغامدي على طلبك.\nافتح المحادثة: http://127.0.0.1:8000/chat/k3J9xQ2mV7pL"


def queue_email(
    conn: psycopg.Connection, *, to: str = "ahmed@example.com", subject: str = SUBJECT,
    html: str | None = HTML, text: str | None = TEXT, key: str | None = None,
) -> uuid.UUID:
    """A rendered row, sealed as the functions queue it (khadum.email.sealed; committed)."""
    email_id = insert_email(conn, key=key, to=to, subject=subject, html=html, text=text)
    conn.commit()
    return email_id


def outbox_row(conn: psycopg.Connection, email_id: uuid.UUID) -> dict[str, Any]:
    """The row as the drain sees it (its sealed columns opened)."""
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        cur.execute("select * from email_outbox where id = %s", (email_id,))
        row = cur.fetchone()
    conn.commit()
    assert row is not None
    return open_row(keys(), row)


def fixture(event_type: str, provider_id: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((FIXTURES / f"{event_type}.json").read_text())
    body["data"]["email_id"] = provider_id
    return body


@contextmanager
def standin_server(standin: ResendStandin | None = None) -> Iterator[tuple[ResendStandin, str]]:
    """A Resend stand-in served on a free local port: (stand-in, RESEND_API_URL)."""
    standin = standin or ResendStandin()
    app = FastAPI()
    app.include_router(standin.router())
    with serve(app) as base:
        yield standin, base + standin.prefix


def outgoing(row: dict[str, Any], sender: str = "خدوم <noreply@khadum.app>") -> OutgoingEmail:
    return OutgoingEmail(
        outbox_id=str(row["id"]), idempotency_key=row["idempotency_key"], sender=sender,
        to=row["to_email"], subject=row["subject"], html=row["html_body"],
        text=row["text_body"], template=row["template"],
    )

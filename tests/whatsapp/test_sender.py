"""The outbox sender against Meta's Graph API (mocked with respx, recorded
answers): bearer token and URL, order per phone, retries with backoff for
transient errors, none for permanent ones, and the template fallback (131047)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import psycopg
import pytest
import respx

from khadum.http import Database
from khadum.whatsapp import messages
from khadum.whatsapp.sender import backoff_seconds, drain_whatsapp
from tests.whatsapp.meta import FakeMeta, bot_settings

PHONE = "+966501234567"


@pytest.fixture
async def db(clean_db: str) -> AsyncIterator[Database]:
    database = Database(clean_db, max_size=4)
    await database.open()
    yield database
    await database.close()


def queue(url: str, *bodies: dict[str, object]) -> None:
    with psycopg.connect(url) as conn:
        for body in bodies:
            conn.execute(
                "insert into whatsapp_outbox (to_phone, body) values (%s, %s)",
                (PHONE, json.dumps(body)),
            )


def due_now(url: str) -> None:
    with psycopg.connect(url) as conn:
        conn.execute("update whatsapp_outbox set next_attempt_at = now() where status = 'queued'")


def rows(url: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select status, attempts, error_code from whatsapp_outbox order by seq"
        ).fetchall()


async def test_messages_go_to_the_graph_api_in_order_with_the_token(
    clean_db: str, db: Database
) -> None:
    settings = bot_settings(clean_db)
    queue(clean_db, *(messages.text(PHONE, f"رسالة {i}") for i in range(1, 6)))
    with respx.mock as router:
        meta = FakeMeta(router, settings)
        report = await drain_whatsapp(db, settings)
        assert report.sent == 5
        assert [b["text"]["body"] for b in meta.to(PHONE)] == [f"رسالة {i}" for i in range(1, 6)]
        assert (
            meta.route.calls[0].request.url
            == "https://graph.facebook.com/v21.0/100000000000001/messages"
        )
        assert (await drain_whatsapp(db, settings)).sent == 0  # nothing twice
    with psycopg.connect(clean_db) as conn:
        assert conn.execute(
            "select count(*) from whatsapp_outbox where status = 'sent' and wamid like 'wamid.%'"
        ).fetchone() == (5,)


@pytest.mark.parametrize(
    ("status", "fixture_name", "code"),
    [(429, "graph_error_130429", "130429"), (500, "graph_error_500", "1")],
)
async def test_transient_errors_back_off_then_succeed(
    clean_db: str, db: Database, status: int, fixture_name: str, code: str
) -> None:
    settings = bot_settings(clean_db)
    queue(clean_db, messages.text(PHONE, "أولى"), messages.text(PHONE, "ثانية"))
    with respx.mock as router:
        meta = FakeMeta(router, settings)
        meta.fail_next(status, fixture_name)
        report = await drain_whatsapp(db, settings)
        assert (report.sent, report.retrying) == (0, 1)
        assert rows(clean_db) == [("queued", 1, code), ("queued", 0, None)]  # order kept
        assert (await drain_whatsapp(db, settings)).sent == 0  # backing off
        due_now(clean_db)
        assert (await drain_whatsapp(db, settings)).sent == 2
        assert [b["text"]["body"] for b in meta.to(PHONE)] == ["أولى", "ثانية"]
    assert rows(clean_db) == [("sent", 2, None), ("sent", 1, None)]


async def test_timeouts_are_transient(clean_db: str, db: Database) -> None:
    settings = bot_settings(clean_db)
    queue(clean_db, messages.text(PHONE, "مرحبا"))
    with respx.mock as router:
        router.post(url__startswith="https://graph.facebook.com/").mock(
            side_effect=httpx.ReadTimeout("timed out")
        )
        report = await drain_whatsapp(db, settings)
    assert report.retrying == 1 and rows(clean_db) == [("queued", 1, "")]


async def test_permanent_errors_fail_without_retry_and_give_up_after_max(
    clean_db: str, db: Database
) -> None:
    settings = bot_settings(clean_db)
    queue(clean_db, messages.text(PHONE, "مرحبا"))
    with respx.mock as router:
        meta = FakeMeta(router, settings)
        meta.fail_next(400, "graph_error_131026")
        report = await drain_whatsapp(db, settings)
        assert report.failed == 1 and meta.route.call_count == 1
        assert rows(clean_db) == [("failed", 1, "131026")]
        for _ in range(6):
            meta.fail_next(503, "graph_error_500")
        queue(clean_db, messages.text(PHONE, "ثانية"))
        for _ in range(6):
            due_now(clean_db)
            await drain_whatsapp(db, settings)
        assert rows(clean_db)[1] == ("failed", 6, "1")
    assert backoff_seconds(1) == 2 and backoff_seconds(20) == 300


async def test_131047_turns_a_follow_up_into_its_approved_template(
    clean_db: str, db: Database
) -> None:
    settings = bot_settings(clean_db)
    with psycopg.connect(clean_db) as conn:
        # The client wrote recently, so the bot first tries a free-form message.
        conn.execute(
            "insert into whatsapp_inbound (wamid, client_phone, message_type, payload, "
            "sent_at) values ('wamid.in1', %s, 'text', '{}', now())",
            (PHONE,),
        )
        conn.execute(
            "insert into whatsapp_outbox (to_phone, message_key, params, locale) "
            "values (%s, 'request_accepted', %s, 'ar')",
            (
                PHONE,
                json.dumps(
                    {
                        "freelancer_name": "محمد الغامدي",
                        "chat_url": "http://127.0.0.1:8000/chat/tok",
                    }
                ),
            ),
        )
    with respx.mock as router:
        meta = FakeMeta(router, settings)
        meta.fail_next(400, "graph_error_131047")
        first = await drain_whatsapp(db, settings)
        assert (first.rendered, first.retrying) == (1, 1)
        second = await drain_whatsapp(db, settings)
        assert (second.rendered, second.sent) == (1, 1)
        template = meta.to(PHONE)[0]
        assert template["type"] == "template"
        assert template["template"]["name"] == "khadum_request_accepted"
        assert [p["text"] for p in template["template"]["components"][0]["parameters"]] == [
            "محمد الغامدي",
            "http://127.0.0.1:8000/chat/tok",
        ]

"""The outbox sender against Meta's Graph API (mocked with respx, recorded
answers): bearer token and URL, order per phone, retries with backoff for
transient errors, none for permanent ones, and the template alternative (the
24-hour window closed, or 131047)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import psycopg
import pytest
import respx

from khadum.db import Database
from khadum.whatsapp import messages
from khadum.whatsapp.sender import drain_whatsapp
from tests.factories import insert_inbound, insert_reply
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
            insert_reply(conn, PHONE, body)


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
        assert (report.sent, report.retried) == (0, 1)
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
            side_effect=httpx.ConnectTimeout("timed out")
        )
        report = await drain_whatsapp(db, settings)
    # Never connected: nothing reached Meta, so it is simply retried.
    assert report.retried == 1 and rows(clean_db) == [("queued", 1, "")]


async def test_a_send_whose_answer_was_lost_is_not_sent_again_blindly(
    clean_db: str, db: Database
) -> None:
    settings = bot_settings(clean_db)
    queue(clean_db, messages.text(PHONE, "أولى"), messages.text(PHONE, "ثانية"))
    with respx.mock as router:
        route = router.post(url__startswith="https://graph.facebook.com/").mock(
            side_effect=httpx.ReadTimeout("timed out")
        )
        report = await drain_whatsapp(db, settings)
        assert report.retried == 1 and route.call_count == 1
        # The answer may be lost while Meta took it: the row waits (the later one
        # behind it, in order) instead of going out a second time.
        assert rows(clean_db) == [("sending", 0, "unknown"), ("queued", 0, None)]
        assert (await drain_whatsapp(db, settings)).sent == 0 and route.call_count == 1
    # No status callback named it within the reconcile window: sent again, in order.
    with psycopg.connect(clean_db) as conn:
        conn.execute("update whatsapp_outbox set send_attempted_at = now() - interval "
                     "'1 minute' where status = 'sending'")
    with respx.mock as router:
        meta = FakeMeta(router, settings)
        assert (await drain_whatsapp(db, settings)).sent == 2
        assert [b["text"]["body"] for b in meta.to(PHONE)] == ["أولى", "ثانية"]


async def test_a_status_callback_settles_a_send_whose_answer_was_lost(
    clean_db: str, db: Database
) -> None:
    settings = bot_settings(clean_db)
    queue(clean_db, messages.text(PHONE, "مرحبا"))
    with respx.mock as router:
        route = router.post(url__startswith="https://graph.facebook.com/").mock(
            side_effect=httpx.ReadTimeout("timed out")
        )
        await drain_whatsapp(db, settings)
        sent_body = json.loads(route.calls[0].request.content)
    opaque = sent_body["biz_opaque_callback_data"]
    with psycopg.connect(clean_db) as conn:
        # Meta's "sent" status for it arrives, echoing biz_opaque_callback_data.
        conn.execute(
            "select record_whatsapp_status('wamid.LATE1', 'sent', now(), %s)",
            (json.dumps({"id": "wamid.LATE1", "status": "sent",
                         "biz_opaque_callback_data": opaque}),))
        conn.execute("update whatsapp_outbox set send_attempted_at = now() - interval "
                     "'1 minute'")
    with respx.mock as router:
        route = router.post(url__startswith="https://graph.facebook.com/").mock(
            side_effect=httpx.ReadTimeout("must not be called"))
        assert (await drain_whatsapp(db, settings)).sent == 0
        assert route.call_count == 0
    with psycopg.connect(clean_db) as conn:
        assert conn.execute("select status, wamid from whatsapp_outbox").fetchall() == [
            ("sent", "wamid.LATE1")]


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
        limit = attempt_limit(clean_db)
        for _ in range(limit + 1):
            meta.fail_next(503, "graph_error_500")
        queue(clean_db, messages.text(PHONE, "ثانية"))
        for _ in range(limit + 1):
            due_now(clean_db)
            await drain_whatsapp(db, settings)
        assert meta.route.call_count == 1 + limit  # never past the limit
        assert rows(clean_db)[1] == ("failed", limit, "1")
    with psycopg.connect(clean_db) as conn:
        # One backoff for every queue (both outboxes, inbound processing).
        assert conn.execute(
            "select extract(epoch from retry_delay(1))::int, "
            "extract(epoch from retry_delay(20))::int"
        ).fetchone() == (2, 300)


def attempt_limit(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("select retry_attempt_limit()").fetchone()
    assert row is not None
    return int(row[0])


def queue_notice(url: str, body: dict[str, object], template: dict[str, object],
                 *follow_ons: dict[str, object]) -> None:
    """A notice as the bot writes it: the free-form body with its approved-template
    alternative, then free-form follow-ons that need the 24-hour window."""
    with psycopg.connect(url) as conn:
        insert_reply(conn, PHONE, body, template=template)
        for extra in follow_ons:
            insert_reply(conn, PHONE, extra, requires_window=True)


def client_wrote(url: str, ago: str = "1 minute") -> None:
    with psycopg.connect(url) as conn:
        at = conn.execute("select now() - %s::interval", (ago,)).fetchone()
        assert at is not None
        insert_inbound(conn, "wamid.in1", PHONE, "text", {}, sent_at=at[0])


ACCEPTED_TEMPLATE = messages.template(
    PHONE, "khadum_request_accepted", "ar",
    ["محمد الغامدي", "http://127.0.0.1:8000/chat/tok"], [])


async def test_131047_turns_a_follow_up_into_its_approved_template(
    clean_db: str, db: Database
) -> None:
    settings = bot_settings(clean_db)
    # The client wrote recently, so the free-form message goes first.
    client_wrote(clean_db)
    queue_notice(clean_db, messages.text(PHONE, "تم قبول طلبك"), ACCEPTED_TEMPLATE)
    with respx.mock as router:
        meta = FakeMeta(router, settings)
        meta.fail_next(400, "graph_error_131047")
        first = await drain_whatsapp(db, settings)
        assert (first.sent, first.retried, first.failed) == (0, 1, 0)
        second = await drain_whatsapp(db, settings)
        assert second.sent == 1
        assert meta.route.call_count == 2
        template = meta.to(PHONE)[0]
        assert template["type"] == "template"
        assert template["template"]["name"] == "khadum_request_accepted"
        assert [p["text"] for p in template["template"]["components"][0]["parameters"]] == [
            "محمد الغامدي",
            "http://127.0.0.1:8000/chat/tok",
        ]
        # One row: the same notice, sent once, as its template.
        with psycopg.connect(clean_db) as conn:
            assert conn.execute(
                "select status, sent_as_template, attempts from whatsapp_outbox"
            ).fetchall() == [("sent", True, 2)]


async def test_a_closed_window_sends_the_template_and_holds_back_free_form_follow_ons(
    clean_db: str, db: Database
) -> None:
    settings = bot_settings(clean_db)
    client_wrote(clean_db, "25 hours")
    queue_notice(clean_db, messages.text(PHONE, "نعتذر منك"), ACCEPTED_TEMPLATE,
                 messages.text(PHONE, "قائمة مستقلين آخرين"))
    with respx.mock as router:
        meta = FakeMeta(router, settings)
        report = await drain_whatsapp(db, settings)
        assert report.sent == 1 and meta.route.call_count == 1
        assert meta.to(PHONE)[0]["type"] == "template"
    with psycopg.connect(clean_db) as conn:
        assert conn.execute(
            "select status, sent_as_template, error_code from whatsapp_outbox order by seq"
        ).fetchall() == [("sent", True, None), ("failed", False, "131047")]
    # Within the window the same notice goes free-form, follow-ons included.
    with psycopg.connect(clean_db) as conn:
        conn.execute("delete from whatsapp_outbox")
        conn.execute("update whatsapp_inbound set sent_at = now()")
    queue_notice(clean_db, messages.text(PHONE, "نعتذر منك"), ACCEPTED_TEMPLATE,
                 messages.text(PHONE, "قائمة مستقلين آخرين"))
    with respx.mock as router:
        meta = FakeMeta(router, settings)
        assert (await drain_whatsapp(db, settings)).sent == 2
        assert [b["text"]["body"] for b in meta.to(PHONE)] == ["نعتذر منك", "قائمة مستقلين آخرين"]

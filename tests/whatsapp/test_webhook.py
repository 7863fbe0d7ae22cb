"""The webhook function: handshake, signatures, storing before the 200,
deduplication, per-phone processing after the ack, crash recovery, statuses."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import psycopg
import pytest

from khadum.analysis.local import LocalAnalyser
from khadum.analysis.models import Analysis
from khadum.apps import create_app
from khadum.bot.inbox import InboundProcessor
from khadum.db import Database
from khadum.devstack.inline import inline_webhook_router
from khadum.whatsapp import messages
from khadum.whatsapp.router import PATH, router
from khadum.whatsapp.sender import drain_whatsapp
from tests.factories import bot_conversation, inbound_payload, insert_reply, outbox_bodies
from tests.whatsapp.meta import (
    WhatsAppUser,
    bot_settings,
    fixture,
    inbound,
    signed,
    text_of,
    webhook_client,
)

PHONE = "+966501234567"
# Processing after the ack in this process (the worker's code, inline), no sending.


async def test_the_verification_handshake(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, _):
        ok = await http.get(
            PATH,
            params={
                "hub.mode": "subscribe",
                "hub.verify_token": "verify-me",
                "hub.challenge": "1158201444",
            },
        )
        assert ok.status_code == 200 and ok.text == "1158201444"
        bad = await http.get(
            PATH,
            params={
                "hub.mode": "subscribe",
                "hub.verify_token": "wrong",
                "hub.challenge": "1158201444",
            },
        )
        assert bad.status_code == 403 and bad.json()["error"]["code"] == "bad_verify_token"
        no_mode = await http.get(
            PATH, params={"hub.verify_token": "verify-me", "hub.challenge": "1"}
        )
        assert no_mode.status_code == 403


async def test_signatures_are_checked_on_the_raw_bytes_before_parsing(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, _):
        raw, headers = signed(inbound("text", PHONE, text={"body": "مرحبا"}))
        missing = await http.post(PATH, content=raw, headers={"content-type": "application/json"})
        assert missing.status_code == 401
        wrong = await http.post(
            PATH,
            content=raw,
            headers={
                **headers,
                "x-hub-signature-256": signed(raw, "another-secret")[1]["x-hub-signature-256"],
            },
        )
        assert wrong.status_code == 403
        # The same JSON re-serialised (spaces) no longer matches the signature of the original.
        reformatted = json.dumps(json.loads(raw), ensure_ascii=False, indent=1).encode()
        tampered = await http.post(PATH, content=reformatted, headers=headers)
        assert tampered.status_code == 403
        garbage, garbage_headers = signed(b"{not json")
        malformed = await http.post(PATH, content=garbage, headers=garbage_headers)
        assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "malformed"
        no_entry, no_entry_headers = signed({"object": "whatsapp_business_account"})
        assert (
            await http.post(PATH, content=no_entry, headers=no_entry_headers)
        ).status_code == 400
    with psycopg.connect(clean_db) as conn:
        assert conn.execute("select count(*) from whatsapp_inbound").fetchone() == (0,)


async def test_the_same_message_delivered_three_times_at_once_is_processed_once(
    clean_db: str,
) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        raw, headers = signed(inbound("text", PHONE, text={"body": "السلام عليكم"}))
        answers = await asyncio.gather(
            *(http.post(PATH, content=raw, headers=headers) for _ in range(3))
        )
        assert [a.status_code for a in answers] == [200, 200, 200]
        assert sorted(a.json()["new"] for a in answers) == [0, 0, 1]
        # Days later Meta redelivers it once more: still nothing new.
        again = await http.post(PATH, content=raw, headers=headers)
        assert again.json()["new"] == 0
        assert len(meta.to(PHONE)) == 2  # greeting + "what do you need?", once
    with psycopg.connect(clean_db) as conn:
        assert conn.execute(
            "select count(*), count(processed_at), max(attempts) from whatsapp_inbound"
        ).fetchone() == (1, 1, 1)
        assert conn.execute("select count(*) from whatsapp_outbox").fetchone() == (2,)


async def test_a_crash_after_storing_is_finished_by_the_sweeper(clean_db: str) -> None:
    settings = bot_settings(clean_db)
    db = Database(clean_db, max_size=4)
    await db.open()
    try:
        # The process "dies" right after answering 200: nothing runs after the ack.
        app = create_app("whatsapp_webhook", db=db, settings=settings)
        app.router.routes.clear()
        app.include_router(router(db, settings, processor=InboundProcessor(db, settings)))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://f") as http:
            for text in ("السلام عليكم", "أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة"):
                raw, headers = signed(inbound("text", PHONE, text={"body": text}))
                assert (await http.post(PATH, content=raw, headers=headers)).status_code == 200
        with psycopg.connect(clean_db) as conn:
            assert conn.execute(
                "select count(*), count(processed_at) from whatsapp_inbound"
            ).fetchone() == (2, 0)
        processed = await InboundProcessor(db, settings).sweep(older_than_seconds=0)
        assert processed == 2
    finally:
        await db.close()
    with psycopg.connect(clean_db) as conn:
        assert conn.execute("select count(processed_at) from whatsapp_inbound").fetchone() == (2,)
        assert conn.execute("select state from bot_conversations").fetchone() == ("choosing",)
        kinds = [b["type"] for b in outbox_bodies(conn)]
        assert kinds == ["text", "text", "interactive"]  # greeting, ask, then the list: in order


class BrokenOnce(LocalAnalyser):
    def __init__(self) -> None:
        self.calls = 0

    async def analyse(self, text: str) -> Analysis:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("analysis crashed")
        return await super().analyse(text)


async def test_a_failure_mid_processing_commits_nothing_and_is_retried(clean_db: str) -> None:
    settings = bot_settings(clean_db)
    db = Database(clean_db, max_size=4)
    await db.open()
    processor = InboundProcessor(db, settings, analyser=BrokenOnce())
    try:
        app = create_app("whatsapp_webhook", db=db, settings=settings)
        app.router.routes.clear()
        app.include_router(
            inline_webhook_router(db, settings, processor=processor, send=False)
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://f") as http:
            raw, headers = signed(
                inbound("text", PHONE, text={"body": "أبي إعلان تسويقي لساعة ذكية"})
            )
            assert (await http.post(PATH, content=raw, headers=headers)).status_code == 200
            with psycopg.connect(clean_db) as conn:
                row = conn.execute(
                    "select processed_at is null, attempts, last_error from whatsapp_inbound"
                ).fetchone()
                assert row == (True, 1, "RuntimeError: analysis crashed")
                assert conn.execute("select count(*) from whatsapp_outbox").fetchone() == (0,)
                assert conn.execute("select count(*) from bot_conversations").fetchone() == (0,)
            # The client's next message: the failed one is retried first, in order.
            raw, headers = signed(inbound("text", PHONE, text={"body": "للشباب من 18-30 سنة"}))
            assert (await http.post(PATH, content=raw, headers=headers)).status_code == 200
        assert await processor.sweep(older_than_seconds=0) == 0
    finally:
        await db.close()
    with psycopg.connect(clean_db) as conn:
        assert conn.execute(
            "select count(processed_at), max(last_error), sum(attempts) from whatsapp_inbound"
        ).fetchone() == (2, None, 3)
        conversation = bot_conversation(conn, PHONE)
        assert conversation is not None
        data = (conversation["data"].get("description"),)
        assert data == ("أبي إعلان تسويقي لساعة ذكية\nللشباب من 18-30 سنة",)


def _status(name: str, wamid: str) -> dict[str, Any]:
    payload = fixture(name)
    payload["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = wamid
    return payload


@pytest.mark.parametrize(
    "order",
    [
        ("sent", "delivered", "read"),
        ("read", "delivered", "sent"),
        ("delivered", "read", "delivered"),
    ],
)
async def test_statuses_in_any_order_only_move_the_outbox_forward(
    clean_db: str, order: tuple[str, ...]
) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "أحمد")
        await user.say("السلام عليكم")
        with psycopg.connect(clean_db) as conn:
            wamid = conn.execute(
                "select wamid from whatsapp_outbox order by seq limit 1"
            ).fetchone()
        assert wamid is not None
        for status in order:
            await user.post(_status(f"status_{status}", wamid[0]))
    with psycopg.connect(clean_db) as conn:
        row = conn.execute(
            "select status, delivered_at is not null, read_at is not null "
            "from whatsapp_outbox where wamid = %s",
            wamid,
        ).fetchone()
        assert row == ("read", True, True)
        events = conn.execute(
            "select count(*) from whatsapp_status_events where wamid = %s", wamid
        ).fetchone()
        assert events == (len(set(order)),)


async def test_a_failed_status_131047_on_a_follow_up_queues_its_template(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "أحمد")
        with psycopg.connect(clean_db) as conn:
            # A notice as the bot writes it, sent free-form while the window looked open.
            insert_reply(
                conn, PHONE, messages.text(PHONE, "تم قبول طلبك من محمد الغامدي"),
                template=messages.template(
                    PHONE, "khadum_request_accepted", "ar",
                    ["محمد الغامدي", "http://127.0.0.1:8000/chat/abc"], []),
                status="sent", wamid="wamid.OUT-131047")
        await user.post(_status("status_failed_131047", "wamid.OUT-131047"))
        db = Database(clean_db, max_size=2)
        await db.open()
        try:
            report = await drain_whatsapp(db, bot_settings(clean_db))
        finally:
            await db.close()
        assert report.as_json() == {"sent": 1, "retried": 0, "failed": 0}
        assert text_of(meta.to(PHONE)[-1]).find("khadum_request_accepted") >= 0
    with psycopg.connect(clean_db) as conn:
        rows = conn.execute(
            "select status, error_code, sent_as_template from whatsapp_outbox order by seq"
        ).fetchall()
        assert rows == [("failed", "131047", False), ("sent", None, True)]


async def test_the_sweep_endpoint_needs_the_service_key(clean_db: str) -> None:
    settings = bot_settings(clean_db)
    async with webhook_client(settings) as (http, _):
        refused = await http.post(PATH + "/sweep")
        assert refused.status_code == 401
        ok = await http.post(
            PATH + "/sweep",
            headers={"authorization": f"Bearer {settings.supabase_service_role_key}"},
        )
        assert ok.status_code == 200 and ok.json()["processed"] == 0


class BrokenOn(LocalAnalyser):
    """Fails on one poison text, every time."""

    def __init__(self, poison: str) -> None:
        self.poison = poison

    async def analyse(self, text: str) -> Analysis:
        if self.poison in text:
            raise RuntimeError("cannot analyse this")
        return await super().analyse(text)


async def test_a_poison_message_becomes_a_dead_letter_and_stops_blocking(clean_db: str) -> None:
    settings = bot_settings(clean_db)
    db = Database(clean_db, max_size=4)
    await db.open()
    processor = InboundProcessor(db, settings, analyser=BrokenOn("سم"))
    try:
        app = create_app("whatsapp_webhook", db=db, settings=settings)
        app.router.routes.clear()
        app.include_router(
            inline_webhook_router(db, settings, processor=processor, send=False)
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://f") as http:
            for body in ("سم قاتل", "أبي تصميم شعار لمقهى"):
                raw, headers = signed(inbound("text", PHONE, text={"body": body}))
                assert (await http.post(PATH, content=raw, headers=headers)).status_code == 200
        for _ in range(6):
            await processor.sweep(older_than_seconds=0)
    finally:
        await db.close()
    with psycopg.connect(clean_db) as conn:
        rows = [(inbound_payload(payload)["text"]["body"], *rest) for payload, *rest in
                conn.execute(
                    "select payload, processed_at is null, attempts, last_error "
                    "from whatsapp_inbound order by received_at, id").fetchall()]
        conversation = bot_conversation(conn, PHONE)
        assert conversation is not None
        described = (conversation["data"].get("description"),)
    assert rows[0] == ("سم قاتل", True, 5, "RuntimeError: cannot analyse this")
    assert rows[1][:2] == ("أبي تصميم شعار لمقهى", False)
    assert described == ("أبي تصميم شعار لمقهى",)

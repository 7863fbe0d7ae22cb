"""Follow-ups: the domain events the other parts append (rejected, details
requested and the client's answer, accepted, expired, chat nudges) reach the
client through the bot's inbox (events → bot → outbox → sender), with the
approved template when the 24-hour window is closed."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from khadum.bot.inbox import InboundProcessor
from khadum.crypto import CIPHERTEXT
from khadum.db import Database
from khadum.requests import sealed
from khadum.requests.links import client_chat_token
from khadum.seed.load import freelancer_id
from khadum.whatsapp.sender import drain_whatsapp
from tests.bot.flows import PICK_MOHAMMED, complete_request, pick_ids
from tests.factories import (
    MOHAMMED,
    bot_conversation,
    keys,
    opened_row,
    outbox_bodies,
    send_message,
)
from tests.http import bearer, function_factory
from tests.whatsapp.meta import (
    WhatsAppUser,
    bot_settings,
    buttons_of,
    inbound,
    text_of,
    webhook_client,
)

PHONE = "+966501234567"
respond_app = function_factory("respond_request")


@pytest.fixture
async def db(clean_db: str) -> AsyncIterator[Database]:
    database = Database(clean_db, max_size=4)
    await database.open()
    yield database
    await database.close()


def append_event(url: str, event_type: str, request_id: str, message: str | None = None) -> None:
    """What reject_request / request_details append (the domain event, nothing else)."""
    with psycopg.connect(url) as conn:
        conn.execute(
            "insert into request_events (request_id, event_type, actor, message) "
            "values (%s, %s, 'freelancer', %s)",
            (request_id, event_type, message),
        )


def open_chat(url: str, request_id: str) -> str:
    """A private chat for the request (as accept_request makes it); returns the
    client's token (derived from the chat id and the secret; only its hash is stored)."""
    chat_id = uuid.uuid4()
    token = client_chat_token(bot_settings(url), chat_id)
    with psycopg.connect(url) as conn:
        conn.execute(
            "insert into private_chats (id, request_id, client_whatsapp_phone, "
            "freelancer_id, chat_url_token) select %s, id, client_whatsapp_phone, "
            "freelancer_id, %s from client_requests where id = %s",
            (chat_id, token, request_id),
        )
    return token


async def deliver(db: Database, url: str, user: WhatsAppUser) -> list[dict[str, Any]]:
    """A worker's round: the bot consumes the client's inbox, the sender drains."""
    await InboundProcessor(db, bot_settings(url)).process_phone(PHONE)
    await drain_whatsapp(db, bot_settings(url))
    return await user._new()


def state(url: str) -> str:
    with psycopg.connect(url) as conn:
        conversation = bot_conversation(conn, PHONE)
        row = None if conversation is None else (conversation["state"],)
    assert row is not None
    return str(row[0])


async def test_rejected_apologises_offers_others_and_a_new_pick_reuses_the_answers(
    clean_db: str, db: Database
) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        ahmed = WhatsAppUser(http, meta, PHONE, "أحمد")
        request_id = await complete_request(ahmed, clean_db)
        with psycopg.connect(clean_db) as conn:
            conn.execute(
                "update client_requests set status = 'rejected', responded_at = now() "
                "where id = %s",
                (request_id,),
            )
        append_event(clean_db, "rejected", request_id, "مشغول هذا الأسبوع")
        reply = await deliver(db, clean_db, ahmed)
        assert len(reply) == 1 and reply[0]["type"] == "interactive", reply
        assert "نعتذر منك" in text_of(reply[0]) and "مشغول هذا الأسبوع" in text_of(reply[0])
        others = pick_ids(reply[0])
        assert 3 <= len(others) <= 5 and PICK_MOHAMMED not in others
        assert state(clean_db) == "choosing"

        await ahmed.tap("more", "المزيد من المستقلين", "list_reply")
        assert PICK_MOHAMMED not in pick_ids(meta.to(PHONE)[-1])  # never the one who declined
        await ahmed.tap(others[0], "", "list_reply")
        reply = await ahmed.tap("confirm_choice")
        assert buttons_of(reply[0]) == ["use_suggested"]  # name, email, details, budget known
        reply = await ahmed.tap("use_suggested")
        assert "أحمد محمد" in text_of(reply[0]) and "300 ريال" in text_of(reply[0])
        await ahmed.tap("submit")
    with psycopg.connect(clean_db, row_factory=dict_row) as conn:
        second = opened_row(conn.execute(
            "select * from client_requests where id <> %s", (request_id,)
        ).fetchone())
    assert second is not None
    assert f"pick:{second['freelancer_id']}" == others[0]
    assert (second["client_name"], second["client_email"], second["budget_range"]) == (
        "أحمد محمد",
        "ahmed@example.com",
        "300 ريال",
    )


async def test_a_freelancers_question_goes_to_the_client_and_the_answer_comes_back(
    clean_db: str, db: Database
) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        ahmed = WhatsAppUser(http, meta, PHONE, "أحمد")
        request_id = await complete_request(ahmed, clean_db)
        append_event(clean_db, "details_requested", request_id, "وش أهم مميزات الساعة؟")
        reply = await deliver(db, clean_db, ahmed)
        assert "سؤال من محمد الغامدي" in text_of(reply[0])
        assert "وش أهم مميزات الساعة؟" in text_of(reply[0])
        assert state(clean_db) == "awaiting_details_answer"
        assert "نصاً" in text_of((await ahmed.send("audio"))[0])  # a voice note is not an answer
        reply = await ahmed.say("تقيس النبض والنوم وبطاريتها أسبوع")
        assert "وصل ردك" in text_of(reply[0])
        assert state(clean_db) == "waiting"
        reply = await ahmed.say("شكراً")
        assert "بانتظار الرد" in text_of(reply[0])
    with psycopg.connect(clean_db) as conn:
        events = conn.execute(
            "select event_type, actor, message from request_events "
            "where request_id = %s order by id",
            (request_id,),
        ).fetchall()
        # The answer and its notice are stored sealed (issue 16) and open to the words.
        assert CIPHERTEXT.match(events[2][2])
        opened = [(kind, actor, keys().decrypt(text, sealed.ANSWER)
                   if kind == "details_answered" else text) for kind, actor, text in events]
        assert opened == [
            ("created", "client", None),
            ("details_requested", "freelancer", "وش أهم مميزات الساعة؟"),
            ("details_answered", "client", "تقيس النبض والنوم وبطاريتها أسبوع"),
        ]
        notice = conn.execute(
            "select freelancer_id, type, message from notifications where type = 'details_answered'"
        ).fetchone()
        assert notice is not None and notice[0] == freelancer_id(MOHAMMED)
        assert CIPHERTEXT.match(notice[2])
        assert "تقيس النبض" in keys().decrypt(notice[2], sealed.NOTICE)


async def test_accepted_sends_the_chat_link(clean_db: str, db: Database) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        ahmed = WhatsAppUser(http, meta, PHONE, "أحمد")
        request_id = await complete_request(ahmed, clean_db)
        token = open_chat(clean_db, request_id)
        append_event(clean_db, "accepted", request_id)
        reply = await deliver(db, clean_db, ahmed)
        assert reply[0]["text"]["preview_url"] is True
        assert "تم قبول طلبك من محمد الغامدي" in text_of(reply[0])
        assert f"http://127.0.0.1:8000/chat/{token}" in text_of(reply[0])
    assert state(clean_db) == "idle"


async def test_expiry_notice_offers_another_freelancer(clean_db: str, db: Database) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        ahmed = WhatsAppUser(http, meta, PHONE, "أحمد")
        request_id = await complete_request(ahmed, clean_db)
        with psycopg.connect(clean_db) as conn:
            conn.execute(
                "update client_requests set expires_at = now() - interval '1 second' where id = %s",
                (request_id,),
            )
            assert conn.execute("select public.expire_requests()").fetchone() == (1,)
        reply = await deliver(db, clean_db, ahmed)
        assert "انتهت مهلة الـ 24 ساعة" in text_of(reply[0])
        assert PICK_MOHAMMED not in pick_ids(reply[0])
        assert state(clean_db) == "choosing"


async def test_expiry_outside_the_24_hour_window_is_an_approved_template(
    clean_db: str, db: Database
) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        ahmed = WhatsAppUser(http, meta, PHONE, "أحمد")
        request_id = await complete_request(ahmed, clean_db)
        with psycopg.connect(clean_db) as conn:
            conn.execute(
                "update whatsapp_inbound set sent_at = now() - interval '25 hours', "
                "received_at = now() - interval '25 hours'"
            )
            conn.execute(
                "update client_requests set expires_at = now() - interval '1 second' where id = %s",
                (request_id,),
            )
            conn.execute("select public.expire_requests()")
        reply = await deliver(db, clean_db, ahmed)
        template = reply[0]["template"]
        assert reply[0]["type"] == "template" and template["name"] == "khadum_request_expired"
        assert template["language"] == {"code": "ar"}
        assert template["components"][0]["parameters"] == [{"type": "text", "text": "محمد الغامدي"}]
        assert template["components"][1]["parameters"] == [
            {"type": "payload", "payload": "choose_another"}
        ]
        # The client taps the template's quick reply: the list of others comes back.
        await ahmed.post(inbound("template_button", PHONE))
        reply = await ahmed._new()
        assert reply[0]["interactive"]["type"] == "list"
        assert PICK_MOHAMMED not in pick_ids(reply[0])


async def test_chat_nudges_from_housekeeping_bring_the_client_back(
    clean_db: str, db: Database
) -> None:
    """chat_housekeeping() queues them (an unread message, a missing rating); the
    bot sends the chat link and leaves the conversation where it was."""
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        ahmed = WhatsAppUser(http, meta, PHONE, "أحمد")
        request_id = await complete_request(ahmed, clean_db)
        before = state(clean_db)
        token = open_chat(clean_db, request_id)
        with psycopg.connect(clean_db) as conn:
            chat_id = conn.execute(
                "select id from private_chats where request_id = %s", (request_id,)
            ).fetchone()[0]  # type: ignore[index]
            send_message(conn, chat_id, "freelancer", "جاهز للبدء")
            conn.execute(
                "update chat_messages set created_at = now() - interval '15 minutes' "
                "where chat_id = %s",
                (chat_id,),
            )
            assert conn.execute("select public.chat_housekeeping()").fetchone() == (1,)
        nudge = await deliver(db, clean_db, ahmed)
        assert "رسالة جديدة من المستقل محمد الغامدي" in text_of(nudge[0])
        assert f"/chat/{token}" in text_of(nudge[0])
        with psycopg.connect(clean_db) as conn:
            conn.execute(
                "update private_chats set status = 'completed', "
                "completed_at = now() - interval '2 days' where id = %s",
                (chat_id,),
            )
            assert conn.execute("select public.chat_housekeeping()").fetchone() == (1,)
        ask = await deliver(db, clean_db, ahmed)
        assert "قيّم التجربة من 1 إلى 5" in text_of(ask[0]) and f"/chat/{token}" in text_of(ask[0])
    assert state(clean_db) == before


async def test_an_accept_reaches_meta_through_events_the_bot_and_the_outbox(
    clean_db: str, db: Database
) -> None:
    """The whole notice pipeline, one step at a time: the respond function's SQL
    appends the event (and writes no message); the bot consumes it in the client's
    conversation and writes the finished message with its template alternative;
    the sender hands it to the Graph API, the real link put in on the way."""
    settings = bot_settings(clean_db)
    async with webhook_client(settings) as (http, meta):
        ahmed = WhatsAppUser(http, meta, PHONE, "أحمد")
        request_id = await complete_request(ahmed, clean_db)
        respond = respond_app(settings=settings)
        async with (
            respond.router.lifespan_context(respond),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=respond),
                              base_url="http://fn") as fn,
        ):
            answer = await fn.post("/functions/v1/respond_request", headers=bearer(MOHAMMED),
                                   json={"request_id": request_id, "action": "accept"})
        assert answer.status_code == 200, answer.text
        chat_id = answer.json()["chat_id"]
        with psycopg.connect(clean_db) as conn:
            assert conn.execute(
                "select count(*) from whatsapp_outbox where request_id = %s", (request_id,)
            ).fetchone() == (0,)  # SQL wrote the event only
            assert conn.execute(
                "select notice_consumed_at is null from request_events "
                "where request_id = %s and event_type = 'accepted'", (request_id,)
            ).fetchone() == (True,)

        assert await InboundProcessor(db, settings).process_phone(PHONE) == 1
        with psycopg.connect(clean_db, row_factory=dict_row) as conn:
            stored = conn.execute(
                "select body::text, template_body::text from whatsapp_outbox "
                "where request_id = %s", (request_id,)).fetchone()
        with psycopg.connect(clean_db) as conn:
            bodies = outbox_bodies(conn, request_id=request_id)
            templates = outbox_bodies(conn, request_id=request_id, column="template_body")
            row = {"body": bodies[0], "template_body": templates[0]} if bodies else None
        with psycopg.connect(clean_db, row_factory=dict_row) as conn:
            consumed = conn.execute(
                "select notice_consumed_at is not null as done from request_events "
                "where request_id = %s and event_type = 'accepted'", (request_id,)
            ).fetchone()
        assert row is not None and consumed == {"done": True}
        assert "تم قبول طلبك من محمد الغامدي" in text_of(row["body"])
        assert row["template_body"]["template"]["name"] == "khadum_request_accepted"
        token = client_chat_token(settings, chat_id)
        assert token not in json.dumps(row, ensure_ascii=False)  # only a placeholder is kept
        # stored sealed: neither the text nor the number in plain
        assert stored is not None and "محمد الغامدي" not in str(stored)
        assert PHONE.lstrip("+") not in str(stored)
        assert state(clean_db) == "idle"
        # Consumed once: a second round writes nothing more.
        assert await InboundProcessor(db, settings).process_phone(PHONE) == 0

        report = await drain_whatsapp(db, settings)
        assert report.sent == 1
        notice = (await ahmed._new())[-1]
        assert notice["type"] == "text"  # the client wrote minutes ago: free-form
        assert f"http://127.0.0.1:8000/chat/{token}" in text_of(notice)

"""Issue 16: after the whole flow (webhook → request → accept → emails) the client's
phone, email and words are nowhere in plain text in client_requests, activity_log
or the notification broadcasts; the parties still read them (dashboard API,
respond_request, the emails); a key rotation keeps everything readable; a wrong
key fails loudly."""

from __future__ import annotations

import base64
import uuid

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from khadum import keys as keys_module
from khadum.chat.freetext import COMMENT, REASON
from khadum.crypto import DecryptionError, keyring_from, new_key
from khadum.db import Database
from khadum.devstack.keys import LocalKeys
from khadum.email.resend_provider import ResendProvider
from khadum.email.sealed import open_row
from khadum.email.sender import Sender
from khadum.requests import sealed
from khadum.requests.links import client_chat_token
from khadum.settings import get_settings
from khadum.whatsapp import messages
from khadum.whatsapp.sealed import open_body
from tests.bot.flows import complete_request
from tests.email.support import standin_server
from tests.factories import MOHAMMED, insert_reply, keys, opened
from tests.http import bearer, local_client
from tests.whatsapp.meta import WhatsAppUser, bot_settings, webhook_client

PHONE = "+966501234567"
# What the client typed (complete_request), in the forms SQL would store it.
SECRETS = ("501234567", "ahmed@example.com", "ahmed@", "أبي إعلان تسويقي لساعة ذكية للشباب",
           "الشحن مجاني", "ضمان سنتين")
# Every text and jsonb column of the tables this issue seals or pseudonymises.
OWNED = ("client_requests", "activity_log", "request_events", "notifications",
         "whatsapp_inbound", "bot_conversations", "whatsapp_outbox")


def _plain_columns(conn: psycopg.Connection, table: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "select column_name from information_schema.columns where table_schema = 'public' "
        "and table_name = %s and data_type in ('text', 'character varying', 'jsonb', 'json')",
        (table,)).fetchall()]


def _leaks(conn: psycopg.Connection, table: str,
           secrets: tuple[str, ...] = SECRETS) -> list[tuple[str, str]]:
    found = []
    for column in _plain_columns(conn, table):
        values = [str(v) for (v,) in conn.execute(
            f'select "{column}"::text from public.{table} where "{column}" is not null'
        ).fetchall()]
        found += [(f"{table}.{column}", s) for s in secrets if any(s in v for v in values)]
    return found


ANSWER = "أفضّل ألوان داكنة وتسليم قبل نهاية الشهر"


async def _whole_flow(url: str, *, ask: bool = False) -> str:
    async with webhook_client(bot_settings(url)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "أحمد")
        request_id = await complete_request(user, url)
    if ask:  # the freelancer asks for details; the client's answer goes the sealed path
        async with local_client(url, workers=False) as client:
            asked = await client.post("/functions/v1/respond_request", headers=bearer(MOHAMMED),
                                      json={"request_id": request_id,
                                            "action": "request_details", "message": "متى؟"})
            assert asked.status_code == 200
        async with await psycopg.AsyncConnection.connect(url) as conn:
            await sealed.answer_details(conn, keys(), request_id, PHONE, ANSWER)
        async with local_client(url, workers=False) as client:
            thread = (await client.get(f"/functions/v1/dashboard_api/requests/{request_id}",
                                       headers=bearer(MOHAMMED))).json()["events"]
        assert ("details_answered", ANSWER) in [(e["event_type"], e["message"]) for e in thread]
    async with local_client(url) as client:
        res = await client.post("/functions/v1/respond_request", headers=bearer(MOHAMMED),
                                json={"request_id": request_id, "action": "accept"})
    assert res.status_code == 200
    # The freelancer (the party) gets the client's details back, opened.
    answered = res.json()["request"]
    assert answered["client_whatsapp_phone"] == PHONE
    assert answered["client_email"] == "ahmed@example.com"
    assert answered["project_details"]["extras"] == "الشحن مجاني، ضمان سنتين"
    return request_id


async def test_no_plain_client_data_at_rest_yet_the_parties_read_it(clean_db: str) -> None:
    request_id = await _whole_flow(clean_db)
    with psycopg.connect(clean_db) as conn:
        assert conn.execute("select count(*) from client_requests").fetchone() == (1,)
        leaks = [leak for table in OWNED for leak in _leaks(conn, table)]
        # The notification broadcasts (realtime.messages) carry no client data either.
        broadcasts = [str(p) for (p,) in conn.execute(
            "select payload::text from realtime.messages where topic like 'freelancer:%%'")]
        assert broadcasts
        leaks += [("realtime.messages", s) for s in (*SECRETS, "أحمد محمد")
                  if any(s in b for b in broadcasts)]
        stored = conn.execute(
            "select client_whatsapp_phone, client_email from client_requests").fetchone()
        # The emails to both sides went out with the right details (rendered at queue time).
        with conn.cursor(row_factory=dict_row) as cur:
            emails = [(e["to_email"], e["text_body"]) for e in (
                open_row(keys(), r) for r in cur.execute(
                    "select * from email_outbox where request_id = %s", (request_id,)))]
    assert leaks == []
    assert stored == (sealed.phone_display(PHONE), "a•••@example.com")
    assert "ahmed@example.com" in {to for to, _ in emails}
    client_text = next(text for to, text in emails if to == "ahmed@example.com")
    assert "مرحباً أحمد" in client_text or "أحمد محمد" in client_text

    async with local_client(clean_db) as client:
        detail = (await client.get(f"/functions/v1/dashboard_api/requests/{request_id}",
                                   headers=bearer(MOHAMMED))).json()["request"]
        found = (await client.get("/functions/v1/dashboard_api/requests",
                                  params={"q": "لساعه ذكيه للشباب"},
                                  headers=bearer(MOHAMMED))).json()
    assert (detail["client_whatsapp_phone"], detail["client_email"]) == (
        PHONE, "ahmed@example.com")
    assert detail["service_description"] == "أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة"
    assert "client_phone_sealed" not in detail and "client_phone_index" not in detail
    assert [r["id"] for r in found["items"]] == [request_id]


async def test_rotation_keeps_requests_readable_and_a_wrong_key_fails(
        clean_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    request_id = uuid.UUID(await _whole_flow(clean_db))
    local = LocalKeys(get_settings().khadum_local_auth_dir).data_keys
    old_keys, blind = str(local["data_keys"]), str(local["blind_index_key"])
    rotated = keyring_from(f"next:{new_key()},{old_keys}", blind)
    with psycopg.connect(clean_db, autocommit=True) as conn:
        report = keys_module.rotate(conn, rotated)
        assert report["client_requests.client_phone_sealed"] == 1
        assert report["client_requests.project_details"] == 1
        row = conn.execute("select client_phone_sealed, project_details #>> '{}' "
                           "from client_requests where id = %s", (request_id,)).fetchone()
        assert row is not None and {rotated.kid_of(v) for v in row} == {"next"}
        # Under the new key alone (the old one dropped), everything still opens.
        only_new = keyring_from(f"next:{_b64(rotated.keys['next'])}", blind)
        monkeypatch.setattr(sealed, "keys", lambda _settings: only_new)
        request = sealed.open_request(only_new, _row(conn, request_id))
        assert request["client_whatsapp_phone"] == PHONE
        assert request["project_details"]["extras"] == "الشحن مجاني، ضمان سنتين"
        # The lookups by blind index are unchanged by a data-key rotation.
        assert conn.execute("select count(*) from client_requests where client_phone_index = %s",
                            (sealed.phone_index(only_new, PHONE),)).fetchone() == (1,)
        # A wrong key fails loudly, naming the context, never the value.
        wrong = keyring_from(f"next:{new_key()}", blind)
        with pytest.raises(DecryptionError) as failed:
            sealed.open_request(wrong, _row(conn, request_id))
        assert "client.phone" in str(failed.value) and PHONE not in str(failed.value)
    # The dashboard reads through the same module (here: with the new key only).
    async with local_client(clean_db) as client:
        detail = (await client.get(f"/functions/v1/dashboard_api/requests/{request_id}",
                                   headers=bearer(MOHAMMED))).json()["request"]
    assert detail["client_email"] == "ahmed@example.com"
    with psycopg.connect(clean_db) as conn:
        assert opened(conn, request_id)["client_whatsapp_phone"] == PHONE
        assert keys() is only_new


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _row(conn: psycopg.Connection, request_id: uuid.UUID) -> dict[str, object]:
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute("select * from client_requests where id = %s",
                          (request_id,)).fetchone()
    assert row is not None
    return row


RATING_COMMENT = "تعامل راقٍ وتسليم قبل الموعد بيومين"
CANCEL_REASON = "وجدت حلاً آخر للمشروع عند صديق"
SECOND_PHONE = "+966507654321"  # the client whose chat is cancelled
# Every table the whole flow writes to (text and jsonb columns are scanned).
FLOW_TABLES = (*OWNED, "email_outbox", "email_events", "private_chats", "chat_ratings",
               "chat_messages")


async def _chat_to_the_end(client: httpx.AsyncClient, chat_id: str) -> None:
    """The freelancer delivers; the client confirms and rates with a comment."""
    token = client_chat_token(get_settings(), chat_id)
    session = await client.post("/functions/v1/chat/session", json={"token": token})
    assert session.status_code == 200
    me = {"Authorization": f"Bearer {session.json()['access_token']}"}
    base = f"/functions/v1/chat/{chat_id}"
    assert (await client.post(base + "/deliver", headers=bearer(MOHAMMED))).status_code == 200
    assert (await client.post(base + "/complete", headers=me)).status_code == 200
    rated = await client.post(base + "/rate", headers=me,
                              json={"rating": 5, "comment": RATING_COMMENT})
    assert rated.status_code == 200
    # Both parties read the comment, opened.
    for headers in (me, bearer(MOHAMMED)):
        summary = (await client.get(base, headers=headers)).json()
        assert summary["rating"]["comment"] == RATING_COMMENT


async def _cancelled_chat(url: str) -> str:
    """A second client's request, accepted, then cancelled by the client."""
    async with webhook_client(bot_settings(url)) as (http, meta):
        user = WhatsAppUser(http, meta, SECOND_PHONE, "أحمد")
        request_id = await complete_request(user, url)
    async with local_client(url, workers=False) as client:
        res = await client.post("/functions/v1/respond_request", headers=bearer(MOHAMMED),
                                json={"request_id": request_id, "action": "accept"})
        assert res.status_code == 200
        chat_id = res.json()["chat_id"]
        token = client_chat_token(get_settings(), chat_id)
        session = await client.post("/functions/v1/chat/session", json={"token": token})
        me = {"Authorization": f"Bearer {session.json()['access_token']}"}
        cancelled = await client.post(f"/functions/v1/chat/{chat_id}/cancel", headers=me,
                                      json={"reason": CANCEL_REASON})
        assert cancelled.status_code == 200
        for headers in (me, bearer(MOHAMMED)):
            summary = (await client.get(f"/functions/v1/chat/{chat_id}", headers=headers)).json()
            assert summary["cancel_reason"] == CANCEL_REASON
    return chat_id


async def test_after_emails_a_rating_and_a_cancel_nothing_is_plain_at_rest(
        clean_db: str) -> None:
    """Issue 16, the whole flow: request → accept → both emails sent → the chat
    completed and rated with a comment; a second request accepted and cancelled
    with a reason. No table holds the client's phone, email, words, the rating
    comment or the cancel reason in plain text; the parties and the provider get
    them opened."""
    request_id = await _whole_flow(clean_db, ask=True)
    with psycopg.connect(clean_db) as conn:
        chat = conn.execute("select id from private_chats where request_id = %s",
                            (request_id,)).fetchone()
        assert chat is not None
    async with local_client(clean_db, workers=False) as client:
        await _chat_to_the_end(client, str(chat[0]))
    await _cancelled_chat(clean_db)
    with psycopg.connect(clean_db) as conn, standin_server() as (standin, api_url):
        conn.execute("update email_outbox set next_attempt_at = now() where status = 'queued'")
        conn.commit()
        database = Database(clean_db, max_size=4)
        await database.open()
        try:
            provider = ResendProvider("re_test_key", api_url, timeout_seconds=2)
            report = await Sender(database, provider, "خدوم <noreply@khadum.app>",
                                  retry_delay_scale=0.0).drain()
        finally:
            await database.close()
        # The drain opened them: the provider got the real addresses.
        assert report.sent == 4
        recipients = sorted(e["to"][0] for e in standin.recorded())
        assert recipients == ["ahmed@example.com", "ahmed@example.com",
                              "mohammed-alghamdi@demo.khadum.app",
                              "mohammed-alghamdi@demo.khadum.app"]
        secrets = (*SECRETS, RATING_COMMENT, CANCEL_REASON, ANSWER, "mohammed-alghamdi@demo",
                   "507654321")
        leaks = [leak for table in FLOW_TABLES for leak in _leaks(conn, table, secrets)]
        stored = conn.execute("select count(*) from email_outbox where status = 'sent'"
                              ).fetchone()
    assert leaks == []
    assert stored == (4,)


async def test_rotation_reseals_emails_and_chat_texts_and_seals_legacy_rows(
        clean_db: str) -> None:
    """`khadum keys rotate` re-encrypts the outbox, the cancel reason and the rating
    comment under the new key, and seals rows written before their column was
    sealed (an upgraded database); the constraints then validate."""
    request_id = await _whole_flow(clean_db, ask=True)
    with psycopg.connect(clean_db) as conn:
        chat = conn.execute("select id from private_chats where request_id = %s",
                            (request_id,)).fetchone()
        assert chat is not None
    async with local_client(clean_db, workers=False) as client:
        await _chat_to_the_end(client, str(chat[0]))
    await _cancelled_chat(clean_db)
    local = LocalKeys(get_settings().khadum_local_auth_dir).data_keys
    old_keys, blind = str(local["data_keys"]), str(local["blind_index_key"])
    rotated = keyring_from(f"next:{new_key()},{old_keys}", blind)
    with psycopg.connect(clean_db, autocommit=True) as conn:
        # A row from before the outbox was sealed (as an upgraded database has it).
        conn.execute("alter table email_outbox drop constraint email_outbox_to_email_sealed, "
                     "drop constraint email_outbox_subject_sealed, "
                     "drop constraint email_outbox_params_sealed")
        conn.execute("insert into email_outbox (idempotency_key, to_email, to_display, template,"
                     " subject, params) values ('legacy:1', 'old.client@example.com', "
                     "'o•••@example.com', 'client_request_accepted', 'قديم', "
                     "'{\"client_name\": \"عميل قديم\"}')")
        # A notice with its template alternative (the bot's own may still be on its way).
        insert_reply(conn, PHONE, messages.text(PHONE, "تم قبول طلبك"),
                     template=messages.template(PHONE, "khadum_request_accepted", "ar",
                                                ["محمد الغامدي"], []))
        report = keys_module.rotate(conn, rotated)
        assert report["email_outbox.to_email"] == 5 and report["email_outbox.params"] == 5
        assert report["private_chats.cancel_reason"] == 1
        assert report["chat_ratings.comment"] == 1
        assert report["request_events.message"] == 1 and report["notifications.message"] == 1
        # The bot's replies to both clients, and that notice.
        replies = conn.execute("select count(*), count(template_body) from whatsapp_outbox"
                               ).fetchone()
        assert replies is not None and replies[0] > 0 and replies[1] > 0
        assert report["whatsapp_outbox.to_phone"] == report["whatsapp_outbox.body"] == replies[0]
        assert report["whatsapp_outbox.template_body"] == replies[1]
        assert {rotated.kid_of(v) for row in conn.execute(
            "select to_phone, body #>> '{}', template_body #>> '{}' from whatsapp_outbox")
            for v in row if v} == {"next"}
        conn.execute("alter table email_outbox add constraint email_outbox_to_email_sealed "
                     "check (public.is_ciphertext(to_email)), add constraint "
                     "email_outbox_subject_sealed check (subject is null or "
                     "public.is_ciphertext(subject)), add constraint email_outbox_params_sealed "
                     "check (params is null or (jsonb_typeof(params) = 'string' and "
                     "public.is_ciphertext(params #>> '{}')))")
        for constraint in ("email_outbox_html_body_sealed", "email_outbox_text_body_sealed"):
            conn.execute(f"alter table email_outbox validate constraint {constraint}")
        conn.execute("alter table private_chats validate constraint "
                     "private_chats_cancel_reason_sealed")
        conn.execute("alter table chat_ratings validate constraint chat_ratings_comment_sealed")
        # Under the new key alone, everything opens.
        only_new = keyring_from(f"next:{_b64(rotated.keys['next'])}", blind)
        with conn.cursor(row_factory=dict_row) as cur:
            rows = [open_row(only_new, r) for r in cur.execute(
                "select * from email_outbox order by idempotency_key")]
            reason = cur.execute("select cancel_reason from private_chats "
                                 "where cancel_reason is not null").fetchone()
            comment = cur.execute("select comment from chat_ratings").fetchone()
            replies_opened = [open_body(only_new, r["body"]) for r in cur.execute(
                "select body from whatsapp_outbox order by seq")]
            answered = [sealed.open_event(only_new, e) for e in cur.execute(
                "select event_type, message from request_events where request_id = %s",
                (request_id,))]
    legacy = next(r for r in rows if r["idempotency_key"] == "legacy:1")
    assert (legacy["to_email"], legacy["subject"], legacy["params"]) == (
        "old.client@example.com", "قديم", {"client_name": "عميل قديم"})
    assert {r["to_email"] for r in rows} == {"ahmed@example.com", "old.client@example.com",
                                             "mohammed-alghamdi@demo.khadum.app"}
    assert reason is not None and only_new.decrypt(reason["cancel_reason"], REASON) == \
        CANCEL_REASON
    assert comment is not None and only_new.decrypt(comment["comment"], COMMENT) == \
        RATING_COMMENT
    assert {"event_type": "details_answered", "message": ANSWER} in answered
    assert any("أهلاً أحمد" in str(b) for b in replies_opened)  # the greeting, opened

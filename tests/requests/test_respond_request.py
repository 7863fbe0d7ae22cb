"""POST /functions/v1/respond_request: every status code of DESIGN.md section 4's
contract, through real HTTP (ASGI) on a real PostgreSQL."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from datetime import timedelta

import psycopg
import pytest

from khadum.auth import mint_token
from khadum.requests.links import client_chat_token
from khadum.settings import get_settings
from tests.factories import MOHAMMED, NOURA, chat_client_claims, make_request
from tests.http import bearer, expired_bearer, local_client

URL = "/functions/v1/respond_request"
# The client's waiting notices for a request (the bot's inbox; see client_inbox()).
INBOX_ALL = ("select i.kind, i.chat_id, i.message from client_requests r "
             "cross join lateral "
             "client_inbox(r.client_whatsapp_phone, 100, r.client_phone_index) i "
             "where r.id = %s and i.request_id = r.id order by i.at")
INBOX = INBOX_ALL + " limit 1"


def _new_request(url: str, **kwargs: object) -> uuid.UUID:
    with psycopg.connect(url) as conn:
        return make_request(conn, **kwargs)  # type: ignore[arg-type]


def _one(url: str, sql: str, *args: object) -> tuple:
    with psycopg.connect(url) as conn:
        row = conn.execute(sql, args).fetchone()
    assert row is not None
    return row


async def test_accept_creates_one_chat_and_queues_the_notices(clean_db: str) -> None:
    request_id = _new_request(clean_db)
    async with local_client(clean_db, workers=False) as client:
        res = await client.post(URL, headers=bearer(MOHAMMED),
                                json={"request_id": str(request_id), "action": "accept"})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["request"]["id"] == str(request_id)
    assert body["request"]["status"] == "accepted"
    assert body["request"]["responded_at"]
    # The freelancer gets only their own /chats/{id} link, never the client's link
    # or token (issue 15, H1: with it, a freelancer could act as the client).
    base = get_settings().public_base_url
    assert body["chat_url"] == f"{base}/chats/{body['chat_id']}"
    assert body["dashboard_chat_url"] == body["chat_url"]
    assert "/chat/" not in res.text

    stored, chat_id = _one(clean_db, "select chat_url_token, id::text from private_chats "
                                     "where request_id = %s", request_id)
    token = client_chat_token(get_settings(), chat_id)
    assert len(token) >= 43  # 256 bits, URL-safe
    assert stored == hashlib.sha256(token.encode()).hexdigest() and chat_id == body["chat_id"]
    # The client's notice waits in the client's inbox for the bot, as an event
    # naming the chat (the link is derived as the message leaves, never stored).
    notice = _one(clean_db, INBOX, request_id)
    assert notice[0] == "request_accepted" and str(notice[1]) == chat_id
    assert token not in json.dumps([str(v) for v in notice])
    assert _one(clean_db, "select count(*) from whatsapp_outbox") == (0,)  # the bot writes it
    assert _one(clean_db, "select count(*) from email_outbox where request_id = %s",
                request_id) == (2,)
    assert _one(clean_db, "select event_type, actor from request_events where request_id = %s",
                request_id) == ("accepted", "freelancer")
    assert _one(clean_db, "select action from activity_log where subject_id = %s",
                str(request_id)) == ("request.accepted",)


async def test_reject_keeps_the_reason_and_tells_the_client(clean_db: str) -> None:
    request_id = _new_request(clean_db)
    async with local_client(clean_db, workers=False) as client:
        res = await client.post(URL, headers=bearer(MOHAMMED), json={
            "request_id": str(request_id), "action": "reject",
            "message": "  جدولي ممتلئ هذا الشهر  "})
    assert res.status_code == 200, res.text
    assert res.json()["request"]["status"] == "rejected"
    assert res.json()["request"]["response_message"] == "جدولي ممتلئ هذا الشهر"
    assert _one(clean_db, INBOX, request_id) == ("request_rejected", None,
                                                 "جدولي ممتلئ هذا الشهر")
    assert _one(clean_db, "select count(*) from private_chats") == (0,)
    assert _one(clean_db, "select action from activity_log where subject_id = %s",
                str(request_id)) == ("request.rejected",)


async def test_reject_without_a_reason(clean_db: str) -> None:
    request_id = _new_request(clean_db)
    async with local_client(clean_db, workers=False) as client:
        res = await client.post(URL, headers=bearer(MOHAMMED),
                                json={"request_id": str(request_id), "action": "reject"})
    assert res.status_code == 200
    assert _one(clean_db, INBOX, request_id) == ("request_rejected", None, None)


async def test_asking_for_details_keeps_the_request_pending(clean_db: str) -> None:
    request_id = _new_request(clean_db)
    async with local_client(clean_db, workers=False) as client:
        for question in ("ما هو موعد التسليم؟", "هل لديك شعار جاهز؟"):
            res = await client.post(URL, headers=bearer(MOHAMMED), json={
                "request_id": str(request_id), "action": "request_details", "message": question})
            assert res.status_code == 200, res.text
            assert res.json()["request"]["status"] == "pending"
    with psycopg.connect(clean_db) as conn:
        events = conn.execute("select event_type, message from request_events "
                              "where request_id = %s order by id", (request_id,)).fetchall()
        outbox = [row[::2] for row in conn.execute(INBOX_ALL, (request_id,)).fetchall()]
        logged = conn.execute("select count(*) from activity_log where action = "
                              "'request.details_requested'").fetchone()
    assert events == [("details_requested", "ما هو موعد التسليم؟"),
                      ("details_requested", "هل لديك شعار جاهز؟")]
    assert outbox == [("details_requested", "ما هو موعد التسليم؟"),
                      ("details_requested", "هل لديك شعار جاهز؟")]
    assert logged == (2,)


@pytest.mark.parametrize("headers, code", [
    ({}, "missing_token"),
    ({"Authorization": "Basic abc"}, "invalid_token"),
    ({"Authorization": "Bearer not-a-jwt"}, "invalid_token"),
    ("expired", "token_expired"),
])
async def test_401_without_a_valid_token(clean_db: str, headers: object, code: str) -> None:
    request_id = _new_request(clean_db)
    sent = expired_bearer(MOHAMMED) if headers == "expired" else headers
    async with local_client(clean_db) as client:
        res = await client.post(URL, headers=sent,  # type: ignore[arg-type]
                                json={"request_id": str(request_id), "action": "accept"})
    assert res.status_code == 401
    assert res.json()["error"]["code"] == code
    assert _one(clean_db, "select status from client_requests where id = %s",
                request_id) == ("pending",)


async def test_403_for_another_freelancers_request_or_a_chat_session(clean_db: str) -> None:
    request_id = _new_request(clean_db)
    client_token = mint_token(get_settings(), chat_client_claims(uuid.uuid4()), 600)
    async with local_client(clean_db) as client:
        res = await client.post(URL, headers=bearer(NOURA),
                                json={"request_id": str(request_id), "action": "accept"})
        assert res.status_code == 403
        assert res.json()["error"]["code"] == "not_your_request"
        res = await client.post(URL, headers={"Authorization": f"Bearer {client_token}"},
                                json={"request_id": str(request_id), "action": "reject"})
        assert res.status_code == 403
        assert res.json()["error"]["code"] == "not_a_freelancer"
    assert _one(clean_db, "select status from client_requests where id = %s",
                request_id) == ("pending",)
    assert _one(clean_db, "select count(*) from whatsapp_outbox") == (0,)


async def test_404_for_an_unknown_request(clean_db: str) -> None:
    async with local_client(clean_db) as client:
        res = await client.post(URL, headers=bearer(MOHAMMED),
                                json={"request_id": str(uuid.uuid4()), "action": "accept"})
    assert res.status_code == 404
    assert res.json()["error"] == {"code": "request_not_found",
                                   "message": "no request with this id"}


async def test_409_once_answered_or_expired(clean_db: str) -> None:
    answered = _new_request(clean_db)
    overdue = _new_request(clean_db, expires_in=timedelta(seconds=-1))
    async with local_client(clean_db) as client:
        first = await client.post(URL, headers=bearer(MOHAMMED),
                                  json={"request_id": str(answered), "action": "reject"})
        assert first.status_code == 200
        for action in ("accept", "reject"):
            again = await client.post(URL, headers=bearer(MOHAMMED),
                                      json={"request_id": str(answered), "action": action})
            assert again.status_code == 409
            assert again.json()["error"]["code"] == "request_already_rejected"
        late = await client.post(URL, headers=bearer(MOHAMMED), json={
            "request_id": str(overdue), "action": "request_details", "message": "؟"})
        assert late.status_code == 409
        assert late.json()["error"]["code"] == "request_expired"
        # The rejection's notice is written by the worker (the bot's inbox), after the
        # answer: wait for it while the worker runs, then count exactly what was queued.
        for _ in range(100):
            if _one(clean_db, "select count(*) from whatsapp_outbox") != (0,):
                break
            await asyncio.sleep(0.1)
    assert _one(clean_db, "select count(*) from whatsapp_outbox") == (1,)
    assert _one(clean_db, "select count(*) from private_chats") == (0,)


@pytest.mark.parametrize("body", [
    {"action": "accept"},
    {"request_id": "not-a-uuid", "action": "accept"},
    {"request_id": "REQ", "action": "approve"},
    {"request_id": "REQ", "action": "request_details"},
    {"request_id": "REQ", "action": "request_details", "message": "   "},
    {"request_id": "REQ", "action": "reject", "message": "x" * 1001},
    {"request_id": "REQ", "action": "accept", "unexpected": True},
    "not json",
])
async def test_422_for_an_invalid_body(clean_db: str, body: object) -> None:
    request_id = _new_request(clean_db)
    async with local_client(clean_db) as client:
        if isinstance(body, dict):
            sent = {k: (str(request_id) if v == "REQ" else v) for k, v in body.items()}
            res = await client.post(URL, headers=bearer(MOHAMMED), json=sent)
        else:
            res = await client.post(URL, headers={**bearer(MOHAMMED),
                                                  "Content-Type": "application/json"},
                                    content=str(body))
    assert res.status_code == 422
    error = res.json()["error"]
    assert error["code"] == "invalid" and error["message"]
    assert _one(clean_db, "select status from client_requests where id = %s",
                request_id) == ("pending",)

"""H1 replayed (issue 15): a freelancer who accepts a request must never be able
to become the client. The link reaches the client (WhatsApp and email) and opens
the chat; no response, API, Data API read or stored column gives it to the
freelancer; a freelancer's JWT can never confirm, rate or cancel as the client.
Real PostgreSQL, real HTTP through the ASGI apps; Meta and Resend are stand-ins."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import psycopg
import pytest
import respx

from khadum.bot.inbox import InboundProcessor
from khadum.db import Database, act_as
from khadum.devstack.app import create_app
from khadum.email.resend_provider import ResendProvider
from khadum.email.sender import Sender
from khadum.requests.links import client_chat_token, client_chat_url
from khadum.settings import get_settings
from khadum.whatsapp.sender import drain_whatsapp
from tests.email.support import standin_server
from tests.factories import MOHAMMED, freelancer_claims, make_request
from tests.http import bearer, local_client
from tests.whatsapp.meta import FakeMeta, bot_settings, text_of

PHONE = "+966500000701"
RESPOND = "/functions/v1/respond_request"
CHAT = "/functions/v1/chat"
DASH = "/functions/v1/dashboard_api"


@pytest.fixture
async def db(clean_db: str) -> AsyncIterator[Database]:
    database = Database(clean_db, max_size=4)
    await database.open()
    yield database
    await database.close()


def _accepted_request(url: str) -> uuid.UUID:
    with psycopg.connect(url) as conn:
        return make_request(conn, MOHAMMED, phone=PHONE)


def _secrets_of(url: str, chat_id: str) -> tuple[str, str]:
    """What a stolen link would need: the token, and the client session's subject."""
    token = client_chat_token(get_settings(), chat_id)
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select client_session_sub::text from private_chat_secrets where chat_id = %s",
            (chat_id,),
        ).fetchone()
    assert row is not None
    return token, row[0]


def _tables_holding(url: str, needle: str) -> list[str]:
    """Every table of the exposed schema with a row whose text contains `needle`."""
    found = []
    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'public' and c.relkind in ('r', 'p')").fetchall()]
        for table in tables:
            hit = conn.execute(
                f'select exists (select 1 from public."{table}" t where t::text like %s)',
                (f"%{needle}%",),
            ).fetchone()
            if hit and hit[0]:
                found.append(table)
    return found


async def test_the_accept_response_and_every_freelancer_route_leave_the_link_out(
    clean_db: str,
) -> None:
    request_id = _accepted_request(clean_db)
    async with local_client(clean_db) as client:
        res = await client.post(RESPOND, headers=bearer(MOHAMMED),
                                json={"request_id": str(request_id), "action": "accept"})
        assert res.status_code == 200, res.text
        chat_id = res.json()["chat_id"]
        token, sub = _secrets_of(clean_db, chat_id)
        base = get_settings().public_base_url
        assert res.json()["chat_url"] == f"{base}/chats/{chat_id}"

        reads = [
            res,
            await client.get(f"{DASH}/requests/{request_id}", headers=bearer(MOHAMMED)),
            await client.get(f"{DASH}/chats", headers=bearer(MOHAMMED)),
            await client.get(f"{DASH}/chats/{chat_id}", headers=bearer(MOHAMMED)),
            await client.get(f"{DASH}/notifications", headers=bearer(MOHAMMED)),
            await client.get(f"{CHAT}/{chat_id}", headers=bearer(MOHAMMED)),
            await client.get(f"{CHAT}/{chat_id}/messages", headers=bearer(MOHAMMED)),
        ]
        for read in reads:
            assert read.status_code == 200, (read.request.url, read.text)
            assert token not in read.text and sub not in read.text, read.request.url
            assert "/chat/" not in read.text, read.request.url

    # Nothing stored anywhere holds the token or the link in plain text.
    assert _tables_holding(clean_db, token) == []
    assert _tables_holding(clean_db, f"/chat/{token[:12]}") == []


def test_the_data_api_gives_a_freelancer_neither_the_token_nor_the_session_subject(
    clean_db: str,
) -> None:
    request_id = _accepted_request(clean_db)
    chat_id = uuid.uuid4()
    token = client_chat_token(get_settings(), chat_id)
    with psycopg.connect(clean_db) as conn:
        conn.execute("select public.accept_request(%s, (select user_id from freelancers "
                     "where id = (select freelancer_id from client_requests where id = %s)), "
                     "%s, %s, '[]')", (request_id, request_id, chat_id, token))
        conn.commit()
        _, sub = _secrets_of(clean_db, str(chat_id))
        # Not even the hash: the column is not granted to the API roles.
        for sql in ("select * from private_chats where id = %s",
                    "select chat_url_token from private_chats where id = %s"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                act_as(conn, freelancer_claims(MOHAMMED))
                conn.execute(sql, (chat_id,))
        with conn.transaction():
            act_as(conn, freelancer_claims(MOHAMMED))
            readable = [r[0] for r in conn.execute(
                "select column_name from information_schema.column_privileges "
                "where table_name = 'private_chats' and grantee = 'authenticated' "
                "and privilege_type = 'SELECT'").fetchall()]
            assert "chat_url_token" not in readable and "client_session_sub" not in readable
            assert {"id", "status", "freelancer_id", "request_id"} <= set(readable)
            cur = conn.execute(
                f"select {', '.join(readable)} from private_chats where id = %s", (chat_id,))
            columns = [c.name for c in cur.description or []]
            row = dict(zip(columns, cur.fetchone() or (), strict=True))
            assert row, "the freelancer reads their chat"
            text = json.dumps(row, default=str)
            assert token not in text and sub not in text
            # The secrets table is the server's alone.
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute("select * from private_chat_secrets")
        stored = conn.execute(
            "select chat_url_token from private_chats where id = %s", (chat_id,)
        ).fetchone()
    assert stored == (hashlib.sha256(token.encode()).hexdigest(),)


@asynccontextmanager
async def quiet_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The local server without its background drains: this test drains itself."""
    app = create_app(database_url, run_expiry=False, run_workers=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://local") as client:
            yield client


async def test_the_hash_does_not_open_the_chat_but_the_link_the_client_receives_does(
    clean_db: str, db: Database
) -> None:
    request_id = _accepted_request(clean_db)
    async with quiet_client(clean_db) as client:
        res = await client.post(RESPOND, headers=bearer(MOHAMMED),
                                json={"request_id": str(request_id), "action": "accept"})
        chat_id = res.json()["chat_id"]
        token, _ = _secrets_of(clean_db, chat_id)
        with psycopg.connect(clean_db) as conn:
            stored = conn.execute(
                "select chat_url_token from private_chats where id = %s", (chat_id,)
            ).fetchone()
        assert stored is not None
        refused = await client.post(f"{CHAT}/session", json={"token": stored[0]})
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "unknown_link"

        # WhatsApp: the bot's outbox row holds a placeholder; Meta receives the real link.
        settings = bot_settings(clean_db)
        assert await InboundProcessor(db, settings).process_phone(PHONE) == 1
        with respx.mock(assert_all_called=False) as router:
            meta = FakeMeta(router, settings)
            await drain_whatsapp(db, settings)
        sent = " ".join(text_of(b) for b in meta.to(PHONE))
        link = client_chat_url(get_settings(), token)
        assert link in sent
        assert _tables_holding(clean_db, token) == []

        # Email: the same, through the Resend stand-in.
        with standin_server() as (standin, api_url):
            provider = ResendProvider("re_test_key", api_url, timeout_seconds=2)
            report = await Sender(db, provider, "خدوم <noreply@khadum.app>",
                                  settings=get_settings()).drain()
            assert report.sent == 2
            recorded = standin.recorded()
        to_client = next(e for e in recorded if e["to"] == ["ahmed@example.com"])
        to_freelancer = next(e for e in recorded if e["to"] != ["ahmed@example.com"])
        assert to_freelancer["to"] == [f"{MOHAMMED}@demo.khadum.app"]
        assert link in to_client["html"] and link in to_client["text"]
        assert token not in json.dumps(to_freelancer, ensure_ascii=False)
        assert _tables_holding(clean_db, token) == []

        opened = await client.post(f"{CHAT}/session", json={"token": token})
        assert opened.status_code == 200 and opened.json()["chat_id"] == chat_id


async def test_a_freelancer_jwt_cannot_confirm_rate_or_cancel_as_the_client(
    clean_db: str,
) -> None:
    first, second = _accepted_request(clean_db), None
    with psycopg.connect(clean_db) as conn:
        second = make_request(conn, MOHAMMED, phone="+966500000702")
    async with local_client(clean_db) as client:
        chats = []
        for request_id in (first, second):
            res = await client.post(RESPOND, headers=bearer(MOHAMMED),
                                    json={"request_id": str(request_id), "action": "accept"})
            chats.append(res.json()["chat_id"])
        chat_id, other = chats
        with psycopg.connect(clean_db) as conn:
            before = conn.execute(
                "select rating, rating_count, completed_projects from freelancers "
                "where user_id = (select user_id from freelancers f join client_requests r "
                "on r.freelancer_id = f.id where r.id = %s)", (first,)).fetchone()
        me = bearer(MOHAMMED)
        assert (await client.post(f"{CHAT}/{chat_id}/deliver", headers=me)).status_code == 200
        confirm = await client.post(f"{CHAT}/{chat_id}/complete", headers=me)
        assert confirm.status_code == 403 and confirm.json()["error"]["code"] == "not_a_party"

        session = await client.post(
            f"{CHAT}/session", json={"token": client_chat_token(get_settings(), chat_id)})
        as_client = {"Authorization": f"Bearer {session.json()['access_token']}"}
        assert (await client.post(f"{CHAT}/{chat_id}/complete", headers=as_client)
                ).status_code == 200
        rate = await client.post(f"{CHAT}/{chat_id}/rate", headers=me, json={"rating": 5})
        assert rate.status_code == 403

        cancel = await client.post(f"{CHAT}/{other}/cancel", headers=me,
                                   json={"reason": "ألغيته بنفسي"})
        assert cancel.status_code == 200
    with psycopg.connect(clean_db) as conn:
        after = conn.execute(
            "select rating, rating_count, completed_projects from freelancers "
            "where user_id = (select user_id from freelancers f join client_requests r "
            "on r.freelancer_id = f.id where r.id = %s)", (first,)).fetchone()
        assert conn.execute("select count(*) from chat_ratings").fetchone() == (0,)
        cancelled: Any = conn.execute(
            "select cancelled_by from private_chats where id = %s", (other,)).fetchone()
    assert before is not None and after is not None
    assert after[:2] == before[:2]  # no self-rating
    assert after[2] == before[2] + 1  # completed by the real client only
    assert cancelled == ("freelancer",)  # never recorded as the client's cancellation

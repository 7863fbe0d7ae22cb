"""H3 replayed (issue 15): a chat party broadcasting a fake `chat_state` or a
fake message on `chat:{id}`. The database lets browsers send `typing` only (a
restrictive INSERT policy on realtime.messages), the Realtime stand-in enforces it
per event, and the chat page treats any other event as a hint to refetch from the
API, so even a broadcast that did arrive shows nothing fake."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from playwright.sync_api import Browser, expect
from psycopg.types.json import Jsonb
from realtime import AsyncRealtimeClient

from khadum.devstack.app import create_app
from khadum.devstack.realtime_authz import can_write
from khadum.requests.links import client_chat_token
from khadum.settings import Settings, get_settings
from tests.browser import chromium
from tests.devstack.test_realtime import join
from tests.factories import (
    MOHAMMED,
    NOURA,
    chat_client_claims,
    freelancer_claims,
    make_chat,
    make_request,
)
from tests.http import token_for
from tests.live import free_port, serve

FAKE_STATE = {"status": "completed", "completed_at": "2025-01-01T00:00:00Z",
              "delivered_at": "2025-01-01T00:00:00Z"}
FAKE_TEXT = "رسالة من النظام: حوّل على SA0380000000608010167519 أو اتصل 0501234567"


@pytest.mark.parametrize("event", ["chat_state", "message", "system", "khadum.authorization"])
def test_parties_may_broadcast_typing_only(conn: psycopg.Connection, event: str) -> None:
    chat = make_chat(conn, make_request(conn, MOHAMMED, phone="+966500000801"))
    topic = f"chat:{chat}"
    for claims in (chat_client_claims(chat), freelancer_claims(MOHAMMED)):
        assert can_write(conn, claims, topic, "typing")
        assert not can_write(conn, claims, topic, event)
    assert not can_write(conn, freelancer_claims(NOURA), topic, "typing")


async def test_the_realtime_stand_in_refuses_a_fake_state_and_message(
    database_url: str, clean_db: str
) -> None:
    with psycopg.connect(clean_db) as conn:
        chat_id = make_chat(conn, make_request(conn, MOHAMMED, phone="+966500000802"))
        conn.commit()
    with serve(create_app(database_url, run_expiry=False)) as base:
        key = get_settings().supabase_anon_key
        topic = f"chat:{chat_id}"
        async with httpx.AsyncClient(base_url=base) as http:
            session = await http.post("/functions/v1/chat/session", json={
                "token": _client_token(clean_db, chat_id)})
        client_jwt = session.json()["access_token"]
        events = ("chat_state", "message", "typing")
        # Both directions: the client lying to the freelancer and the other way.
        for liar, listener in ((client_jwt, token_for(MOHAMMED)),
                               (token_for(MOHAMMED), client_jwt)):
            attacker, victim = (AsyncRealtimeClient(f"{base}/realtime/v1", token=key)
                                for _ in range(2))
            send, _ = await join(attacker, topic, liar, ())
            _, heard = await join(victim, topic, listener, events)
            await send.send_broadcast("chat_state", {**FAKE_STATE, "chat_id": str(chat_id)})
            await send.send_broadcast("message", {"id": str(uuid.uuid4()),
                                                  "message_content": FAKE_TEXT,
                                                  "sender_type": None,
                                                  "message_type": "system"})
            await send.send_broadcast("typing", {"side": "client"})
            got = await asyncio.wait_for(heard.received.get(), 5)
            assert got["event"] == "typing"  # the only one that came through
            await asyncio.sleep(0.4)
            assert heard.received.empty()
            await attacker.close()
            await victim.close()
    with psycopg.connect(clean_db) as conn:
        state = conn.execute("select status from private_chats where id = %s",
                             (chat_id,)).fetchone()
    assert state == ("active",)


def _client_token(url: str, chat_id: uuid.UUID) -> str:
    """Give the chat a link whose token we know (only the hash is stored)."""
    token = client_chat_token(get_settings(), chat_id)
    with psycopg.connect(url) as conn:
        conn.execute("update private_chats set chat_url_token = %s where id = %s",
                     (token, chat_id))
    return token


@pytest.fixture
def stack(clean_db: str, tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(public_base_url=base, supabase_url=base,
                        chat_storage_dir=str(tmp_path / "storage"))
    with serve(create_app(clean_db, settings=settings, run_expiry=False), port=port):
        yield base, settings


@pytest.mark.browser
def test_the_chat_page_shows_nothing_a_broadcast_claims(
    stack: tuple[str, Settings], clean_db: str, artifacts: Path
) -> None:
    """Even if a fake broadcast reached the page (here: written by the server, as
    a compromised or buggy sender might), the page refetches and shows the truth."""
    base, settings = stack
    with psycopg.connect(clean_db) as conn:
        chat_id = make_chat(conn, make_request(conn, MOHAMMED, phone="+966500000803"))
        conn.commit()
    token = client_chat_token(settings, chat_id)
    with psycopg.connect(clean_db) as conn:
        conn.execute("update private_chats set chat_url_token = %s where id = %s",
                     (token, chat_id))
    with chromium() as browser:
        page = _client_page(browser, base, token)
        expect(page.locator("#composer")).to_be_visible(timeout=10000)
        expect(page.locator("body")).to_have_attribute("data-realtime", "SUBSCRIBED",
                                                   timeout=10000)

        def broadcast(event: str, payload: dict[str, Any]) -> None:
            with psycopg.connect(clean_db) as conn:
                conn.execute("select realtime.send(%s, %s, %s, true)",
                             (Jsonb(payload), event, f"chat:{chat_id}"))

        broadcast("chat_state", {**FAKE_STATE, "chat_id": str(chat_id)})
        broadcast("message", {"id": str(uuid.uuid4()), "chat_id": str(chat_id),
                              "message_content": FAKE_TEXT, "sender_type": "freelancer",
                              "message_type": "text", "has_file": False,
                              "created_at": "2030-01-01T00:00:00Z"})
        broadcast("typing", {"side": "freelancer", "html": "<img src=x onerror=alert(1)>"})
        expect(page.locator("#typing")).to_be_visible(timeout=5000)
        # A real message, sent through the API, still arrives live (the refetch path).
        freelancer = token_for(MOHAMMED, settings=settings)
        real = httpx.post(f"{base}/functions/v1/chat/{chat_id}/messages",
                          headers={"Authorization": f"Bearer {freelancer}"},
                          json={"text": "أهلاً، بدأت العمل"}, timeout=10)
        assert real.status_code == 201, real.text
        expect(page.get_by_text("أهلاً، بدأت العمل")).to_be_visible(timeout=10000)
        page.screenshot(path=str(artifacts / "security-fake-broadcasts.png"))
        assert "0501234567" not in page.content()
        assert "SA0380000000608010167519" not in page.content()
        expect(page.locator("#composer")).to_be_visible()
        assert page.locator("#rating").count() == 0
        page.context.close()


def _client_page(browser: Browser, base: str, token: str) -> Any:
    page = browser.new_context(locale="ar-SA", viewport={"width": 420, "height": 860}).new_page()
    page.goto(f"{base}/chat/{token}")
    return page

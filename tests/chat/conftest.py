"""A chat with its two parties, and the local server speaking HTTP to them."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest

from khadum.auth import mint_freelancer_token
from khadum.devstack.app import create_app
from khadum.seed.load import user_id
from khadum.settings import Settings
from tests.factories import MOHAMMED, NOURA, make_chat, make_request


@dataclass
class ChatWorld:
    client: httpx.AsyncClient
    chat_id: uuid.UUID
    token: str
    other_chat_id: uuid.UUID
    other_token: str
    freelancer: dict[str, str]
    stranger: dict[str, str]

    async def client_headers(self, token: str | None = None) -> dict[str, str]:
        res = await self.client.post(
            "/functions/v1/chat/session", json={"token": token or self.token}
        )
        assert res.status_code == 200, res.text
        return {"Authorization": f"Bearer {res.json()['access_token']}"}


def bearer(settings: Settings, key: str) -> dict[str, str]:
    token = mint_freelancer_token(settings, user_id(key), f"{key}@demo.khadum.app")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def chat_settings(tmp_path: Path) -> Settings:
    return Settings(chat_storage_dir=str(tmp_path / "storage"), public_base_url="http://chat.test")


@pytest.fixture
async def chat_world(clean_db: str, chat_settings: Settings) -> AsyncIterator[ChatWorld]:
    with psycopg.connect(clean_db) as conn:
        chat_id = make_chat(conn, make_request(conn, MOHAMMED, phone="+966500000501"))
        other = make_chat(conn, make_request(conn, NOURA, phone="+966500000502"))
        # Only the links' hashes are stored (issue 15, H1): write known tokens.
        tokens = {chat: secrets.token_urlsafe(24) for chat in (chat_id, other)}
        for chat, token in tokens.items():
            conn.execute(
                "update private_chats set chat_url_token = %s where id = %s", (token, chat)
            )
    app = create_app(clean_db, settings=chat_settings, run_expiry=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://chat.test") as client:
            yield ChatWorld(
                client,
                chat_id,
                tokens[chat_id],
                other,
                tokens[other],
                bearer(chat_settings, MOHAMMED),
                bearer(chat_settings, NOURA),
            )

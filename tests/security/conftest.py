"""Shared pieces of the security suite: the functions deployed alone and the
local server, spoken to over real HTTP (ASGI), with a body that counts what the
server pulled from it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from khadum.db import Database
from khadum.settings import Settings
from khadum.whatsapp.signature import sign

APP_SECRET = "security-suite-app-secret-7d41c9e2"


def settings_for(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url, "whatsapp_app_secret": APP_SECRET,
        "whatsapp_verify_token": "verify-token-for-the-security-suite",
        "whatsapp_graph_url": "http://graph.invalid", "openai_api_key": None,
    }
    values.update(overrides)
    return Settings(**values)


def meta_signed(body: Any) -> tuple[bytes, dict[str, str]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return raw, {"x-hub-signature-256": sign(raw, APP_SECRET),
                 "content-type": "application/json"}


class CountingBody:
    """An async request body of `chunks` × `size` bytes that records how many
    chunks the server pulled (a refused body must not be read)."""

    def __init__(self, chunks: int, size: int = 64 * 1024) -> None:
        self.chunks, self.size, self.pulled = chunks, size, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.chunks):
            self.pulled += 1
            yield b"x" * self.size

    @property
    def total(self) -> int:
        return self.chunks * self.size


@asynccontextmanager
async def function_client(
    database_url: str, create: Callable[[Database, Settings], FastAPI],
    settings: Settings | None = None,
) -> AsyncIterator[httpx.AsyncClient]:
    db = Database(database_url, max_size=4)
    await db.open()
    try:
        app = create(db, settings or settings_for(database_url))
        transport = httpx.ASGITransport(app=app, client=("198.51.100.20", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://functions") as http:
            yield http
    finally:
        await db.close()


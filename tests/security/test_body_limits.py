"""H2: every function refuses an oversized body with a 413 JSON, before reading
it when Content-Length says so, and after at most the limit when it streams
without one; chat uploads get the file limit, everything else ~256 KB."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from khadum.chat.router import router as chat_router
from khadum.db import Database
from khadum.http import function_app
from khadum.limits import JSON_LIMIT, UPLOAD_LIMIT
from khadum.settings import Settings
from tests.http import function_factory, local_client
from tests.security.conftest import CountingBody, function_client

dashboard_app = function_factory("dashboard_api")
respond_app = function_factory("respond_request")
send_emails_app = function_factory("send_emails")
webhook_app = function_factory("whatsapp_webhook")

HUNDRED_MB = str(300 * 1024 * 1024)


def chat_app(db: Database, settings: Settings) -> FastAPI:
    return function_app("chat", db=db, settings=settings, router=chat_router)


FUNCTIONS: list[tuple[str, Callable[[Database, Settings], FastAPI], str]] = [
    ("whatsapp_webhook", webhook_app, "/functions/v1/whatsapp_webhook"),
    ("respond_request", respond_app, "/functions/v1/respond_request"),
    ("resend_webhook", send_emails_app, "/functions/v1/send_emails/webhook"),
    ("dashboard_api", dashboard_app, "/functions/v1/dashboard_api/notifications/read"),
    ("chat_session", chat_app, "/functions/v1/chat/session"),
    ("chat_upload", chat_app,
     "/functions/v1/chat/00000000-0000-0000-0000-000000000001/attachments"),
]


def assert_413(res: httpx.Response) -> None:
    assert res.status_code == 413, res.text
    assert res.headers["content-type"] == "application/json"
    assert res.json()["error"]["code"] == "too_large"


@pytest.mark.parametrize(("name", "create", "path"), FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
async def test_a_declared_300_mb_body_is_refused_unread(
    clean_db: str, name: str, create: Callable[[Database, Settings], FastAPI], path: str
) -> None:
    body = CountingBody(chunks=4800)  # 300 MB if anyone read it
    async with function_client(clean_db, create) as http:
        res = await http.post(path, content=body, headers={"content-length": HUNDRED_MB,
                                                           "content-type": "application/json"})
    assert_413(res)
    assert body.pulled == 0  # not a byte was read


@pytest.mark.parametrize(("name", "create", "path"), FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
async def test_a_streamed_body_without_length_is_cut_at_the_limit(
    clean_db: str, name: str, create: Callable[[Database, Settings], FastAPI], path: str
) -> None:
    limit = UPLOAD_LIMIT if name == "chat_upload" else JSON_LIMIT
    chunk = 64 * 1024
    body = CountingBody(chunks=limit // chunk + 40, size=chunk)
    async with function_client(clean_db, create) as http:
        # Chunked: httpx sends no Content-Length for an async iterator.
        res = await http.post(path, content=body, headers={
            "content-type": "application/json",
            "authorization": "Bearer not-even-a-token"})
    if name in ("chat_upload", "respond_request", "dashboard_api"):
        # These authenticate before they read: the unauthenticated body is not read at all.
        assert res.status_code in (401, 413)
        assert body.pulled * chunk <= limit + chunk
    else:
        assert_413(res)
        assert body.pulled * chunk <= limit + chunk  # never more than the limit held


async def test_bodies_under_the_limit_still_pass(clean_db: str) -> None:
    async with function_client(clean_db, webhook_app) as http:
        res = await http.post("/functions/v1/whatsapp_webhook", content=b"{}" + b" " * 200_000)
    assert res.status_code == 401  # reached the route: no signature


async def test_the_local_server_guards_its_stand_ins_too(clean_db: str) -> None:
    """/auth/v1/token (the Auth stand-in) took 848 MB before; now the same guard."""
    async with local_client(clean_db) as http:
        declared = CountingBody(chunks=4800)
        res = await http.post("/auth/v1/token?grant_type=password", content=declared,
                              headers={"content-length": HUNDRED_MB})
        assert_413(res)
        assert declared.pulled == 0
        streamed = CountingBody(chunks=64)
        res = await http.post("/auth/v1/token?grant_type=password", content=streamed)
        assert_413(res)
        assert streamed.pulled <= JSON_LIMIT // streamed.size + 1
        # the webhook as mounted in the local server
        res = await http.post("/functions/v1/whatsapp_webhook", content=CountingBody(chunks=64))
        assert_413(res)


async def test_a_lying_content_length_is_refused(clean_db: str) -> None:
    async with function_client(clean_db, webhook_app) as http:
        res = await http.post("/functions/v1/whatsapp_webhook", content=b"{}",
                              headers={"content-length": "-5"})
    assert res.status_code == 400 and res.json()["error"]["code"] == "bad_content_length"

"""/functions/v1/dashboard_api/… — the dashboard's data, each call a transaction
run as the caller (their role and JWT claims), so RLS is what the browser meets."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from khadum.catchup import window_start
from khadum.dashboard import queries
from khadum.db import Database
from khadum.errors import Forbidden, Invalid, NotFound
from khadum.http import CallerCursor
from khadum.limits import storable
from khadum.push import routes as push_routes
from khadum.requests import sealed
from khadum.rules import RequestStatus
from khadum.settings import Settings

BASE = "/functions/v1/dashboard_api"
# The languages the dashboard speaks (the message catalogue's locales).
Lang = Literal["ar", "en"]


class MarkRead(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[uuid.UUID] | None = Field(default=None, max_length=500)
    all: bool = False


def router(db: Database, settings: Settings) -> APIRouter:
    keys = sealed.keys(settings)  # one keyring: the sealed requests and the chat
    api = APIRouter(prefix=BASE)

    @api.get("/me")
    async def me(cur: CallerCursor) -> dict[str, Any]:
        profile = await queries.me(cur)
        if profile is None:
            raise Forbidden("this account has no freelancer profile", code="not_a_freelancer")
        return {"freelancer": profile, "topic": f"freelancer:{profile['id']}"}

    @api.get("/notifications")
    async def notifications(
        cur: CallerCursor,
        limit: int = Query(50, ge=1, le=200),
        offset: int = Query(0, ge=0, le=1_000_000),
        lang: Lang = "ar",
    ) -> dict[str, Any]:
        return await queries.notifications(cur, keys, limit, offset, lang)

    @api.get("/changes")
    async def changes(cur: CallerCursor, since: datetime, lang: Lang = "ar") -> dict[str, Any]:
        """Catch-up after a (re)join: what changed after `since` (the `cursor` of
        the page's last read), looking back a little further (khadum.catchup)."""
        return await queries.changes(cur, keys, window_start(since), lang)

    @api.get("/notifications/{notification_id}")
    async def notification(notification_id: uuid.UUID, cur: CallerCursor,
                           lang: Lang = "ar") -> dict[str, Any]:
        # A live broadcast carries ids only; the dashboard reads the notification here.
        found = await queries.notification(cur, keys, notification_id, lang)
        if found is None:
            raise NotFound("no notification with this id", code="notification_not_found")
        return {"notification": found}

    @api.post("/notifications/read")
    async def mark_read(body: MarkRead, cur: CallerCursor) -> dict[str, Any]:
        ids = None if body.all else (body.ids or [])
        return await queries.mark_read(cur, ids)

    @api.get("/requests")
    async def requests(
        cur: CallerCursor,
        status: RequestStatus | None = None,
        q: str | None = Query(None, max_length=200),
        page: int = Query(1, ge=1, le=10_000),
        page_size: int = Query(20, ge=1, le=100),
    ) -> dict[str, Any]:
        if q is not None and not storable(q):
            raise Invalid("the search text contains a NUL character or invalid Unicode",
                          code="bad_query")
        query = (q or "").strip() or None
        return await queries.requests(cur, keys, status, query, page, page_size)

    @api.get("/requests/{request_id}")
    async def request_detail(request_id: uuid.UUID, cur: CallerCursor) -> dict[str, Any]:
        detail = await queries.request_detail(cur, keys, request_id)
        if detail is None:
            raise NotFound("no request with this id", code="request_not_found")
        await push_routes.record_opened(cur, request_id)
        return detail

    @api.get("/chats")
    async def chats(cur: CallerCursor) -> dict[str, Any]:
        return {"items": await queries.chats(cur, keys)}

    @api.get("/chats/{chat_id}")
    async def chat(chat_id: uuid.UUID, cur: CallerCursor) -> dict[str, Any]:
        found = await queries.chats(cur, keys, chat_id)
        if not found:
            raise NotFound("no chat with this id", code="chat_not_found")
        return {"chat": found[0]}

    api.include_router(push_routes.router(settings))
    return api

"""HTTP routes of the chat function (`/functions/v1/chat/...`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from khadum.chat import files, service
from khadum.chat.session import open_session
from khadum.chat.storage import FileStore, LocalFileStore, file_store
from khadum.errors import Invalid, NotFound
from khadum.http import Database, caller_claims
from khadum.settings import Settings

BASE = "/functions/v1/chat"
MAX_TEXT = 4000


class SessionBody(BaseModel):
    token: str = Field(min_length=1, max_length=255)


class TextBody(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class RatingBody(BaseModel):
    rating: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=2000)


class CancelBody(BaseModel):
    reason: str = Field(min_length=3, max_length=500)


def side_of(claims: dict[str, Any]) -> str:
    return "client" if claims.get("chat_role") == "client" else "freelancer"


def router(db: Database, settings: Settings, store: FileStore | None = None) -> APIRouter:
    store = store or file_store(settings)
    api = APIRouter()

    async def public_message(row: dict[str, Any]) -> dict[str, Any]:
        path = row.pop("file_url", None)
        row["file_link"] = await store.signed_url(path) if path else None
        return row

    @api.post(f"{BASE}/session")
    async def session(body: SessionBody, request: Request) -> dict[str, Any]:
        source = request.client.host if request.client else "unknown"
        return await open_session(db, settings, body.token.strip(), source)

    @api.get(f"{BASE}/files")
    async def local_file(path: str, expires: int, sig: str) -> FileResponse:
        if not isinstance(store, LocalFileStore):
            raise NotFound("files are served by Supabase Storage here")
        target: Path = store.open_signed(path, expires, sig)
        return FileResponse(
            target, filename=target.name, headers={"Cache-Control": "private, max-age=60"}
        )

    @api.get(BASE + "/{chat_id}")
    async def chat_summary(chat_id: uuid.UUID, request: Request) -> dict[str, Any]:
        return await service.summary(db, await caller_claims(request), chat_id)

    @api.get(BASE + "/{chat_id}/messages")
    async def list_messages(
        chat_id: uuid.UUID, request: Request, before: datetime | None = None, limit: int = 50
    ) -> dict[str, Any]:
        rows = await service.messages(
            db, await caller_claims(request), chat_id, before=before, limit=limit
        )
        return {
            "messages": [await public_message(r) for r in rows],
            "has_more": len(rows) == min(max(limit, 1), 200),
        }

    @api.post(BASE + "/{chat_id}/messages", status_code=201)
    async def send_text(chat_id: uuid.UUID, body: TextBody, request: Request) -> dict[str, Any]:
        claims = await caller_claims(request)
        text = body.text.strip()
        if not text:
            raise Invalid("the message is empty", code="empty_message")
        row = await service.send(db, claims, chat_id, side_of(claims), text)
        return await public_message(row)

    @api.post(BASE + "/{chat_id}/attachments", status_code=201)
    async def send_file(
        chat_id: uuid.UUID,
        request: Request,
        file: Annotated[UploadFile, File()],
        caption: Annotated[str, Form()] = "",
    ) -> dict[str, Any]:
        claims = await caller_claims(request)
        await service.call(db, claims, "chat_side", chat_id)
        data = await file.read(files.FILE_LIMIT + 1)
        mime, kind = files.sniff(data, file.filename or "file")
        files.check_size(len(data), kind)
        name = files.safe_name(file.filename or "file")
        path = files.storage_path(chat_id, name)
        await store.put(path, data, mime)
        row = await service.send(
            db,
            claims,
            chat_id,
            side_of(claims),
            caption.strip()[:MAX_TEXT] or name,
            kind=kind,
            file={"path": path, "name": name, "size": len(data), "mime": mime},
        )
        return await public_message(row)

    @api.get(BASE + "/{chat_id}/attachments/{message_id}")
    async def attachment_link(
        chat_id: uuid.UUID, message_id: uuid.UUID, request: Request
    ) -> dict[str, Any]:
        found = await service.message_file(db, await caller_claims(request), message_id)
        if not found:
            raise NotFound("no such attachment in this chat")
        return {
            "url": await store.signed_url(found["file_url"]),
            "name": found["file_name"],
            "mime": found["file_mime"],
        }

    async def act(request: Request, function: str, *args: Any) -> dict[str, Any]:
        result = await service.call(db, await caller_claims(request), function, *args)
        return {"result": result}

    @api.post(BASE + "/{chat_id}/received")
    async def received(chat_id: uuid.UUID, request: Request) -> dict[str, Any]:
        return await act(request, "chat_ack_received", chat_id)

    @api.post(BASE + "/{chat_id}/read")
    async def read(chat_id: uuid.UUID, request: Request) -> dict[str, Any]:
        return await act(request, "chat_mark_read", chat_id)

    @api.post(BASE + "/{chat_id}/deliver")
    async def deliver(chat_id: uuid.UUID, request: Request) -> dict[str, Any]:
        return await act(request, "chat_mark_delivered", chat_id)

    @api.post(BASE + "/{chat_id}/complete")
    async def complete(chat_id: uuid.UUID, request: Request) -> dict[str, Any]:
        return await act(request, "chat_confirm_completion", chat_id)

    @api.post(BASE + "/{chat_id}/rate")
    async def rate(chat_id: uuid.UUID, body: RatingBody, request: Request) -> dict[str, Any]:
        return await act(request, "chat_rate", chat_id, body.rating, body.comment)

    @api.post(BASE + "/{chat_id}/cancel")
    async def cancel(chat_id: uuid.UUID, body: CancelBody, request: Request) -> dict[str, Any]:
        return await act(request, "chat_cancel", chat_id, body.reason)

    return api

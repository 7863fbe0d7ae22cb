"""HTTP routes of the chat function (`/functions/v1/chat/...`): each runs as the
caller, in one transaction (`ChatCursor`), except the upload, which checks and
records in two short ones around storing the file.

Locally, chat files are served by the local server (`khadum.devstack.files`)."""

from __future__ import annotations

import contextlib
import logging
import uuid
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from psycopg.rows import dict_row
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from khadum.catchup import window_start
from khadum.chat import files, freetext, messages, service
from khadum.chat.session import open_session
from khadum.chat.storage import FileStore, file_store
from khadum.crypto import keyring
from khadum.db import Database
from khadum.errors import Invalid, NotFound, TransientError
from khadum.http import Claims, Cursor, caller_cursor, caller_transaction, client_address
from khadum.limits import SafeText
from khadum.rules import TEXT_LIMITS
from khadum.settings import Settings
from khadum.sqlerrors import translate

log = logging.getLogger("khadum.chat")
BASE = "/functions/v1/chat"
MAX_TEXT = TEXT_LIMITS["chat_message"]
# The caller's transaction; RLS denials and the chat functions' refusals become 4xx.
ChatCursor = Annotated[Cursor, caller_cursor(translate)]


class SessionBody(BaseModel):
    token: str = Field(min_length=1, max_length=255)


class TextBody(BaseModel):
    text: SafeText = Field(min_length=1, max_length=MAX_TEXT)


class RatingBody(BaseModel):
    rating: int = Field(ge=1, le=5)
    comment: SafeText | None = Field(default=None,
                                     max_length=TEXT_LIMITS["chat_rating_comment"])


class ViewingBody(BaseModel):
    open: bool


class CancelBody(BaseModel):
    # How short a reason may be is SQL's (chat_cancel: reason_required).
    reason: SafeText = Field(max_length=TEXT_LIMITS["chat_cancel_reason"])


async def read_upload(request: Request) -> tuple[bytes, str, str]:
    """(file bytes, file name, caption) from a multipart body; 422 when it is not one."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise Invalid("send the file as multipart/form-data", code="not_multipart")
    try:
        form = await request.form(max_files=1, max_fields=2, max_part_size=64 * 1024)
    except MultiPartException as exc:
        raise Invalid(f"the upload is not a valid form: {exc.message}", code="bad_form") from exc
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Invalid("the form has no file", code="no_file")
        data = await upload.read(files.FILE_LIMIT + 1)
        caption = form.get("caption")
        caption_text = caption.strip()[:MAX_TEXT] if isinstance(caption, str) else ""
        if "\x00" in caption_text:
            raise Invalid("the caption contains a NUL character", code="bad_text")
        return data, upload.filename or "file", caption_text
    finally:
        await form.close()


def router(db: Database, settings: Settings, store: FileStore | None = None) -> APIRouter:
    store = store or file_store(settings)
    keys = keyring(settings)
    api = APIRouter()

    async def public_message(row: dict[str, Any]) -> dict[str, Any]:
        path = row.pop("file_url", None)
        row["file_link"] = messages.content_link(
            keys, settings.functions_base_url, row["chat_id"], row["id"]) if path else None
        return row

    @api.post(f"{BASE}/session")
    async def session(body: SessionBody, request: Request) -> dict[str, Any]:
        return await open_session(db, settings, body.token.strip(), client_address(request))

    @api.get(BASE + "/{chat_id}")
    async def chat_summary(chat_id: uuid.UUID, cur: ChatCursor) -> dict[str, Any]:
        return freetext.open_chat(keys, await service.summary(cur, chat_id))

    @api.get(BASE + "/{chat_id}/messages")
    async def list_messages(
        chat_id: uuid.UUID, cur: ChatCursor, before: datetime | None = None,
        since: datetime | None = None, limit: int = 50,
    ) -> dict[str, Any]:
        """Newest first before `before`; or, with `since` (the `cursor` of the
        page's last read: a catch-up after a (re)join), oldest first from a little
        before it (khadum.catchup), and the next `cursor`."""
        if before is not None and since is not None:
            raise Invalid("ask for messages before or since a time, not both",
                          code="bad_query")
        cursor = await service.server_time(cur) if since is not None else None
        rows = await messages.page(
            cur, keys, chat_id, before=before,
            after=window_start(since) if since is not None else None, limit=limit)
        return {
            "messages": [await public_message(r) for r in rows],
            "has_more": len(rows) == min(max(limit, 1), 200),
            **({"cursor": cursor} if cursor is not None else {}),
        }

    @api.post(BASE + "/{chat_id}/messages", status_code=201)
    async def send_text(
        chat_id: uuid.UUID, body: TextBody, claims: Claims, cur: ChatCursor
    ) -> dict[str, Any]:
        text = body.text.strip()
        if not text:
            raise Invalid("the message is empty", code="empty_message")
        row = await messages.send(cur, keys, chat_id, text)
        return await public_message(row)

    @api.post(BASE + "/{chat_id}/attachments", status_code=201)
    async def send_file(chat_id: uuid.UUID, request: Request, claims: Claims) -> dict[str, Any]:
        """multipart/form-data: `file` and an optional `caption`.

        Who, where and how often are checked before the body is read (the body
        limit already capped it); the file is stored only once it passed its own
        checks, and removed again if its message cannot be written."""
        async with caller_transaction(db, claims, translate) as cur:
            await service.call(cur, "chat_upload_check", chat_id)
        data, filename, caption = await read_upload(request)
        mime, kind = files.sniff(data, filename)
        files.check_size(len(data), kind)
        name = files.safe_name(filename)
        path = messages.storage_path(chat_id)
        blob, sealed_key = messages.seal_file(keys, path, data)
        try:
            await store.put(path, blob, "application/octet-stream")
        except Exception as exc:  # the storage is down or refused: nothing was kept
            log.warning("storing a chat file failed: %s", exc)
            with contextlib.suppress(Exception):
                await store.remove(path)
            raise TransientError(
                "the file could not be stored just now; try again shortly",
                code="storage_unavailable",
            ) from exc
        try:
            async with caller_transaction(db, claims, translate) as cur:
                row = await messages.send(
                    cur, keys, chat_id, caption or name, kind=kind,
                    file=messages.Attachment(path, name, len(data), mime, sealed_key),
                )
        except BaseException:
            with contextlib.suppress(Exception):
                await store.remove(path)
            raise
        return await public_message(row)

    @api.get(BASE + "/{chat_id}/attachments/{message_id}")
    async def attachment_link(
        chat_id: uuid.UUID, message_id: uuid.UUID, cur: ChatCursor
    ) -> dict[str, Any]:
        found = await messages.attachment(cur, keys, chat_id, message_id)
        if not found:
            raise NotFound("no such attachment in this chat")
        return {
            "url": messages.content_link(keys, settings.functions_base_url, chat_id, message_id),
            "name": found["file_name"],
            "mime": found["file_mime"],
        }

    @api.get(BASE + "/{chat_id}/attachments/{message_id}/content")
    async def attachment_content(
        chat_id: uuid.UUID, message_id: uuid.UUID, expires: int, sig: str
    ) -> Response:
        """The opened file behind a signed link (`messages.content_link`, handed to a
        party who could read the message); the link is the permission, as a storage
        signed URL is."""
        messages.check_link(keys, chat_id, message_id, expires, sig)
        async with db.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                "select file_url, file_name, file_mime, file_key from public.chat_messages "
                "where id = %s and chat_id = %s and file_url is not null",
                (message_id, chat_id))
            row = await cur.fetchone()
        if row is None:
            raise NotFound("file not found")
        found = messages.reveal(keys, dict(row))
        try:
            blob = await store.get(found["file_url"])
        except NotFound:
            raise
        except Exception as exc:  # the storage is down: nothing to show yet
            log.warning("reading a chat file failed: %s", type(exc).__name__)
            raise TransientError("the file cannot be read just now; try again shortly",
                                 code="storage_unavailable") from exc
        data = messages.open_file(keys, found["file_url"], blob, found["file_key"])
        return Response(data, media_type=found["file_mime"], headers={
            "Content-Disposition": "inline; filename*=UTF-8''" + quote(found["file_name"]),
            "Cache-Control": "private, max-age=60",
            "X-Content-Type-Options": "nosniff",
        })

    async def server_role(cur: Cursor) -> None:
        # chat_rate and chat_cancel store what this function sealed: not on the
        # Data API (a value of the right shape that does not open would break the
        # chat for both parties). Called with the server's role and the caller's
        # verified claims still set, as a message is sent (khadum.chat.messages).
        await cur.execute("set local role none")

    async def act(cur: Cursor, function: str, *args: Any) -> dict[str, Any]:
        return {"result": await service.call(cur, function, *args)}

    @api.post(BASE + "/{chat_id}/received")
    async def received(chat_id: uuid.UUID, cur: ChatCursor) -> dict[str, Any]:
        return await act(cur, "chat_ack_received", chat_id)

    @api.post(BASE + "/{chat_id}/read")
    async def read(chat_id: uuid.UUID, cur: ChatCursor) -> dict[str, Any]:
        return await act(cur, "chat_mark_read", chat_id)

    @api.post(BASE + "/{chat_id}/viewing")
    async def viewing(chat_id: uuid.UUID, body: ViewingBody, cur: ChatCursor) -> dict[str, Any]:
        """The page is open and in view (renewed while it stays so), or no longer:
        no «new message» notification meanwhile (SQL: chat_viewing)."""
        return await act(cur, "chat_viewing", chat_id, body.open)

    @api.post(BASE + "/{chat_id}/deliver")
    async def deliver(chat_id: uuid.UUID, cur: ChatCursor) -> dict[str, Any]:
        return await act(cur, "chat_mark_delivered", chat_id)

    @api.post(BASE + "/{chat_id}/complete")
    async def complete(chat_id: uuid.UUID, cur: ChatCursor) -> dict[str, Any]:
        return await act(cur, "chat_confirm_completion", chat_id)

    @api.post(BASE + "/{chat_id}/rate")
    async def rate(chat_id: uuid.UUID, body: RatingBody, cur: ChatCursor) -> dict[str, Any]:
        # The comment is checked by SQL as typed and stored sealed (khadum.chat.freetext).
        await server_role(cur)
        answer = await act(cur, "chat_rate", chat_id, body.rating, body.comment,
                           freetext.seal_comment(keys, body.comment))
        freetext.open_rating(keys, answer["result"] or {})
        return answer

    @api.post(BASE + "/{chat_id}/cancel")
    async def cancel(chat_id: uuid.UUID, body: CancelBody, cur: ChatCursor) -> dict[str, Any]:
        # The reason is checked by SQL as typed and stored sealed (khadum.chat.freetext).
        await server_role(cur)
        answer = await act(cur, "chat_cancel", chat_id, body.reason,
                           freetext.seal_reason(keys, body.reason))
        freetext.open_chat(keys, answer["result"] or {})
        return answer

    return api

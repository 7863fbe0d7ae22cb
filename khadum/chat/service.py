"""Chat operations, each on a cursor in a transaction run as the caller (their
role and claims: `khadum.http.caller_transaction`), so that the RLS policies and
the SQL functions decide what they may do."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from khadum.db import one_row
from khadum.errors import Forbidden
from khadum.http import Cursor

PAGE_SIZE = 50

_MESSAGE_COLUMNS = (
    "id, chat_id, sender_type, message_content, message_type, file_url is not null as has_file, "
    "file_url, file_name, file_size, file_mime, was_masked, created_at"
)


async def summary(cur: Cursor, chat_id: uuid.UUID) -> dict[str, Any]:
    await cur.execute("select public.chat_summary(%s) as s", (chat_id,))
    row = await cur.fetchone()
    return dict(row["s"]) if row else {}


async def server_time(cur: Cursor) -> datetime:
    """A catch-up cursor: the server's clock as this read began."""
    await cur.execute("select now() as at")
    row = await cur.fetchone()
    at: datetime = row["at"] if row else datetime.now(UTC)
    return at


async def messages(
    cur: Cursor,
    chat_id: uuid.UUID,
    *,
    before: datetime | None = None,
    after: datetime | None = None,
    limit: int = PAGE_SIZE,
) -> list[dict[str, Any]]:
    """The one read of a chat's messages. Newest first, a page at a time (`before`
    = the oldest time already shown); or, with `after` (a catch-up's window start,
    khadum.catchup), oldest first from there on."""
    await cur.execute("select public.chat_side(%s) as side", (chat_id,))
    party = await cur.fetchone()
    if not party or party["side"] is None:
        raise Forbidden("not a party to this chat", code="not_a_party")
    order = "asc" if after is not None else "desc"
    await cur.execute(
        f"select {_MESSAGE_COLUMNS} from chat_messages where chat_id = %s "
        "and (%s::timestamptz is null or created_at < %s) "
        "and (%s::timestamptz is null or created_at > %s) "
        f"order by created_at {order}, id {order} limit %s",
        (chat_id, before, before, after, after, min(max(limit, 1), 200)),
    )
    return list(await cur.fetchall())


async def send(
    cur: Cursor,
    chat_id: uuid.UUID,
    text: str,
    *,
    kind: str = "text",
    file: dict[str, Any] | None = None,
) -> dict[str, Any]:
    file = file or {}
    # Every write goes through the SQL function: the side from the caller's claims
    # (public.chat_side), type, length and file path checked,
    # then the moderation trigger. It is not on the Data API, so it is called with
    # the server's role and the caller's verified claims still set.
    await cur.execute("set local role none")
    await cur.execute(
        f"select {_MESSAGE_COLUMNS} from public.chat_send_message("
        "%s, %s, %s, %s, %s, %s, %s)",
        (
            chat_id,
            text,
            kind,
            file.get("path"),
            file.get("name"),
            file.get("size"),
            file.get("mime"),
        ),
    )
    row = one_row(await cur.fetchone(), "chat_send_message")
    return dict(row)


async def call(cur: Cursor, function: str, *args: Any) -> Any:
    """Call one of the chat state-change functions as the caller."""
    placeholders = ", ".join(["%s"] * len(args))
    await cur.execute(f"select to_jsonb(public.{function}({placeholders})) as r", args)
    row = await cur.fetchone()
    return row["r"] if row else None


async def message_file(cur: Cursor, message_id: uuid.UUID) -> dict[str, Any] | None:
    await cur.execute(
        "select file_url, file_name, file_mime from chat_messages "
        "where id = %s and file_url is not null",
        (message_id,),
    )
    row = await cur.fetchone()
    return dict(row) if row else None

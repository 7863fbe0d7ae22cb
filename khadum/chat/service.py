"""Chat operations, each on a cursor in a transaction run as the caller (their
role and claims: `khadum.http.caller_transaction`), so that the RLS policies and
the SQL functions decide what they may do."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

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


async def messages(
    cur: Cursor,
    chat_id: uuid.UUID,
    *,
    before: datetime | None,
    limit: int = PAGE_SIZE,
) -> list[dict[str, Any]]:
    """Newest first, a page at a time (`before` = the oldest time already shown)."""
    await cur.execute("select public.chat_side(%s) as side", (chat_id,))
    party = await cur.fetchone()
    if not party or party["side"] is None:
        raise Forbidden("not a party to this chat", code="not_a_party")
    await cur.execute(
        f"select {_MESSAGE_COLUMNS} from chat_messages where chat_id = %s "
        "and (%s::timestamptz is null or created_at < %s) "
        "order by created_at desc, id desc limit %s",
        (chat_id, before, before, min(max(limit, 1), 200)),
    )
    return list(await cur.fetchall())


async def send(
    cur: Cursor,
    chat_id: uuid.UUID,
    side: str,
    text: str,
    *,
    kind: str = "text",
    file: dict[str, Any] | None = None,
) -> dict[str, Any]:
    file = file or {}
    # Every write goes through the SQL function: the side from the caller's claims
    # (`side` is only what the route expects), type, length and file path checked,
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
    row = await cur.fetchone()
    assert row is not None
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

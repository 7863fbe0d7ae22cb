"""Chat operations, each on a cursor in a transaction run as the caller (their
role and claims: `khadum.http.caller_transaction`), so that the RLS policies and
the SQL functions decide what they may do. Message text and files:
`khadum.chat.messages`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from khadum.http import Cursor


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


async def call(cur: Cursor, function: str, *args: Any) -> Any:
    """Call one of the chat state-change functions as the caller."""
    placeholders = ", ".join(["%s"] * len(args))
    await cur.execute(f"select to_jsonb(public.{function}({placeholders})) as r", args)
    row = await cur.fetchone()
    return row["r"] if row else None

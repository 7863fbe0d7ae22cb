"""Opening a chat from its link: check the token, slow down guessers, and mint
the client's short-lived chat session (a Supabase-shaped JWT)."""

from __future__ import annotations

import re
from typing import Any

import psycopg

from khadum.auth import CHAT_SESSION_TTL, mint_chat_session_token
from khadum.db import Database
from khadum.errors import NotFound
from khadum.settings import Settings
from khadum.sqlerrors import translate

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,255}$")
_MESSAGES = {"too_many_attempts": "too many wrong chat links; wait a few minutes"}


async def open_session(db: Database, settings: Settings, token: str, source: str) -> dict[str, Any]:
    """`source` is the client's address as `khadum.http.client_address` reads it
    (never a header the client sets itself)."""
    async with db.connection() as conn:
        try:  # SQL holds the window and the cap (public.chat_link_guard)
            await conn.execute("select public.chat_link_guard(%s)", (source,))
        except psycopg.Error as exc:
            refused = translate(exc, _MESSAGES)
            if refused is None:
                raise
            raise refused from exc
        row = None
        if TOKEN_PATTERN.fullmatch(token):
            cur = await conn.execute(
                "select chat_id, client_session_sub, status from public.chat_by_token(%s)", (token,)
            )
            row = await cur.fetchone()
        if row is None:
            await conn.execute("select public.record_chat_link_failure(%s)", (source,))
    # Raised after the block: the pool commits the recorded failure only on a clean exit.
    if row is None:
        raise NotFound("this chat link is not valid", code="unknown_link")
    chat_id, client_sub, status = row
    # A cancelled chat still opens, read-only: its history and files stay the
    # client's to read; SQL refuses every write to a chat that is not active.
    return {
        "access_token": mint_chat_session_token(settings, chat_id, client_sub),
        "token_type": "bearer",
        "expires_in": CHAT_SESSION_TTL,
        "chat_id": str(chat_id),
        "status": status,
    }

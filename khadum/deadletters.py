"""Dead letters: signed webhook items (WhatsApp, Resend) that cannot be used are
kept with their reason in `webhook_dead_letters`, never dropped silently and
never answered 500 (which would make the sender retry for days)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from khadum.db import Database
from khadum.errors import BadRequest
from khadum.limits import unstorable

MAX_DEPTH = 16  # Meta's and Resend's items nest 4-5 levels; anything deeper is not theirs
DEAD_LETTER_CHARS = 64 * 1024


@dataclass(frozen=True)
class DeadLetter:
    kind: str  # body, entry, change, contact, message, status
    reason: str
    raw: str  # the item as ASCII JSON, cut to DEAD_LETTER_CHARS
    external_id: str | None = None


class BadItem(ValueError):
    """Why one item of a batch cannot be used (becomes the dead letter's reason)."""


class MalformedBody(BadRequest):
    """The whole body is unusable; `dead_letter` keeps what came."""

    def __init__(self, message: str, dead_letter: DeadLetter) -> None:
        super().__init__(message, code="malformed")
        self.dead_letter = dead_letter


def dump_for_dead_letter(item: Any) -> str:
    """Any parsed item as storable text: ASCII JSON (NUL and surrogates escaped),
    NaN kept as a word, cut to the dead-letter size."""
    try:
        text = json.dumps(item, ensure_ascii=True, default=repr)
    except (RecursionError, ValueError, TypeError):
        text = repr(item)[:DEAD_LETTER_CHARS].encode("ascii", "backslashreplace").decode()
    return text.replace("\x00", "\\u0000")[:DEAD_LETTER_CHARS]


def raw_for_dead_letter(raw: bytes) -> str:
    return dump_for_dead_letter(raw[:DEAD_LETTER_CHARS].decode("utf-8", "replace"))


def reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def check_clean(value: Any, depth: int = 0) -> int:
    """Raise BadItem for what PostgreSQL's jsonb or the bot cannot hold: NUL,
    lone surrogates, NaN/Infinity, nesting past MAX_DEPTH. Returns the characters
    of all strings (keys included)."""
    if depth > MAX_DEPTH:
        raise BadItem("nesting_too_deep")
    if isinstance(value, str):
        reason = unstorable(value)
        if reason is not None:
            raise BadItem(reason)
        return len(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise BadItem("not_a_finite_number")
    if isinstance(value, dict):
        return sum(check_clean(k, depth + 1) + check_clean(v, depth + 1)
                   for k, v in value.items())
    if isinstance(value, list):
        return sum(check_clean(v, depth + 1) for v in value)
    return 0


async def insert_dead_letters(conn: Any, source: str, letters: list[DeadLetter]) -> None:
    for letter in letters:
        await conn.execute(
            "insert into public.webhook_dead_letters (source, kind, reason, external_id, raw) "
            "values (%s, %s, %s, %s, %s)",
            (source, letter.kind[:20], letter.reason[:200], letter.external_id, letter.raw),
        )


async def store_dead_letters(db: Database, source: str, letters: list[DeadLetter]) -> None:
    async with db.connection() as conn, conn.transaction():
        await insert_dead_letters(conn, source, letters)

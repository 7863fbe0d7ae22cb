"""What a party types about a chat besides its messages, sealed and opened in one
place (migration 20251203000210): the cancel reason (`private_chats.cancel_reason`)
and the rating comment (`chat_ratings.comment`). The chat function seals them
before SQL stores them and opens them for the parties (RLS and the chat
functions decide who the parties are); nothing else opens them."""

from __future__ import annotations

from typing import Any

from khadum.chat.messages import unavailable
from khadum.crypto import DecryptionError, Keyring
from khadum.requests import sealed

REASON = "private_chats.cancel_reason"
COMMENT = "chat_ratings.comment"


def seal_reason(keys: Keyring, reason: str) -> str:
    return keys.encrypt(reason.strip(), REASON)


def seal_comment(keys: Keyring, comment: str | None) -> str | None:
    comment = (comment or "").strip()
    return keys.encrypt(comment, COMMENT) if comment else None


def _open(keys: Keyring, value: Any, context: str) -> str | None:
    if value is None:
        return None
    try:
        return keys.decrypt(str(value), context)
    except DecryptionError as exc:
        raise unavailable(exc) from None


def open_chat(keys: Keyring, chat: dict[str, Any]) -> dict[str, Any]:
    """A chat row or summary with its cancel reason (and rating comment) opened,
    and, in a summary, the request's description (sealed in client_requests)."""
    request = chat.get("request")
    if isinstance(request, dict) and request.get("description") is not None:
        request["description"] = _open(keys, request["description"], sealed.DESCRIPTION)
    if chat.get("cancel_reason") is not None:
        chat["cancel_reason"] = _open(keys, chat["cancel_reason"], REASON)
    rating = chat.get("rating")
    if isinstance(rating, dict) and rating.get("comment") is not None:
        rating["comment"] = _open(keys, rating["comment"], COMMENT)
    return chat


def open_rating(keys: Keyring, rating: dict[str, Any]) -> dict[str, Any]:
    if rating.get("comment") is not None:
        rating["comment"] = _open(keys, rating["comment"], COMMENT)
    return rating

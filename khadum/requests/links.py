"""The links people follow: the client's chat page and the freelancer's dashboard chat.

The client's link carries a token that opens the chat as the client. It is never
stored: the database keeps only its sha256 (`private_chats.chat_url_token`), and
the token is derived from `CHAT_LINK_SECRET` (or SUPABASE_JWT_SECRET) and the chat
id whenever a message to the client needs it. Messages queued for the client
(WhatsApp, email) hold a placeholder that the senders replace with the link as
they hand the message to the provider, so no table, log or response readable by
a freelancer holds it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid
from typing import Any

from khadum.settings import Settings

_PLACEHOLDER = "[[khadum-chat-link:{chat_id}]]"
_PLACEHOLDER_RE = re.compile(
    r"\[\[khadum-chat-link:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12})\]\]"
)


def client_chat_token(settings: Settings, chat_id: uuid.UUID | str) -> str:
    """256 bits, URL-safe, unguessable without the secret; the same for a chat's lifetime."""
    mac = hmac.new(
        settings.chat_link_key, f"khadum-chat:{chat_id}".lower().encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def client_chat_url(settings: Settings, token: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/chat/{token}"


def client_chat_link(chat_id: uuid.UUID | str) -> str:
    """What a queued message holds in place of the client's link."""
    return _PLACEHOLDER.format(chat_id=str(chat_id).lower())


def reveal_client_links(settings: Settings, value: Any) -> Any:
    """`value` (a string, or JSON made of dicts and lists) with each placeholder
    replaced by the client's real link; called only where the message leaves us."""
    if isinstance(value, str):
        return _PLACEHOLDER_RE.sub(
            lambda m: client_chat_url(settings, client_chat_token(settings, m.group(1))), value
        )
    if isinstance(value, dict):
        return {k: reveal_client_links(settings, v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal_client_links(settings, v) for v in value]
    return value


def dashboard_chat_url(settings: Settings, chat_id: uuid.UUID | str) -> str:
    # The chat page (web/chat.html) opened with the freelancer's dashboard sign-in.
    return f"{settings.public_base_url.rstrip('/')}/chats/{chat_id}"


"""The links people follow: the client's chat page and the freelancer's dashboard chat."""

from __future__ import annotations

import uuid

from khadum.settings import Settings


def client_chat_url(settings: Settings, token: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/chat/{token}"


def dashboard_chat_url(settings: Settings, chat_id: uuid.UUID | str) -> str:
    # The chat page (web/chat.html) opened with the freelancer's dashboard sign-in.
    return f"{settings.public_base_url.rstrip('/')}/chats/{chat_id}"


def dashboard_request_url(settings: Settings, request_id: uuid.UUID | str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/#/requests/{request_id}"

"""Draining every outbox once: WhatsApp messages and emails."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from khadum.db import Database
from khadum.settings import Settings


async def _whatsapp(db: Database, settings: Settings) -> dict[str, int]:
    from khadum.whatsapp.sender import drain_whatsapp

    return (await drain_whatsapp(db, settings)).as_dict()


async def _email(db: Database, settings: Settings) -> dict[str, int]:
    from khadum.email.providers import provider_from_settings
    from khadum.email.sender import Sender

    report = await Sender.from_settings(db, settings, provider_from_settings(settings)).drain()
    return {"sent": report.sent, "retried": report.retried, "failed": report.failed}


# name → drainer; each returns a small report of counts.
DRAINERS: dict[str, Callable[[Database, Settings], Awaitable[dict[str, Any]]]] = {
    "whatsapp": _whatsapp,
    "email": _email,
}


async def drain_all(db: Database, settings: Settings) -> dict[str, dict[str, Any]]:
    return {name: await drain(db, settings) for name, drain in DRAINERS.items()}

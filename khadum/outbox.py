"""Draining every outbox once: WhatsApp messages and emails, each reporting
the same way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from khadum.db import Database
from khadum.settings import Settings


@dataclass
class DrainReport:
    """What one drain of an outbox did (a row retried later counts as retried)."""

    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed

    def merge(self, other: DrainReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed

    def as_json(self) -> dict[str, int]:
        return {"sent": self.sent, "retried": self.retried, "failed": self.failed}


async def _whatsapp(db: Database, settings: Settings) -> dict[str, int]:
    from khadum.bot.inbox import InboundProcessor
    from khadum.whatsapp.sender import drain_whatsapp

    # Notices are the bot's to write (from the events waiting in client inboxes):
    # a one-shot drain lets it write them first, as a worker would have.
    processed = await InboundProcessor(db, settings).sweep(older_than_seconds=0)
    return {"processed": processed, **(await drain_whatsapp(db, settings)).as_json()}


async def _email(db: Database, settings: Settings) -> dict[str, int]:
    from khadum.email.providers import provider_from_settings
    from khadum.email.sender import Sender

    report = await Sender.from_settings(db, settings, provider_from_settings(settings)).drain()
    return report.as_json()


async def _push(db: Database, settings: Settings) -> dict[str, int]:
    from khadum.push.alerts import send_alerts
    from khadum.push.sender import drain_push

    # Alerts become emails first (then the email drain sends them), then pushes go.
    alerts = await send_alerts(db, settings)
    if not (settings.vapid_private_key and settings.vapid_public_key):
        return {"alerts": alerts}
    return {"alerts": alerts, **(await drain_push(db, settings)).as_json()}


# name → drainer; each returns a small report of counts.
DRAINERS: dict[str, Callable[[Database, Settings], Awaitable[dict[str, Any]]]] = {
    "push": _push,
    "whatsapp": _whatsapp,
    "email": _email,
}


async def drain_all(db: Database, settings: Settings) -> dict[str, dict[str, Any]]:
    return {name: await drain(db, settings) for name, drain in DRAINERS.items()}

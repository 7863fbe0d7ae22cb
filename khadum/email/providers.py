"""What a provider is given, what it may raise, and which one the settings choose."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from khadum.errors import KhadumError
from khadum.settings import Settings


@dataclass(frozen=True)
class OutgoingEmail:
    """One rendered email from the outbox, ready for a provider."""

    outbox_id: str
    idempotency_key: str
    sender: str
    to: str
    subject: str
    html: str
    text: str
    template: str
    # Called (and awaited) once the message is about to be handed over for good:
    # SMTP calls it right before DATA, so the sender can commit a sent-marker.
    before_handover: Callable[[], Awaitable[None]] | None = None


class EmailSendError(KhadumError):
    """A provider refused or could not take an email.

    `transient` errors (rate limits, 5xx, timeouts, dropped connections) are
    retried with backoff, no sooner than `retry_after` seconds when the provider
    said so; the others (invalid address, rejected content) fail at once.
    """

    status = 502
    code = "email_send_failed"

    def __init__(self, message: str, *, transient: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after


class EmailProvider(Protocol):
    name: str

    async def send(self, email: OutgoingEmail) -> str:
        """Hand the email over; return the provider's id for it."""
        ...


def provider_from_settings(settings: Settings) -> EmailProvider:
    if settings.email_provider == "smtp":
        from khadum.email.smtp_provider import SmtpProvider

        return SmtpProvider.from_settings(settings)
    from khadum.email.resend_provider import ResendProvider

    return ResendProvider.from_settings(settings)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `retry-after` header (delta-seconds; HTTP dates count as absent)."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(seconds, 0.0)

"""Resend through its official SDK (`resend` on PyPI), async.

The SDK reads its API key, base URL and HTTP client from module globals. They are
set right before each call; the SDK reads them before its first await, so
concurrent sends in one event loop cannot see each other's values.
"""

from __future__ import annotations

from dataclasses import dataclass

import resend
from resend.exceptions import ResendError
from resend.http_client_httpx import HTTPXClient

from khadum.email.providers import EmailSendError, OutgoingEmail, parse_retry_after
from khadum.settings import Settings

# Resend answers 409 for a key still being processed: safe to try again later.
_TRANSIENT_TYPES = {"HttpClientError", "concurrent_idempotent_requests"}


@dataclass
class ResendProvider:
    api_key: str
    api_url: str
    timeout_seconds: float = 15.0
    name: str = "resend"

    @classmethod
    def from_settings(cls, settings: Settings) -> ResendProvider:
        return cls(settings.resend_api_key, settings.resend_api_url,
                   settings.email_send_timeout_seconds)

    async def send(self, email: OutgoingEmail) -> str:
        params: resend.Emails.SendParams = {
            "from": email.sender,
            "to": [email.to],
            "subject": email.subject,
            "html": email.html,
            "text": email.text,
            "tags": [
                {"name": "template", "value": email.template},
                {"name": "outbox_id", "value": email.outbox_id},
            ],
        }
        options: resend.Emails.SendOptions = {"idempotency_key": email.idempotency_key}
        resend.api_key = self.api_key
        resend.api_url = self.api_url.rstrip("/")
        resend.default_async_http_client = HTTPXClient(timeout=self.timeout_seconds)  # type: ignore[arg-type]
        try:
            response = await resend.Emails.send_async(params, options)
        except ResendError as exc:
            raise classify(exc) from exc
        return str(response["id"])


def classify(exc: ResendError) -> EmailSendError:
    try:
        status = int(str(exc.code))
    except ValueError:
        status = 500
    retry_after = parse_retry_after(exc.headers.get("retry-after"))
    transient = exc.error_type in _TRANSIENT_TYPES or status == 429 or status >= 500
    message = f"resend {status} {exc.error_type}: {exc.message}"
    return EmailSendError(message, transient=transient, retry_after=retry_after)

"""SMTP (any server) through aiosmtplib. Building the MIME message is pure."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

import aiosmtplib

from khadum.email.providers import EmailSendError, OutgoingEmail
from khadum.settings import Settings


def message_id(email: OutgoingEmail) -> str:
    """Stable per idempotency key, so a retried send carries the same Message-ID."""
    domain = parseaddr(email.sender)[1].rpartition("@")[2] or "khadum.app"
    digest = hashlib.sha256(email.idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def build_message(email: OutgoingEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = email.sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id(email)
    message["X-Khadum-Template"] = email.template
    # base64 keeps the message 7-bit clean for servers without 8BITMIME.
    message.set_content(email.text, cte="base64")
    message.add_alternative(email.html, subtype="html", cte="base64")
    return message


@dataclass
class SmtpProvider:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout_seconds: float = 15.0
    name: str = "smtp"

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpProvider:
        return cls(settings.smtp_host, settings.smtp_port, settings.smtp_username,
                   settings.smtp_password, settings.smtp_starttls,
                   settings.email_send_timeout_seconds)

    async def send(self, email: OutgoingEmail) -> str:
        message = build_message(email)
        try:
            await self._deliver(email, message)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [error.code for error in exc.recipients]
            transient = all(400 <= code < 500 for code in codes)
            raise EmailSendError(f"smtp refused the recipient: {exc}", transient=transient) from exc
        except aiosmtplib.SMTPResponseException as exc:
            transient = 400 <= exc.code < 500
            raise EmailSendError(f"smtp {exc.code}: {exc.message}", transient=transient) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise EmailSendError(f"smtp unreachable: {exc}", transient=True) from exc
        return str(message["Message-ID"])

    async def _deliver(self, email: OutgoingEmail, message: EmailMessage) -> None:
        """MAIL, RCPT, then the sent-marker, then DATA: a crash before the marker
        sends again (nothing was handed over); after it, never twice."""
        client = aiosmtplib.SMTP(
            hostname=self.host, port=self.port, username=self.username,
            password=self.password, start_tls=self.starttls, timeout=self.timeout_seconds,
        )
        async with client:
            sender = parseaddr(email.sender)[1] or email.sender
            await client.mail(sender)
            try:
                await client.rcpt(email.to)
            except aiosmtplib.SMTPRecipientRefused as exc:
                raise aiosmtplib.SMTPRecipientsRefused([exc]) from exc
            if email.before_handover is not None:
                await email.before_handover()
            await client.data(message.as_bytes())

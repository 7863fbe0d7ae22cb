"""The email outbox sender: claim due rows, send each through the provider, record
the outcome. The state changes are SQL functions (see the 20251123 migration);
this module talks to the provider and decides between retry and failure.

Exactly once: a claimed row is `sending`, so no other sender claims it (skip
locked), and the provider is given the row's idempotency key, so a retry after a
lost response (a timeout) does not send a second email.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from psycopg.rows import dict_row

from khadum.crypto import DecryptionError, keyring
from khadum.db import Database
from khadum.email.providers import EmailProvider, EmailSendError, OutgoingEmail
from khadum.email.sealed import open_row
from khadum.outbox import DrainReport
from khadum.redact import redact
from khadum.requests.links import reveal_client_links
from khadum.settings import Settings, get_settings

log = logging.getLogger("khadum.email")


@dataclass(frozen=True)
class Sender:
    db: Database
    provider: EmailProvider
    sender_address: str
    # Retries follow the shared rule (SQL: retry_attempt_limit(), retry_delay());
    # tests scale its delays to 0 so as not to wait.
    retry_delay_scale: float = 1.0
    batch_size: int = 20
    # A short lease, renewed every third of it while this sender works.
    stale_after_seconds: float = 30.0
    owner: str = ""
    settings: Settings | None = None

    @classmethod
    def from_settings(cls, db: Database, settings: Settings, provider: EmailProvider,
                      **kwargs: Any) -> Sender:
        kwargs.setdefault("settings", settings)
        return cls(db, provider, settings.email_from, **kwargs)

    async def drain_once(self) -> DrainReport:
        """Claim one batch of due emails and send it."""
        owner = self.owner or f"email:{uuid.uuid4()}"
        async with self.db.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                "select * from public.claim_due_emails(%s, make_interval(secs => %s), %s)",
                (self.batch_size, self.stale_after_seconds, owner),
            )
            rows = await cur.fetchall()
        # The claim is committed here (the pool commits on return): now `sending`.
        keeper = asyncio.create_task(self._keep_lease(owner)) if rows else None
        try:
            outcomes = await asyncio.gather(*(self._send_one(row) for row in rows))
        finally:
            if keeper is not None:
                keeper.cancel()
        report = DrainReport()
        for outcome in outcomes:
            setattr(report, outcome, getattr(report, outcome) + 1)
        return report

    async def drain(self, max_batches: int = 100) -> DrainReport:
        """Send until nothing is due (rows retried later are left for later)."""
        total = DrainReport()
        for _ in range(max_batches):
            report = await self.drain_once()
            total.merge(report)
            if report.handled == 0:
                break
        return total

    async def _keep_lease(self, owner: str) -> None:
        while True:
            await asyncio.sleep(self.stale_after_seconds / 3)
            try:
                async with self.db.connection() as conn:
                    await conn.execute(
                        "update public.email_outbox set claimed_at = now() "
                        "where claimed_by = %s and status = 'sending'", (owner,))
            except Exception:  # the lease is still valid; the next renewal tries again
                log.exception("renewing the email outbox lease failed")

    async def release_unsent(self, owner: str) -> None:
        """Gives back rows claimed by a stopping sender that were never handed over."""
        async with self.db.connection() as conn:
            await conn.execute(
                "update public.email_outbox set status = 'queued', claimed_by = null, "
                "attempts = greatest(attempts - 1, 0), next_attempt_at = now() "
                "where claimed_by = %s and status = 'sending' and smtp_data_at is null "
                "and provider_id is null", (owner,))

    async def _mark_handover(self, email_id: str) -> None:
        async with self.db.connection() as conn:
            await conn.execute(
                "update public.email_outbox set smtp_data_at = now() where id = %s", (email_id,))

    async def _send_one(self, row: dict[str, Any]) -> str:
        email_id = str(row["id"])
        if row.get("smtp_data_at") is not None:
            # A sender died after its sent-marker (during SMTP DATA): the server most
            # likely has it. At most once: record it as sent, never hand it over again.
            log.warning("email %s: sender died during SMTP DATA; recorded as sent", email_id)
            async with self.db.connection() as conn:
                await conn.execute("select public.record_email_sent(%s, %s, %s)",
                                   (email_id, "smtp", _presumed_id(row, self.sender_address)))
            return "sent"
        missing = [f for f in ("subject", "html_body", "text_body") if not row.get(f)]
        if missing:
            await self._record_failed(email_id, "not rendered: " + ", ".join(missing) + " empty")
            return "failed"
        # The row is opened only here, right before it goes to the provider
        # (khadum.email.sealed), and the client's chat link is put in.
        settings = self.settings or get_settings()
        try:
            row = open_row(keyring(settings), row)
        except DecryptionError as exc:  # a key missing here: retried, named, never lost
            log.error("email %s cannot be opened: %s", email_id, exc.message)
            return await self._after_error(email_id, row["attempts"],
                                           EmailSendError(exc.message, transient=True))
        email = OutgoingEmail(
            outbox_id=email_id, idempotency_key=row["idempotency_key"],
            sender=self.sender_address, to=row["to_email"], subject=row["subject"],
            html=reveal_client_links(settings, row["html_body"]),
            text=reveal_client_links(settings, row["text_body"]), template=row["template"],
            before_handover=lambda: self._mark_handover(email_id),
        )
        try:
            provider_id = await self.provider.send(email)
        except EmailSendError as exc:
            return await self._after_error(email_id, row["attempts"], exc)
        except Exception as exc:  # a bug or an unexpected library error: retry, visibly
            log.exception("sending email %s failed unexpectedly", email_id)
            error = EmailSendError(f"unexpected: {exc!r}", transient=True)
            return await self._after_error(email_id, row["attempts"], error)
        async with self.db.connection() as conn:
            await conn.execute("select public.record_email_sent(%s, %s, %s)",
                               (email_id, self.provider.name, provider_id))
        return "sent"

    async def _after_error(self, email_id: str, attempts: int, exc: EmailSendError) -> str:
        async with self.db.connection() as conn:
            cur = await conn.execute(
                "select public.record_email_error(%s, %s, %s, %s, %s)",
                (email_id, redact(exc.message), exc.transient, exc.retry_after,
                 self.retry_delay_scale),
            )
            row = await cur.fetchone()
        if row and row[0] == "queued":
            log.warning("email %s: %s; retry after attempt %d", email_id, exc.message, attempts)
            return "retried"
        log.error("email %s failed after %d attempt(s): %s", email_id, attempts, exc.message)
        return "failed"

    async def _record_failed(self, email_id: str, reason: str) -> None:
        async with self.db.connection() as conn:
            await conn.execute("select public.record_email_failed(%s, %s)", (email_id, reason))


def _presumed_id(row: dict[str, Any], sender: str) -> str:
    """The Message-ID the interrupted send carried (it derives from the key and
    the sender only: the sealed address is not needed)."""
    from khadum.email.smtp_provider import message_id

    return message_id(OutgoingEmail(
        outbox_id=str(row["id"]), idempotency_key=row["idempotency_key"], sender=sender,
        to="", subject="", html="", text="", template=row["template"]))

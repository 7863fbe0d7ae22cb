"""Emails: building one is pure (templates -> subject, HTML, text), done when it is
queued; sending is separate: the outbox sender, its providers (Resend, SMTP) and
Resend's delivery webhook (see docs/internal-contracts.md)."""

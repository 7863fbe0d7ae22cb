"""Email delivery: the outbox sender, its providers (Resend, SMTP) and Resend's webhook.

Emails are rendered when queued (see docs/internal-contracts.md); this package only
sends them and tracks their delivery.
"""

"""Emails: building one is pure (templates → subject, HTML, text); sending is separate."""

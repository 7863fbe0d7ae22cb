"""Logs carry no personal data: phones, emails, tokens and signed URLs are
replaced before any handler sees a record.

`install()` wraps the log-record factory, so every logger in the process is
covered — the application's, uvicorn's access and error logs, libraries' — and
whatever handlers are configured later. Message, arguments (one by one, so
formatters that read them positionally, like uvicorn's access formatter, keep
working) and the exception text are redacted at the record's creation.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

from khadum.rules import EMAIL_PATTERN

# Order matters: the URL and token forms first, then what is left.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # The client's private chat link (/chat/<token>); /chats/<uuid> is an id, not a secret.
    (re.compile(r"(/chat/)(?!session\b)[A-Za-z0-9_-]{16,}"), r"\1[token]"),
    # Secrets in query strings: signed storage URLs, API keys, access tokens.
    (re.compile(r"(?i)([?&](?:token|sig|signature|x-amz-signature|x-amz-credential|apikey|"
                r"api_key|access_token|refresh_token|code|hub\.verify_token|key|path|to|phone|email)=)[^&\s\"']+"),
     r"\1[redacted]"),
    # File names in Content-Disposition (logged by HTTP clients at DEBUG).
    (re.compile(r"(?i)(filename\*?=)(?:[\w-]+'')?[^;\s\"')\]]+"), r"\1[redacted]"),
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1[redacted]"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), "[jwt]"),
    (re.compile(r"\bsb_(?:secret|publishable)_[A-Za-z0-9_-]+"), "[api-key]"),
    (re.compile(r"\b(?:re|whsec|sk)_[A-Za-z0-9_-]{8,}"), "[api-key]"),
    (EMAIL_PATTERN, "[email]"),  # public.is_email's shape (khadum/rules.py)
    # Phones: 9–15 digits (any script), with optional + and space/dash/dot groups.
    # Not inside an id or a date-time (a uuid's groups, `2026-12-01 03:58`).
    (re.compile(r"(?<![\w.-])(?:\+|%2[Bb])?\d(?:[\s.-]?\d){8,14}(?![\w:-])"), "[phone]"),
)




# What each rule needs to find anything (each is implied by a match of its rule),
# so that text with nothing to redact — most log lines: an access log line's
# method, path and client address — is passed over in a few substring tests
# instead of every substitution. Where any is present, every rule runs as before.
_BEARER = re.compile(r"(?i)bearer")
_NINE_DIGITS = re.compile(r"\d(?:[\s.-]?\d){8}")  # the phone rule's shortest match


def _may_hold_any(text: str) -> bool:
    return ("=" in text or "@" in text or "/chat/" in text or "eyJ" in text
            or "sb_" in text or "re_" in text or "whsec_" in text or "sk_" in text
            or _BEARER.search(text) is not None or _NINE_DIGITS.search(text) is not None)


def redact(text: str) -> str:
    """`text` with phones, emails, tokens and signed-URL secrets replaced."""
    if not _may_hold_any(text):
        return text
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def _redact_arg(value: Any) -> Any:
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return redact(value if isinstance(value, str) else str(value))


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    else:
        record.msg = redact(str(record.msg))
    if isinstance(record.args, tuple):
        record.args = tuple(_redact_arg(a) for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: _redact_arg(v) for k, v in record.args.items()}
    if record.exc_info and record.exc_info[1] is not None:
        # Formatters reuse exc_text when set: the redacted traceback is what they print.
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


_installed = False


def install() -> None:
    """Redact every log record made in this process from now on (idempotent)."""
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(make(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True

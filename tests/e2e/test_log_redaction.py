"""Logs carry no personal data (issue 16, item 4): the whole flow runs with every
log on (the application's at DEBUG, uvicorn's access log), and the records are
searched for the client's phone and email, the chat link's token, the session
token, the signed file link and the file's name."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import pytest

from khadum.redact import install, redact
from tests.e2e.test_whole_flow import walk_the_whole_flow


@pytest.fixture
def every_record() -> Iterator[list[str]]:
    """The text of every log record the process makes (after redaction)."""
    install()
    seen: list[str] = []
    make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        seen.append(f"{record.name}: {record.getMessage()} {record.exc_text or ''}")
        return record

    root = logging.getLogger()
    level = root.level
    logging.setLogRecordFactory(factory)
    root.setLevel(logging.DEBUG)
    try:
        yield seen
    finally:
        logging.setLogRecordFactory(make)
        root.setLevel(level)


def test_the_whole_flow_logs_no_personal_data(clean_db: str, every_record: list[str]) -> None:
    walked = walk_the_whole_flow(clean_db, log_level="info")
    logs = "\n".join(every_record)
    access = [line for line in every_record if line.startswith("uvicorn.access")]
    assert len(access) > 20, "the access log was not captured"
    # The secrets went through the server (so they would be logged unredacted)…
    assert any("/chat/[token]" in line for line in access)
    assert any("sig=[redacted]" in line and "path=[redacted]" in line for line in access)
    # …and none of them is in any record.
    query = parse_qs(urlparse(walked.file_link).query)
    secrets = {
        "phone": walked.phone, "phone without +": walked.phone.lstrip("+"),
        "local phone": "0" + walked.phone[4:], "email": walked.email,
        "chat token": walked.chat_token, "session token": walked.access_token,
        "file signature": query["sig"][0], "file path": query["path"][0],
        "file name": "عقد-أحمد", "file name in a URL": quote("عقد-أحمد"),
    }
    leaked = [what for what, value in secrets.items() if value in logs]
    assert leaked == [], f"in the logs: {leaked}"


@pytest.mark.parametrize("text, kept, gone", [
    ("processing the inbox of +966501234567 failed", "processing the inbox of", "501234567"),
    ("to ٠٥٥١٢٣٤٥٦٧ now", "to", "٥٥١٢٣٤٥٦٧"),
    ("send to 966 50 123 4567 failed", "send to", "123 4567"),
    ("email ahmed.m+x@example.com.sa bounced", "bounced", "ahmed.m+x@example.com.sa"),
    ("GET /chat/AbCdEf0123456789AbCdEf0123456789AbCdEf01 HTTP/1.1", "GET /chat/[token]",
     "AbCdEf0123456789"),
    ("GET /storage/v1/object/sign/chat-files/c/f.pdf?token=eyJhbGc.eyJzdWI.sig HTTP/1.1",
     "?token=[redacted]", "eyJzdWI"),
    ("Authorization: Bearer abc.def.ghi", "Bearer [redacted]", "abc.def.ghi"),
    ("key sb_secret_AbC123xyz789 used", "[api-key]", "AbC123xyz789"),
    ("GET /dev/graph/messages?to=%2B966501234567 HTTP/1.1", "to=[redacted]", "501234567"),
    ("sent to %2B966501234567", "sent to [phone]", "501234567"),
    ("b\"attachment; filename*=utf-8''%D8%B9%D9%82.pdf\"", "filename*=[redacted]", "%D8%B9"),
    ("GET /functions/v1/chat/files?path=chat%2F1%2Fa.pdf&expires=1&sig=ab12 HTTP/1.1",
     "expires=1", "chat%2F1"),
])
def test_redact_replaces_personal_data(text: str, kept: str, gone: str) -> None:
    out = redact(text)
    assert kept in out and gone not in out


@pytest.mark.parametrize("text", [
    "request 4f6c1a2e-1234-5678-9abc-def012345678 accepted",
    "expired at 2026-12-01 03:58:00",
    "POST /functions/v1/chat/session HTTP/1.1 200",
    "sent 12 of 3000 messages in 250 ms",
])
def test_redact_keeps_ids_dates_and_figures(text: str) -> None:
    assert redact(text) == text


def test_records_keep_their_arguments_for_positional_formatters() -> None:
    install()
    record = logging.getLogRecordFactory()(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/chat/AbCdEf0123456789AbCdEf0123456789AbCd", "1.1", 200),
        None)
    assert isinstance(record.args, tuple) and record.args[4] == 200
    assert record.getMessage() == '127.0.0.1:5000 - "GET /chat/[token] HTTP/1.1" 200'
    try:
        raise RuntimeError("could not send to +966501234567")
    except RuntimeError:
        import sys

        failed = logging.getLogRecordFactory()("khadum", logging.ERROR, __file__, 1,
                                               "failed", (), sys.exc_info())
    assert failed.exc_text and "501234567" not in failed.exc_text and "[phone]" in failed.exc_text

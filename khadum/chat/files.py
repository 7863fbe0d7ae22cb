"""Attachment checks: the type is read from the bytes, not trusted from the
browser, and each kind has a size limit."""

from __future__ import annotations

import re

from khadum.errors import Invalid, PayloadTooLarge

IMAGE_LIMIT = 10 * 1024 * 1024
FILE_LIMIT = 20 * 1024 * 1024

# (magic bytes, mime, message type)
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", "image"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "image"),
    (b"GIF87a", "image/gif", "image"),
    (b"GIF89a", "image/gif", "image"),
    (b"%PDF-", "application/pdf", "file"),
    (b"PK\x03\x04", "application/zip", "file"),
)
_OFFICE = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def sniff(data: bytes, filename: str) -> tuple[str, str]:
    """(mime, 'image'|'file') for an allowed file; Invalid otherwise."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "image"
    for magic, mime, kind in _SIGNATURES:
        if data.startswith(magic):
            if mime == "application/zip":
                return _OFFICE.get(_suffix(filename), mime), kind
            return mime, kind
    if _suffix(filename) in (".txt", ".csv") and _is_text(data):
        return ("text/csv" if filename.lower().endswith(".csv") else "text/plain"), "file"
    raise Invalid(
        "this file type is not allowed: send images, PDF, Office files, ZIP or text",
        code="file_type_not_allowed",
    )


def check_size(size: int, kind: str) -> None:
    limit = IMAGE_LIMIT if kind == "image" else FILE_LIMIT
    if size == 0:
        raise Invalid("the file is empty", code="empty_file")
    if size > limit:
        raise PayloadTooLarge(
            f"the file is larger than {limit // (1024 * 1024)} MB", code="file_too_large"
        )


def safe_name(filename: str) -> str:
    base = re.sub(r"[^\w.\-\u0600-\u06FF]+", "_", filename.strip())[-120:].strip("._")
    return base or "file"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot >= 0 else ""


def _is_text(data: bytes) -> bool:
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data[:4096]

"""Chat messages in and out, the only place their text and files are sealed and
opened (issue 16).

Writing, in the caller's transaction: `public.chat_prepare_message()` checks,
masks and moderates the plain text in SQL and answers the text to store; it is
sealed here (khadum.crypto, keys outside the database) and inserted with
`public.chat_send_message()`, which refuses a message that was not prepared in
the same transaction and a column value that is not ciphertext.

Files: each attachment is sealed with its own random key (AES-256-GCM, its
storage path as authenticated data); that key is stored sealed with the data key
(`chat_messages.file_key`), so rotating the data key re-seals one short column
and never rewrites a file. Storage holds ciphertext under a path with no file
name; a party downloads through the chat function (`content_link`: a short-lived
link signed with a key derived from the keyring), which opens the file.

A value that does not open (a wrong or missing key: a server misconfiguration)
is logged by key id and column, never by value, and answered 503 `unavailable`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from khadum.crypto import CIPHERTEXT, DecryptionError, Keyring
from khadum.db import one_row
from khadum.errors import Forbidden, TransientError
from khadum.http import Cursor
from khadum.keys import column

log = logging.getLogger("khadum.chat")

PAGE_SIZE = 50
LINK_TTL_SECONDS = 300
CONTENT = column("chat_messages", "message_content").context
FILE_NAME = column("chat_messages", "file_name").context
FILE_KEY = column("chat_messages", "file_key").context

COLUMNS = (
    "id, chat_id, sender_type, message_content, message_type, file_url is not null as has_file, "
    "file_url, file_name, file_size, file_mime, was_masked, created_at"
)


class Unavailable(TransientError):
    """Stored chat data cannot be opened with the configured keys."""


def unavailable(exc: DecryptionError) -> Unavailable:
    # The message names the column and the key id, never a value.
    log.error("chat data could not be decrypted: %s", exc)
    return Unavailable("the chat is unavailable just now; try again later", code="unavailable")


@dataclass(frozen=True)
class Attachment:
    """A file already sealed and stored at `path`."""

    path: str
    name: str
    size: int
    mime: str
    sealed_key: str


# -- sealing -----------------------------------------------------------------------
def seal_file(keys: Keyring, path: str, data: bytes) -> tuple[bytes, str]:
    """(the stored bytes, the file's own key sealed for `chat_messages.file_key`)."""
    file_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    blob = nonce + AESGCM(file_key).encrypt(nonce, data, path.encode())
    return blob, keys.encrypt(base64.b64encode(file_key).decode(), FILE_KEY)


def open_file(keys: Keyring, path: str, blob: bytes, sealed_key: str) -> bytes:
    try:
        file_key = base64.b64decode(keys.decrypt(sealed_key, FILE_KEY))
        return AESGCM(file_key).decrypt(blob[:12], blob[12:], path.encode())
    except DecryptionError as exc:
        raise unavailable(exc) from None
    except (InvalidTag, ValueError):
        raise unavailable(DecryptionError(f"chat file {path}: its key does not open it "
                                          "(altered file)")) from None


def storage_path(chat_id: uuid.UUID) -> str:
    """Where a file is stored: no trace of its name (the name is sealed in the row)."""
    return f"{chat_id}/{uuid.uuid4().hex}/blob"


def reveal(keys: Keyring, row: dict[str, Any]) -> dict[str, Any]:
    """A message row as its parties see it: text and file name opened."""
    try:
        if row.get("message_type") != "system" and row.get("message_content") is not None:
            row["message_content"] = keys.decrypt(row["message_content"], CONTENT)
        if row.get("file_name") is not None:
            row["file_name"] = keys.decrypt(row["file_name"], FILE_NAME)
    except DecryptionError as exc:
        raise unavailable(exc) from None
    return row


# -- writing -----------------------------------------------------------------------
PREPARE = ("select message_id, content, was_masked from public.chat_prepare_message("
           "%s, %s, %s, %s, %s, %s)")
INSERT = f"select {COLUMNS} from public.chat_send_message(%s, %s, %s, %s, %s, %s, %s, %s)"


def prepare_params(chat_id: uuid.UUID, text: str, kind: str,
                   file: Attachment | None) -> tuple[Any, ...]:
    return (chat_id, text, kind, file and file.path, file and file.size, file and file.mime)


def insert_params(keys: Keyring, chat_id: uuid.UUID, content: str, kind: str,
                  file: Attachment | None) -> tuple[Any, ...]:
    """chat_send_message's arguments: the prepared (masked) text and the file name
    sealed; everything else as prepared."""
    return (chat_id, keys.encrypt(content, CONTENT), kind, file and file.path,
            file and keys.encrypt(file.name, FILE_NAME), file and file.size,
            file and file.mime, file and file.sealed_key)


async def send(cur: Cursor, keys: Keyring, chat_id: uuid.UUID, text: str, *,
               kind: str = "text", file: Attachment | None = None) -> dict[str, Any]:
    """Prepare (SQL: checks, masking, moderation), seal, insert: one transaction."""
    # Not on the Data API: called with the server's role and the caller's verified
    # claims still set (public.chat_side reads them).
    await cur.execute("set local role none")
    await cur.execute(PREPARE, prepare_params(chat_id, text, kind, file))
    prepared = one_row(await cur.fetchone(), "chat_prepare_message")
    await cur.execute(INSERT, insert_params(keys, chat_id, prepared["content"], kind, file))
    row = dict(one_row(await cur.fetchone(), "chat_send_message"))
    row["message_content"] = prepared["content"]
    row["file_name"] = file and file.name
    return row


# -- reading -----------------------------------------------------------------------
async def page(cur: Cursor, keys: Keyring, chat_id: uuid.UUID, *,
               before: datetime | None, after: datetime | None = None,
               limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    """The one read of a chat's messages. Newest first, a page at a time (`before`
    = the oldest time already shown); or, with `after` (a catch-up's window start,
    khadum.catchup), oldest first from there on."""
    await cur.execute("select public.chat_side(%s) as side", (chat_id,))
    party = await cur.fetchone()
    if not party or party["side"] is None:
        raise Forbidden("not a party to this chat", code="not_a_party")
    order = "asc" if after is not None else "desc"
    await cur.execute(
        f"select {COLUMNS} from chat_messages where chat_id = %s "
        "and (%s::timestamptz is null or created_at < %s) "
        "and (%s::timestamptz is null or created_at > %s) "
        f"order by created_at {order}, id {order} limit %s",
        (chat_id, before, before, after, after, min(max(limit, 1), 200)),
    )
    return [reveal(keys, dict(row)) for row in await cur.fetchall()]


async def attachment(cur: Cursor, keys: Keyring, chat_id: uuid.UUID,
                     message_id: uuid.UUID) -> dict[str, Any] | None:
    """A file of this chat the caller may read (RLS decides), name opened."""
    await cur.execute(
        "select file_url, file_name, file_mime, file_key from chat_messages "
        "where id = %s and chat_id = %s and file_url is not null",
        (message_id, chat_id),
    )
    row = await cur.fetchone()
    return reveal(keys, dict(row)) if row else None


def last_message(keys: Keyring, value: str | None, message_type: str | None) -> str | None:
    """A chat list's preview (dashboard): the latest message, opened."""
    if value is None or message_type == "system":
        return value
    try:
        return keys.decrypt(value, CONTENT)
    except DecryptionError as exc:
        raise unavailable(exc) from None


def open_stored(keys: Keyring, value: str | None) -> str | None:
    """A stored message text where its type is not at hand (the operator's review
    pages): a system note is plain and never has the ciphertext shape, which every
    party's message has (chat_messages_content_sealed)."""
    if value is None or not CIPHERTEXT.match(value):
        return value
    try:
        return keys.decrypt(value, CONTENT)
    except DecryptionError as exc:
        raise unavailable(exc) from None


# -- download links ----------------------------------------------------------------
def _link_key(keys: Keyring) -> bytes:
    return hmac.new(keys.blind_key, b"khadum chat file links", hashlib.sha256).digest()


def link_signature(keys: Keyring, chat_id: uuid.UUID, message_id: uuid.UUID,
                   expires: int) -> str:
    return hmac.new(_link_key(keys), f"{chat_id}|{message_id}|{expires}".encode(),
                    hashlib.sha256).hexdigest()


def content_link(keys: Keyring, functions_url: str, chat_id: uuid.UUID,
                 message_id: uuid.UUID, ttl: int = LINK_TTL_SECONDS) -> str:
    """A short-lived link to the opened file (an <img> cannot send a bearer token).
    It names ids only, never the file."""
    expires = int(time.time()) + ttl
    sig = link_signature(keys, chat_id, message_id, expires)
    return (f"{functions_url.rstrip('/')}/chat/{chat_id}/attachments/{message_id}/content"
            f"?expires={expires}&sig={sig}")


def check_link(keys: Keyring, chat_id: uuid.UUID, message_id: uuid.UUID,
               expires: int, sig: str) -> None:
    if not hmac.compare_digest(link_signature(keys, chat_id, message_id, expires), sig):
        raise Forbidden("this file link is not valid", code="bad_signature")
    if expires < time.time():
        raise Forbidden("this file link has expired; open the chat again", code="link_expired")

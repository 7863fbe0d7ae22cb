"""Private chat files: stored where no one can list them, served only through
short-lived signed links. Supabase Storage (a private bucket) in production,
a folder on disk locally; the chat code sees one interface."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from pathlib import Path
from typing import Protocol
from urllib.parse import urlencode

from khadum.errors import Forbidden, NotFound
from khadum.settings import LOCAL_JWT_SECRET, Settings

SIGNED_LINK_TTL_SECONDS = 300
BUCKET = "chat-files"


class FileStore(Protocol):
    async def put(self, path: str, data: bytes, content_type: str) -> None: ...

    async def signed_url(self, path: str, ttl: int = SIGNED_LINK_TTL_SECONDS) -> str: ...

    async def remove(self, path: str) -> None: ...


class LocalFileStore:
    """Files under a folder; links signed with HMAC and an expiry time."""

    def __init__(self, root: Path, base_url: str, secret: str | None) -> None:
        self.root = root
        self.base_url = base_url.rstrip("/")
        # Local only: without a legacy JWT secret, links are signed with the local one.
        secret = secret or LOCAL_JWT_SECRET
        self._key = hashlib.sha256(f"chat-files:{secret}".encode()).digest()

    async def put(self, path: str, data: bytes, content_type: str) -> None:
        target = self._resolve(path)
        await asyncio.to_thread(self._write, target, data)

    async def remove(self, path: str) -> None:
        target = self._resolve(path)
        await asyncio.to_thread(target.unlink, missing_ok=True)

    async def signed_url(self, path: str, ttl: int = SIGNED_LINK_TTL_SECONDS) -> str:
        expires = int(time.time()) + ttl
        query = urlencode({"path": path, "expires": expires, "sig": self.sign(path, expires)})
        return f"{self.base_url}/functions/v1/chat/files?{query}"

    def sign(self, path: str, expires: int) -> str:
        return hmac.new(self._key, f"{path}|{expires}".encode(), hashlib.sha256).hexdigest()

    def open_signed(self, path: str, expires: int, sig: str) -> Path:
        """The file behind a signed link, if the link is genuine and unexpired."""
        if not hmac.compare_digest(self.sign(path, expires), sig):
            raise Forbidden("this file link is not valid", code="bad_signature")
        if expires < time.time():
            raise Forbidden("this file link has expired; open the chat again", code="link_expired")
        target = self._resolve(path)
        if not target.is_file():
            raise NotFound("file not found")
        return target

    def _resolve(self, path: str) -> Path:
        target = (self.root / path).resolve()
        if self.root.resolve() not in target.parents:
            raise Forbidden("invalid file path", code="bad_path")
        return target

    @staticmethod
    def _write(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


class SupabaseFileStore:
    """A private Supabase Storage bucket, through the storage3 client."""

    def __init__(self, settings: Settings) -> None:
        from storage3 import AsyncStorageClient

        key = settings.admin_api_key  # sb_secret_… (or the legacy service_role key)
        self._client = AsyncStorageClient(
            f"{settings.supabase_url.rstrip('/')}/storage/v1/",
            {"apikey": key, "Authorization": f"Bearer {key}"},
        )

    async def put(self, path: str, data: bytes, content_type: str) -> None:
        await self._client.from_(BUCKET).upload(path, data, {"content-type": content_type})

    async def remove(self, path: str) -> None:
        await self._client.from_(BUCKET).remove([path])

    async def signed_url(self, path: str, ttl: int = SIGNED_LINK_TTL_SECONDS) -> str:
        signed = await self._client.from_(BUCKET).create_signed_url(path, ttl)
        return str(signed.get("signedURL") or signed.get("signedUrl"))


def file_store(settings: Settings) -> FileStore:
    if settings.effective_chat_storage == "supabase":
        return SupabaseFileStore(settings)
    return LocalFileStore(
        Path(settings.chat_storage_dir), settings.public_base_url,
        settings.supabase_jwt_secret,
    )

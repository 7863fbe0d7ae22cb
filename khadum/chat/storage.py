"""Private chat files: stored where no one can list them. Supabase Storage (a
private bucket) in production, a folder on disk locally (`khadum.devstack.files`);
the chat code sees one interface. What is stored is ciphertext
(`khadum.chat.messages` seals every file before `put` and opens it after `get`)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from khadum.settings import Settings

SIGNED_LINK_TTL_SECONDS = 300
BUCKET = "chat-files"


class FileStore(Protocol):
    async def put(self, path: str, data: bytes, content_type: str) -> None: ...

    async def get(self, path: str) -> bytes: ...

    async def signed_url(self, path: str, ttl: int = SIGNED_LINK_TTL_SECONDS) -> str: ...

    async def remove(self, path: str) -> None: ...


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

    async def get(self, path: str) -> bytes:
        return await self._client.from_(BUCKET).download(path)

    async def remove(self, path: str) -> None:
        await self._client.from_(BUCKET).remove([path])

    async def signed_url(self, path: str, ttl: int = SIGNED_LINK_TTL_SECONDS) -> str:
        signed = await self._client.from_(BUCKET).create_signed_url(path, ttl)
        return str(signed.get("signedURL") or signed.get("signedUrl"))


def file_store(settings: Settings) -> FileStore:
    if settings.effective_chat_storage == "supabase":
        return SupabaseFileStore(settings)
    # Local only (production refuses CHAT_STORAGE=local): the local server serves them.
    from khadum.devstack.files import LocalFileStore

    return LocalFileStore(
        Path(settings.chat_storage_dir), settings.public_base_url,
        settings.supabase_jwt_secret,
    )

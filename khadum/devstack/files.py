"""Local only: chat files in a folder on disk, behind HMAC-signed links that the
local server answers at `/functions/v1/chat/files` (Supabase Storage's signed
URLs do this in production, see `khadum.chat.storage`). The files are
ciphertext (sealed by `khadum.chat.messages` before `put`), as in Supabase Storage."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import FileResponse

from khadum.chat import files
from khadum.chat.storage import SIGNED_LINK_TTL_SECONDS
from khadum.errors import Forbidden, Invalid, NotFound
from khadum.settings import LOCAL_JWT_SECRET

FILES_PATH = "/functions/v1/chat/files"


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

    async def get(self, path: str) -> bytes:
        target = self._resolve(path)
        if not target.is_file():
            raise NotFound("file not found")
        return await asyncio.to_thread(target.read_bytes)

    async def remove(self, path: str) -> None:
        target = self._resolve(path)
        await asyncio.to_thread(target.unlink, missing_ok=True)

    async def signed_url(self, path: str, ttl: int = SIGNED_LINK_TTL_SECONDS) -> str:
        expires = int(time.time()) + ttl
        query = urlencode({"path": path, "expires": expires, "sig": self.sign(path, expires)})
        return f"{self.base_url}{FILES_PATH}?{query}"

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



def router(store: LocalFileStore) -> APIRouter:
    """`GET /functions/v1/chat/files?path&expires&sig`: a file behind a signed link."""
    api = APIRouter()

    @api.get(FILES_PATH)
    async def local_file(path: str, expires: int, sig: str) -> FileResponse:
        target: Path = store.open_signed(path, expires, sig)
        # The type comes from the file's first bytes, never from its name.
        with target.open("rb") as fh:
            head = fh.read(4096)
        try:
            mime, _ = files.sniff(head, target.name)
        except Invalid:
            mime = "application/octet-stream"
        return FileResponse(
            target, filename=target.name, media_type=mime,
            headers={"Cache-Control": "private, max-age=60", "X-Content-Type-Options": "nosniff"},
        )

    return api

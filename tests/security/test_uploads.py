"""M3: a chat upload is checked (caller, party, chat status, rate limit) before
its body is parsed, and nothing stays in storage when it is refused or fails.
A storage outage answers JSON 503."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import psycopg

from khadum.chat.router import router as chat_router
from khadum.devstack.files import LocalFileStore
from khadum.http import function_app
from khadum.settings import Settings
from tests.chat.conftest import ChatWorld, chat_settings, chat_world  # noqa: F401  (fixtures)
from tests.chat.test_chat_api import PNG
from tests.security.conftest import CountingBody

FIVE_MB_PNG = PNG + b"\0" * (5 * 1024 * 1024)


def stored_files(settings: Settings) -> list[Path]:
    root = Path(settings.chat_storage_dir)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def messages_in(url: str, chat_id: uuid.UUID) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("select count(*) from chat_messages where chat_id = %s",
                           (chat_id,)).fetchone()
    return int(row[0]) if row else 0


async def test_a_non_party_upload_leaves_nothing_behind(
    chat_world: ChatWorld, chat_settings: Settings, clean_db: str  # noqa: F811
) -> None:
    base = f"/functions/v1/chat/{chat_world.chat_id}/attachments"
    refused = await chat_world.client.post(
        base, headers=chat_world.stranger, files={"file": ("x.png", FIVE_MB_PNG, "image/png")})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_a_party"
    unknown = await chat_world.client.post(
        f"/functions/v1/chat/{uuid.uuid4()}/attachments", headers=chat_world.freelancer,
        files={"file": ("x.png", FIVE_MB_PNG, "image/png")})
    assert unknown.status_code == 404
    anonymous = await chat_world.client.post(
        base, files={"file": ("x.png", FIVE_MB_PNG, "image/png")})
    assert anonymous.status_code == 401
    assert stored_files(chat_settings) == []
    assert messages_in(clean_db, chat_world.chat_id) == 0


async def test_a_refused_upload_is_not_read(chat_world: ChatWorld) -> None:  # noqa: F811
    """Authorisation comes before the multipart body is parsed: a stranger's
    streamed upload is answered without being pulled."""
    body = CountingBody(chunks=200)  # 12.5 MB, streamed without a length
    res = await chat_world.client.post(
        f"/functions/v1/chat/{chat_world.chat_id}/attachments", content=body,
        headers={**chat_world.stranger, "content-type": "multipart/form-data; boundary=x"})
    assert res.status_code == 403
    assert body.pulled == 0


async def test_a_closed_or_flooded_chat_stores_no_file(
    chat_world: ChatWorld, chat_settings: Settings, clean_db: str  # noqa: F811
) -> None:
    client = await chat_world.client_headers()
    base = f"/functions/v1/chat/{chat_world.chat_id}"
    for i in range(10):
        sent = await chat_world.client.post(base + "/messages", json={"text": f"رسالة {i}"},
                                            headers=client)
        assert sent.status_code == 201
    flooded = await chat_world.client.post(
        base + "/attachments", headers=client, files={"file": ("x.png", PNG, "image/png")})
    assert flooded.status_code == 429 and flooded.json()["error"]["code"] == "rate_limited"
    with psycopg.connect(clean_db) as conn:
        conn.execute("update private_chats set status = 'cancelled' where id = %s",
                     (chat_world.chat_id,))
    closed = await chat_world.client.post(
        base + "/attachments", headers=chat_world.freelancer,
        files={"file": ("x.png", PNG, "image/png")})
    assert closed.status_code == 409
    assert stored_files(chat_settings) == []


class BrokenStore(LocalFileStore):
    """Storage that is down: every write fails after writing half a file."""

    async def put(self, path: str, data: bytes, content_type: str) -> None:
        await super().put(path, data[: len(data) // 2], content_type)
        raise ConnectionError("storage unreachable")


class RacingStore(LocalFileStore):
    """The chat is cancelled while the file is being stored: the message cannot
    be written, so the stored file must go again."""

    def __init__(self, root: Path, url: str) -> None:
        super().__init__(root, "http://chat.test", "k")
        self.url = url

    async def put(self, path: str, data: bytes, content_type: str) -> None:
        await super().put(path, data, content_type)
        with psycopg.connect(self.url) as conn:
            conn.execute("update private_chats set status = 'cancelled'")


async def _upload_with(store: LocalFileStore, clean_db: str, chat_world: ChatWorld,  # noqa: F811
                       settings: Settings) -> httpx.Response:
    from khadum.db import Database

    db = Database(clean_db, max_size=2)
    await db.open()
    try:
        app = function_app("chat", db=db, settings=settings,
                           router=lambda d, s: chat_router(d, s, store=store))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://chat.test") as http:
            return await http.post(
                f"/functions/v1/chat/{chat_world.chat_id}/attachments",
                headers=chat_world.freelancer, files={"file": ("x.png", PNG, "image/png")})
    finally:
        await db.close()


async def test_a_storage_outage_answers_json_503_and_keeps_nothing(
    chat_world: ChatWorld, chat_settings: Settings, clean_db: str, tmp_path: Path  # noqa: F811
) -> None:
    root = tmp_path / "broken"
    res = await _upload_with(BrokenStore(root, "http://chat.test", "k"), clean_db, chat_world,
                             chat_settings)
    assert res.status_code == 503, res.text
    assert res.json()["error"]["code"] == "storage_unavailable"
    assert [p for p in root.rglob("*") if p.is_file()] == []
    assert messages_in(clean_db, chat_world.chat_id) == 0


async def test_a_file_whose_message_fails_is_removed(
    chat_world: ChatWorld, chat_settings: Settings, clean_db: str, tmp_path: Path  # noqa: F811
) -> None:
    root = tmp_path / "racing"
    res = await _upload_with(RacingStore(root, clean_db), clean_db, chat_world, chat_settings)
    assert res.status_code == 409
    assert [p for p in root.rglob("*") if p.is_file()] == []


"""Chat file stores: the local one (signed links) and Supabase Storage (its HTTP
API mocked with recorded responses, since it lives outside this machine)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from khadum.chat.files import safe_name, sniff
from khadum.chat.storage import SupabaseFileStore, file_store
from khadum.devstack.files import LocalFileStore
from khadum.errors import Forbidden, Invalid
from khadum.settings import Settings

SUPABASE = "https://abcdefghijklmnop.supabase.co"


async def test_local_links_open_only_when_genuine_and_fresh(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path, "http://x", "secret-one")
    await store.put("chat/1/a.pdf", b"%PDF-1.4", "application/pdf")
    assert store.open_signed("chat/1/a.pdf", 4102444800, store.sign("chat/1/a.pdf", 4102444800))
    with pytest.raises(Forbidden):
        store.open_signed("chat/1/a.pdf", 4102444800, "0" * 64)
    with pytest.raises(Forbidden):
        store.open_signed("chat/1/a.pdf", 1000, store.sign("chat/1/a.pdf", 1000))
    with pytest.raises(Forbidden):
        await store.put("../escape.txt", b"x", "text/plain")
    other = LocalFileStore(tmp_path, "http://x", "secret-two")
    with pytest.raises(Forbidden):
        other.open_signed("chat/1/a.pdf", 4102444800, store.sign("chat/1/a.pdf", 4102444800))


@respx.mock
async def test_supabase_storage_upload_and_signed_link() -> None:
    settings = Settings(
        supabase_url=SUPABASE, supabase_service_role_key="service-key-123", chat_storage="supabase"
    )
    upload = respx.post(f"{SUPABASE}/storage/v1/object/chat-files/c1/f1/brief.pdf").mock(
        return_value=httpx.Response(
            200,
            json={
                "Id": "4f1c1a5e-7f53-4b8e-9a55-1f1c1a5e7f53",
                "Key": "chat-files/c1/f1/brief.pdf",
            },
        )
    )
    sign = respx.post(f"{SUPABASE}/storage/v1/object/sign/chat-files/c1/f1/brief.pdf").mock(
        return_value=httpx.Response(
            200,
            json={
                "signedURL": "/object/sign/chat-files/c1/f1/brief.pdf?token=eyJhbGciOi.x.y"
            },
        )
    )
    store = file_store(settings)
    assert isinstance(store, SupabaseFileStore)
    await store.put("c1/f1/brief.pdf", b"%PDF-1.4", "application/pdf")
    url = await store.signed_url("c1/f1/brief.pdf", 300)
    assert upload.called and upload.calls[0].request.headers["authorization"] == (
        "Bearer service-key-123"
    )
    assert json.loads(sign.calls[0].request.content) == {"expiresIn": "300"}
    assert url.startswith(f"{SUPABASE}/storage/v1/object/sign/chat-files/c1/f1/brief.pdf?token=")


def test_production_defaults_to_supabase_storage() -> None:
    assert Settings(khadum_env="local").effective_chat_storage == "local"
    assert Settings.model_construct(khadum_env="production").effective_chat_storage == "supabase"


def test_production_refuses_local_chat_files() -> None:
    """Local files are served by the local server only (khadum.devstack.files)."""
    live = Settings.model_construct(khadum_env="production", chat_storage="local")
    with pytest.raises(ValueError, match="CHAT_STORAGE=supabase"):
        Settings.model_validate(live.model_dump())
    local = file_store(Settings(khadum_env="local", chat_storage="local"))
    assert type(local).__module__ == "khadum.devstack.files"


def test_types_come_from_the_bytes() -> None:
    assert sniff(b"\xff\xd8\xff\xe0rest", "photo.bin") == ("image/jpeg", "image")
    assert sniff(b"RIFF\0\0\0\0WEBPVP8 ", "a.webp") == ("image/webp", "image")
    assert sniff(b"PK\x03\x04rest", "offer.docx")[0].endswith("wordprocessingml.document")
    assert sniff("ملاحظات".encode(), "notes.txt") == ("text/plain", "file")
    with pytest.raises(Invalid):
        sniff(b"<html><script>", "page.png")
    assert safe_name("../../تقرير نهائي?.pdf") == "تقرير_نهائي_.pdf"

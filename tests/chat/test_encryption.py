"""Issue 16: after a whole chat (text both ways, a masked number, an image and a
file with a caption), neither the text nor the file names nor the file bytes are
in the database or the storage in plain text; both parties still read everything
through the chat function; a wrong key answers 503 without a value; rotating the
data key keeps every message and file readable."""

from __future__ import annotations

import base64
import hashlib
import logging
import uuid
from pathlib import Path

import httpx
import psycopg
import pytest

from khadum.crypto import keyring, keyring_from, new_key
from khadum.devstack.app import create_app
from khadum.keys import rotate
from khadum.settings import Settings
from tests.chat.conftest import ChatWorld
from tests.factories import MOHAMMED, make_chat, make_request, send_message

TEXTS = ["مرحبا، أرسل لك فكرة الإعلان الزمردي", "تمام، الفكرة الزمردية وصلت"]
SECRET_BYTES = b"%PDF-1.4\n% zumurrud-secret-contract\ntrailer<<>>\n%%EOF\n"
FILE_NAME = "عقد-زمردي.pdf"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")
NEEDLES = ["زمرد", "زمردي", "zumurrud", "0551234567"]


async def whole_chat(world: ChatWorld) -> list[dict]:
    c, base = world.client, f"/functions/v1/chat/{world.chat_id}"
    client = await world.client_headers()
    sent = [await c.post(base + "/messages", json={"text": TEXTS[0]}, headers=client),
            await c.post(base + "/messages", json={"text": TEXTS[1]},
                         headers=world.freelancer),
            await c.post(base + "/messages", json={"text": "جوالي 0551234567"},
                         headers=client),
            await c.post(base + "/attachments", headers=client,
                         files={"file": (FILE_NAME, SECRET_BYTES, "application/pdf")},
                         data={"caption": "هذا العقد الزمردي"}),
            await c.post(base + "/attachments", headers=world.freelancer,
                         files={"file": ("صورة-زمردية.png", PNG, "image/png")})]
    assert [r.status_code for r in sent] == [201] * 5, [r.text for r in sent]
    return [r.json() for r in sent]


async def read_all(world: ChatWorld, client: httpx.AsyncClient | None = None) -> list[dict]:
    """Both parties' view: every message through the chat function, files opened."""
    c = client or world.client
    base = f"/functions/v1/chat/{world.chat_id}/messages"
    views = []
    for headers in (await world.client_headers(), world.freelancer):
        res = await c.get(base, headers=headers)
        assert res.status_code == 200, res.text
        views.append(res.json()["messages"])
    texts = [[(m["id"], m["message_content"], m["file_name"]) for m in v] for v in views]
    assert texts[0] == texts[1]
    return views[0]


def assert_readable(messages: list[dict], contents: dict[str, bytes]) -> None:
    texts = [m["message_content"] for m in reversed(messages) if m["message_type"] != "system"]
    assert texts[:2] == TEXTS and "0551234567" not in texts[2] and "[🔒]" in texts[2]
    assert texts[3:] == ["هذا العقد الزمردي", "صورة-زمردية.png"]
    files = {m["file_name"]: contents[m["file_name"]] for m in messages if m["file_name"]}
    assert files == {FILE_NAME: SECRET_BYTES, "صورة-زمردية.png": PNG}


async def fetch_files(c: httpx.AsyncClient, messages: list[dict]) -> dict[str, bytes]:
    out = {}
    for m in messages:
        if m["file_link"]:
            res = await c.get(m["file_link"])
            assert res.status_code == 200, res.text
            out[m["file_name"]] = res.content
    return out


def everything_stored(url: str) -> str:
    """Every row of every table in public, realtime and storage, as text."""
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "select format('%I.%I', table_schema, table_name) from information_schema.tables "
            "where table_schema in ('public', 'realtime', 'storage') "
            "and table_type = 'BASE TABLE'").fetchall()
        return "\n".join(
            str(conn.execute(f"select coalesce(string_agg(t::text, E'\\n'), '') from {name} t")
                .fetchone()[0]) for (name,) in tables)


def everything_on_disk(root: Path) -> tuple[list[str], bytes]:
    paths = [str(p.relative_to(root)) for p in root.rglob("*")]
    return paths, b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


async def test_nothing_of_a_chat_is_stored_in_plain_text(
    chat_world: ChatWorld, clean_db: str, chat_settings: Settings
) -> None:
    sent = await whole_chat(chat_world)
    assert sent[0]["message_content"] == TEXTS[0] and sent[3]["file_name"] == FILE_NAME
    messages = await read_all(chat_world)
    assert_readable(messages, await fetch_files(chat_world.client, messages))
    stored = everything_stored(clean_db)
    # the needles are really in what was sent
    sent_text = " ".join([*TEXTS, FILE_NAME, "جوالي 0551234567", SECRET_BYTES.decode()])
    assert all(n in sent_text for n in NEEDLES)
    for needle in NEEDLES:
        assert needle not in stored, needle
    # the chat link's token: only its hash is kept (issue 15, H1)
    assert chat_world.token not in stored
    assert hashlib.sha256(chat_world.token.encode()).hexdigest() in stored
    with psycopg.connect(clean_db) as conn:
        rows = conn.execute("select message_type, message_content, file_name, file_key, "
                            "file_url from chat_messages where message_type <> 'system'"
                            ).fetchall()
        traces = conn.execute("select digits from chat_digit_traces").fetchall()
    assert len(rows) == 5 and all(r[1].startswith("ev1.") for r in rows)
    assert all(r[2].startswith("ev1.") and r[3].startswith("ev1.") for r in rows if r[4])
    assert len(traces) == 5  # the digit window's memory: digits only, short-lived
    paths, blobs = everything_on_disk(Path(chat_settings.chat_storage_dir))
    assert paths and not any(n in p for p in paths for n in [*NEEDLES, "pdf", "png"])
    assert b"zumurrud" not in blobs and b"%PDF" not in blobs and b"PNG" not in blobs


async def test_a_wrong_key_answers_503_and_logs_no_value(
    chat_world: ChatWorld, clean_db: str, chat_settings: Settings,
    caplog: pytest.LogCaptureFixture
) -> None:
    await whole_chat(chat_world)
    wrong = chat_settings.model_copy(update={
        "khadum_data_keys": f"{keyring(chat_settings).active_kid}:{new_key()}",
        "khadum_blind_index_key": new_key()})
    app = create_app(clean_db, settings=wrong, run_expiry=False)
    caplog.set_level(logging.ERROR, logger="khadum.chat")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://chat.test") as c:
            res = await c.get(f"/functions/v1/chat/{chat_world.chat_id}/messages",
                              headers=chat_world.freelancer)
            chats = await c.get("/functions/v1/dashboard_api/chats", headers=chat_world.freelancer)
    assert res.status_code == 503 and res.json()["error"]["code"] == "unavailable"
    assert chats.status_code == 503
    for text in (res.text, chats.text, caplog.text):
        assert not any(n in text for n in NEEDLES) and "Traceback" not in text
    assert "does not open this value" in caplog.text


async def test_rotating_the_data_key_keeps_messages_and_files_readable(
    chat_world: ChatWorld, clean_db: str, chat_settings: Settings
) -> None:
    await whole_chat(chat_world)
    old = keyring(chat_settings)
    old_spec = ",".join(f"{kid}:{base64.b64encode(key).decode()}"
                        for kid, key in old.keys.items())
    blind = base64.b64encode(old.blind_key).decode()
    fresh = new_key()
    kid = f"r{uuid.uuid4().hex[:6]}"
    with psycopg.connect(clean_db, autocommit=True) as conn:
        report = rotate(conn, keyring_from(f"{kid}:{fresh},{old_spec}", blind), batch=2)
    assert report["chat_messages.message_content"] == 5
    assert report["chat_messages.file_name"] == report["chat_messages.file_key"] == 2
    # only the new key from now on: everything still opens, files included
    rotated = chat_settings.model_copy(update={"khadum_data_keys": f"{kid}:{fresh}",
                                               "khadum_blind_index_key": blind})
    app = create_app(clean_db, settings=rotated, run_expiry=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://chat.test") as c:
            world = ChatWorld(c, chat_world.chat_id, chat_world.token, chat_world.other_chat_id,
                              chat_world.other_token, chat_world.freelancer,
                              chat_world.stranger)
            messages = await read_all(world, c)
            assert_readable(messages, await fetch_files(c, messages))


def test_digit_traces_leave_with_their_window(conn: psycopg.Connection) -> None:
    chat = make_chat(conn, make_request(conn, MOHAMMED, phone="+966500000931"))
    send_message(conn, chat, "client", "الرقم 055")
    assert conn.execute("select digits from chat_digit_traces where chat_id = %s",
                        (chat,)).fetchall() == [("055",)]
    conn.execute("update chat_digit_traces set created_at = now() - interval '11 minutes'")
    conn.execute("select public.chat_housekeeping()")
    assert conn.execute("select count(*) from chat_digit_traces where chat_id = %s",
                        (chat,)).fetchone() == (0,)
    # a long run of digits keeps its tail only, and the send goes through
    long = send_message(conn, chat, "client", "الكود " + "1234567890" * 10)
    assert conn.execute("select digits from chat_digit_traces where message_id = %s",
                        (long["id"],)).fetchone() == (("1234567890" * 7)[-64:],)

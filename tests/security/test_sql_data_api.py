"""M6 and L5 replayed (issue 15): through the Data API a client session inserted
a 1,000,000-character message, a `file_url` of `../../../etc/passwd` and
`was_masked=true`; 40 concurrent sends stored 12 against a limit of 10. Now every
chat write goes through public.chat_send_message() with its checks, and each
side's limit is counted under a lock. Real PostgreSQL, real HTTP (ASGI)."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import psycopg
import pytest

from khadum.chat.messages import Attachment
from khadum.db import act_as
from tests.chat.conftest import ChatWorld, chat_settings, chat_world  # noqa: F401
from tests.factories import (
    MOHAMMED,
    chat_client_claims,
    dev_keys,
    freelancer_claims,
    make_chat,
    make_request,
    send_message,
)

HUGE = "ا" * 1_000_000
DIRECT_INSERTS = [
    ("message_content", "insert into chat_messages (chat_id, sender_type, sender_id, "
     "message_content) values (%(chat)s, %(side)s, '', %(huge)s)"),
    ("file_url", "insert into chat_messages (chat_id, sender_type, sender_id, message_content, "
     "message_type, file_url, file_name) values (%(chat)s, %(side)s, '', 'ملف', 'file', "
     "'../../../etc/passwd', 'passwd')"),
    ("was_masked", "insert into chat_messages (chat_id, sender_type, sender_id, "
     "message_content, was_masked) values (%(chat)s, %(side)s, '', 'رسالة', true)"),
]


@pytest.fixture
def chat(conn: psycopg.Connection) -> uuid.UUID:
    return make_chat(conn, make_request(conn, MOHAMMED, phone="+966500000901"))


def as_party(conn: psycopg.Connection, chat: uuid.UUID, side: str) -> None:
    act_as(conn, chat_client_claims(chat) if side == "client" else freelancer_claims(MOHAMMED))


def send(conn: psycopg.Connection, chat: uuid.UUID, side: str, text: str, *file: Any) -> Any:
    """The chat function's way in: the caller's verified claims, the server's role
    (prepared in SQL, sealed, inserted: tests.factories.send_message)."""
    kind, path, name, size, mime = file or ("text", None, None, None, None)
    attachment = None if path is None else Attachment(
        path, name, size, mime, dev_keys().encrypt("a file key", "chat_messages.file_key"))
    claims = chat_client_claims(chat) if side == "client" else freelancer_claims(MOHAMMED)
    row = send_message(conn, chat, side, text, kind, attachment, claims=claims)
    return row["id"], row["message_content"], row["was_masked"], row["file_url"]


@pytest.mark.parametrize("side", ["client", "freelancer"])
@pytest.mark.parametrize(("what", "sql"), DIRECT_INSERTS, ids=[d[0] for d in DIRECT_INSERTS])
def test_the_data_api_cannot_write_messages(
    conn: psycopg.Connection, chat: uuid.UUID, side: str, what: str, sql: str
) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
        as_party(conn, chat, side)
        conn.execute(sql, {"chat": chat, "side": side, "huge": HUGE})
    assert conn.execute("select count(*) from chat_messages where chat_id = %s",
                        (chat,)).fetchone() == (0,)


def test_the_send_function_checks_length_type_and_path(
    conn: psycopg.Connection, chat: uuid.UUID
) -> None:
    def refused(*args: Any) -> str:
        with pytest.raises(psycopg.DatabaseError) as info:
            send(conn, chat, "client", *args)
        assert info.value.sqlstate == "KH422"
        return str(info.value.diag.message_primary)

    assert refused(HUGE) == "message_too_long"
    assert refused("x" * 4001) == "message_too_long"
    for path in ("../../../etc/passwd", f"{chat}/../../etc/passwd",
                 f"{chat}/{'a' * 32}/../x", f"{uuid.uuid4()}/{'a' * 32}/other-chat.pdf",
                 f"{chat}/{'a' * 32}/..", "/etc/passwd"):
        assert refused("ملف", "file", path, "x.pdf", 10, "application/pdf") == "file_url_invalid"
    assert refused("ملف", "system", None, None, None, None) == "message_type_invalid"
    assert refused("نص", "text", f"{chat}/{'a' * 32}/x.pdf", "x.pdf", 10,
                   "application/pdf") == "file_not_expected"
    ok = send(conn, chat, "client", "ملف", "file", f"{chat}/{'b' * 32}/x.pdf", "x.pdf", 10,
              "application/pdf")
    assert ok[3] == f"{chat}/{'b' * 32}/x.pdf"
    # was_masked is the moderation's verdict only.
    assert send(conn, chat, "client", "اتصل على 0501234567")[2] is True
    assert send(conn, chat, "client", "مرحبا")[2] is False


def test_every_writer_meets_the_length_caps(conn: psycopg.Connection, chat: uuid.UUID) -> None:
    with pytest.raises(psycopg.errors.CheckViolation), conn.transaction():
        conn.execute(
            "insert into chat_messages (chat_id, sender_type, sender_id, message_content) "
            "values (%s, 'client', '', %s)", (chat, HUGE))


async def test_a_huge_message_over_http_is_refused_and_stores_nothing(
    chat_world: ChatWorld, clean_db: str  # noqa: F811
) -> None:
    client = await chat_world.client_headers()
    res = await chat_world.client.post(
        f"/functions/v1/chat/{chat_world.chat_id}/messages", headers=client,
        json={"text": HUGE})
    assert res.status_code in (413, 422), res.text
    assert "error" in res.json()
    with psycopg.connect(clean_db) as conn:
        assert conn.execute("select count(*) from chat_messages").fetchone() == (0,)


def test_profiles_are_not_edited_through_the_data_api(conn: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
        act_as(conn, freelancer_claims(MOHAMMED))
        conn.execute("update freelancers set headline = 'كاتب إعلانات' "
                     "where id = (select public.current_freelancer_id())")


@pytest.mark.parametrize("side", ["client", "freelancer"])
def test_forty_concurrent_sends_store_exactly_the_limit(
    clean_db: str, side: str
) -> None:
    with psycopg.connect(clean_db) as conn:
        chat = make_chat(conn, make_request(conn, MOHAMMED, phone="+966500000902"))
        limit = conn.execute(
            "select max_messages from chat_rate_limits order by window_seconds limit 1"
        ).fetchone()
    assert limit == (10,)
    start = threading.Barrier(40)
    outcomes: list[str] = []

    def one(i: int) -> None:
        with psycopg.connect(clean_db) as conn:
            start.wait()
            try:
                send(conn, chat, side, f"رسالة رقم {i}")
                conn.commit()
                outcomes.append("stored")
            except psycopg.DatabaseError as exc:
                outcomes.append(exc.sqlstate or "error")

    threads = [threading.Thread(target=one, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with psycopg.connect(clean_db) as conn:
        stored = conn.execute(
            "select count(*) from chat_messages where chat_id = %s and sender_type = %s",
            (chat, side)).fetchone()
    assert stored == (10,)
    assert sorted(outcomes) == ["KH429"] * 30 + ["stored"] * 10

"""Chat state changes: each by the right party, in the right state, once."""

from __future__ import annotations

import hashlib
from typing import Any

import psycopg
import pytest

from khadum.chat.freetext import COMMENT, REASON, seal_comment, seal_reason
from khadum.db import act_as
from khadum.requests.sealed import phone_display
from khadum.seed.load import freelancer_id
from tests.factories import (
    MOHAMMED,
    NOURA,
    add_message,
    chat_client_claims,
    freelancer_claims,
    keys,
    make_chat,
    make_request,
    send_message,
)


@pytest.fixture
def chat(conn: psycopg.Connection):
    return make_chat(conn, make_request(conn, MOHAMMED, phone="+966500000401"))


# chat_rate and chat_cancel are not on the Data API: the chat function calls them
# with the server's role and the caller's verified claims set (as here).
SERVER_ONLY = ("public.chat_rate(", "public.chat_cancel(")


def call(conn: psycopg.Connection, claims: dict[str, Any], sql: str, params: tuple) -> Any:
    with conn.transaction():
        act_as(conn, claims)
        if any(name in sql for name in SERVER_ONLY):
            conn.execute("set local role none")
        cur = conn.execute(sql, params)
        row = cur.fetchone() if cur.description else None
    conn.execute("reset role")
    return row


def refused(conn: psycopg.Connection, claims: dict[str, Any], sql: str, params: tuple) -> str:
    with pytest.raises(psycopg.DatabaseError) as info:
        call(conn, claims, sql, params)
    conn.execute("reset role")
    return str(info.value.sqlstate)


def test_deliver_complete_rate(conn: psycopg.Connection, chat) -> None:
    client, owner = chat_client_claims(chat), freelancer_claims(MOHAMMED)
    before = conn.execute(
        "select rating, rating_count, completed_projects from freelancers where id = %s",
        (freelancer_id(MOHAMMED),),
    ).fetchone()
    assert refused(conn, client, "select public.chat_confirm_completion(%s)", (chat,)) == "KH409"
    assert refused(conn, client, "select public.chat_mark_delivered(%s)", (chat,)) == "KH403"
    call(conn, owner, "select public.chat_mark_delivered(%s)", (chat,))
    assert refused(conn, owner, "select public.chat_mark_delivered(%s)", (chat,)) == "KH409"
    assert refused(conn, owner, "select public.chat_confirm_completion(%s)", (chat,)) == "KH403"
    call(conn, client, "select public.chat_confirm_completion(%s)", (chat,))
    assert refused(conn, client, "select public.chat_rate(%s, 6, null, null)", (chat,)) == "KH422"
    # A comment is stored sealed (issue 16): a plain one is refused.
    assert refused(conn, client, "select public.chat_rate(%s, 3, 'عمل جيد', 'عمل جيد')",
                   (chat,)) == "KH422"
    call(conn, client, "select public.chat_rate(%s, 3, 'عمل جيد', %s)",
         (chat, seal_comment(keys(), "عمل جيد")))
    assert refused(conn, client, "select public.chat_rate(%s, 5, null, null)", (chat,)) == "KH409"
    stored = conn.execute("select comment from chat_ratings where chat_id = %s",
                          (chat,)).fetchone()
    assert stored is not None and keys().decrypt(stored[0], COMMENT) == "عمل جيد"
    after = conn.execute(
        "select rating, rating_count, completed_projects from freelancers where id = %s",
        (freelancer_id(MOHAMMED),),
    ).fetchone()
    expected = round((float(before[0]) * before[1] + 3) / (before[1] + 1), 1)
    assert float(after[0]) == expected
    assert (after[1], after[2]) == (before[1] + 1, before[2] + 1)
    status = conn.execute("select status from private_chats where id = %s", (chat,)).fetchone()
    assert status == ("completed",)
    notes = conn.execute(
        "select message_content from chat_messages where chat_id = %s and "
        "message_type = 'system' order by created_at",
        (chat,),
    ).fetchall()
    assert len(notes) == 2


def test_strangers_cannot_touch_a_chat(conn: psycopg.Connection, chat) -> None:
    other_chat = make_chat(conn, make_request(conn, NOURA))
    for claims in (freelancer_claims(NOURA), chat_client_claims(other_chat)):
        assert refused(conn, claims, "select public.chat_cancel(%s, 'لا أريد', %s)",
                       (chat, seal_reason(keys(), "لا أريد"))) == "KH403"
        assert refused(conn, claims, "select public.chat_mark_read(%s)", (chat,)) == "KH403"


def test_either_side_cancels_with_a_reason(conn: psycopg.Connection, chat) -> None:
    client = chat_client_claims(chat)
    assert refused(conn, client, "select public.chat_cancel(%s, '', %s)",
                   (chat, seal_reason(keys(), ""))) == "KH422"
    # The reason is stored sealed (issue 16): a plain one is refused.
    assert refused(conn, client, "select public.chat_cancel(%s, 'تغيرت خطتي', 'تغيرت خطتي')",
                   (chat,)) == "KH422"
    call(conn, client, "select public.chat_cancel(%s, 'تغيرت خطتي', %s)",
         (chat, seal_reason(keys(), "تغيرت خطتي")))
    row = conn.execute(
        "select status, cancelled_by, cancel_reason from private_chats where id = %s", (chat,)
    ).fetchone()
    assert row is not None and row[:2] == ("cancelled", "client")
    assert keys().decrypt(row[2], REASON) == "تغيرت خطتي"
    # The system note and the log do not quote it.
    note = conn.execute("select message_content from chat_messages where chat_id = %s "
                        "and message_type = 'system' order by created_at desc limit 1",
                        (chat,)).fetchone()
    assert note == ("❌ تم إلغاء المحادثة.",)
    logged = conn.execute("select details from activity_log where action = 'chat.cancelled' "
                          "and subject_id = %s", (str(chat),)).fetchone()
    assert logged == ({"has_reason": True},)
    assert (
        refused(
            conn, freelancer_claims(MOHAMMED), "select public.chat_cancel(%s, 'مرة ثانية', %s)",
            (chat, seal_reason(keys(), "مرة ثانية"))
        )
        == "KH409"
    )


def test_unread_counts_and_read_receipts(conn: psycopg.Connection, chat) -> None:
    client, owner = chat_client_claims(chat), freelancer_claims(MOHAMMED)
    add_message(conn, chat, "مرحبا")
    add_message(conn, chat, "هل أنت متاح؟")
    assert call(conn, owner, "select public.chat_unread_count(%s)", (chat,)) == (2,)
    assert call(conn, client, "select public.chat_unread_count(%s)", (chat,)) == (0,)
    call(conn, owner, "select public.chat_mark_read(%s)", (chat,))
    assert call(conn, owner, "select public.chat_unread_count(%s)", (chat,)) == (0,)
    unread_alerts = conn.execute(
        "select count(*) from notifications where type = 'chat_message' and not is_read "
        "and request_id = (select request_id from private_chats where id = %s)",
        (chat,),
    ).fetchone()
    assert unread_alerts == (0,)
    events = conn.execute(
        "select event from realtime.messages where topic = %s", (f"chat:{chat}",)
    ).fetchall()
    assert ("chat_state",) in events


def test_housekeeping_nudges_once_and_asks_for_ratings(conn: psycopg.Connection, chat) -> None:
    send_message(conn, chat, "freelancer", "جاهز؟")
    conn.execute(
        "update chat_messages set created_at = now() - interval '20 minutes' where chat_id = %s",
        (chat,),
    )
    assert conn.execute("select public.chat_housekeeping()").fetchone() == (1,)
    assert conn.execute("select public.chat_housekeeping()").fetchone() == (0,)
    inbox = ("select i.kind, c.client_whatsapp_phone from private_chats c "
             "join client_requests r on r.id = c.request_id "
             "cross join lateral client_inbox(c.client_whatsapp_phone, 10, r.client_phone_index) i "
             "where c.id = %s and i.chat_id = c.id and i.source = 'chat'")
    keys = conn.execute(inbox, (chat,)).fetchall()
    assert keys == [("chat_unread", phone_display("+966500000401"))]
    conn.execute(
        "update private_chats set status = 'completed', "
        "completed_at = now() - interval '2 days' where id = %s",
        (chat,),
    )
    assert conn.execute("select public.chat_housekeeping()").fetchone() == (1,)
    keys = conn.execute(inbox, (chat,)).fetchall()
    assert sorted(k[0] for k in keys) == ["chat_unread", "rating_request"]


def test_token_lookup_and_failure_counting(conn: psycopg.Connection, chat) -> None:
    # The link's token is written once and only its sha256 is kept (issue 15, H1).
    token = "a-client-link-token-of-32-chars__"
    conn.execute("update private_chats set chat_url_token = %s where id = %s", (token, chat))
    stored = conn.execute(
        "select chat_url_token from private_chats where id = %s", (chat,)
    ).fetchone()[0]
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    found = conn.execute(
        "select chat_id, status from public.chat_by_token(%s)", (token,)
    ).fetchone()
    assert found == (chat, "active")
    assert conn.execute("select * from public.chat_by_token(%s)", (stored,)).fetchone() is None
    assert conn.execute("select * from public.chat_by_token('nope')").fetchone() is None
    counts = [
        conn.execute("select public.record_chat_token_failure('10.0.0.1')").fetchone()[0]
        for _ in range(3)
    ]
    assert counts == [1, 2, 3]


def test_anon_cannot_call_chat_functions(conn: psycopg.Connection, chat) -> None:
    assert refused(conn, {"role": "anon"}, "select public.chat_mark_read(%s)", (chat,)) == "42501"
    assert refused(conn, {"role": "anon"}, "select * from public.chat_by_token('x')", ()) == "42501"


def test_rate_and_cancel_are_not_on_the_data_api(conn: psycopg.Connection, chat) -> None:
    """Called directly as a signed-in party (what the Data API does), a value of
    the ciphertext's shape that does not open would break the chat for both
    parties: only the chat function, which sealed it, may store one."""
    client = chat_client_claims(chat)
    forged = "ev1.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    for sql, params in (("select public.chat_cancel(%s, 'تغيرت خطتي', %s)", (chat, forged)),
                        ("select public.chat_rate(%s, 5, 'ممتاز', %s)", (chat, forged))):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            act_as(conn, client)
            conn.execute(sql, params)
        conn.execute("reset role")
    assert conn.execute("select status, cancel_reason from private_chats where id = %s",
                        (chat,)).fetchone() == ("active", None)
    for role in ("anon", "authenticated"):
        assert conn.execute(
            "select has_function_privilege(%s, 'public.chat_cancel(uuid, text, text)', "
            "'execute'), has_function_privilege(%s, "
            "'public.chat_rate(uuid, integer, text, text)', 'execute')",
            (role, role)).fetchone() == (False, False)

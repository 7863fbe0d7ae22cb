"""Contact details never reach the other side: masking across real-world
evasions, banned words, rate limits, the privacy note and the activity log."""

from __future__ import annotations

import psycopg
import pytest

from khadum.db import act_as
from khadum.requests.sealed import phone_display
from tests.factories import (
    MOHAMMED,
    chat_client_claims,
    dev_keys,
    freelancer_claims,
    make_chat,
    make_request,
    send_message,
)

MASKED = [
    ("رقمي 0551234567", "phone"),
    ("كلمني على ٠٥٥١٢٣٤٥٦٧", "phone"),
    ("+966 55 123 4567", "phone"),
    ("٠ ٥ ٥ - ١ ٢ ٣ - ٤ ٥ ٦ ٧", "phone"),
    ("00966551234567 واتس", "phone"),
    ("(055) 123-4567", "phone"),
    ("صفر خمسة خمسة واحد اثنين ثلاثة اربعة خمسة ستة سبعة", "phone"),
    ("zero five five one two three four five six seven", "phone"),
    ("05five1two34567", "phone"),
    ("ahmed@example.com", "email"),
    ("ahmed at example dot com", "email"),
    ("ahmed (at) gmail (dot) com", "email"),
    ("ahmed @ gmail . com", "email"),
    ("https://wa.me/966551234567", "link"),
    ("wa.me/966551234567", "link"),
    ("t.me/ahmed_design", "link"),
    ("www.ahmed-portfolio.com", "link"),
    ("instagram.com/ahmed.designs", "link"),
    ("سنابي: ahmed_99", "handle"),
    ("تابعني انستا @ahmed.designs", "handle"),
    ("telegram: ahmeddesign", "handle"),
    ("واتساب ahmed_sa", "handle"),
]

KEPT = [
    "الميزانية 300 ريال والتسليم بعد ٣ أيام",
    "نبي 2 تصاميم و 10 منشورات",
    "الموعد 22-08-2025 الساعة 8:30",
    "the budget is 1,500 SAR for 4 videos",
    "أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة",
]


@pytest.mark.parametrize(("text", "kind"), MASKED, ids=[m[0] for m in MASKED])
def test_contact_details_are_masked(conn: psycopg.Connection, text: str, kind: str) -> None:
    masked, hits = conn.execute("select * from public.mask_contact_details(%s)", (text,)).fetchone()
    assert kind in hits
    assert "[🔒]" in masked
    digits = sum(ch.isdigit() for ch in masked)
    assert digits < 7, f"digits left behind: {masked}"
    assert "@" not in masked and "example" not in masked.replace("[🔒]", "")


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_messages_are_left_alone(conn: psycopg.Connection, text: str) -> None:
    masked, hits = conn.execute("select * from public.mask_contact_details(%s)", (text,)).fetchone()
    assert (masked, hits) == (text, [])


@pytest.fixture
def chat(conn: psycopg.Connection):
    return make_chat(conn, make_request(conn, MOHAMMED, phone="+966500000301"))


def send(conn: psycopg.Connection, chat_id, side: str, text: str) -> dict:
    claims = chat_client_claims(chat_id) if side == "client" else freelancer_claims(MOHAMMED)
    # Parties write through the SQL functions only (issue 15, M6; issue 16: prepared
    # in SQL, sealed by the chat function, then inserted), which the chat function
    # calls with the caller's claims and the server's role.
    row = send_message(conn, chat_id, side, text, claims=claims)
    return {"content": row["message_content"], "masked": row["was_masked"],
            "sender_id": conn.execute("select sender_id from chat_messages where id = %s",
                                      (row["id"],)).fetchone()[0]}


def test_a_masked_message_is_stored_masked_with_a_note_to_both(
    conn: psycopg.Connection, chat
) -> None:
    sent = send(conn, chat, "client", "كلمني واتساب 0551234567 أسرع")
    assert sent["masked"] and "0551234567" not in sent["content"]
    rows = conn.execute(
        "select message_type, message_content from chat_messages "
        "where chat_id = %s order by created_at, message_type desc",
        (chat,),
    ).fetchall()
    assert [r[0] for r in rows] == ["text", "system"]
    assert "خدوم" in rows[1][1]
    log = conn.execute(
        "select action, details from activity_log where subject_id = %s order by id", (str(chat),)
    ).fetchall()
    actions = [a for a, _ in log]
    assert "chat.message_moderated" in actions and "chat.message_sent" in actions
    assert "phone" in next(d for a, d in log if a == "chat.message_moderated")["contact_details"]


def test_one_short_note_for_several_masked_messages(conn: psycopg.Connection, chat) -> None:
    first = send(conn, chat, "client", "رقمي +966 55 123 4567")
    second = send(conn, chat, "client", "وإيميلي ahmed at gmail dot com")
    assert first["masked"] and second["masked"]
    assert "+" not in first["content"] and "[🔒]" in first["content"]
    notes = conn.execute(
        "select message_content from chat_messages where chat_id = %s and message_type = 'system'",
        (chat,),
    ).fetchall()
    assert len(notes) == 1
    note = notes[0][0]
    assert note.startswith("🔒") and len(note) < 120 and "+" not in note


def test_banned_words_are_starred(conn: psycopg.Connection, chat) -> None:
    conn.execute("insert into moderation_banned_words (word) values ('كلمة_ممنوعة')")
    sent = send(conn, chat, "freelancer", "هذه كلمة_ممنوعة هنا")
    assert sent["content"] == "هذه *** هنا"


def test_the_sender_id_is_who_the_chat_says(conn: psycopg.Connection, chat) -> None:
    # A party cannot insert at all (issue 15, M6); any other writer's sender id is
    # replaced by the chat's.
    with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
        act_as(conn, chat_client_claims(chat))
        conn.execute(
            "insert into chat_messages (chat_id, sender_type, sender_id, message_content) "
            "values (%s, 'client', '+966599999999', 'انتحال رقم')",
            (chat,),
        )
    conn.execute("reset role")
    # Nor can any other writer go around the send functions (issue 16): plain text
    # is refused, and a sealed text that was not prepared (checked, masked) too.
    with pytest.raises(psycopg.errors.CheckViolation), conn.transaction():
        conn.execute(
            "insert into chat_messages (chat_id, sender_type, sender_id, message_content) "
            "values (%s, 'client', '+966599999999', 'انتحال رقم')", (chat,))
    sealed = dev_keys().encrypt("انتحال رقم", "chat_messages.message_content")
    with pytest.raises(psycopg.DatabaseError) as refused, conn.transaction():
        conn.execute(
            "insert into chat_messages (chat_id, sender_type, sender_id, message_content) "
            "values (%s, 'client', '+966599999999', %s)", (chat, sealed))
    assert refused.value.sqlstate == "KH409"
    # (the chat's client, in the display form the request gives it: no number stored)
    assert send(conn, chat, "client", "مرحبا")["sender_id"] == phone_display("+966500000301")


def test_senders_are_rate_limited(conn: psycopg.Connection, chat) -> None:
    for i in range(10):
        send(conn, chat, "client", f"رسالة {i}")
    with pytest.raises(psycopg.DatabaseError) as limited:
        send(conn, chat, "client", "واحدة أكثر")
    assert limited.value.sqlstate == "KH429"


def test_one_alert_per_unread_batch_for_the_freelancer(conn: psycopg.Connection, chat) -> None:
    for text in ("السلام عليكم", "متى تقدر تبدأ؟", "ننتظرك"):
        send(conn, chat, "client", text)
    alerts = conn.execute(
        "select title from notifications where type = 'chat_message' and request_id = "
        "(select request_id from private_chats where id = %s)",
        (chat,),
    ).fetchall()
    assert alerts == [("💬 رسالة جديدة من عميل",)]

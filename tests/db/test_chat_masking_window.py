"""Issue 11, across messages: a per-chat, per-sender digit budget masks a phone
sent in pieces over consecutive messages, and what is suspicious but not
certain becomes a row in chat_message_flags for the operators (not a mask)."""

from __future__ import annotations

import psycopg
import pytest

from khadum.db import act_as
from tests.db.test_chat_moderation import send
from tests.factories import MOHAMMED, chat_client_claims, make_chat, make_request


@pytest.fixture
def chat(conn: psycopg.Connection):
    return make_chat(conn, make_request(conn, MOHAMMED, phone="+966500000311"))


def flags(conn: psycopg.Connection, chat_id) -> list[tuple[str, str, dict]]:
    return conn.execute(
        "select reason, sender_type, details from chat_message_flags "
        "where chat_id = %s order by id",
        (chat_id,),
    ).fetchall()


def test_a_number_sent_in_pieces_is_masked_and_flagged(conn: psycopg.Connection, chat) -> None:
    first = send(conn, chat, "client", "رقمي")
    pieces = [send(conn, chat, "client", text) for text in ("055", "١٢٣", "4567")]
    assert first["content"] == "رقمي" and not first["masked"]
    assert [p["masked"] for p in pieces] == [False, False, True]
    assert "4567" not in pieces[-1]["content"] and "[🔒]" in pieces[-1]["content"]
    (reason, side, details), = flags(conn, chat)
    assert (reason, side) == ("split_number", "client")
    assert len(details["earlier_messages"]) == 2 and details["digits"] == 10


def test_pieces_in_words_and_across_a_short_chat_are_caught(conn: psycopg.Connection, chat) -> None:
    send(conn, chat, "freelancer", "صفر خمسة خمسة")
    send(conn, chat, "freelancer", "وبعده واحد اثنين ثلاثة")
    last = send(conn, chat, "freelancer", "4 5 6 7")
    assert last["masked"] and "[🔒]" in last["content"]
    assert [f[0] for f in flags(conn, chat)] == ["split_number"]


def test_the_other_side_does_not_complete_a_number(conn: psycopg.Connection, chat) -> None:
    send(conn, chat, "client", "055")
    send(conn, chat, "freelancer", "123")
    last = send(conn, chat, "client", "4567")
    assert not last["masked"] and last["content"] == "4567"
    assert "split_number" not in [f[0] for f in flags(conn, chat)]


def test_business_numbers_over_several_messages_are_left_alone(
    conn: psycopg.Connection, chat
) -> None:
    texts = ("نبي 3 تصاميم", "السعر 500 ريال للتصميم", "التسليم بعد 7 أيام",
             "الموعد 2025-09-15 10:30")
    sent = [send(conn, chat, "client", t) for t in texts]
    assert [s["content"] for s in sent] == list(texts)
    assert not any(s["masked"] for s in sent)
    assert flags(conn, chat) == []


def test_many_loose_digits_without_a_phone_are_only_flagged(conn: psycopg.Connection, chat) -> None:
    sent = [send(conn, chat, "client", t) for t in ("الكود 12345", "و 678", "ثم 9012")]
    assert [s["content"] for s in sent] == ["الكود 12345", "و 678", "ثم 9012"]
    assert not any(s["masked"] for s in sent)
    assert [(r, side) for r, side, _ in flags(conn, chat)] == [("digit_budget", "client")]


def test_digits_next_to_a_phone_word_are_flagged_not_masked(conn: psycopg.Connection, chat) -> None:
    sent = send(conn, chat, "client", "رقمي 123 4567")
    assert sent["content"] == "رقمي 123 4567" and not sent["masked"]
    assert [(r, side) for r, side, _ in flags(conn, chat)] == [("digits_with_phone_cue", "client")]


def test_a_request_to_talk_on_a_platform_is_flagged_not_masked(
    conn: psycopg.Connection, chat
) -> None:
    sent = send(conn, chat, "client", "كلمني على الواتس أسرع لو سمحت")
    assert sent["content"] == "كلمني على الواتس أسرع لو سمحت" and not sent["masked"]
    assert [f[0] for f in flags(conn, chat)] == ["contact_request"]


def test_flags_are_for_the_service_role_only(conn: psycopg.Connection, chat) -> None:
    send(conn, chat, "client", "كلمني على الواتس")
    with conn.transaction(force_rollback=True):
        act_as(conn, chat_client_claims(chat))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select count(*) from chat_message_flags")
    conn.execute("reset role")
    with conn.transaction(force_rollback=True):
        conn.execute("set local role service_role")
        assert conn.execute("select count(*) from chat_message_flags").fetchone() == (1,)
        conn.execute("update chat_message_flags set status = 'dismissed', reviewed_at = now()")
    conn.execute("reset role")
    with conn.transaction(force_rollback=True):
        act_as(conn, None)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select count(*) from chat_message_flags")
    conn.execute("reset role")
    rls = conn.execute(
        "select relrowsecurity from pg_class where oid = 'public.chat_message_flags'::regclass"
    ).fetchone()
    assert rls == (True,)

"""The operator's review queues: staff see them, act on them, and every action
lands in the activity log; freelancers, client sessions and anon see nothing."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from khadum.chat.messages import open_stored
from khadum.crypto import CIPHERTEXT
from khadum.db import act_as
from tests.db.test_kpis import staff_claims
from tests.factories import (
    ANON,
    MOHAMMED,
    add_message,
    chat_client_claims,
    dev_keys,
    freelancer_claims,
    insert_email,
    insert_inbound,
    make_chat,
    make_request,
    opened_email,
)


def as_staff(conn: psycopg.Connection, sql: str, params: tuple[Any, ...] = ()) -> Any:
    with conn.transaction():
        act_as(conn, staff_claims())
        row = conn.execute(sql, params).fetchone()
        conn.execute("reset role")
    assert row is not None
    return row[0]


def _dead_letter(conn: psycopg.Connection, n: int) -> uuid.UUID:
    return insert_inbound(conn, f"wamid.dead{n}", "+966500000777", "text", {}, attempts=5,
                          last_error="boom")


def _failed_email(conn: psycopg.Connection, status: str = "bounced") -> uuid.UUID:
    return insert_email(conn, key=f"test:{uuid.uuid4()}", status=status,
                        last_error="mailbox full")


def test_activity_log_filters_and_pages(conn: psycopg.Connection) -> None:
    request = make_request(conn, MOHAMMED, phone="+966500000888")
    for n in range(3):
        conn.execute(
            "select public.log_activity('freelancer', 'f1', 'request.rejected', 'request', %s, "
            "%s)",
            (str(request), Jsonb({"n": n})),
        )
    conn.execute("select public.log_activity('system', null, 'email.sent', 'email', 'e1', '{}')")
    page = as_staff(
        conn, "select public.staff_activity(p_request_id => %s, p_limit => 2)", (request,)
    )
    assert page["total"] >= 3
    assert len(page["items"]) == 2
    assert all(item["subject_id"] == str(request) for item in page["items"])
    emails = as_staff(conn, "select public.staff_activity(p_action => 'email.')")
    assert emails["total"] >= 1
    assert {item["action"] for item in emails["items"]} <= {"email.sent", "email.failed"}
    freelancers = as_staff(conn, "select public.staff_activity(p_actor_type => 'freelancer')")
    assert all(item["actor_type"] == "freelancer" for item in freelancers["items"])
    with pytest.raises(psycopg.Error) as caught, conn.transaction():
        act_as(conn, staff_claims())
        conn.execute("select public.staff_activity(p_limit => 100000)")
    assert caught.value.sqlstate == "KH422"


def test_masked_messages_come_with_their_context(conn: psycopg.Connection) -> None:
    chat = make_chat(conn, make_request(conn, MOHAMMED, phone="+966500000889"))
    add_message(conn, chat, "السلام عليكم")
    add_message(conn, chat, "كلمني على 0501234567")
    page = as_staff(conn, "select public.staff_masked_messages()")
    mine = [item for item in page["items"] if item["chat_id"] == str(chat)]
    assert len(mine) == 1
    # stored sealed (issue 16); the operator console opens them (khadum.admin.router)
    assert all(CIPHERTEXT.match(m["message_content"]) for m in [mine[0], *mine[0]["context"]])
    assert "0501234567" not in open_stored(dev_keys(), mine[0]["message_content"])
    assert [open_stored(dev_keys(), c["message_content"])
            for c in mine[0]["context"]] == ["السلام عليكم"]


def test_retrying_a_dead_letter_gives_it_back_its_attempts(conn: psycopg.Connection) -> None:
    dead = _dead_letter(conn, 1)
    listed = as_staff(conn, "select public.staff_dead_letters()")
    assert str(dead) in {item["id"] for item in listed["items"]}
    retried = as_staff(conn, "select public.staff_retry_dead_letter(%s)", (dead,))
    assert retried["status"] == "queued"
    row = conn.execute(
        "select attempts, last_error from whatsapp_inbound where id = %s", (dead,)
    ).fetchone()
    assert row == (0, None)
    logged = conn.execute(
        "select actor_type, actor_id from activity_log "
        "where action = 'staff.dead_letter_retried' and subject_id = %s",
        (str(dead),),
    ).fetchone()
    assert logged == ("operator", staff_claims()["sub"])
    with pytest.raises(psycopg.Error) as caught, conn.transaction():
        act_as(conn, staff_claims())
        conn.execute("select public.staff_retry_dead_letter(%s)", (dead,))
    assert caught.value.sqlstate == "KH409"


def test_resending_a_bounced_email_queues_a_new_one(conn: psycopg.Connection) -> None:
    bounced = _failed_email(conn)
    listed = as_staff(conn, "select public.staff_failed_emails()")
    assert str(bounced) in {item["id"] for item in listed["items"]}
    answer = as_staff(conn, "select public.staff_resend_email(%s)", (bounced,))
    copy = opened_email(conn, answer["id"])
    row = (copy["status"], copy["to_email"], copy["idempotency_key"])
    # The copy keeps the sealed values as they are: the drain opens the same address.
    assert row[0] == "queued" and row[1] == "ahmed@example.com"
    assert copy["subject"] == "تم قبول طلبك" and copy["to_display"] == "a•••@example.com"
    assert row[2].endswith(":resend:1")
    again = as_staff(conn, "select public.staff_resend_email(%s)", (bounced,))
    key = conn.execute(
        "select idempotency_key from email_outbox where id = %s", (again["id"],)
    ).fetchone()
    assert key is not None and key[0].endswith(":resend:2")
    assert conn.execute(
        "select count(*) from activity_log where action = 'staff.email_resent' and subject_id = %s",
        (str(bounced),),
    ).fetchone() == (2,)
    with pytest.raises(psycopg.Error) as caught, conn.transaction():
        act_as(conn, staff_claims())
        conn.execute("select public.staff_resend_email(%s)", (answer["id"],))
    assert caught.value.sqlstate == "KH409"


def test_unopened_requests_close_to_expiry(conn: psycopg.Connection) -> None:
    from datetime import timedelta

    soon = make_request(conn, MOHAMMED, phone="+966500000890", expires_in=timedelta(hours=2))
    opened = make_request(conn, MOHAMMED, phone="+966500000891", expires_in=timedelta(hours=2))
    conn.execute("update notifications set is_read = true where request_id = %s", (opened,))
    later = make_request(conn, MOHAMMED, phone="+966500000892", expires_in=timedelta(hours=20))
    queue = as_staff(conn, "select public.staff_unopened_expiring()")
    ids = {item["id"] for item in queue["items"]}
    assert str(soon) in ids
    assert str(opened) not in ids and str(later) not in ids


QUEUES = [
    "select public.staff_activity()",
    "select public.staff_masked_messages()",
    "select public.staff_dead_letters()",
    "select public.staff_failed_emails()",
    "select public.staff_unopened_expiring()",
]


@pytest.mark.parametrize("call", QUEUES)
def test_no_one_but_staff_reads_a_queue(conn: psycopg.Connection, call: str) -> None:
    chat = make_chat(conn, make_request(conn, MOHAMMED, phone="+966500000893"))
    for caller, sqlstate in (
        (freelancer_claims(MOHAMMED), "KH403"),
        (chat_client_claims(chat), "KH403"),
        (ANON, "42501"),
    ):
        with pytest.raises(psycopg.Error) as caught, conn.transaction():
            act_as(conn, caller)
            conn.execute(call)
        assert caught.value.sqlstate == sqlstate


def test_no_one_but_staff_acts(conn: psycopg.Connection) -> None:
    dead, bounced = _dead_letter(conn, 2), _failed_email(conn)
    for call, arg in (
        ("select public.staff_retry_dead_letter(%s)", dead),
        ("select public.staff_resend_email(%s)", bounced),
    ):
        with pytest.raises(psycopg.Error) as caught, conn.transaction():
            act_as(conn, freelancer_claims(MOHAMMED))
            conn.execute(call, (arg,))
        assert caught.value.sqlstate == "KH403"
    row = conn.execute("select attempts from whatsapp_inbound where id = %s", (dead,)).fetchone()
    assert row == (5,)


def test_kpi_moving_activity_is_broadcast_to_staff_only(conn: psycopg.Connection) -> None:
    conn.execute("select public.log_activity('system', null, 'chat.message_sent', 'chat', 'c1')")
    conn.execute("select public.log_activity('system', null, 'request.expired', 'request', 'r1')")
    sent = conn.execute(
        "select payload ->> 'action' from realtime.messages where topic = 'staff' "
        "and event = 'activity' order by inserted_at"
    ).fetchall()
    assert sent[-1:] == [("request.expired",)]
    assert ("chat.message_sent",) not in sent

    def may_join(claims: dict[str, Any]) -> bool:
        with conn.transaction():
            act_as(conn, claims)
            conn.execute("select set_config('realtime.topic', 'staff', true)")
            row = conn.execute(
                "select count(*) from realtime.messages where topic = 'staff' "
                "and extension = 'broadcast'"
            ).fetchone()
            conn.execute("reset role")
        return bool(row and row[0])

    assert may_join(staff_claims())
    assert not may_join(freelancer_claims(MOHAMMED))


def test_flagged_messages_are_reviewed_once_and_logged(conn: psycopg.Connection) -> None:
    chat = make_chat(conn, make_request(conn, MOHAMMED, phone="+966500000894"))
    message = add_message(conn, chat, "كلمني على الواتس")
    row = conn.execute(
        "insert into chat_message_flags (chat_id, message_id, sender_type, reason) "
        "values (%s, %s, 'client', 'contact_request') returning id",
        (chat, message),
    ).fetchone()
    assert row is not None
    flag = row[0]
    listed = as_staff(conn, "select public.staff_flagged_messages()")
    mine = [item for item in listed["items"] if item["id"] == flag]
    assert mine and mine[0]["reason"] == "contact_request"
    assert as_staff(conn, "select public.staff_review_flag(%s, 'dismissed')", (flag,)) == {
        "id": flag, "status": "dismissed"}
    assert flag not in {i["id"] for i in as_staff(
        conn, "select public.staff_flagged_messages()")["items"]}
    with pytest.raises(psycopg.Error) as caught, conn.transaction():
        act_as(conn, staff_claims())
        conn.execute("select public.staff_review_flag(%s, 'confirmed')", (flag,))
    assert caught.value.sqlstate == "KH409"
    for caller in (freelancer_claims(MOHAMMED), chat_client_claims(chat)):
        with pytest.raises(psycopg.Error) as refused, conn.transaction():
            act_as(conn, caller)
            conn.execute("select public.staff_flagged_messages()")
        assert refused.value.sqlstate == "KH403"
    logged = conn.execute(
        "select count(*) from activity_log where action = 'staff.flag_dismissed'"
    ).fetchone()
    assert logged == (1,)

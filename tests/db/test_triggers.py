"""Database-side reactions: a new request notifies its freelancer (live), chat
messages bump activity and broadcast, status changes broadcast."""

from __future__ import annotations

import uuid
from datetime import timedelta

import psycopg

from khadum.seed.load import freelancer_id
from tests.factories import MOHAMMED, add_message, make_chat, make_request


def broadcasts(conn: psycopg.Connection, topic: str) -> list[tuple]:
    return conn.execute(
        "select event, payload from realtime.messages where topic = %s order by inserted_at, id",
        (topic,),
    ).fetchall()


def test_a_new_request_creates_the_freelancers_notification(conn: psycopg.Connection) -> None:
    request_id = make_request(conn)
    rows = conn.execute(
        "select freelancer_id, title, message, type, is_read from notifications "
        "where request_id = %s",
        (request_id,),
    ).fetchall()
    assert len(rows) == 1
    fid, title, message, kind, is_read = rows[0]
    assert fid == freelancer_id(MOHAMMED)
    assert title == "🔔 طلب جديد من عميل"
    assert "أحمد محمد" in message and "ساعة ذكية" in message and "300 ريال" in message
    assert (kind, is_read) == ("client_request", False)


def test_the_notification_is_broadcast_on_the_freelancers_topic(conn: psycopg.Connection) -> None:
    request_id = make_request(conn)
    events = broadcasts(conn, f"freelancer:{freelancer_id(MOHAMMED)}")
    notification = [
        p for e, p in events if e == "notification" and p["request_id"] == str(request_id)
    ]
    assert len(notification) == 1
    assert notification[0]["title"] == "🔔 طلب جديد من عميل"
    assert "client_email" not in notification[0]
    # Its text names the client: the dashboard fetches it; realtime.messages never holds it.
    assert "message" not in notification[0]
    assert "أحمد" not in str(events) and "ahmed@" not in str(events)


def test_marking_read_is_broadcast_too(conn: psycopg.Connection) -> None:
    request_id = make_request(conn)
    conn.execute(
        "update notifications set is_read = true, read_at = now() where request_id = %s",
        (request_id,),
    )
    events = broadcasts(conn, f"freelancer:{freelancer_id(MOHAMMED)}")
    assert [p["is_read"] for e, p in events if e == "notification_updated"] == [True]


def test_status_changes_are_broadcast(conn: psycopg.Connection) -> None:
    request_id = make_request(conn)
    conn.execute(
        "update client_requests set status = 'accepted', responded_at = now() where id = %s",
        (request_id,),
    )
    events = broadcasts(conn, f"freelancer:{freelancer_id(MOHAMMED)}")
    changes = [p for e, p in events if e == "request_status"]
    assert changes == [
        {
            # realtime.send() adds an `id` to a payload without one, as Supabase's does.
            "id": str(uuid.UUID(changes[0]["id"])),
            "request_id": str(request_id),
            "status": "accepted",
            "previous_status": "pending",
            "responded_at": changes[0]["responded_at"],
        }
    ]


def test_chat_messages_bump_activity_and_broadcast(conn: psycopg.Connection) -> None:
    chat_id = make_chat(conn, make_request(conn))
    conn.execute(
        "update private_chats set last_activity = now() - interval '1 day' where id = %s",
        (chat_id,),
    )
    message_id = add_message(conn, chat_id, "السلام عليكم")
    bumped = conn.execute(
        "select last_activity > now() - interval '1 minute' from private_chats where id = %s",
        (chat_id,),
    ).fetchone()
    assert bumped == (True,)
    events = broadcasts(conn, f"chat:{chat_id}")
    assert [(e, p["id"], p["sender_type"]) for e, p in events] == [
        ("message", str(message_id), "client")
    ]
    # The live event says that a message came, never what it says (issue 16):
    # realtime.messages keeps every payload.
    assert "message_content" not in events[0][1]
    assert "السلام" not in str(conn.execute("select payload::text from realtime.messages "
                                            "where topic = %s", (f"chat:{chat_id}",)).fetchall())


def test_overdue_pending_requests_never_read_as_actionable(conn: psycopg.Connection) -> None:
    overdue = make_request(conn, expires_in=timedelta(seconds=-1))
    fresh = make_request(conn)
    rows = {
        r[0]: r[1:]
        for r in conn.execute(
            "select r.id, public.effective_status(r), public.is_actionable(r) "
            "from client_requests r where r.id in (%s, %s)",
            (overdue, fresh),
        ).fetchall()
    }
    assert rows[overdue] == ("expired", False)
    assert rows[fresh] == ("pending", True)


def test_unknown_categories_are_refused(conn: psycopg.Connection) -> None:
    try:
        conn.execute(
            "update freelancers set categories = '{astrology}' where id = %s",
            (freelancer_id(MOHAMMED),),
        )
    except psycopg.errors.ForeignKeyViolation as exc:
        assert "astrology" in str(exc)
    else:
        raise AssertionError("an unknown category was accepted")

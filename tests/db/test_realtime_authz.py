"""Who may join which private Realtime topic, decided by the RLS policies on
realtime.messages exactly as Supabase Realtime decides it."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from khadum.devstack.realtime_authz import can_read, can_write
from khadum.seed.load import freelancer_id
from tests.factories import (
    ANON,
    MOHAMMED,
    NOURA,
    chat_client_claims,
    freelancer_claims,
    make_chat,
    make_request,
)


@pytest.fixture
def chats(conn: psycopg.Connection) -> dict[str, uuid.UUID]:
    return {
        "A": make_chat(conn, make_request(conn, MOHAMMED)),
        "B": make_chat(conn, make_request(conn, NOURA)),
    }


def test_freelancer_topic_is_its_owners(conn: psycopg.Connection) -> None:
    topic = f"freelancer:{freelancer_id(MOHAMMED)}"
    assert can_read(conn, freelancer_claims(MOHAMMED), topic)
    assert not can_read(conn, freelancer_claims(NOURA), topic)
    assert not can_read(conn, ANON, topic)
    assert not can_read(conn, None, topic)


def test_chat_topic_is_its_two_parties(
    conn: psycopg.Connection, chats: dict[str, uuid.UUID]
) -> None:
    topic = f"chat:{chats['A']}"
    assert can_read(conn, freelancer_claims(MOHAMMED), topic)
    assert can_read(conn, chat_client_claims(chats["A"]), topic)
    assert not can_read(conn, freelancer_claims(NOURA), topic)
    assert not can_read(conn, chat_client_claims(chats["B"]), topic)
    assert not can_read(conn, ANON, topic)


def test_a_chat_session_cannot_read_its_freelancers_private_topic(
    conn: psycopg.Connection, chats: dict[str, uuid.UUID]
) -> None:
    assert not can_read(
        conn, chat_client_claims(chats["A"]), f"freelancer:{freelancer_id(MOHAMMED)}"
    )


@pytest.mark.parametrize(
    "topic",
    [
        "chat:not-a-uuid",
        "freelancer:",
        "admin",
        "",
        "chat:",
        "freelancer:00000000-0000-0000-0000-000000000000",
    ],
)
def test_malformed_or_unknown_topics_are_refused(conn: psycopg.Connection, topic: str) -> None:
    assert not can_read(conn, freelancer_claims(MOHAMMED), topic)


def test_only_chat_parties_may_send_on_a_chat_topic(
    conn: psycopg.Connection, chats: dict[str, uuid.UUID]
) -> None:
    topic = f"chat:{chats['A']}"
    # Browsers send `typing` only (issue 15, H3); the rest comes from the database.
    assert can_write(conn, chat_client_claims(chats["A"]), topic, "typing")
    assert can_write(conn, freelancer_claims(MOHAMMED), topic, "typing")
    assert not can_write(conn, freelancer_claims(NOURA), topic, "typing")
    assert not can_write(conn, ANON, topic, "typing")


def test_browsers_do_not_send_on_freelancer_topics(conn: psycopg.Connection) -> None:
    assert not can_write(conn, freelancer_claims(MOHAMMED), f"freelancer:{freelancer_id(MOHAMMED)}",
                         "typing")


def test_authorisation_leaves_no_trace(conn: psycopg.Connection) -> None:
    before = conn.execute("select count(*) from realtime.messages").fetchone()
    can_read(conn, freelancer_claims(MOHAMMED), f"freelancer:{freelancer_id(MOHAMMED)}")
    assert conn.execute("select count(*) from realtime.messages").fetchone() == before
    assert conn.execute("select current_user").fetchone() == ("postgres",)

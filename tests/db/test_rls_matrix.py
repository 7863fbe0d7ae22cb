"""Row-level security, as each kind of caller meets it: anon, the owning
freelancer, another freelancer, a client chat session, and the service role,
across the tables, for select / insert / update / delete."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest

from khadum.db import act_as
from khadum.seed.load import freelancer_id
from tests.factories import (
    ANON,
    MOHAMMED,
    NOURA,
    SERVICE,
    add_message,
    chat_client_claims,
    freelancer_claims,
    insert_conversation,
    insert_email,
    insert_inbound,
    insert_reply,
    make_chat,
    make_request,
)

DENIED = "denied"


class _Undo(Exception):
    pass


@dataclass
class World:
    ids: dict[str, Any]
    callers: dict[str, dict[str, Any]]


@pytest.fixture
def world(conn: psycopg.Connection) -> World:
    ra = make_request(conn, MOHAMMED, phone="+966500000001")
    rb = make_request(conn, NOURA, phone="+966500000002")
    ca, cb = make_chat(conn, ra), make_chat(conn, rb)
    ma, mb = add_message(conn, ca), add_message(conn, cb)
    ids: dict[str, Any] = {
        "rA": ra,
        "rB": rb,
        "cA": ca,
        "cB": cb,
        "mA": ma,
        "mB": mb,
        "fA": freelancer_id(MOHAMMED),
        "fB": freelancer_id(NOURA),
    }
    for key, request in (("A", ra), ("B", rb)):
        ids[f"n{key}"] = conn.execute(
            "select id from notifications where request_id = %s", (request,)
        ).fetchone()[0]
        ids[f"e{key}"] = conn.execute(
            "insert into request_events (request_id, event_type, actor) values (%s, 'created', "
            "'client') returning id",
            (request,),
        ).fetchone()[0]
        ids[f"w{key}"] = insert_reply(conn, "+966500000001", {}, request_id=request)
        ids[f"m{key}mail"] = insert_email(conn, key=f"test-{uuid.uuid4()}",
                                          template="client_accepted", request_id=request)
    insert_conversation(conn, "+966500000001")
    insert_inbound(conn, "wamid.TEST1", "+966500000001", "text", {"text": {"body": "hi"}})
    conn.execute(
        "select public.log_activity('system', null, 'test', 'client_request', %s)", (str(ra),)
    )
    callers = {
        "anon": ANON,
        "owner": freelancer_claims(MOHAMMED),
        "other": freelancer_claims(NOURA),
        "client": chat_client_claims(ca),
        "service": SERVICE,
    }
    return World(ids, callers)


def run_as(conn: psycopg.Connection, claims: dict[str, Any], sql: str, params: tuple = ()) -> Any:
    """Run one statement as the caller; its effects are always undone."""
    outcome: Any = None
    try:
        with conn.transaction():
            act_as(conn, claims)
            try:
                with conn.transaction():
                    cur = conn.execute(sql, params)
                    outcome = cur.fetchall() if cur.description else cur.rowcount
            except psycopg.errors.InsufficientPrivilege:
                outcome = DENIED
            raise _Undo
    except _Undo:
        pass
    return outcome


def visible(
    conn: psycopg.Connection, claims: dict[str, Any], table: str, column: str, candidates: list[Any]
) -> Any:
    rows = run_as(
        conn, claims, f"select {column} from {table} where {column} = any(%s)", (candidates,)
    )
    return rows if rows == DENIED else {r[0] for r in rows}


# table, column, the world's candidate keys, what each caller sees
SELECT_MATRIX: list[tuple[str, str, list[str], dict[str, Any]]] = [
    (
        "freelancers",
        "id",
        ["fA", "fB"],
        {
            "anon": DENIED,
            "owner": {"fA"},
            "other": {"fB"},
            "client": set(),
            "service": {"fA", "fB"},
        },
    ),
    (
        "client_requests",
        "id",
        ["rA", "rB"],
        {
            "anon": DENIED,
            "owner": {"rA"},
            "other": {"rB"},
            "client": {"rA"},
            "service": {"rA", "rB"},
        },
    ),
    (
        "notifications",
        "id",
        ["nA", "nB"],
        {
            "anon": DENIED,
            "owner": {"nA"},
            "other": {"nB"},
            "client": set(),
            "service": {"nA", "nB"},
        },
    ),
    (
        "private_chats",
        "id",
        ["cA", "cB"],
        {
            "anon": DENIED,
            "owner": {"cA"},
            "other": {"cB"},
            "client": {"cA"},
            "service": {"cA", "cB"},
        },
    ),
    (
        "chat_messages",
        "id",
        ["mA", "mB"],
        {
            "anon": DENIED,
            "owner": {"mA"},
            "other": {"mB"},
            "client": {"mA"},
            "service": {"mA", "mB"},
        },
    ),
    (
        "request_events",
        "id",
        ["eA", "eB"],
        {
            "anon": DENIED,
            "owner": {"eA"},
            "other": {"eB"},
            "client": set(),
            "service": {"eA", "eB"},
        },
    ),
    (
        "whatsapp_outbox",
        "id",
        ["wA", "wB"],
        {
            "anon": DENIED,
            "owner": DENIED,
            "other": DENIED,
            "client": DENIED,
            "service": {"wA", "wB"},
        },
    ),
    (
        "email_outbox",
        "id",
        ["mAmail", "mBmail"],
        {
            "anon": DENIED,
            "owner": DENIED,
            "other": DENIED,
            "client": DENIED,
            "service": {"mAmail", "mBmail"},
        },
    ),
]

SERVICE_ONLY_TABLES = (
    "bot_conversations",
    "whatsapp_inbound",
    "whatsapp_status_events",
    "email_events",
    "activity_log",
    "message_catalogue",
)


@pytest.mark.parametrize("caller", ["anon", "owner", "other", "client", "service"])
@pytest.mark.parametrize(
    ("table", "column", "keys", "expected"), SELECT_MATRIX, ids=[row[0] for row in SELECT_MATRIX]
)
def test_select(
    conn: psycopg.Connection,
    world: World,
    caller: str,
    table: str,
    column: str,
    keys: list[str],
    expected: dict[str, Any],
) -> None:
    candidates = [world.ids[k] for k in keys]
    seen = visible(conn, world.callers[caller], table, column, candidates)
    want = expected[caller]
    if want == DENIED:
        assert seen == DENIED
    else:
        assert seen == {world.ids[k] for k in want}


@pytest.mark.parametrize("caller", ["anon", "owner", "other", "client"])
@pytest.mark.parametrize("table", SERVICE_ONLY_TABLES)
def test_service_only_tables_are_closed(
    conn: psycopg.Connection, world: World, caller: str, table: str
) -> None:
    assert run_as(conn, world.callers[caller], f"select * from {table}") == DENIED
    service_rows = run_as(conn, SERVICE, f"select count(*) from {table}")
    assert service_rows != DENIED


def test_categories_are_for_signed_in_users(conn: psycopg.Connection, world: World) -> None:
    assert run_as(conn, ANON, "select slug from service_categories") == DENIED
    rows = run_as(conn, world.callers["owner"], "select slug from service_categories")
    assert len(rows) == 16


# caller, statement (with {placeholders} from the world's ids), expected outcome
WRITE_MATRIX: list[tuple[str, str, Any]] = [
    # notifications: owners mark their own read, nothing else
    ("owner", "update notifications set is_read = true, read_at = now() where id = '{nA}'", 1),
    ("owner", "update notifications set is_read = true where id = '{nB}'", 0),
    ("other", "update notifications set is_read = true where id = '{nA}'", 0),
    ("client", "update notifications set is_read = true where id = '{nA}'", 0),
    ("owner", "update notifications set title = 'x' where id = '{nA}'", DENIED),
    ("owner", "delete from notifications where id = '{nA}'", DENIED),
    (
        "owner",
        "insert into notifications (freelancer_id, title, message) values ('{fA}', 't', 'm')",
        DENIED,
    ),
    ("anon", "update notifications set is_read = true where id = '{nA}'", DENIED),
    # client_requests: state changes go through the functions only
    ("owner", "update client_requests set status = 'accepted' where id = '{rA}'", DENIED),
    (
        "owner",
        "insert into client_requests (client_whatsapp_phone, service_description) "
        "values ('+966500000009', 'x')",
        DENIED,
    ),
    ("owner", "delete from client_requests where id = '{rA}'", DENIED),
    ("client", "update client_requests set status = 'rejected' where id = '{rA}'", DENIED),
    (
        "anon",
        "insert into client_requests (client_whatsapp_phone, service_description) "
        "values ('+966500000009', 'x')",
        DENIED,
    ),
    ("service", "update client_requests set budget_range = '400 ريال' where id = '{rA}'", 1),
    # private chats: no direct writes by the parties
    ("owner", "update private_chats set status = 'completed' where id = '{cA}'", DENIED),
    ("client", "update private_chats set status = 'cancelled' where id = '{cA}'", DENIED),
    # chat messages: the parties write through chat_send_message() only, never
    # directly (issue 15, M6: a direct insert could carry any length, file_url or
    # was_masked)
    (
        "owner",
        "insert into chat_messages (chat_id, sender_type, sender_id, message_content) "
        "values ('{cA}', 'freelancer', '{fA}', 'أهلاً')",
        DENIED,
    ),
    (
        "owner",
        "insert into chat_messages (chat_id, sender_type, sender_id, message_content) "
        "values ('{cB}', 'freelancer', '{fA}', 'أهلاً')",
        DENIED,
    ),
    (
        "owner",
        "insert into chat_messages (chat_id, sender_type, sender_id, message_content) "
        "values ('{cA}', 'client', '+966500000001', 'انتحال')",
        DENIED,
    ),
    (
        "other",
        "insert into chat_messages (chat_id, sender_type, sender_id, message_content) "
        "values ('{cA}', 'freelancer', '{fB}', 'دخيل')",
        DENIED,
    ),
    (
        "client",
        "insert into chat_messages (chat_id, sender_type, sender_id, message_content) "
        "values ('{cA}', 'client', '+966500000001', 'مرحبا')",
        DENIED,
    ),
    (
        "client",
        "insert into chat_messages (chat_id, sender_type, sender_id, message_content) "
        "values ('{cB}', 'client', '+966500000002', 'مرحبا')",
        DENIED,
    ),
    (
        "client",
        "insert into chat_messages (chat_id, sender_type, sender_id, message_content) "
        "values ('{cA}', 'freelancer', '{fA}', 'انتحال')",
        DENIED,
    ),
    (
        "client",
        "insert into chat_messages (chat_id, sender_type, sender_id, message_content, "
        "message_type) values ('{cA}', 'client', '+966500000001', 'x', 'system')",
        DENIED,
    ),
    (
        "anon",
        "insert into chat_messages (chat_id, sender_type, sender_id, message_content) "
        "values ('{cA}', 'client', '+966500000001', 'x')",
        DENIED,
    ),
    ("owner", "update chat_messages set message_content = 'x' where id = '{mA}'", DENIED),
    ("client", "delete from chat_messages where id = '{mA}'", DENIED),
    # freelancers: profiles are not edited through the Data API (issue 15, M6)
    ("owner", "update freelancers set headline = 'كاتب إعلانات' where id = '{fA}'", DENIED),
    ("owner", "update freelancers set headline = 'x' where id = '{fB}'", DENIED),
    ("owner", "update freelancers set rating = 5 where id = '{fA}'", DENIED),
    ("owner", "delete from freelancers where id = '{fA}'", DENIED),
    ("client", "update freelancers set headline = 'x' where id = '{fA}'", DENIED),
    # server-side tables
    ("owner", "insert into activity_log (actor_type, action) values ('freelancer', 'x')", DENIED),
    ("client", "update whatsapp_outbox set status = 'sent'", DENIED),
    ("owner", "select public.expire_requests()", DENIED),
    ("anon", "select public.log_activity('system', null, 'x', null, null)", DENIED),
    ("service", "select public.expire_requests()", [(0,)]),
]


@pytest.mark.parametrize(
    ("caller", "statement", "expected"),
    WRITE_MATRIX,
    ids=[f"{c}:{s[:48]}" for c, s, _ in WRITE_MATRIX],
)
def test_write(
    conn: psycopg.Connection, world: World, caller: str, statement: str, expected: Any
) -> None:
    sql = statement.format(**{k: str(v) for k, v in world.ids.items()})
    assert run_as(conn, world.callers[caller], sql) == expected


def test_a_completed_chat_takes_no_more_messages(conn: psycopg.Connection, world: World) -> None:
    conn.execute("update private_chats set status = 'completed' where id = %s",
                 (world.ids["cA"],))
    sql = ("insert into chat_messages (chat_id, sender_type, sender_id, message_content) "
           "values (%s, 'client', '+966500000001', 'بعد الإغلاق')")
    with pytest.raises(psycopg.DatabaseError) as refused, conn.transaction():
        act_as(conn, world.callers["client"])
        conn.execute(sql, (world.ids["cA"],))
    assert refused.value.sqlstate in ("KH409", "42501")
    count = conn.execute("select count(*) from chat_messages where message_content = "
                         "'بعد الإغلاق'").fetchone()
    assert count == (0,)


def test_an_expired_or_forged_chat_claim_sees_nothing(
    conn: psycopg.Connection, world: World
) -> None:
    forged = {**world.callers["client"], "chat_role": "freelancer"}
    assert visible(conn, forged, "private_chats", "id", [world.ids["cA"]]) == set()
    garbage = {**world.callers["client"], "chat_id": "not-a-uuid"}
    assert visible(conn, garbage, "chat_messages", "id", [world.ids["mA"]]) == set()

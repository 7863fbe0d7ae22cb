"""One rule, one place: each rule below is stated once in SQL, and everything else
asks it. These tests fail when a rule is written a second time (a function or a
policy restating it) or when the Python mirror drifts from SQL."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from khadum.db import act_as
from khadum.rules import REQUEST_STATUSES, TEXT_LIMITS, is_email
from khadum.sqlerrors import translate
from tests.factories import (
    MOHAMMED,
    NOURA,
    add_message,
    answer_details,
    chat_client_claims,
    freelancer_claims,
    make_chat,
    make_request,
    submit_request,
)

ROOT = Path(__file__).resolve().parents[2]


def _functions(conn: psycopg.Connection) -> dict[str, str]:
    """name → body of every function in the public schema."""
    rows = conn.execute(
        "select p.proname, p.prosrc from pg_proc p "
        "join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'"
    ).fetchall()
    bodies: dict[str, str] = {}
    for name, body in rows:
        bodies[name] = bodies.get(name, "") + "\n" + (body or "")
    return bodies


def _python_sources() -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for folder in ("khadum", "functions")
        for path in (ROOT / folder).rglob("*.py")
    }


# -- the email rule: public.is_email, mirrored once by khadum.rules -------------------

EMAILS = [
    "sara@example.com", "SARA.Q+tag@Example.co.uk", "a_b%c@sub-domain.example.sa",
    "sara@example", "sara@@example.com", "sara example@x.com", "@example.com", "sara@.com",
    "sara@example.c", "sara@exa_mple.com", "سارة@example.com", "sara@example.com\n",
    "sara@example.com.", "a" * 243 + "@example.com", "a" * 242 + "@example.com", "",
]


def test_email_rule_is_the_same_in_sql_and_python(conn: psycopg.Connection) -> None:
    for email in EMAILS:
        row = conn.execute("select public.is_email(%s)", (email,)).fetchone()
        assert row is not None
        assert row[0] is is_email(email), email


def test_the_email_pattern_is_written_once() -> None:
    # An email pattern has a character class right before or after its "@".
    pattern = re.compile(r"\]\+?@|@\[")
    hits = [name for name, text in _python_sources().items()
            if pattern.search(text) and name != "khadum/rules.py"]
    assert hits == []


def test_a_bad_email_is_a_kh422_refusal(conn: psycopg.Connection) -> None:
    # The contact details are checked (in SQL) before they are sealed.
    with pytest.raises(psycopg.Error) as caught:
        submit_request(conn, "+966500000001", conn.execute(
            "select id from public.freelancers limit 1").fetchone()[0], email="sara@example")
    refused = translate(caught.value)
    assert refused is not None and (refused.status, refused.code) == (422, "invalid_email")
    conn.rollback()
    with pytest.raises(psycopg.Error) as caught:
        conn.execute("select public.check_client_contact('966500000001', null)")
    refused = translate(caught.value)
    assert refused is not None and (refused.status, refused.code) == (422, "invalid_phone")


# -- one error family -------------------------------------------------------------------

# Faults, not refusals (a trigger standing in for a foreign key, a missing catalogue
# entry), and WhatsApp status intake, which the notice pipeline redefines.
NOT_REFUSALS = {"freelancers_check_categories", "render_message", "record_whatsapp_status"}


def test_every_deliberate_refusal_is_kh4xx(conn: psycopg.Connection) -> None:
    odd = {
        name: codes for name, body in _functions(conn).items()
        if name not in NOT_REFUSALS
        and (codes := sorted({c for c in re.findall(r"errcode\s*=\s*'([0-9A-Z]{5})'", body)
                              if not c.startswith("KH")}))
    }
    assert odd == {}


def test_answering_a_closed_request_is_a_kh409(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        overdue = make_request(conn, MOHAMMED, phone="+966500000002",
                               expires_in=timedelta(seconds=-1))
        with pytest.raises(psycopg.Error) as caught:
            answer_details(conn, overdue, "+966500000002", "نعم")
        refused = translate(caught.value)
        assert refused is not None
        assert (refused.status, refused.code) == (409, "request_not_actionable")


# -- when a request expires: public.effective_status_at, nowhere else -----------------

# A deadline held against anything: expires_at on either side of a comparison.
_DEADLINE = re.compile(r"expires_at\s*(?:<=|>=|<|>)|(?:<=|>=|<|>)\s*[\w.]*expires_at",
                       re.IGNORECASE)


def test_the_deadline_is_compared_once(conn: psycopg.Connection) -> None:
    restating = sorted(name for name, body in _functions(conn).items()
                       if _DEADLINE.search(body))
    assert restating == ["effective_status_at"]
    bodies = _functions(conn)
    for asker in ("effective_status_of", "effective_status", "is_actionable"):
        assert "effective_status_at(" in bodies[asker], asker
    python = [name for name, text in _python_sources().items() if _DEADLINE.search(text)]
    assert python == []


def test_the_rule_at_an_instant(conn: psycopg.Connection) -> None:
    row = conn.execute(
        "select public.effective_status_at('pending', t, t - interval '1 second'), "
        "       public.effective_status_at('pending', t, t), "
        "       public.effective_status_at('accepted', t, t + interval '1 day') "
        "from (select now() as t) x").fetchone()
    assert row == ("pending", "expired", "accepted")


def test_every_path_agrees_at_the_deadline(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        overdue = make_request(conn, MOHAMMED, phone="+966500000003",
                               expires_in=timedelta(seconds=-1))
        live = make_request(conn, MOHAMMED, phone="+966500000004",
                            expires_in=timedelta(hours=1))
        conn.commit()
        rows = {r[0]: r[1:] for r in conn.execute(
            "select id, public.effective_status(r), public.is_actionable(r) "
            "from public.client_requests r where id = any(%s)", ([overdue, live],))}
        assert rows[overdue] == ("expired", False) and rows[live] == ("pending", True)
        user = conn.execute("select user_id from public.freelancers f join "
                            "public.client_requests r on r.freelancer_id = f.id "
                            "where r.id = %s", (overdue,)).fetchone()
        assert user is not None
        with pytest.raises(psycopg.Error) as caught:
            conn.execute("select public.lock_request_for_response(%s, %s)", (overdue, user[0]))
        assert caught.value.diag.message_primary == "request_expired"
        conn.rollback()
        # An expired-but-unswept request no longer holds the client's one slot
        # with this freelancer: a new one is accepted.
        owner = conn.execute("select freelancer_id from public.client_requests where id = %s",
                             (overdue,)).fetchone()
        assert owner is not None
        assert submit_request(conn, "+966500000003", owner[0]) is not None


# -- who may read a chat: public.caller_chats, nowhere else ---------------------------

CHAT_TABLES = ("private_chats", "chat_messages", "chat_ratings")


def test_chat_read_policies_ask_caller_chats(conn: psycopg.Connection) -> None:
    policies = conn.execute(
        "select tablename, policyname, coalesce(qual, '') || coalesce(with_check, '') "
        "from pg_policies where schemaname = 'public' and tablename = any(%s) "
        "and cmd = 'SELECT'", (list(CHAT_TABLES),)).fetchall()
    assert {p[0] for p in policies} == set(CHAT_TABLES)
    for table, name, expression in policies:
        assert "caller_chats()" in expression, (table, name)
        assert "current_freelancer_id" not in expression, (table, name)
        assert "current_chat_session_id" not in expression, (table, name)


def test_the_chat_session_claim_is_read_by_the_rule_only(conn: psycopg.Connection) -> None:
    bodies = _functions(conn)
    readers = sorted(n for n, b in bodies.items() if "current_chat_session_id()" in b)
    assert readers == ["caller_chats", "current_chat_session_request_id"]
    # The point predicates are the rule asked about one chat, not the rule again.
    assert "caller_chats(" in bodies["chat_side"]
    assert "chat_side(" in bodies["is_chat_party"]
    assert "private_chats" not in bodies["chat_side"] + bodies["is_chat_party"]
    python = [n for n, t in _python_sources().items() if "chat_role" in t]
    assert sorted(python) == ["khadum/auth.py", "khadum/seed/history.py"]


def test_every_way_of_asking_agrees(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        mine = make_chat(conn, make_request(conn, MOHAMMED, phone="+966500000005"))
        theirs = make_chat(conn, make_request(conn, NOURA, phone="+966500000006"))
        for chat in (mine, theirs):
            add_message(conn, chat)
        conn.commit()
        callers: dict[str, tuple[dict[str, Any], dict[uuid.UUID, str | None]]] = {
            "owner": (freelancer_claims(MOHAMMED), {mine: "freelancer", theirs: None}),
            "other freelancer": (freelancer_claims(NOURA), {mine: None, theirs: "freelancer"}),
            "client of mine": (chat_client_claims(mine), {mine: "client", theirs: None}),
            "stranger": (chat_client_claims(uuid.uuid4()), {mine: None, theirs: None}),
        }
        for who, (claims, expected) in callers.items():
            for chat, side in expected.items():
                with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
                    act_as(conn, claims)
                    cur.execute(
                        "select public.chat_side(%(c)s) as side, "
                        "public.is_chat_party(%(c)s) as party, "
                        "public.can_use_topic('chat:' || %(c)s) as topic, "
                        "exists (select 1 from public.private_chats where id = %(c)s) as chat, "
                        "exists (select 1 from public.chat_messages where chat_id = %(c)s) "
                        "  as messages", {"c": chat})
                    got = cur.fetchone()
                assert got == {"side": side, "party": side is not None,
                               "topic": side is not None, "chat": side is not None,
                               "messages": side is not None}, who


# -- limits and statuses: SQL owns them, khadum.rules mirrors them once --------------

# Redefined by the notice pipeline; held to the same limit at the boundary below.
RESPOND = {"reject_request", "request_details"}
_LITERAL_CAP = re.compile(r"length\([^;]*?\)\s*>\s*\d{3,}")


def test_text_limits_are_sqls(conn: psycopg.Connection) -> None:
    body = _functions(conn)["text_limit"]
    assert set(re.findall(r"when '(\w+)'", body)) == set(TEXT_LIMITS)
    for name, value in TEXT_LIMITS.items():
        row = conn.execute("select public.text_limit(%s)", (name,)).fetchone()
        assert row == (value,), name


def test_no_function_restates_a_text_limit(conn: psycopg.Connection) -> None:
    restating = sorted(name for name, body in _functions(conn).items()
                       if _LITERAL_CAP.search(body) and name not in RESPOND)
    assert restating == []
    values = "|".join(str(v) for v in set(TEXT_LIMITS.values()))
    python = [name for name, text in _python_sources().items()
              if re.search(rf"max_length\s*=\s*(?:{values})\b"
                           r"|MAX_(?:TEXT|MESSAGE|COMMENT|REASON)\w*\s*=\s*\d", text)
              and name != "khadum/rules.py"]
    assert python == []


def test_the_request_message_limit_holds_at_the_boundary(clean_db: str) -> None:
    limit = TEXT_LIMITS["request_message"]
    with psycopg.connect(clean_db) as conn:
        ok = make_request(conn, MOHAMMED, phone="+966500000007")
        long = make_request(conn, MOHAMMED, phone="+966500000008")
        user = conn.execute("select user_id from public.freelancers f join "
                            "public.client_requests r on r.freelancer_id = f.id "
                            "where r.id = %s", (ok,)).fetchone()
        assert user is not None
        conn.commit()
        conn.execute("select public.reject_request(%s, %s, %s)", (ok, user[0], "x" * limit))
        conn.commit()
        with pytest.raises(psycopg.Error) as caught:
            conn.execute("select public.reject_request(%s, %s, %s)",
                         (long, user[0], "x" * (limit + 1)))
        assert caught.value.diag.message_primary == "message_too_long"


def test_request_statuses_are_the_check_constraints(conn: psycopg.Connection) -> None:
    row = conn.execute(
        "select pg_get_constraintdef(c.oid) from pg_constraint c "
        "where c.conrelid = 'public.client_requests'::regclass and c.contype = 'c' "
        "and pg_get_constraintdef(c.oid) like '%%status%%'").fetchone()
    assert row is not None
    assert tuple(re.findall(r"'(\w+)'", row[0])) == REQUEST_STATUSES
